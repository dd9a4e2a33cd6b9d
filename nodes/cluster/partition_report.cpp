#include "nodes/cluster/partition_report.hpp"

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <cctype>
#include <ctime>

namespace cwts::cluster {

namespace {

constexpr int64_t ns_per_ms = 1'000'000;
constexpr size_t max_notes = 20; // a broken file must not grow the report without bound

std::string string_member(const rapidjson::Value& doc, const char* key) {
  auto it = doc.FindMember(key);
  return it != doc.MemberEnd() && it->value.IsString()
           ? std::string(it->value.GetString(), it->value.GetStringLength())
           : std::string();
}

int64_t ms_between(int64_t from_ns, int64_t to_ns) {
  return (to_ns - from_ns) / ns_per_ms;
}

void note(partition_result& r, std::string text) {
  if (r.notes.size() < max_notes)
    r.notes.push_back(std::move(text));
}

// The last cut at or before `t` (monotonic or wall clock), else the first.
int64_t last_cut_before(const partition_run& run, int64_t t, bool mono) {
  int64_t at = mono ? run.cut_mono_ns : run.cut_wall_ns;
  for (auto& c : run.cuts) {
    auto v = mono ? c.mono_ns : c.wall_ns;
    if (v <= t && v > at)
      at = v;
  }
  return at;
}

// The links were healed before wall-clock time `t`.
bool healed_before(const partition_run& run, int64_t t) {
  return run.heal_wall_ns != 0 && run.heal_wall_ns <= t;
}

// When `node`'s gate closed after the cut: for every leased role it held
// before the cut, the first event after the cut that ended it (a lapse:
// lease_lost, the gate closed at held_until_ns; a give-back: lease_released,
// closed when logged); the node's gate is closed once the last role's is.
void gate_closure(const partition_run& run, const std::string& node, partition_result& r) {
  auto it = run.events.find(node);
  if (it == run.events.end())
    return;
  std::set<std::string> held;
  std::map<std::string, std::pair<int64_t, std::string>> closed; // role -> ms after the cut
  // A lease can end while the cut's links are being blocked (a majority
  // lost before the last one): that closure is the cut's doing too, at
  // 0 ms after it (held_until before the cut was in place).
  auto began = run.cut_began_wall_ns != 0 ? run.cut_began_wall_ns : run.cut_wall_ns;
  for (auto& e : it->second) {
    auto role = e.field("role");
    if (role.empty())
      continue;
    if (e.wall_ns < began) {
      if (e.name == "lease_acquired")
        held.insert(role);
      else if (e.name == "lease_lost" || e.name == "lease_released")
        held.erase(role);
      continue;
    }
    if (!held.count(role) || closed.count(role))
      continue;
    if (e.name == "lease_lost") {
      auto until = e.number("held_until_ns");
      if (!until) {
        note(r, node + ": lease_lost without held_until_ns");
        continue;
      }
      // A lease that ended after the heal (a shutdown, a later event) is
      // not this partition's doing.
      if (healed_before(run, run.cut_wall_ns + (*until - run.cut_mono_ns)))
        continue;
      closed[role] = {std::max<int64_t>(0, ms_between(last_cut_before(run, *until, true), *until)),
                      "lease_lost role=" + role + " held_until_ns"};
    } else if (e.name == "lease_released") {
      if (healed_before(run, e.wall_ns))
        continue;
      closed[role] = {std::max<int64_t>(0, ms_between(last_cut_before(run, e.wall_ns, false), e.wall_ns)),
                      "lease_released role=" + role};
    }
  }
  if (held.empty() || closed.size() < held.size())
    return; // it kept (some of) its lease
  auto last = std::max_element(closed.begin(), closed.end(), [](auto& a, auto& b) {
    return a.second.first < b.second.first;
  });
  r.gate_closed_after_cut_ms = last->second.first;
  r.gate_closed_how = last->second.second;
}

// The venue's log, in the order the venue received it (file order, ties
// kept): who held the account, every handover, every overlap order.
void order_flow(const partition_run& run, partition_result& r) {
  std::vector<const venue_order_op*> ops;
  for (auto& o : run.orders)
    if (o.account == run.account && o.protocol != "internal")
      ops.push_back(&o);
  std::stable_sort(ops.begin(), ops.end(),
                   [](auto* a, auto* b) { return a->ts_ns < b->ts_ns; });
  std::string holder;
  std::map<std::string, int64_t> succeeded_at; // node -> its successor's first order
  std::set<std::string> known_nodes;
  for (auto& [address, node] : run.node_of_address)
    known_nodes.insert(node);
  for (auto* o : ops) {
    ++r.order_lines;
    auto at = run.node_of_address.find(o->address());
    if (at == run.node_of_address.end()) {
      if (o->is_order()) {
        ++r.unknown_sender_orders;
        note(r, "an order from " + o->remote + " (no node's address): " + o->client_order_id);
      }
      continue;
    }
    auto& node = at->second;
    auto succeeded = succeeded_at.find(node);
    if (o->is_cancel()) {
      if (succeeded == succeeded_at.end() || o->ts_ns < succeeded->second)
        continue;
      ++r.cancels_after_succeeded[node];
      auto owner = o->client_order_id.substr(0, o->client_order_id.find('-'));
      if (owner != node && known_nodes.count(owner) && r.cancels_of_others[node]++ == 0
          && r.first_cancel_of_other.empty())
        r.first_cancel_of_other = node + " cancelled " + o->client_order_id + " "
                                  + std::to_string(ms_between(run.cut_wall_ns, o->ts_ns))
                                  + " ms after the cut";
      continue;
    }
    if (!o->is_order())
      continue;
    bool after_cut = o->ts_ns >= run.cut_wall_ns;
    if (after_cut) {
      ++r.orders_after_cut[node];
      if (run.heal_wall_ns == 0 || o->ts_ns < run.heal_wall_ns)
        ++r.orders_while_cut[node];
      if (node == run.old_holder) {
        if (!healed_before(run, o->ts_ns))
          r.old_holder_last_order_after_cut_ms = ms_between(run.cut_wall_ns, o->ts_ns);
      } else if (r.new_holder.empty()) {
        r.new_holder = node;
        r.new_holder_traded_after_cut_ms = ms_between(run.cut_wall_ns, o->ts_ns);
      }
    }
    if (succeeded != succeeded_at.end()) {
      // It was succeeded and sends again: two nodes trade the account.
      if (r.overlap_orders[node]++ == 0 && r.first_overlap.empty())
        r.first_overlap = node + " sent " + o->action + " " + o->client_order_id + " "
                          + std::to_string(ms_between(succeeded->second, o->ts_ns))
                          + " ms after " + holder + " took over";
      continue;
    }
    if (holder.empty()) {
      holder = node;
    } else if (node != holder) {
      succeeded_at[holder] = o->ts_ns;
      holder = node;
      ++r.handovers;
    }
  }
}

using writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void str(writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

void opt_num(writer& w, const char* key, const std::optional<int64_t>& v) {
  w.Key(key);
  if (v)
    w.Int64(*v);
  else
    w.Null();
}

void counts(writer& w, const char* key, const std::map<std::string, int64_t>& m) {
  w.Key(key);
  w.StartObject();
  for (auto& [node, n] : m) {
    w.Key(node.c_str());
    w.Int64(n);
  }
  w.EndObject();
}

std::string ms_text(const std::optional<int64_t>& v, const char* none) {
  return v ? std::to_string(*v) + " ms" : std::string(none);
}

std::string counts_text(const std::map<std::string, int64_t>& m) {
  std::string out;
  for (auto& [node, n] : m)
    out += (out.empty() ? "" : ", ") + node + " " + std::to_string(n);
  return out.empty() ? "none" : out;
}

} // namespace

std::string venue_order_op::address() const {
  auto colon = remote.rfind(':');
  return colon == std::string::npos ? remote : remote.substr(0, colon);
}

std::optional<venue_order_op> parse_order_log_line(const std::string& line, std::string& error) {
  rapidjson::Document doc;
  if (doc.Parse(line.c_str(), line.size()).HasParseError() || !doc.IsObject()) {
    error = "not a JSON object";
    return std::nullopt;
  }
  auto ts = doc.FindMember("ts_ns");
  if (ts == doc.MemberEnd() || !ts->value.IsInt64()) {
    error = "no ts_ns";
    return std::nullopt;
  }
  venue_order_op op;
  op.ts_ns = ts->value.GetInt64();
  op.account = string_member(doc, "account");
  op.protocol = string_member(doc, "protocol");
  op.remote = string_member(doc, "remote");
  op.action = string_member(doc, "action");
  op.client_order_id = string_member(doc, "client_order_id");
  op.outcome = string_member(doc, "outcome");
  if (op.account.empty() || op.action.empty()) {
    error = "no account or action";
    return std::nullopt;
  }
  return op;
}

std::optional<int64_t> parse_utc_timestamp(const std::string& text) {
  // YYYY-MM-DDTHH:MM:SS.mmmZ (the node's spdlog pattern, UTC)
  if (text.size() != 24 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':'
      || text[16] != ':' || text[19] != '.' || text[23] != 'Z')
    return std::nullopt;
  auto digits = [&](size_t at, size_t n) -> std::optional<int> {
    int v = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(text[i])))
        return std::nullopt;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  auto y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2), h = digits(11, 2),
       mi = digits(14, 2), s = digits(17, 2), ms = digits(20, 3);
  if (!y || !mo || !d || !h || !mi || !s || !ms || *mo < 1 || *mo > 12 || *d < 1 || *d > 31
      || *h > 23 || *mi > 59 || *s > 60)
    return std::nullopt;
  std::tm tm{};
  tm.tm_year = *y - 1900;
  tm.tm_mon = *mo - 1;
  tm.tm_mday = *d;
  tm.tm_hour = *h;
  tm.tm_min = *mi;
  tm.tm_sec = *s;
  auto secs = static_cast<int64_t>(::timegm(&tm));
  return secs * 1'000'000'000 + static_cast<int64_t>(*ms) * ns_per_ms;
}

std::optional<node_log_event> parse_node_log_line(const std::string& line) {
  auto space = line.find(' ');
  if (space == std::string::npos)
    return std::nullopt;
  auto ts = parse_utc_timestamp(line.substr(0, space));
  auto at = line.find(" event=");
  if (!ts || at == std::string::npos)
    return std::nullopt;
  node_log_event e;
  e.wall_ns = *ts;
  // key=value pairs after the level; a value in quotes may hold spaces.
  size_t i = at + 1;
  while (i < line.size()) {
    auto eq = line.find('=', i);
    if (eq == std::string::npos)
      break;
    auto key = line.substr(i, eq - i);
    std::string value;
    size_t next;
    if (eq + 1 < line.size() && line[eq + 1] == '"') {
      auto close = line.find('"', eq + 2);
      if (close == std::string::npos)
        close = line.size();
      value = line.substr(eq + 2, close - eq - 2);
      next = close + 1;
    } else {
      auto end = line.find(' ', eq + 1);
      if (end == std::string::npos)
        end = line.size();
      value = line.substr(eq + 1, end - eq - 1);
      next = end;
    }
    if (key.find(' ') == std::string::npos && !key.empty())
      e.fields[key] = value;
    while (next < line.size() && line[next] == ' ')
      ++next;
    i = next;
  }
  e.name = e.field("event");
  if (e.name.empty())
    return std::nullopt;
  return e;
}

std::string node_log_event::field(const std::string& key) const {
  auto it = fields.find(key);
  return it == fields.end() ? std::string() : it->second;
}

std::optional<int64_t> node_log_event::number(const std::string& key) const {
  auto text = field(key);
  if (text.empty())
    return std::nullopt;
  try {
    size_t used = 0;
    auto v = std::stoll(text, &used);
    if (used != text.size())
      return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

int64_t partition_result::overlap_total() const {
  int64_t n = 0;
  for (auto& [node, count] : overlap_orders)
    n += count;
  return n;
}

partition_result analyse_partition(const partition_run& run) {
  partition_result r;
  r.scenario = run.scenario;
  r.old_holder = run.old_holder;
  gate_closure(run, run.old_holder, r);
  order_flow(run, r);
  for (auto& [node, holds] : run.holds_at_end)
    if (holds)
      r.holders_at_end.push_back(node);
  return r;
}

std::string to_json(const partition_result& r) {
  rapidjson::StringBuffer buf;
  writer w(buf);
  w.StartObject();
  str(w, "scenario", r.scenario);
  str(w, "old_holder", r.old_holder);
  opt_num(w, "gate_closed_after_cut_ms", r.gate_closed_after_cut_ms);
  str(w, "gate_closed_how", r.gate_closed_how);
  opt_num(w, "old_holder_last_order_after_cut_ms", r.old_holder_last_order_after_cut_ms);
  str(w, "new_holder", r.new_holder);
  opt_num(w, "new_holder_traded_after_cut_ms", r.new_holder_traded_after_cut_ms);
  w.Key("handovers");
  w.Int(r.handovers);
  counts(w, "orders_after_cut", r.orders_after_cut);
  counts(w, "orders_while_cut", r.orders_while_cut);
  counts(w, "overlap_orders", r.overlap_orders);
  w.Key("overlap_total");
  w.Int64(r.overlap_total());
  str(w, "first_overlap", r.first_overlap);
  counts(w, "cancels_after_succeeded", r.cancels_after_succeeded);
  counts(w, "cancels_of_others", r.cancels_of_others);
  str(w, "first_cancel_of_other", r.first_cancel_of_other);
  w.Key("unknown_sender_orders");
  w.Int64(r.unknown_sender_orders);
  w.Key("holders_at_end");
  w.StartArray();
  for (auto& h : r.holders_at_end)
    w.String(h.c_str());
  w.EndArray();
  w.Key("order_lines");
  w.Int64(r.order_lines);
  w.Key("notes");
  w.StartArray();
  for (auto& n : r.notes)
    w.String(n.c_str());
  w.EndArray();
  w.EndObject();
  return buf.GetString();
}

void print(const partition_result& r, std::ostream& out) {
  std::string holders;
  for (auto& h : r.holders_at_end)
    holders += (holders.empty() ? "" : ",") + h;
  out << "  gate of " << r.old_holder << " closed after the cut: "
      << ms_text(r.gate_closed_after_cut_ms, "never (it kept the lease)")
      << (r.gate_closed_how.empty() ? "" : " (" + r.gate_closed_how + ")") << "\n"
      << "  " << r.old_holder << "'s last order after the cut: "
      << ms_text(r.old_holder_last_order_after_cut_ms, "none") << "\n"
      << "  new holder traded after the cut: "
      << (r.new_holder.empty() ? std::string("nobody")
                               : r.new_holder + " after "
                                   + ms_text(r.new_holder_traded_after_cut_ms, "-"))
      << "\n"
      << "  orders after the cut: " << counts_text(r.orders_after_cut)
      << "; while cut: " << counts_text(r.orders_while_cut) << "\n"
      << "  overlap orders per node: " << counts_text(r.overlap_orders) << " (total "
      << r.overlap_total() << ")" << (r.first_overlap.empty() ? "" : ": " + r.first_overlap)
      << "\n"
      << "  cancels from a succeeded node: " << counts_text(r.cancels_after_succeeded)
      << ", of another node's orders: " << counts_text(r.cancels_of_others)
      << (r.first_cancel_of_other.empty() ? "" : " (" + r.first_cancel_of_other + ")") << "\n"
      << "  orders from unknown addresses: " << r.unknown_sender_orders << "\n"
      << "  oms lease holders after the heal: " << (holders.empty() ? "none" : holders)
      << "; handovers " << r.handovers << "\n";
  for (auto& n : r.notes)
    out << "  note: " << n << "\n";
}

} // namespace cwts::cluster
