#include "nodes/admin/readiness.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "nodes/admin/health_rules.hpp"

namespace cwts::admin {

namespace {

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

} // namespace

readiness check_readiness(const node_snapshot& snap, double stale_after_s) {
  readiness out;
  const auto& st = snap.status;
  auto add = [&](std::string name, bool ok, std::string detail, venue_name venue = {}) {
    out.reasons.push_back(
      readiness_reason{std::move(name), ok, std::move(detail), std::move(venue)});
  };
  // Decided on the typed answers (connector_status, reset_precondition),
  // never on counter names: issue 17 finding 11. One reason per venue.
  auto venues = local_venues(st);
  for (auto& v : venues) {
    auto c = st.connectors.find(v);
    bool down = venue_down(st, v);
    auto role = connector_role(v);
    add("venue_connected", !down,
        !down                       ? role + " reaches the venue"
        : c != st.connectors.end() ? role + ": connected=" + std::to_string(c->second.connected)
                                       + " venue_lost=" + std::to_string(c->second.venue_lost)
                                       + " disconnected="
                                       + std::to_string(c->second.disconnected)
                                   : role + " did not answer its status",
        v);
  }
  if (st.quorum)
    add("quorum_held", st.quorum->held,
        "peers_seen=" + std::to_string(st.quorum->peers_seen)
          + " quorum=" + std::to_string(st.quorum->quorum));
  else
    add("quorum_held", false, "kill coordinator did not answer its quorum status");
  for (auto& v : venues) {
    auto c = st.connectors.find(v);
    double age = c != st.connectors.end() ? market_data_age_s(c->second) : -1;
    bool fresh = age >= 0 && (stale_after_s <= 0 || age <= stale_after_s);
    std::string unsynced;
    if (c != st.connectors.end())
      for (auto& sym : c->second.unsynced_books)
        unsynced += (unsynced.empty() ? "" : ",") + sym.str();
    add("market_data_fresh", fresh && unsynced.empty(),
        age < 0 ? std::string("no market data age reported yet")
                : "newest data age " + fmt(age) + " s (limit " + fmt(stale_after_s) + " s)"
                    + (unsynced.empty() ? "" : "; books not synced: " + unsynced),
        v);
  }
  if (st.stats.count("oms") || st.oms) {
    bool running = st.oms && st.oms->reconciled;
    add("oms_reconciled", running,
        running  ? std::string("OMS reconciled with the venue")
        : st.oms ? "OMS not reconciled: new orders refused ("
                     + (st.oms->detail.empty() ? std::string("reconciling") : st.oms->detail) + ")"
                 : std::string("OMS did not answer whether it is reconciled"));
  }
  if (st.state)
    add("not_halted", st.state->mode == trading_mode::active,
        std::string("trading state ") + to_string(st.state->mode) + " level "
          + to_string(st.state->level)
          + (st.state->cause.empty() ? "" : " cause " + st.state->cause.value));
  else
    add("not_halted", false, "trading state unknown (kill coordinator did not answer)");
  for (auto& h : snap.health)
    if (h.enabled)
      add("health." + h.rule, !h.breached,
          (h.breached ? h.recommendation + " (" : std::string("(")) + fmt(h.value) + " " + h.unit
            + ", limit " + fmt(h.limit) + ")");
  out.ready = true;
  for (auto& r : out.reasons)
    out.ready = out.ready && r.ok;
  return out;
}

std::string to_json(const readiness& r, const std::string& node) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("node");
  w.String(node.c_str());
  w.Key("ready");
  w.Bool(r.ready);
  w.Key("reasons");
  w.StartArray();
  for (auto& x : r.reasons) {
    w.StartObject();
    w.Key("name");
    w.String(x.name.c_str());
    w.Key("ok");
    w.Bool(x.ok);
    w.Key("detail");
    w.String(x.detail.c_str());
    if (!x.venue.empty()) {
      w.Key("venue");
      w.String(x.venue.value.c_str());
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return buf.GetString();
}

} // namespace cwts::admin
