#include "nodes/admin/introspection.hpp"

#include "nodes/admin/json_writer.hpp"

namespace cwts::admin {

namespace {

using json::doc;
using json::kv;
using json::writer;

void counters(writer& w, const std::map<std::string, int64_t>& c, const std::string& prefix = "") {
  w.StartObject();
  for (auto& [k, v] : c)
    if (k.compare(0, prefix.size(), prefix) == 0)
      kv(w, k.c_str(), v);
  w.EndObject();
}

void state(writer& w, const node_snapshot& s) {
  w.Key("trading_state");
  if (!s.status.state) {
    w.Null();
    return;
  }
  auto& t = *s.status.state;
  w.StartObject();
  kv(w, "mode", std::string(to_string(t.mode)));
  kv(w, "level", std::string(to_string(t.level)));
  kv(w, "cause", t.cause.value);
  kv(w, "since_ns", t.since.ns);
  kv(w, "epoch", t.epoch);
  kv(w, "cluster", t.cluster);
  w.EndObject();
}

} // namespace

std::string api_nodes(const node_snapshot& s) {
  return doc([&](writer& w) {
    kv(w, "node", s.status.node);
    kv(w, "taken_at_ns", s.taken_wall_ns);
    state(w, s);
    kv(w, "quorum_held", s.status.quorum && s.status.quorum->held);
    kv(w, "cluster_size", s.status.counter("kill", "cluster_size"));
    w.Key("peers");
    w.StartArray();
    if (auto k = s.status.stats.find("kill"); k != s.status.stats.end())
      for (auto& [key, v] : k->second.counters)
        if (key.rfind("heartbeat_age_ms.", 0) == 0) {
          w.StartObject();
          kv(w, "node", key.substr(17));
          kv(w, "heartbeat_age_ms", v);
          w.EndObject();
        }
    w.EndArray();
  });
}

std::string api_actors(const node_snapshot& s, const std::vector<const metrics::actor_meter*>& meters,
                       const std::string& role) {
  if (!role.empty() && !s.status.stats.count(role))
    return "";
  auto one = [&](writer& w, const std::string& r, const actor_stats& st) {
    w.StartObject();
    kv(w, "role", r);
    for (const auto* m : meters)
      if (m->actor == r) {
        auto h = m->handler_time->snapshot();
        kv(w, "messages_handled", static_cast<int64_t>(m->handled.load()));
        kv(w, "mailbox_depth", m->mailbox_depth.load());
        kv(w, "mailbox_depth_max", m->mailbox_depth_max.load());
        kv(w, "handler_p50_us", h.quantile_ns(0.5) / 1e3);
        kv(w, "handler_p99_us", h.quantile_ns(0.99) / 1e3);
        kv(w, "handler_total_s", static_cast<double>(h.sum_ns) / 1e9);
      }
    kv(w, "restarts", s.status.counter("supervisor", "restarts." + r));
    // By failure class (docs/supervision.md): {"drill_crash": 1, ...}.
    w.Key("restarts_by_reason");
    w.StartObject();
    if (auto sup = s.status.stats.find("supervisor"); sup != s.status.stats.end()) {
      const std::string prefix = "restarts_by." + r + ".";
      for (auto& [key, v] : sup->second.counters)
        if (key.compare(0, prefix.size(), prefix) == 0) {
          auto reason = key.substr(prefix.size());
          kv(w, reason.c_str(), v);
        }
    }
    w.EndObject();
    kv(w, "escalated", s.status.counter("supervisor", "escalated." + r) == 1);
    w.Key("counters");
    counters(w, st.counters);
    w.EndObject();
  };
  return doc([&](writer& w) {
    kv(w, "node", s.status.node);
    w.Key("actors");
    w.StartArray();
    for (auto& [r, st] : s.status.stats)
      if (role.empty() || r == role)
        one(w, r, st);
    w.EndArray();
  });
}

std::string api_orders(const node_snapshot& s) {
  return doc([&](writer& w) {
    kv(w, "node", s.status.node);
    kv(w, "oms", s.orders_known);
    w.Key("orders");
    w.StartArray();
    for (auto& o : s.orders) {
      auto& r = o.request;
      w.StartObject();
      kv(w, "client_order_id", r.id.value);
      kv(w, "venue", r.venue.value);
      kv(w, "symbol", r.sym.str());
      kv(w, "side", std::string(to_string(r.order_side)));
      kv(w, "type", std::string(to_string(r.type)));
      kv(w, "price", r.limit_price.to_string());
      kv(w, "qty", r.quantity.to_string());
      kv(w, "cum_qty", o.cum_qty.to_string());
      kv(w, "acknowledged", o.acknowledged);
      kv(w, "strategy", r.strategy.value);
      kv(w, "account", r.account.value);
      w.EndObject();
    }
    w.EndArray();
  });
}

std::string api_positions(const node_snapshot& s) {
  return doc([&](writer& w) {
    kv(w, "node", s.status.node);
    w.Key("positions");
    w.StartArray();
    for (auto& p : s.status.positions) {
      w.StartObject();
      kv(w, "symbol", p.sym.str());
      kv(w, "qty", p.position.to_string());
      kv(w, "average_cost", p.average_cost.to_string());
      kv(w, "realized_pnl", p.realized_pnl.to_string());
      kv(w, "unrealized_pnl", p.unrealized_pnl.to_string());
      kv(w, "mark", p.marked ? p.mark.to_string() : std::string("none"));
      w.EndObject();
    }
    w.EndArray();
  });
}

std::string api_risk(const node_snapshot& s) {
  return doc([&](writer& w) {
    kv(w, "node", s.status.node);
    auto r = s.status.stats.find("risk");
    kv(w, "risk", r != s.status.stats.end());
    state(w, s);
    w.Key("counters");
    if (r != s.status.stats.end())
      counters(w, r->second.counters);
    else
      w.Null();
    w.Key("health");
    w.StartArray();
    for (auto& h : s.health) {
      w.StartObject();
      kv(w, "rule", h.rule);
      kv(w, "enabled", h.enabled);
      kv(w, "breached", h.breached);
      kv(w, "value", h.value);
      kv(w, "limit", h.limit);
      kv(w, "unit", h.unit);
      kv(w, "kill_level", static_cast<int64_t>(h.kill_level));
      kv(w, "kills_triggered", h.kills_triggered);
      if (h.breached)
        kv(w, "recommendation", h.recommendation);
      w.EndObject();
    }
    w.EndArray();
  });
}

std::string api_kill(const node_snapshot& s) {
  return doc([&](writer& w) {
    kv(w, "node", s.status.node);
    state(w, s);
    w.Key("counters");
    auto k = s.status.stats.find("kill");
    if (k != s.status.stats.end())
      counters(w, k->second.counters);
    else
      w.Null();
  });
}

} // namespace cwts::admin
