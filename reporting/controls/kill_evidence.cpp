#include "reporting/controls/kill_evidence.hpp"

#include <map>

namespace cwts::report {

namespace {

using fields = std::map<std::string, std::string>;

// Lines named one by one at most (a damaged file is named, not copied).
constexpr size_t max_problems = 100;

std::string get(const fields& f, const char* key) {
  auto i = f.find(key);
  return i == f.end() ? std::string() : i->second;
}

int64_t num(const fields& f, const char* key, int64_t fallback = 0) {
  return field_int(f, key, fallback);
}

// "<seq>\t<prev>\t<hash>\t<record>\t<signature>": the record's fields.
fields record_of(const std::string& line, int64_t& seq) {
  std::vector<std::string> parts;
  std::string::size_type start = 0;
  while (parts.size() < 5) {
    auto tab = line.find('\t', start);
    parts.push_back(line.substr(start, tab == std::string::npos ? tab : tab - start));
    if (tab == std::string::npos)
      break;
    start = tab + 1;
  }
  if (parts.size() != 5)
    return {};
  seq = std::atoll(parts[0].c_str());
  return parse_audit_record(parts[3]);
}

struct gather {
  int64_t from_ns;
  int64_t to_ns;
  audit_evidence& out;
  std::map<std::string, size_t> kill_index; // id -> its latest kill so far
  std::map<std::string, size_t> reset_index;

  bool in_day(int64_t ts) const { return ts >= from_ns && ts < to_ns; }

  kill_row* kill(const fields& f) {
    auto i = kill_index.find(get(f, "id"));
    return i == kill_index.end() ? nullptr : &out.kills[i->second];
  }

  reset_row* reset(const std::string& id) {
    auto i = reset_index.find(id);
    return i == reset_index.end() ? nullptr : &out.resets[i->second];
  }

  void on_kill_command(const fields& f, int64_t seq) {
    // Acted on: accepted here, or applied as a copy (the sampler writes
    // refused and duplicate ones, which closed no gate).
    if (get(f, "verdict") != "accepted")
      return;
    if (!in_day(num(f, "ts_ns"))) {
      kill_index.erase(get(f, "id")); // later results are that kill's, not an earlier one's
      return;
    }
    kill_row k;
    k.id = get(f, "id");
    k.ts_ns = num(f, "ts_ns");
    k.issued_at_ns = num(f, "issued_at_ns");
    k.level = num(f, "level");
    k.scope = get(f, "scope");
    k.scope_value = get(f, "scope_value");
    k.issuer = get(f, "issuer");
    k.origin = get(f, "origin");
    k.via = get(f, "via");
    k.reason = get(f, "text");
    k.audit_note = get(f, "reason");
    k.audit_seq = seq;
    kill_index[k.id] = out.kills.size();
    out.kills.push_back(std::move(k));
  }

  void on_record(const fields& f, int64_t seq) {
    auto event = get(f, "event");
    if (event == "kill_command")
      return on_kill_command(f, seq);
    if (event == "kill_ack") {
      if (auto* k = kill(f))
        k->acks.push_back({get(f, "from"), num(f, "applied") == 1, num(f, "verify_ns"),
                           num(f, "gate_close_ns"), get(f, "error")});
      return;
    }
    if (event == "channel_result") {
      if (auto* k = kill(f)) {
        kill_channel c;
        c.node = get(f, "from");
        c.channel = get(f, "channel");
        c.venue = get(f, "venue");
        c.ok = num(f, "ok") == 1;
        c.duration_ns = num(f, "duration_ns");
        c.recorded_ns = num(f, "ts_ns");
        c.retries = num(f, "retries");
        c.canceled = num(f, "canceled");
        c.open_after = num(f, "open_after", -1);
        c.error = get(f, "error");
        c.audit_seq = seq;
        k->channels.push_back(std::move(c));
      }
      return;
    }
    if (event == "channel_escalated") {
      if (auto* k = kill(f))
        k->escalations.push_back("channel " + get(f, "channel")
                                 + (get(f, "venue").empty() ? "" : " venue " + get(f, "venue"))
                                 + " escalated after " + get(f, "attempts") + " attempts: "
                                 + get(f, "error"));
      return;
    }
    on_reset_record(event, f);
  }

  void on_reset_record(const std::string& event, const fields& f) {
    if (event == "reset_command" && in_day(num(f, "ts_ns")) && !reset(get(f, "id"))) {
      reset_row r;
      r.id = get(f, "id");
      r.ts_ns = num(f, "ts_ns");
      r.issuer = get(f, "issuer");
      r.reason = get(f, "text");
      r.verdict = get(f, "verdict");
      reset_index[r.id] = out.resets.size();
      out.resets.push_back(std::move(r));
    } else if (event == "reset_vote") {
      if (auto* r = reset(get(f, "reset")))
        r->votes.push_back({get(f, "from"), num(f, "yes") == 1, num(f, "epoch"), get(f, "why"),
                            get(f, "verdict")});
    } else if (event == "reset_resumed") {
      if (auto* r = reset(get(f, "id"))) {
        r->resumed = true;
        r->resumed_ns = num(f, "ts_ns");
        r->yes = num(f, "yes");
        r->quorum = num(f, "quorum");
      }
    }
  }

  // Each kill's halt ended with the first reset that resumed trading after it.
  void link_resets() {
    for (auto& k : out.kills)
      for (auto& r : out.resets)
        if (r.resumed && r.resumed_ns > k.ts_ns) {
          k.reset_id = r.id;
          break;
        }
  }
};

} // namespace

audit_evidence read_kill_audit(const std::vector<std::string>& files, int64_t from_ns,
                               int64_t to_ns) {
  audit_evidence out;
  gather g{from_ns, to_ns, out, {}, {}};
  for (auto& file : files) {
    audit_line_reader in(file, audit_max_line);
    if (!in.is_open()) {
      out.problems.push_back(file + ": cannot open");
      continue;
    }
    std::string line;
    bool terminated = false;
    audit_line_reader::result r;
    while ((r = in.next(line, terminated)) == audit_line_reader::result::line) {
      ++out.records;
      int64_t seq = 0;
      auto f = record_of(line, seq);
      if (f.empty()) {
        if (out.problems.size() < max_problems)
          out.problems.push_back(file + " line " + std::to_string(in.line_no())
                                 + ": record not readable");
        continue;
      }
      if (out.first_seq < 0) {
        out.first_seq = seq;
        out.first_ts_ns = num(f, "ts_ns");
      }
      g.on_record(f, seq);
    }
    if (r != audit_line_reader::result::end && out.problems.size() < max_problems)
      out.problems.push_back(file + " line " + std::to_string(in.line_no() + 1)
                             + (r == audit_line_reader::result::too_long ? ": line too long"
                                                                         : ": read error"));
  }
  g.link_resets();
  return out;
}

} // namespace cwts::report
