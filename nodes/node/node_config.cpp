// The node's options, declared once in the constructor, and settings(),
// which validates them concern by concern. The readers live by concern:
//   node_config.cpp          the options; in_range and node_file_path; the
//                            node's files ([oms], [compliance], [retention])
//   node_config_cluster.cpp  [cwts] and [cluster]: node, peers, members;
//                            [operators], [kill], [supervisor], [lease]
//   kill_fanout_config.cpp   [kill] fan-out
//   node_config_venues.cpp   [venue] .. [venue-4], credentials, [market-data]
//   venue_protocol_config.cpp each venue protocol's own keys
//   node_config_risk.cpp     [risk], [strategy], auto-triggers, [admin],
//                            [health]
#include "nodes/node/node_config.hpp"

#include <filesystem>
#include <system_error>

#include "messages/registry.hpp"
#include "nodes/node/duration_option.hpp"
#include "nodes/node/node_config_detail.hpp"

namespace cwts {

using config_detail::add_venue_options;
using config_detail::venue_category;

node_config::node_config() {
  register_message_types(*this);
  // CAF's default work-stealing scheduler lets idle workers sleep for up to
  // 10 ms without being woken: a kill or an order arriving then waits. The
  // sharing scheduler wakes a worker at once (bench/kill_propagation_bench:
  // all 4 nodes gated p99 6.3 ms -> 2.8 ms). --scheduler.policy overrides it.
  set("scheduler.policy", caf::atom("sharing"));
  auto& b = base_; // bound straight into the settings (node_config.hpp)
  opt_group{custom_options_, "cwts"}
    .add(raw_.node_id, "node-id", "name of this node (unique in the cluster)")
    .add(raw_.roles, "roles", "roles hosted here: gateway, trading, witness")
    .add(raw_.duration_s, "duration", "stop after this many seconds (0: until Ctrl-C)")
    .add(b.summary_interval, "summary-interval-ms", "period of the summary line");
  opt_group{custom_options_, "cluster"}
    .add(b.cluster_id, "id",
         "this cluster's id: every kill and reset is signed for it (unique per deployment)")
    .add(raw_.cluster_port, "port", "port this node publishes on (0: none)")
    .add(b.cluster_host, "host", "IPv4 address the cluster port binds (default 127.0.0.1)")
    .add(raw_.plain_tcp, "plain-tcp",
         "publish the cluster port without TLS (tests, single-node development only: any local "
         "process can then speak to this node's actors)")
    .add(raw_.peers, "peers", "peer nodes as id@host:port (host:port on plain TCP)")
    .add(raw_.members, "members",
         "node ids of every member of the cluster, this node included (docs/operators.md)")
    .add(b.connect_timeout, "connect-timeout-ms", "how long to wait for peers at start")
    .add(raw_.standby_for, "standby-for",
         "node id this node stands by for: its roles start only when that node is lost")
    .add(b.supervision.failover_after, "failover-after-ms",
         "a standby takes over when the active node is gone this long");
  opt_group{custom_options_, "lease"} // docs/supervision.md "Trading lease"
    .add(raw_.lease_duration_ms, "duration-ms", "one grant of the trading lease (default 900)")
    .add(raw_.lease_renew_ms, "renew-ms", "a lease round every renew-ms (default 150)")
    .add(raw_.lease_drift_ppm, "drift-ppm", "bound on any member's clock drift (default 1000)")
    .add(raw_.lease_state_path, "state-path", "the epochs this node promised as a grantor");
  opt_group{custom_options_, "supervisor"}
    .add(raw_.supervisor_strategy, "strategy", "restart strategy: one-for-one or rest-for-one")
    .add(raw_.max_restarts, "max-restarts",
         "failures of one child inside window-ms before the supervisor escalates")
    .add(b.supervision.window, "window-ms", "sliding window of max-restarts");
  opt_group{custom_options_, "drill"}
    .add(raw_.drill_enabled, "enabled", "accept drill crashes of a role (admin API; default off)");
  for (size_t k = 0; k < raw_.venues.size(); ++k)
    add_venue_options(custom_options_, venue_category(k), raw_.venues[k]);
  opt_group{custom_options_, "market-data"}
    .add(b.max_trade_age, "max-age-ms", "oldest acceptable trade (exchange time)")
    .add(b.max_trade_future, "max-future-ms", "largest clock skew into the future")
    .add(b.stale_halt, "stale-halt-ms",
         "no validated trade of a symbol this long while trading -> level-1 node kill (0: off)");
  opt_group{custom_options_, "risk"}
    .add(raw_.max_order_qty, "max-order-qty", "largest order quantity")
    .add(raw_.max_order_notional, "max-order-notional", "largest order notional (quote)")
    .add(b.risk.price_collar_bps, "price-collar-bps", "largest distance from the reference price")
    .add(raw_.max_position, "max-position", "largest absolute position incl. open orders")
    .add(raw_.tick_size, "tick-size", "venue PRICE_FILTER tickSize")
    .add(raw_.lot_step, "lot-step", "venue LOT_SIZE stepSize")
    .add(raw_.min_notional, "min-notional", "venue NOTIONAL minNotional")
    .add(raw_.credit_limit, "credit-limit", "account's open + in-flight notional (quote)")
    .add(b.risk.max_messages_per_second, "max-messages-per-second",
         "orders and cancels per strategy in any sliding second")
    .add(b.risk.max_fills_per_window, "max-fills-per-window",
         "fills per strategy in fill-window-ms before its execution throttle latches")
    .add(b.risk.fill_window_ms, "fill-window-ms", "sliding window of max-fills-per-window")
    .add(raw_.loss_limit, "loss-limit", "node total PnL loss that triggers a level-2 kill")
    .add(raw_.drawdown_limit, "drawdown-limit",
         "fall from the PnL high-water mark that triggers a level-2 kill")
    .add(raw_.max_reject_ratio, "max-reject-ratio",
         "rejected / sent orders in reject-window-ms above this -> level-1 node kill (0: off)")
    .add(b.risk.reject_window, "reject-window-ms", "sliding window of max-reject-ratio")
    .add(b.risk.reject_min_orders, "reject-min-orders",
         "orders in the window below which the reject rate never trips")
    .add(raw_.risk_decisions_path, "decisions-path",
         "durable trips, re-enables and limit changes; <node-id> is replaced");
  opt_group{custom_options_, "strategy"}
    .add(raw_.order_qty, "order-qty", "quantity of each quote")
    .add(b.strategy.half_spread_ticks, "half-spread-ticks", "distance of each quote from fair value")
    .add(b.strategy.requote_threshold_ticks, "requote-ticks", "move that triggers a requote")
    .add(raw_.requote, "requote", "how a quote moves: cancel (cancel + new) or amend (cancel/replace)")
    .add(raw_.max_inventory, "max-inventory", "inventory beyond which a side is not quoted")
    .add(b.strategy.min_action_interval, "min-action-interval-ms", "throttle between order actions");
  opt_group{custom_options_, "oms"}
    .add(raw_.oms_journal_path, "journal-path",
         "SQLite order journal; <node-id> is replaced, relative to the working directory");
  opt_group{custom_options_, "operators"}
    .add(raw_.operators_file, "file",
         "operator keys and roles (docs/operators.md), relative to the config file's folder");
  opt_group{custom_options_, "kill"}
    .add(raw_.node_key_name, "node-key-name",
         "this node's key in the operators file (role kill): signs its own kills")
    .add(raw_.node_key_file, "node-key-file",
         "this node's Ed25519 private key (PEM), relative to the config file's folder")
    .add(raw_.audit_path, "audit-path",
         "hash-chained audit log; <node-id> is replaced, relative to the working directory")
    .add(raw_.halt_state_path, "state-path",
         "durable halt state; <node-id> is replaced, relative to the working directory")
    .add(b.kill.min_halt, "reset-min-halt-ms",
         "a node votes no on a reset while halted for less than this")
    .add(b.kill.heartbeat_interval, "heartbeat-interval-ms",
         "heartbeats between the kill coordinators of the cluster's nodes")
    .add(b.kill.quorum_timeout, "quorum-timeout-ms",
         "a node that sees no quorum of the cluster for this long halts itself")
    .add(b.kill.required_roles, "required-roles",
         "roles the cluster cannot trade without (e.g. [\"oms\",\"connector\"])")
    .add(b.kill.role_lost_halt, "role-lost-halt-ms",
         "a required role with no live holder this long -> level-2 cluster kill (0: off)")
    .add(b.kill.quorum_lost_level, "quorum-lost-level",
         "level a node cut off from the quorum halts at (1..2; 0: 2 with a connector, else 1)")
    .add(b.kill.max_future_skew, "max-future-skew-ms",
         "a command whose issued_at is further ahead of this node's clock is refused")
    .add(raw_.fanout, "fanout", "1: direct kill fan-out to every member beside CAF's echo; 0: off")
    .add(b.kill.fanout_host, "fanout-host", "address the fan-out listener binds")
    .add(b.kill.fanout_port_offset, "fanout-port-offset",
         "each member's fan-out listener is its cluster port + this (1..30000)")
    .add(b.kill.fanout_realtime_priority, "fanout-realtime-priority",
         "SCHED_FIFO priority of the fan-out's thread where allowed (0: normal, 1..99)")
    .add(raw_.caf_echo, "caf-echo", "tests and drills only: 0 sends no CAF echo of a kill (default 1)");
  auto& c = raw_compliance_; // docs/kill-switch.md "Compliance channel"
  opt_group{custom_options_, "compliance"}
    .add(c.endpoint, "endpoint",
         "http(s)://host:port/path receiving every kill's signed notification (empty: off)")
    .add(c.outbox, "outbox", "durable outbox (SQLite); <node-id> is replaced")
    .add(c.ca_file, "ca-file", "https: CA file (PEM) of the receiver (empty: the system's)")
    .add(c.request_timeout_ms, "request-timeout-ms", "one delivery attempt: connect + send + answer")
    .add(c.retry_min_ms, "retry-min-ms", "first retry's wait, doubled per failure")
    .add(c.retry_max_ms, "retry-max-ms", "longest wait between retries")
    .add(c.max_pending, "max-pending", "undelivered notifications kept; one more is refused");
  auto& tr = raw_trace_; // docs/tracing.md "Config"
  opt_group{custom_options_, "trace"}
    .add(tr.enabled, "enabled", "on: record the order path's spans (off: nothing recorded)")
    .add(tr.collector, "collector",
         "OTLP/HTTP collector, http(s)://host:port/v1/traces (empty: span files in dir)")
    .add(tr.ca_file, "ca-file", "https: CA file (PEM) of the collector")
    .add(tr.dir, "dir", "span files without a collector; <node-id> is replaced")
    .add(tr.sample_ratio, "sample-ratio", "share of ticks whose trace is recorded, 0..1")
    .add(tr.ring_spans, "ring-spans",
         "spans waiting for the exporter, per recording thread; one more is dropped")
    .add(tr.batch_spans, "batch-spans", "spans per OTLP request or file line")
    .add(tr.flush_interval, "flush-interval-ms", "the exporter ships this often")
    .add(tr.file_max_mb, "file-max-mb", "a span file is rotated past this size")
    .add(tr.files_kept, "files-kept", "rotated span files kept");
  auto& rt = raw_retention_; // docs/retention.md "Config"
  opt_group{custom_options_, "retention"}
    .add(rt.archive_dir, "archive-dir", "archive folder; <node-id> is replaced (empty: no archiving)")
    .add(rt.days, "days", "retention period in days (default 2557, 7 years)")
    .add(rt.rotate_interval_s, "rotate-interval-s", "an archiving pass this often")
    .add(rt.journal_interval_s, "journal-interval-s", "a full OMS journal snapshot at most this often")
    .add(rt.audit_rotate_bytes, "audit-rotate-bytes", "kill audit log rotated past this size (0: not)")
    .add(rt.audit_rotate_daily, "audit-rotate-daily", "1: kill audit log rotated each UTC day")
    .add(rt.reports_dir, "reports-dir", "reports to archive (cwts report --out); <node-id> replaced")
    .add(rt.logs, "logs", "more append-only files archived in segments; <node-id> replaced");
  auto& g = raw_gpu_; // docs/gpu.md "Config"
  opt_group{custom_options_, "gpu"}
    .add(g.enabled, "enabled", "run the GPU risk worker (correlation, VaR) on this node")
    .add(g.backend, "backend", "auto, discrete, integrated, cpu-vulkan or native")
    .add(g.precision, "precision", "auto (float64 where the device has it) or float32")
    .add(g.symbols, "symbols", "risk universe (default: the [venue] symbols)")
    .add(g.window, "window", "returns per symbol in the rolling window")
    .add(g.bucket_ms, "bucket-ms", "one return per bucket of this length")
    .add(g.update_interval_ms, "update-interval-ms", "period of the correlation/VaR update")
    .add(g.confidence, "confidence", "VaR/ES confidence levels, each within (0, 1)")
    .add(g.horizon_ms, "horizon-ms", "VaR horizon")
    .add(g.paths, "paths", "Monte-Carlo paths per update")
    .add(g.seed, "seed", "Philox seed: the same seed draws the same paths on every backend")
    .add(g.var_limit, "var-limit", "VaR (highest confidence, quote) above which risk kills (0: off)")
    .add(g.var_kill_level, "var-kill-level", "level of that kill, 1..4");
  opt_group{custom_options_, "admin"}
    .add(b.admin.host, "host", "address of the admin HTTP port (default 127.0.0.1)")
    .add(raw_.admin_port, "port", "admin HTTP port: /metrics, /readyz, /api/* (0: a free one)")
    .add(raw_.admin_max_connections, "max-connections",
         "admin connections open at once; one more is answered 503 and closed")
    .add(b.admin.request_deadline, "request-deadline-ms",
         "time a request has from accept to its last byte, or it is closed");
  auto& h = base_.admin.health; // nodes/admin/health_rules.hpp
  opt_group{custom_options_, "health"}
    .add(h.interval, "interval-ms", "how often the health rules are evaluated")
    .add(raw_.stale_data_s, "stale-data-s", "market data older than this is stale (0: off)")
    .add(h.stale_data_kill_level, "stale-data-kill-level", "kill level on stale data (0: none)")
    .add(raw_.reject_ratio, "reject-ratio", "rejects / orders in the window above this (0: off)")
    .add(h.reject_window, "reject-window-ms", "window of reject-ratio and p99")
    .add(h.reject_min_orders, "reject-min-orders", "orders in the window before it counts")
    .add(h.reject_kill_level, "reject-kill-level", "kill level on a high reject rate (0: none)")
    .add(raw_.order_latency_p99_ms, "order-latency-p99-ms",
         "p99 of the order round trip in the window above this (0: off)")
    .add(h.order_latency_min_count, "order-latency-min-count",
         "round trips in the window before the p99 counts")
    .add(h.order_latency_kill_level, "order-latency-kill-level", "kill level on slow orders")
    .add(raw_.max_resident_mb, "max-resident-mb", "resident memory above this (0: off)")
    .add(h.memory_kill_level, "memory-kill-level", "kill level on memory above its limit")
    .add(raw_.venue_disconnected_s, "venue-disconnected-s",
         "connector without its venue this long (0: off)")
    .add(h.venue_kill_level, "venue-kill-level", "kill level on a disconnected venue");
}

bool config_detail::within(const std::string& key, std::chrono::milliseconds v,
                           std::chrono::milliseconds lo, std::chrono::milliseconds hi,
                           std::string& error) {
  return in_range(key, v.count(), lo.count(), hi.count(), error);
}

bool config_detail::off_or_within(const std::string& key, std::chrono::milliseconds v,
                                  std::chrono::milliseconds lo, std::chrono::milliseconds hi,
                                  std::string& error) {
  if (v.count() == 0 || within(key, v, lo, hi, error))
    return true;
  error += " (or 0: off)";
  return false;
}

bool config_detail::in_range(const std::string& key, int64_t v, int64_t lo, int64_t hi,
                             std::string& error) {
  if (v < lo || v > hi) {
    error = key + ": " + std::to_string(v) + " is outside " + std::to_string(lo) + ".."
            + std::to_string(hi);
    return false;
  }
  return true;
}

// `<node-id>` replaced; the folder is created so the file can be written.
bool config_detail::node_file_path(const std::string& key, const std::string& raw,
                                   const node_id& self, std::string& out, std::string& error) {
  std::string path = raw;
  const std::string node_id_token = "<node-id>";
  for (auto at = path.find(node_id_token); at != std::string::npos; at = path.find(node_id_token, at))
    path.replace(at, node_id_token.size(), self.value);
  std::filesystem::path file(path);
  if (path.empty() || !file.has_filename()) {
    error = key + ": '" + raw + "' does not name a file";
    return false;
  }
  std::error_code ec;
  auto folder = file.parent_path();
  if (!folder.empty() && !std::filesystem::is_directory(folder, ec)) {
    std::filesystem::create_directories(folder, ec);
    if (ec || !std::filesystem::is_directory(folder)) {
      error = key + ": cannot create folder '" + folder.string() + "': "
              + (ec ? ec.message() : "not a directory");
      return false;
    }
  }
  out = path;
  return true;
}

using config_detail::node_file_path;

// The journal is written before any order is sent, so a folder that cannot
// hold it must stop the node at start, not reject its first order.
bool node_config::read_oms(node_settings& s, std::string& error) const {
  if (!s.has_role("trading"))
    return true; // the OMS runs with the trading role only
  return node_file_path("oms.journal-path", raw_.oms_journal_path, s.self, s.oms_journal_path,
                        error)
         && node_file_path("risk.decisions-path", raw_.risk_decisions_path, s.self,
                           s.risk_decisions_path, error);
}

// [compliance] (actors/compliance/compliance_config.hpp); the outbox's
// folder is made only on a node with an endpoint.
bool node_config::read_compliance(node_settings& s, std::string& error) const {
  std::string path;
  if (!raw_compliance_.endpoint.empty()
      && !node_file_path("compliance.outbox", raw_compliance_.outbox, s.self, path, error))
    return false;
  return compliance::parse_compliance_config(raw_compliance_, path, s.compliance, error);
}

// [trace] (docs/tracing.md): the collector's URL parsed, the span files'
// folder made only when they are the sink.
bool node_config::read_trace(node_settings& s, std::string& error) const {
  using namespace std::chrono_literals;
  using config_detail::in_range;
  using config_detail::within;
  const auto& r = raw_trace_;
  auto& t = s.trace;
  if (r.enabled != "on" && r.enabled != "off") {
    error = "trace.enabled: '" + r.enabled + "' is not on or off";
    return false;
  }
  t.enabled = r.enabled == "on";
  char* end = nullptr;
  double ratio = std::strtod(r.sample_ratio.text.c_str(), &end);
  if (r.sample_ratio.text.empty() || *end != '\0' || !(ratio >= 0.0 && ratio <= 1.0)) {
    error = "trace.sample-ratio: '" + r.sample_ratio.text + "' is not a number within 0..1";
    return false;
  }
  t.sample_ratio = ratio;
  if (!in_range("trace.ring-spans", r.ring_spans, 64, 1 << 24, error)
      || !in_range("trace.batch-spans", r.batch_spans, 1, 65536, error)
      || !within("trace.flush-interval-ms", r.flush_interval, 10ms, 60s, error)
      || !in_range("trace.file-max-mb", r.file_max_mb, 1, 4096, error)
      || !in_range("trace.files-kept", r.files_kept, 1, 1000, error))
    return false;
  t.ring_spans = static_cast<size_t>(r.ring_spans);
  auto& e = t.exporter;
  e.node = s.self.value;
  e.batch_max = static_cast<size_t>(r.batch_spans);
  e.interval = r.flush_interval;
  e.file_max_bytes = static_cast<size_t>(r.file_max_mb) << 20;
  e.files_kept = static_cast<int>(r.files_kept);
  e.ca_file = r.ca_file;
  if (!r.collector.empty()) {
    e.collector = connector::parse_http_endpoint(r.collector, error);
    if (!e.collector) {
      error = "trace.collector: " + error;
      return false;
    }
    return true;
  }
  if (!t.enabled)
    return true;
  // The folder for the files: resolved and made like every node file.
  std::string probe;
  if (!node_file_path("trace.dir", r.dir + "/spans", s.self, probe, error))
    return false;
  e.dir = std::filesystem::path(probe).parent_path().string();
  return true;
}

// [retention] (reporting/archive/retention_config.hpp): paths resolved like
// every node file (<node-id>, folders made).
bool node_config::read_retention(node_settings& s, std::string& error) const {
  const auto& r = raw_retention_;
  std::string dir, reports;
  std::vector<std::string> logs;
  if (!r.archive_dir.empty()) {
    if (!node_file_path("retention.archive-dir", r.archive_dir, s.self, dir, error))
      return false;
    if (!r.reports_dir.empty()
        && !node_file_path("retention.reports-dir", r.reports_dir, s.self, reports, error))
      return false;
    for (auto& l : r.logs)
      if (!node_file_path("retention.logs", l, s.self, logs.emplace_back(), error))
        return false;
  }
  return archive::parse_retention_config(r, dir, reports, logs, s.retention, error);
}

// CAF 0.17's INI reader drops a value whose type does not fit its key
// (`heartbeat-interval-ms="5s"` quoted, a word where a number belongs): the
// key would keep its default without a word. The file is read again,
// untyped (nothing is stored: the typed read would also write the options'
// storage, undoing the command line's overrides), and each value of a
// known key is checked against its type as CAF's reader checks it.
bool node_config::read_file_types(std::string& error) const {
  if (config_file_path.empty())
    return true;
  auto untyped = parse_config_file(config_file_path.c_str());
  if (!untyped)
    return true; // a file that cannot be read: parse() has reported it
  for (auto& [category, section] : *untyped) {
    auto keys = caf::get_if<caf::settings>(&section);
    if (!keys)
      continue;
    for (auto& [key, value] : *keys) {
      auto option = custom_options_.qualified_name_lookup(category, key);
      auto name = category + "." + key;
      if (option && option->check(value)) {
        error = name + ": " + caf::to_string(value) + " is not a "
                + std::string(option->type_name().begin(), option->type_name().end())
                + " (" + config_file_path + ")";
        return false;
      }
    }
  }
  return true;
}

std::optional<node_settings> node_config::settings(std::string& error) const {
  node_settings s = base_; // the bound options; the readers check and complete it
  if (read_file_types(error) && read_node(s, error) && read_venues(s, error) && read_risk_and_strategy(s, error)
      && read_oms(s, error) && read_operators(s, error) && read_kill(s, error)
      && read_fanout(s, error)
      && read_auto_triggers(s, error) && read_admin(s, error)
      && gpu::parse_gpu_settings(raw_gpu_, s.venue.symbols, s.gpu, error)
      && read_supervision(s, error) && read_members(s, error) && read_compliance(s, error)
      && read_retention(s, error) && read_trace(s, error))
    return s;
  return std::nullopt;
}

} // namespace cwts
