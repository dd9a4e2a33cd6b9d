#include "nodes/cluster/drill_report.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

namespace cwts::cluster {

namespace {

using writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void str(writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

void num(writer& w, const char* key, int64_t value) {
  w.Key(key);
  w.Int64(value);
}

void view(writer& w, const char* key, const node_view& v) {
  w.Key(key);
  w.StartObject();
  w.Key("reachable");
  w.Bool(v.reachable);
  w.Key("ready");
  w.Bool(v.ready);
  str(w, "mode", v.mode);
  str(w, "level", v.level);
  str(w, "cause", v.cause);
  w.Key("quorum_held");
  w.Bool(v.quorum_held);
  num(w, "peers", v.peers);
  if (!v.error.empty())
    str(w, "error", v.error);
  w.EndObject();
}

void counts(writer& w, const char* key, const venue_counts& c) {
  w.Key(key);
  if (!c.known) {
    w.Null();
    return;
  }
  w.StartObject();
  num(w, "user_orders", c.user_orders);
  num(w, "account_fills", c.account_fills);
  w.EndObject();
}

} // namespace

bool drill_report::passed() const {
  if (!error.empty() || expectations.empty())
    return false;
  for (auto& e : expectations)
    if (!e.pass)
      return false;
  return true;
}

void drill_report::expect(std::string name, std::string expected, std::string observed, bool pass) {
  expectations.push_back({std::move(name), std::move(expected), std::move(observed), pass});
}

std::string drill_report::to_json() const {
  rapidjson::StringBuffer buf;
  writer w(buf);
  w.StartObject();
  str(w, "scenario", scenario);
  str(w, "cluster", cluster);
  str(w, "run_dir", run_dir);
  num(w, "started_at_ms", started_at_ms);
  str(w, "result", passed() ? "pass" : "fail");
  if (!error.empty())
    str(w, "error", error);
  w.Key("injected");
  w.StartObject();
  str(w, "what", injected);
  str(w, "target", target);
  num(w, "at_ms", injected_at_ms);
  w.EndObject();
  w.Key("measured_ms");
  w.StartObject();
  for (auto& [k, v] : measured_ms)
    num(w, k.c_str(), v);
  w.EndObject();
  w.Key("venue");
  w.StartObject();
  counts(w, "before", venue_before);
  counts(w, "after", venue_after);
  w.EndObject();
  w.Key("nodes");
  w.StartArray();
  for (auto& [id, n] : nodes) {
    w.StartObject();
    str(w, "node", id);
    view(w, "before", n.before);
    view(w, "after", n.after);
    w.Key("events");
    w.StartArray();
    for (auto& e : n.events)
      w.String(e.c_str(), static_cast<rapidjson::SizeType>(e.size()));
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("expectations");
  w.StartArray();
  for (auto& e : expectations) {
    w.StartObject();
    str(w, "name", e.name);
    str(w, "expected", e.expected);
    str(w, "observed", e.observed);
    w.Key("pass");
    w.Bool(e.pass);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

void drill_report::print(std::ostream& out) const {
  out << "drill " << scenario << ": " << (passed() ? "PASS" : "FAIL") << "\n";
  if (!error.empty())
    out << "  error: " << error << "\n";
  out << "  injected: " << injected << " (target " << target << ") at t+" << injected_at_ms
      << " ms\n";
  for (auto& [k, v] : measured_ms)
    out << "  measured " << k << " = " << v << " ms\n";
  if (venue_before.known && venue_after.known)
    out << "  venue orders: " << venue_before.user_orders << " before, " << venue_after.user_orders
        << " after (fills " << venue_before.account_fills << " -> " << venue_after.account_fills
        << ")\n";
  for (auto& [id, n] : nodes) {
    out << "  node " << id << ": " << (n.before.mode.empty() ? "?" : n.before.mode) << " -> "
        << (n.after.reachable ? (n.after.mode.empty() ? "?" : n.after.mode) : "unreachable");
    if (!n.after.cause.empty() && n.after.halted())
      out << " (cause " << n.after.cause << ")";
    out << "\n";
    for (auto& e : n.events)
      out << "    " << e << "\n";
  }
  for (auto& e : expectations)
    out << "  [" << (e.pass ? "pass" : "FAIL") << "] " << e.name << ": expected " << e.expected
        << "; observed " << e.observed << "\n";
}

} // namespace cwts::cluster
