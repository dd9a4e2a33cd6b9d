#include "nodes/admin/exposition.hpp"

#include <map>
#include <memory>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

namespace cwts::admin {

namespace {

using labels = std::map<std::string, std::string>;

constexpr int first_bound_log2 = 8;
constexpr int last_bound_log2 = 34;

bool starts_with(const std::string& s, const std::string& p) {
  return s.compare(0, p.size(), p) == 0;
}

// Families by name in one registry: each metric added with its labels.
class families {
public:
  explicit families(std::string node) : node_(std::move(node)) {}

  void gauge(const std::string& name, const std::string& help, labels l, double v) {
    auto it = gauges_.find(name);
    if (it == gauges_.end())
      it = gauges_.emplace(name, &prometheus::BuildGauge().Name(name).Help(help).Register(reg_)).first;
    l["node"] = node_;
    it->second->Add(l).Set(v);
  }

  void counter(const std::string& name, const std::string& help, labels l, double v) {
    auto it = counters_.find(name);
    if (it == counters_.end())
      it = counters_
             .emplace(name, &prometheus::BuildCounter().Name(name).Help(help).Register(reg_))
             .first;
    l["node"] = node_;
    if (v > 0)
      it->second->Add(l).Increment(v);
    else
      it->second->Add(l);
  }

  void histogram(const std::string& name, const std::string& help, labels l,
                 const metrics::histogram_snapshot& s) {
    auto it = histograms_.find(name);
    if (it == histograms_.end())
      it = histograms_
             .emplace(name, &prometheus::BuildHistogram().Name(name).Help(help).Register(reg_))
             .first;
    l["node"] = node_;
    auto bounds = latency_bounds_seconds();
    std::vector<double> increments(bounds.size() + 1, 0.0);
    uint64_t below_prev = 0;
    for (std::size_t b = 0; b < bounds.size(); ++b) {
      auto below = s.count_below(int64_t{1} << (first_bound_log2 + static_cast<int>(b)));
      increments[b] = static_cast<double>(below - below_prev);
      below_prev = below;
    }
    increments.back() = static_cast<double>(s.count - below_prev);
    it->second->Add(l, bounds).ObserveMultiple(increments, static_cast<double>(s.sum_ns) / 1e9);
  }

  std::string serialize() const { return prometheus::TextSerializer().Serialize(reg_.Collect()); }

private:
  std::string node_;
  prometheus::Registry reg_;
  std::map<std::string, prometheus::Family<prometheus::Gauge>*> gauges_;
  std::map<std::string, prometheus::Family<prometheus::Counter>*> counters_;
  std::map<std::string, prometheus::Family<prometheus::Histogram>*> histograms_;
};

void process_metrics(families& f, const node_snapshot& snap) {
  if (!snap.process)
    return;
  auto& p = *snap.process;
  f.counter("process_cpu_seconds_total", "User and system CPU time of the node process.", {},
            p.cpu_user_seconds + p.cpu_system_seconds);
  f.gauge("process_resident_memory_bytes", "Resident memory of the node process.", {},
          static_cast<double>(p.resident_bytes));
  f.gauge("process_virtual_memory_bytes", "Virtual memory of the node process.", {},
          static_cast<double>(p.virtual_bytes));
  f.gauge("process_open_fds", "Open file descriptors of the node process.", {},
          static_cast<double>(p.open_fds));
  f.gauge("process_threads", "Threads of the node process.", {}, static_cast<double>(p.threads));
  f.gauge("process_start_time_seconds", "Start time of the node process (Unix time).", {},
          p.start_time_seconds);
  // The denominators of the CPU and memory share alerts (docs/monitoring.md).
  f.gauge("cwts_machine_cpus", "CPUs the node process may run on.", {},
          static_cast<double>(p.machine_cpus));
  if (p.machine_memory_bytes > 0)
    f.gauge("cwts_machine_memory_bytes", "Memory of the machine (MemTotal).", {},
            static_cast<double>(p.machine_memory_bytes));
}

// docs/supervision.md "Metrics": restarts by role and failure class (a
// bounded set: supervision_plan.hpp failure_class), escalations, drills and
// the failover state of a standby.
void supervisor_metrics(families& f, const std::map<std::string, int64_t>& counters) {
  auto d = [](int64_t v) { return static_cast<double>(v); };
  for (auto& [k, v] : counters) {
    if (starts_with(k, "restarts_by.")) {
      auto rest = k.substr(12);
      auto dot = rest.find('.');
      if (dot == std::string::npos)
        continue;
      f.counter("cwts_supervisor_restarts_total",
                "Restarts by the supervisor, by role and failure class.",
                {{"role", rest.substr(0, dot)}, {"reason", rest.substr(dot + 1)}}, d(v));
    } else if (starts_with(k, "escalations.")) {
      f.counter("cwts_supervisor_escalations_total",
                "Times a role exceeded its restart intensity (the supervisor escalated).",
                {{"role", k.substr(12)}}, d(v));
    } else if (k == "drills.crashed") {
      f.counter("cwts_supervisor_drill_crashes_total", "Drill crashes the supervisor injected.", {},
                d(v));
    } else if (k == "drills.refused") {
      f.counter("cwts_supervisor_drill_refusals_total", "Drill crashes the supervisor refused.",
                {}, d(v));
    } else if (k == "failover.standby") {
      f.gauge("cwts_failover_standby", "1 while this node stands by (its roles held).", {}, d(v));
    } else if (k == "failover.active") {
      f.gauge("cwts_failover_active", "1 once this standby took over the roles.", {}, d(v));
    } else if (k == "failover.takeovers") {
      f.counter("cwts_failover_takeovers_total", "Takeovers by this standby.", {}, d(v));
    } else if (k == "failover.refusals") {
      f.counter("cwts_failover_refusals_total",
                "Takeovers refused because the node was halted.", {}, d(v));
    } else if (k == "failover.demotions") {
      f.counter("cwts_failover_demotions_total",
                "Times this node gave its roles back to a node that took them over.", {}, d(v));
    } else if (k == "failover.takeover_ms" && v >= 0) {
      f.gauge("cwts_failover_takeover_seconds",
              "Last takeover: active lost -> roles started here.", {}, d(v) / 1e3);
    } else if (k == "failover.reconciled_ms" && v >= 0) {
      f.gauge("cwts_failover_reconciled_seconds",
              "Last takeover: active lost -> the OMS reconciled with the venue.", {}, d(v) / 1e3);
    }
  }
}

void actor_metrics(families& f, const node_snapshot& snap,
                   const std::vector<const metrics::actor_meter*>& meters) {
  for (const auto* m : meters) {
    f.counter("cwts_actor_messages_handled_total", "Messages an actor handled.", {{"actor", m->actor}},
              static_cast<double>(m->handled.load()));
    f.gauge("cwts_actor_mailbox_depth", "Messages waiting in an actor's mailbox (last sample).",
            {{"actor", m->actor}}, static_cast<double>(m->mailbox_depth.load()));
    f.gauge("cwts_actor_mailbox_depth_max", "Largest mailbox depth sampled since start.",
            {{"actor", m->actor}}, static_cast<double>(m->mailbox_depth_max.load()));
  }
  if (auto sup = snap.status.stats.find("supervisor"); sup != snap.status.stats.end()) {
    for (auto& [k, v] : sup->second.counters) {
      if (starts_with(k, "restarts."))
        f.counter("cwts_actor_restarts_total", "Restarts of an actor by its supervisor.",
                  {{"actor", k.substr(9)}}, static_cast<double>(v));
      else if (starts_with(k, "escalated."))
        f.gauge("cwts_actor_escalated", "1 when an actor exceeded its restart intensity.",
                {{"actor", k.substr(10)}}, static_cast<double>(v));
    }
    supervisor_metrics(f, sup->second.counters);
  }
  // Every counter of every actor, as reported: the mapped families below
  // name the ones with a meaning; this keeps the rest visible.
  for (auto& [role, st] : snap.status.stats)
    for (auto& [k, v] : st.counters)
      f.gauge("cwts_actor_stat", "An actor's own counter or gauge, by key (cwts status).",
              {{"actor", role}, {"key", k}}, static_cast<double>(v));
}

// Counters of `role` whose key starts with `prefix`: the rest of the key is
// the value of label `label` (with the labels `extra`).
void by_prefix(families& f, const node_status& st, const std::string& role, const std::string& prefix,
               const std::string& name, const std::string& help, const std::string& label,
               bool counter, double scale = 1.0, const labels& extra = {}) {
  auto r = st.stats.find(role);
  if (r == st.stats.end())
    return;
  for (auto& [k, v] : r->second.counters) {
    if (!starts_with(k, prefix))
      continue;
    double value = static_cast<double>(v) * scale;
    auto l = extra;
    l[label] = k.substr(prefix.size());
    if (counter)
      f.counter(name, help, std::move(l), value);
    else
      f.gauge(name, help, std::move(l), value);
  }
}

void one(families& f, const node_status& st, const std::string& role, const std::string& key,
         const std::string& name, const std::string& help, bool counter, labels l = {},
         double scale = 1.0) {
  auto r = st.stats.find(role);
  if (r == st.stats.end())
    return;
  auto c = r->second.counters.find(key);
  if (c == r->second.counters.end())
    return;
  double v = static_cast<double>(c->second) * scale;
  if (counter)
    f.counter(name, help, std::move(l), v);
  else
    f.gauge(name, help, std::move(l), v);
}

// Every connector of the node (connector.<venue>): its series carry the
// label venue="<venue>".
void market_data_metrics(families& f, const node_status& st) {
  for (auto& v : st.connector_venues()) {
    auto role = connector_role(v);
    labels venue{{"venue", v.value}};
    by_prefix(f, st, role, "md.frames.", "cwts_md_frames_total",
              "Market-data frames received, by venue and stream.", "stream", true, 1.0, venue);
    one(f, st, role, "stream_frames", "cwts_md_stream_frames_total",
        "Frames received on the market stream connection, by venue.", true, venue);
    one(f, st, role, "stream_parse_errors", "cwts_md_parse_errors_total",
        "Market-stream frames that did not parse, by venue.", true, venue);
    one(f, st, role, "book.resyncs", "cwts_book_resyncs_total", "Order-book resyncs, by venue.",
        true, venue);
    one(f, st, role, "book.gaps", "cwts_book_gaps_total", "Order-book sequence gaps, by venue.",
        true, venue);
    one(f, st, role, "book.crossed", "cwts_book_crossed_total", "Crossed books seen, by venue.",
        true, venue);
    by_prefix(f, st, role, "book.synced.", "cwts_book_synced",
              "1 when the symbol's order book is synced, by venue and symbol.", "symbol", false,
              1.0, venue);
    by_prefix(f, st, role, "md.feed_age_ms.", "cwts_md_feed_age_seconds",
              "Age of the newest market-data frame, by venue and symbol.", "symbol", false, 1e-3,
              venue);
  }
  by_prefix(f, st, "validator", "last_trade_age_ms.", "cwts_md_last_trade_age_seconds",
            "Age of the newest validated trade, by symbol.", "symbol", false, 1e-3);
  by_prefix(f, st, "validator", "rejects.", "cwts_validator_rejects_total",
            "Market-data messages the validator rejected, by reason.", "reason", true);
  by_prefix(f, st, "validator", "verdict.", "cwts_validator_verdicts_total",
            "Validator verdicts on trades (ok or the reject reason).", "verdict", true);
}

void order_metrics(families& f, const node_status& st) {
  one(f, st, "oms", "orders_sent", "cwts_orders_sent_total", "Orders the OMS sent to the connector.",
      true);
  one(f, st, "oms", "acks", "cwts_orders_acked_total",
      "Orders the venue answered (first report after sending).", true);
  one(f, st, "oms", "fills", "cwts_order_fills_total", "Fill reports applied by the OMS.", true);
  one(f, st, "oms", "live_orders", "cwts_orders_live", "Live orders in the OMS.", false);
  one(f, st, "oms", "in_flight", "cwts_orders_in_flight", "Orders sent, not yet answered.", false);
  by_prefix(f, st, "oms", "status.", "cwts_orders_by_status", "Orders in the OMS store by status.",
            "status", false);
  by_prefix(f, st, "oms", "rejects.", "cwts_orders_rejected_total",
            "Orders the OMS rejected (its own checks and the venue's), by reason.", "reason", true);
  auto r = st.stats.find("risk");
  if (r != st.stats.end())
    for (auto& [k, v] : r->second.counters)
      if (starts_with(k, "rejected."))
        f.counter("cwts_risk_rejects_total", "Orders the pre-trade check rejected, by reason.",
                  {{"reason", k.substr(9)}}, static_cast<double>(v));
  one(f, st, "risk", "checks_passed", "cwts_risk_checks_total", "Pre-trade checks, by result.", true,
      {{"result", "passed"}});
  one(f, st, "risk", "checks_rejected", "cwts_risk_checks_total", "Pre-trade checks, by result.",
      true, {{"result", "rejected"}});
  for (auto& v : st.connector_venues()) {
    auto role = connector_role(v);
    one(f, st, role, "orders.ws_api", "cwts_connector_orders_total",
        "Orders a connector placed, by venue and channel.", true,
        {{"venue", v.value}, {"channel", "ws_api"}});
    one(f, st, role, "orders.rest", "cwts_connector_orders_total",
        "Orders a connector placed, by venue and channel.", true,
        {{"venue", v.value}, {"channel", "rest"}});
    one(f, st, role, "venue_rejects", "cwts_venue_rejects_total", "Orders the venue rejected.",
        true, {{"venue", v.value}});
    // Trading lease (docs/connector.md "Trading lease and fencing").
    by_prefix(f, st, role, "rejected.", "cwts_connector_rejected_total",
              "Orders a connector refused before the venue (no_trading_lease, fenced_epoch), by "
              "venue and reason.", "reason", true, 1.0, {{"venue", v.value}});
  }
}

// The GPU worker (actors/gpu), where the node runs one: the backend it chose
// at run time and the last kernel times it measured.
void gpu_metrics(families& f, const node_status& st) {
  by_prefix(f, st, "gpu", "backend.", "cwts_gpu_backend", "1 for the compute backend in use.",
            "backend", false);
  by_prefix(f, st, "gpu", "kernel_ns.", "cwts_gpu_kernel_last_seconds",
            "Duration of the last run of each compute kernel (correlation, var).", "kernel", false,
            1e-9);
  one(f, st, "gpu", "updates", "cwts_gpu_updates_total", "Risk updates the GPU worker ran.", true);
  one(f, st, "gpu", "update_errors", "cwts_gpu_update_errors_total", "GPU worker updates that failed.",
      true);
  one(f, st, "gpu", "backend_fallbacks", "cwts_gpu_backend_fallbacks_total",
      "Times the GPU worker fell back to another backend.", true);
}

void kill_metrics(families& f, const node_snapshot& snap) {
  const auto& st = snap.status;
  if (st.state) {
    f.gauge("cwts_kill_halted", "1 when the node's trading state is not ACTIVE.", {},
            st.state->mode == trading_mode::active ? 0 : 1);
    for (auto m : {trading_mode::active, trading_mode::reducing, trading_mode::halted})
      f.gauge("cwts_kill_trading_state", "1 for the node's current trading state.",
              {{"state", to_string(m)}}, st.state->mode == m ? 1 : 0);
    f.gauge("cwts_kill_level", "Kill level in force (0 none .. 4 full stop).", {},
            static_cast<double>(st.state->level));
  }
  one(f, st, "kill", "applied", "cwts_kill_activations_total", "Kills applied on this node.", true);
  one(f, st, "kill", "rejected", "cwts_kill_rejected_total",
      "Kill commands refused (bad signature, role, replay).", true);
  one(f, st, "kill", "scoped_halts", "cwts_kill_scoped_halts", "Scoped halts in force.", false);
  auto k = st.stats.find("kill");
  if (k == st.stats.end())
    return;
  for (auto& [key, v] : k->second.counters) {
    double s = static_cast<double>(v) / 1e9;
    if (starts_with(key, "last.gate_close_ns."))
      f.gauge("cwts_kill_last_gate_close_seconds",
              "Last kill: accepted -> order gate closed, as each node measured it.",
              {{"peer", key.substr(19)}}, s);
    else if (starts_with(key, "last.verify_ns."))
      f.gauge("cwts_kill_last_verify_seconds", "Last kill: signature check, per node.",
              {{"peer", key.substr(15)}}, s);
    else if (starts_with(key, "last.propagation_ns."))
      f.gauge("cwts_kill_last_propagation_seconds",
              "Last kill originated here: this node accepted it -> the peer accepted it.",
              {{"peer", key.substr(20)}}, s);
    else if (starts_with(key, "last.channel_ns.")) {
      // last.channel_ns.<node>.<channel>[.<venue>]
      auto rest = key.substr(16);
      auto dot = rest.find('.');
      if (dot == std::string::npos)
        continue;
      labels l{{"peer", rest.substr(0, dot)}, {"channel", rest.substr(dot + 1)}};
      if (auto v = l["channel"].find('.'); v != std::string::npos) {
        l["venue"] = l["channel"].substr(v + 1);
        l["channel"].resize(v);
      }
      f.gauge("cwts_kill_last_channel_seconds",
              "Last kill: duration of each channel (oms, venue_cancel_all, ...) per node "
              "(and venue, for the venue channels).",
              std::move(l), s);
    } else if (starts_with(key, "channel_failures.") || starts_with(key, "channel_retries.")) {
      // channel_failures.<channel>[.<venue>]: this node's own channels.
      bool failure = starts_with(key, "channel_failures.");
      auto rest = key.substr(key.find('.') + 1);
      labels l{{"channel", rest}};
      if (auto dot = rest.find('.'); dot != std::string::npos) {
        l["channel"] = rest.substr(0, dot);
        l["venue"] = rest.substr(dot + 1);
      }
      if (failure)
        f.counter("cwts_kill_channel_failures_total",
                  "Kill channel attempts on this node that failed or left orders open, by "
                  "channel (and venue).",
                  std::move(l), static_cast<double>(v));
      else
        f.counter("cwts_kill_channel_retries_total",
                  "Kill channel attempts on this node that were retries, by channel (and venue).",
                  std::move(l), static_cast<double>(v));
    } else if (starts_with(key, "heartbeat_age_ms."))
      f.gauge("cwts_cluster_heartbeat_age_seconds", "Age of the last heartbeat from each peer.",
              {{"peer", key.substr(17)}}, static_cast<double>(v) / 1e3);
  }
  one(f, st, "kill", "peers_seen", "cwts_cluster_peers_up",
      "Peers whose heartbeats arrived within the quorum timeout.", false);
  one(f, st, "kill", "cluster_size", "cwts_cluster_size", "Nodes in the cluster config.", false);
  one(f, st, "kill", "quorum_held", "cwts_cluster_quorum_held", "1 when a quorum is visible.",
      false);
  one(f, st, "kill", "quorum_lost_halts", "cwts_cluster_quorum_lost_halts_total",
      "Times this node halted itself because it could not see a quorum.", true);
  one(f, st, "kill", "channels_escalated", "cwts_kill_channels_escalated_total",
      "Venue kill channels not confirmed after their quick retries (escalated to the operator).",
      true);
}

// The trading lease per leased role (docs/supervision.md "Trading lease").
void lease_metrics(families& f, const node_status& st) {
  auto l = st.stats.find("lease");
  if (l == st.stats.end())
    return;
  for (auto& [key, v] : l->second.counters) {
    if (starts_with(key, "held."))
      f.gauge("cwts_lease_held", "1 while this node holds the trading lease for the role.",
              {{"role", key.substr(5)}}, static_cast<double>(v));
    else if (starts_with(key, "lapses."))
      f.counter("cwts_lease_lost_total",
                "Leases this node held that ran out without renewal (its gate closed).",
                {{"role", key.substr(7)}}, static_cast<double>(v));
  }
  one(f, st, "lease", "mode_hold", "cwts_lease_holding",
      "1 while this node tries to hold its leased roles (active), 0 standing by.", false);
}

} // namespace

std::vector<double> latency_bounds_seconds() {
  std::vector<double> out;
  for (int k = first_bound_log2; k <= last_bound_log2; ++k)
    out.push_back(static_cast<double>(int64_t{1} << k) / 1e9);
  return out;
}

std::string render_metrics(const node_snapshot& snap,
                           const std::vector<metrics::latency_registry::entry>& latencies,
                           const std::vector<const metrics::actor_meter*>& meters) {
  families f(snap.status.node);
  process_metrics(f, snap);
  actor_metrics(f, snap, meters);
  market_data_metrics(f, snap.status);
  order_metrics(f, snap.status);
  kill_metrics(f, snap);
  lease_metrics(f, snap.status);
  gpu_metrics(f, snap.status);
  for (auto& e : latencies)
    f.histogram(e.family, e.help, e.labels, e.histogram->snapshot());
  for (auto& h : snap.health) {
    if (!h.enabled)
      continue;
    f.gauge("cwts_health_rule_breached", "1 while a health rule is breached.", {{"rule", h.rule}},
            h.breached ? 1 : 0);
    f.gauge("cwts_health_rule_value", "A health rule's measured value (in the rule's unit).",
            {{"rule", h.rule}}, h.value);
    f.counter("cwts_health_kills_total", "Kills a health rule triggered.", {{"rule", h.rule}},
              static_cast<double>(h.kills_triggered));
  }
  return f.serialize();
}

} // namespace cwts::admin
