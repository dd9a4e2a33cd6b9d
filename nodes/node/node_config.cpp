#include "nodes/node/node_config.hpp"

#include <arpa/inet.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <system_error>

#include "actors/connector/tls_transport.hpp"
#include "actors/risk/limit_change.hpp"
#include "common/ini_file.hpp"
#include "common/published_keys.hpp"
#include "messages/registry.hpp"
#include "nodes/node/venue_protocol_config.hpp"

namespace cwts {

namespace {

// [venue] for the first venue, [venue-2] .. [venue-4] for the others.
std::string venue_category(size_t slot) {
  return slot == 0 ? "venue" : "venue-" + std::to_string(slot + 1);
}

void add_venue_options(caf::config_option_set& set, const std::string& category,
                       raw_venue_options& v) {
  caf::config_option_adder{set, category}
    .add(v.name, "name", "the venue's name in orders, roles and metrics (default: its protocol)")
    .add(v.market_data, "market-data",
         "on: its market streams feed the validator; off: priced from another venue's feed")
    .add(v.venue_host, "host", "venue REST/WS host")
    .add(v.venue_port, "port", "venue REST/WS port")
    .add(v.venue_tls, "tls", "https/wss with the venue's certificate verified")
    .add(v.venue_ca_file, "ca-file", "CA file (PEM) for tls (empty: the system's CA paths)")
    .add(v.credentials_file, "credentials-file", "INI file with [account.<name>] api-key/secret")
    .add(v.account, "account", "account name in the credentials file; what its orders trade")
    .add(v.api_key_env, "api-key-env", "environment variable holding the API key")
    .add(v.secret_env, "secret-env", "environment variable holding the secret")
    .add(v.passphrase_env, "passphrase-env",
         "environment variable holding the API passphrase (OKX; else the credentials file's)")
    .add(v.symbols, "symbols", "symbols to trade")
    .add(v.request_timeout_ms, "request-timeout-ms", "deadline of one REST request")
    .add(v.recv_window_ms, "recv-window-ms", "Binance recvWindow")
    .add(v.poll_interval_ms, "poll-interval-ms", "open-order poll period (fill detection)")
    .add(v.user_data_stream, "user-data-stream",
         "fills from the WebSocket API user-data stream (REST polls stay as the fallback)")
    .add(v.ws_api_orders, "ws-api-orders",
         "orders and cancels over the WebSocket API (REST while it is down)")
    .add(v.ws_api_max_in_flight, "ws-api-max-in-flight",
         "ws-api-orders: requests written and not yet answered (1..1024)")
    .add(v.ws_api_max_queued, "ws-api-max-queued",
         "ws-api-orders: requests waiting beyond ws-api-max-in-flight (0..65536)")
    .add(v.poll_interval_streaming_ms, "poll-interval-when-streaming-ms",
         "open-order poll period while the user-data stream is subscribed")
    .add(v.lost_halt_ms, "lost-halt-ms",
         "REST or a stream lost this long -> level-2 node kill (0: off)")
    .add(v.lost_rest_failures, "lost-rest-failures",
         "failed REST probes in a row before REST counts as lost")
    .add(v.venue_protocol, "protocol",
         "binance (REST/WebSocket API), fix (FIX 4.4 orders, docs/fix.md), okx (OKX v5) or "
         "kraken (Kraken Spot)")
    .add(v.okx_ws_orders, "okx-ws-orders",
         "okx: orders over the private WebSocket, REST while it is down (on/off)")
    .add(v.kraken_ws_orders, "kraken-ws-orders",
         "kraken: orders over WebSocket v2, REST while it is down (on/off)")
    .add(v.nonce_file, "nonce-file",
         "kraken: nonces reserved ahead of use; <node-id> and <venue> are replaced "
         "(default run/<node-id>-<venue>-kraken.nonce)")
    .add(v.dead_mans_switch_ms, "dead-mans-switch-ms",
         "okx, kraken: the venue cancels every order when not renewed this long (0: off; "
         "okx 10000..120000, kraken 1000..86400000; whole seconds; default 60000)")
    .add(v.fix_host, "fix-host", "FIX acceptor host (empty: venue.host)")
    .add(v.fix_port, "fix-port", "FIX acceptor port")
    .add(v.fix_sender_comp_id, "fix-sender-comp-id", "our SenderCompID (empty: the node id)")
    .add(v.fix_target_comp_id, "fix-target-comp-id", "the venue's CompID")
    .add(v.fix_heartbeat_s, "fix-heartbeat-s", "HeartBtInt (108) sent at logon")
    .add(v.fix_store, "fix-store",
         "FIX sequence numbers and sent messages; <node-id> is replaced")
    .add(v.fix_log, "fix-log", "folder logging every FIX message (empty: none)")
    .add(v.fix_data_dictionary, "fix-data-dictionary",
         "FIX44.xml validating what the venue sends (empty: no validation)")
    .add(v.fix_reset_on_logon, "fix-reset-on-logon",
         "logon with 141=Y, sequence numbers back to 1 (default: they persist)")
    .add(v.fix_resend_max_age_s, "fix-resend-max-age-s",
         "an order the venue asks for again is resent only if this fresh (older: gap fill)");
}

} // namespace

node_config::node_config() {
  register_message_types(*this);
  // CAF's default work-stealing scheduler lets idle workers sleep for up to
  // 10 ms without being woken: a kill or an order arriving then waits. The
  // sharing scheduler wakes a worker at once (bench/kill_propagation_bench:
  // all 4 nodes gated p99 6.3 ms -> 2.8 ms). --scheduler.policy overrides it.
  set("scheduler.policy", caf::atom("sharing"));
  opt_group{custom_options_, "cwts"}
    .add(raw_.node_id, "node-id", "name of this node (unique in the cluster)")
    .add(raw_.roles, "roles", "roles hosted here: gateway, trading, witness")
    .add(raw_.duration_s, "duration", "stop after this many seconds (0: until Ctrl-C)")
    .add(raw_.summary_interval_ms, "summary-interval-ms", "period of the summary line");
  opt_group{custom_options_, "cluster"}
    .add(raw_.cluster_id, "id",
         "this cluster's id: every kill and reset is signed for it (unique per deployment)")
    .add(raw_.cluster_port, "port", "port this node publishes on (0: none)")
    .add(raw_.cluster_host, "host", "IPv4 address the cluster port binds (default 127.0.0.1)")
    .add(raw_.plain_tcp, "plain-tcp",
         "publish the cluster port without TLS (tests, single-node development only: any local "
         "process can then speak to this node's actors)")
    .add(raw_.peers, "peers", "peer nodes as id@host:port (host:port on plain TCP)")
    .add(raw_.members, "members",
         "node ids of every member of the cluster, this node included (docs/operators.md)")
    .add(raw_.connect_timeout_ms, "connect-timeout-ms", "how long to wait for peers at start")
    .add(raw_.standby_for, "standby-for",
         "node id this node stands by for: its roles start only when that node is lost")
    .add(raw_.failover_after_ms, "failover-after-ms",
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
    .add(raw_.restart_window_ms, "window-ms", "sliding window of max-restarts");
  opt_group{custom_options_, "drill"}
    .add(raw_.drill_enabled, "enabled", "accept drill crashes of a role (admin API; default off)");
  for (size_t k = 0; k < raw_.venues.size(); ++k)
    add_venue_options(custom_options_, venue_category(k), raw_.venues[k]);
  opt_group{custom_options_, "market-data"}
    .add(raw_.max_trade_age_ms, "max-age-ms", "oldest acceptable trade (exchange time)")
    .add(raw_.max_trade_future_ms, "max-future-ms", "largest clock skew into the future")
    .add(raw_.stale_halt_ms, "stale-halt-ms",
         "no validated trade of a symbol this long while trading -> level-1 node kill (0: off)");
  opt_group{custom_options_, "risk"}
    .add(raw_.max_order_qty, "max-order-qty", "largest order quantity")
    .add(raw_.max_order_notional, "max-order-notional", "largest order notional (quote)")
    .add(raw_.price_collar_bps, "price-collar-bps", "largest distance from the reference price")
    .add(raw_.max_position, "max-position", "largest absolute position incl. open orders")
    .add(raw_.tick_size, "tick-size", "venue PRICE_FILTER tickSize")
    .add(raw_.lot_step, "lot-step", "venue LOT_SIZE stepSize")
    .add(raw_.min_notional, "min-notional", "venue NOTIONAL minNotional")
    .add(raw_.credit_limit, "credit-limit", "account's open + in-flight notional (quote)")
    .add(raw_.max_messages_per_second, "max-messages-per-second",
         "orders and cancels per strategy in any sliding second")
    .add(raw_.max_fills_per_window, "max-fills-per-window",
         "fills per strategy in fill-window-ms before its execution throttle latches")
    .add(raw_.fill_window_ms, "fill-window-ms", "sliding window of max-fills-per-window")
    .add(raw_.loss_limit, "loss-limit", "node total PnL loss that triggers a level-2 kill")
    .add(raw_.drawdown_limit, "drawdown-limit",
         "fall from the PnL high-water mark that triggers a level-2 kill")
    .add(raw_.max_reject_ratio, "max-reject-ratio",
         "rejected / sent orders in reject-window-ms above this -> level-1 node kill (0: off)")
    .add(raw_.reject_window_ms, "reject-window-ms", "sliding window of max-reject-ratio")
    .add(raw_.reject_min_orders, "reject-min-orders",
         "orders in the window below which the reject rate never trips")
    .add(raw_.risk_decisions_path, "decisions-path",
         "durable trips, re-enables and limit changes; <node-id> is replaced");
  opt_group{custom_options_, "strategy"}
    .add(raw_.order_qty, "order-qty", "quantity of each quote")
    .add(raw_.half_spread_ticks, "half-spread-ticks", "distance of each quote from fair value")
    .add(raw_.requote_ticks, "requote-ticks", "move that triggers a requote")
    .add(raw_.requote, "requote", "how a quote moves: cancel (cancel + new) or amend (cancel/replace)")
    .add(raw_.max_inventory, "max-inventory", "inventory beyond which a side is not quoted")
    .add(raw_.min_action_interval_ms, "min-action-interval-ms", "throttle between order actions");
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
    .add(raw_.reset_min_halt_ms, "reset-min-halt-ms",
         "a node votes no on a reset while halted for less than this")
    .add(raw_.heartbeat_interval_ms, "heartbeat-interval-ms",
         "heartbeats between the kill coordinators of the cluster's nodes")
    .add(raw_.quorum_timeout_ms, "quorum-timeout-ms",
         "a node that sees no quorum of the cluster for this long halts itself")
    .add(raw_.required_roles, "required-roles",
         "roles the cluster cannot trade without (e.g. [\"oms\",\"connector\"])")
    .add(raw_.role_lost_halt_ms, "role-lost-halt-ms",
         "a required role with no live holder this long -> level-2 cluster kill (0: off)")
    .add(raw_.quorum_lost_level, "quorum-lost-level",
         "level a node cut off from the quorum halts at (1..2; 0: 2 with a connector, else 1)")
    .add(raw_.max_future_skew_ms, "max-future-skew-ms",
         "a command whose issued_at is further ahead of this node's clock is refused")
    .add(raw_.fanout, "fanout", "1: direct kill fan-out to every member beside CAF's echo; 0: off")
    .add(raw_.fanout_host, "fanout-host", "address the fan-out listener binds")
    .add(raw_.fanout_port_offset, "fanout-port-offset",
         "each member's fan-out listener is its cluster port + this (1..30000)")
    .add(raw_.fanout_realtime_priority, "fanout-realtime-priority",
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
    .add(raw_.admin_host, "host", "address of the admin HTTP port (default 127.0.0.1)")
    .add(raw_.admin_port, "port", "admin HTTP port: /metrics, /readyz, /api/* (0: a free one)")
    .add(raw_.admin_max_connections, "max-connections",
         "admin connections open at once; one more is answered 503 and closed")
    .add(raw_.admin_request_deadline_ms, "request-deadline-ms",
         "time a request has from accept to its last byte, or it is closed");
  opt_group{custom_options_, "health"}
    .add(raw_.health_interval_ms, "interval-ms", "how often the health rules are evaluated")
    .add(raw_.stale_data_s, "stale-data-s", "market data older than this is stale (0: off)")
    .add(raw_.stale_data_kill_level, "stale-data-kill-level", "kill level on stale data (0: none)")
    .add(raw_.reject_ratio, "reject-ratio", "rejects / orders in the window above this (0: off)")
    .add(raw_.health_reject_window_ms, "reject-window-ms", "window of reject-ratio and p99")
    .add(raw_.health_reject_min_orders, "reject-min-orders", "orders in the window before it counts")
    .add(raw_.reject_kill_level, "reject-kill-level", "kill level on a high reject rate (0: none)")
    .add(raw_.order_latency_p99_ms, "order-latency-p99-ms",
         "p99 of the order round trip in the window above this (0: off)")
    .add(raw_.order_latency_min_count, "order-latency-min-count",
         "round trips in the window before the p99 counts")
    .add(raw_.order_latency_kill_level, "order-latency-kill-level", "kill level on slow orders")
    .add(raw_.max_resident_mb, "max-resident-mb", "resident memory above this (0: off)")
    .add(raw_.memory_kill_level, "memory-kill-level", "kill level on memory above its limit")
    .add(raw_.venue_disconnected_s, "venue-disconnected-s",
         "connector without its venue this long (0: off)")
    .add(raw_.venue_kill_level, "venue-kill-level", "kill level on a disconnected venue");
}

namespace {

template <class T>
bool parse_decimal(const std::string& key, const std::string& text, bool positive, T& out,
                   std::string& error) {
  auto v = T::parse(text);
  if (!v) {
    error = key + ": '" + text + "' is not a decimal with at most 8 places";
    return false;
  }
  if (positive && !v->is_positive()) {
    error = key + ": must be positive";
    return false;
  }
  out = *v;
  return true;
}

} // namespace

bool config_detail::in_range(const std::string& key, int64_t v, int64_t lo, int64_t hi,
                             std::string& error) {
  if (v < lo || v > hi) {
    error = key + ": " + std::to_string(v) + " is outside " + std::to_string(lo) + ".."
            + std::to_string(hi);
    return false;
  }
  return true;
}

using config_detail::in_range;

namespace {

bool parse_peer(const std::string& full, peer_address& out, std::string& error) {
  auto at = full.find('@');
  std::string id = at == std::string::npos ? "" : full.substr(0, at);
  std::string text = at == std::string::npos ? full : full.substr(at + 1);
  if (at != std::string::npos && id.empty()) {
    error = "cluster.peers: '" + full + "' has an empty node id before '@'";
    return false;
  }
  auto colon = text.rfind(':');
  char* end = nullptr;
  long port = colon == std::string::npos ? 0 : std::strtol(text.c_str() + colon + 1, &end, 10);
  if (colon == std::string::npos || colon == 0 || end == nullptr || *end != '\0' || port < 1
      || port > 65535) {
    error = "cluster.peers: '" + full + "' is not [id@]host:port";
    return false;
  }
  out = peer_address{text.substr(0, colon), static_cast<uint16_t>(port), id};
  return true;
}

// Secrets: the environment wins over the credentials file; none is logged.
bool load_credentials(const std::string& cat, const raw_venue_options& r, venue_settings& venue,
                      std::string& error) {
  const auto& file = r.credentials_file;
  const auto& account = r.account;
  const auto& key_env = r.api_key_env;
  const auto& secret_env = r.secret_env;
  const char* key = std::getenv(key_env.c_str());
  const char* secret = std::getenv(secret_env.c_str());
  if (key && secret && *key && *secret) {
    venue.api_key = key;
    venue.secret = secret;
    // The keys from the environment; OKX's passphrase may still be the file's.
    std::optional<ini_file> ini;
    if (venue.okx && !file.empty()) {
      ini = ini_file::load(file, error);
      if (!ini) {
        error = cat + ".credentials-file: " + error;
        return false;
      }
    }
    return load_passphrase(cat, r, ini ? &*ini : nullptr, venue, error);
  }
  if (file.empty()) {
    error = cat + ".credentials-file: not set and " + key_env + "/" + secret_env + " are not in the "
            "environment";
    return false;
  }
  auto ini = ini_file::load(file, error);
  if (!ini) {
    error = cat + ".credentials-file: " + error;
    return false;
  }
  auto k = ini->get("account." + account + ".api-key");
  auto s = ini->get("account." + account + ".secret");
  if (!k || !s || k->empty() || s->empty()) {
    error = cat + ".account: '" + account + "' has no api-key and secret in " + file;
    return false;
  }
  venue.api_key = *k;
  venue.secret = *s;
  return load_passphrase(cat, r, &*ini, venue, error);
}

std::string with_node_id(std::string text, const node_id& self) {
  const std::string token = "<node-id>";
  for (auto at = text.find(token); at != std::string::npos; at = text.find(token, at))
    text.replace(at, token.size(), self.value);
  return text;
}

// `<node-id>` replaced; the folder is created so the file can be written.
} // namespace

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

bool node_config::read_node(node_settings& s, std::string& error) const {
  const auto& r = raw_;
  if (r.node_id.empty() || !is_valid_client_order_id(r.node_id) || r.node_id.size() > 10) {
    error = "cwts.node-id: must be 1..10 characters of [A-Za-z0-9._:/-] (it prefixes order ids)";
    return false;
  }
  s.self = node_id{r.node_id};
  if (r.roles.empty()) {
    error = "cwts.roles: at least one of gateway, trading, witness";
    return false;
  }
  for (auto& role : r.roles) {
    // witness: only the kill coordinator (every node has one): a node that
    // holds no venue or order but counts in the kill and reset quorums.
    if (role != "gateway" && role != "trading" && role != "witness") {
      error = "cwts.roles: unknown role '" + role + "' (known: gateway, trading, witness)";
      return false;
    }
    s.roles.insert(role);
  }
  if (!in_range("cwts.duration", r.duration_s, 0, 86400 * 365, error)
      || !in_range("cwts.summary-interval-ms", r.summary_interval_ms, 100, 60000, error)
      || !in_range("cluster.port", r.cluster_port, 0, 65535, error)
      || !in_range("cluster.connect-timeout-ms", r.connect_timeout_ms, 100, 600000, error))
    return false;
  s.duration = std::chrono::seconds(r.duration_s);
  s.summary_interval = std::chrono::milliseconds(r.summary_interval_ms);
  s.cluster_port = static_cast<uint16_t>(r.cluster_port);
  // One address, not a name or a wildcard: peers dial it, and over TLS
  // their certificate check expects exactly it (`cwts keys` names it).
  if (in_addr a{}; inet_pton(AF_INET, r.cluster_host.c_str(), &a) != 1 || a.s_addr == 0) {
    error = "cluster.host: '" + r.cluster_host + "' is not an IPv4 address (e.g. 10.0.0.5; "
            "default 127.0.0.1)";
    return false;
  }
  s.cluster_host = r.cluster_host;
  // Over plain TCP CAF's port takes any local process that speaks BASP, with
  // no certificate (issue 17 finding 6): only on purpose.
  if (s.cluster_port != 0 && openssl_certificate.empty() && !r.plain_tcp) {
    error = "cluster.port " + std::to_string(s.cluster_port) + " without TLS: any local process "
            "could reach this node's actors unauthenticated. Give the node its certificate "
            "([openssl] certificate, key, cafile: `cwts keys` makes them; `cwts cluster up` "
            "passes them) or, for a test or single-node development, set [cluster] "
            "plain-tcp=true (--cluster.plain-tcp)";
    return false;
  }
  s.connect_timeout = std::chrono::milliseconds(r.connect_timeout_ms);
  for (auto& text : r.peers) {
    peer_address p;
    if (!parse_peer(text, p, error))
      return false;
    s.peers.push_back(p);
  }
  return true;
}

namespace {

// One [venue] / [venue-N] section. Credentials are loaded only where the
// node connects to the venue (gateway role).
bool read_venue(const raw_venue_options& r, const std::string& cat, const node_id& self,
                bool gateway, venue_settings& v, std::string& error) {
  auto off_or_range = [&](const std::string& key, int64_t val) {
    if (val == 0 || in_range(key, val, 100, 86'400'000, error))
      return true;
    error += " (or 0: off)";
    return false;
  };
  if (!in_range(cat + ".port", r.venue_port, 1, 65535, error)
      || !in_range(cat + ".request-timeout-ms", r.request_timeout_ms, 10, 60000, error)
      || !in_range(cat + ".recv-window-ms", r.recv_window_ms, 1, 60000, error)
      || !in_range(cat + ".poll-interval-ms", r.poll_interval_ms, 10, 60000, error)
      || !in_range(cat + ".poll-interval-when-streaming-ms", r.poll_interval_streaming_ms,
                   r.poll_interval_ms, 600000, error)
      || !off_or_range(cat + ".lost-halt-ms", r.lost_halt_ms)
      || !in_range(cat + ".lost-rest-failures", r.lost_rest_failures, 1, 1000, error))
    return false;
  auto name = r.name.empty() ? r.venue_protocol : r.name;
  if (!is_valid_venue_name(name)) {
    error = cat + ".name: '" + name + "' is not 1..15 of a-z, 0-9 and '-'";
    return false;
  }
  v.name = venue_name{name};
  v.account = account_id{r.account};
  if (r.market_data != "on" && r.market_data != "off") {
    error = cat + ".market-data: '" + r.market_data + "' is not on or off";
    return false;
  }
  v.market_data = r.market_data == "on";
  v.host = r.venue_host;
  v.port = static_cast<uint16_t>(r.venue_port);
  v.tls = r.venue_tls;
  v.ca_file = r.venue_ca_file;
  if (auto why = connector::validate_tls(v.tls, v.ca_file); !why.empty()) {
    error = cat + ".ca-file: " + why.substr(why.find(": ") + 2); // drops the "ca_file: " prefix
    return false;
  }
  v.request_timeout = std::chrono::milliseconds(r.request_timeout_ms);
  v.recv_window = std::chrono::milliseconds(r.recv_window_ms);
  v.poll_interval = std::chrono::milliseconds(r.poll_interval_ms);
  v.user_data_stream = r.user_data_stream;
  v.ws_api_orders = r.ws_api_orders;
  if (r.ws_api_max_in_flight < 1 || r.ws_api_max_in_flight > 1024) {
    error = cat + ".ws-api-max-in-flight: must be 1..1024, not "
            + std::to_string(r.ws_api_max_in_flight);
    return false;
  }
  if (r.ws_api_max_queued < 0 || r.ws_api_max_queued > 65536) {
    error = cat + ".ws-api-max-queued: must be 0..65536, not " + std::to_string(r.ws_api_max_queued);
    return false;
  }
  v.ws_api_max_in_flight = static_cast<std::size_t>(r.ws_api_max_in_flight);
  v.ws_api_max_queued = static_cast<std::size_t>(r.ws_api_max_queued);
  v.poll_interval_streaming = std::chrono::milliseconds(r.poll_interval_streaming_ms);
  v.lost_halt = std::chrono::milliseconds(r.lost_halt_ms);
  v.lost_rest_failures = static_cast<int32_t>(r.lost_rest_failures);
  if (r.symbols.empty()) {
    error = cat + ".symbols: at least one symbol";
    return false;
  }
  for (auto& text : r.symbols) {
    auto sym = symbol::parse(text);
    if (!sym) {
      error = cat + ".symbols: '" + text + "' is not an upper-case symbol of 1..15 characters";
      return false;
    }
    v.symbols.push_back(*sym);
  }
  if (!read_venue_protocol(r, cat, self, v, error))
    return false;
  return !gateway || (load_credentials(cat, r, v, error) && check_protocol_secret(cat, r, v, error));
}

} // namespace

std::vector<const venue_settings*> node_settings::venues() const {
  std::vector<const venue_settings*> out{&venue};
  for (auto& v : more_venues)
    out.push_back(&v);
  return out;
}

// [venue] always; [venue-2] .. [venue-4] where they have a name. Names and
// (host, port) pairs are unique: two connectors of one venue account would
// cancel each other's orders in a kill.
bool node_config::read_venues(node_settings& s, std::string& error) const {
  const auto& r = raw_;
  if (!in_range("market-data.max-age-ms", r.max_trade_age_ms, 1, 3600000, error)
      || !in_range("market-data.max-future-ms", r.max_trade_future_ms, 0, 60000, error))
    return false;
  s.max_trade_age = std::chrono::milliseconds(r.max_trade_age_ms);
  s.max_trade_future = std::chrono::milliseconds(r.max_trade_future_ms);
  bool gateway = s.has_role("gateway");
  if (!read_venue(r.venues[0], venue_category(0), s.self, gateway, s.venue, error))
    return false;
  for (size_t k = 1; k < r.venues.size(); ++k) {
    if (r.venues[k].name.empty())
      continue;
    venue_settings v;
    if (!read_venue(r.venues[k], venue_category(k), s.self, gateway, v, error))
      return false;
    for (auto* other : s.venues())
      if (other->name == v.name) {
        error = venue_category(k) + ".name: venue '" + v.name.value + "' is configured twice";
        return false;
      }
    s.more_venues.push_back(std::move(v));
  }
  // The validator keeps one feed per symbol: exactly one venue streams it.
  std::map<symbol, const venue_settings*> feed;
  for (auto* v : s.venues())
    for (auto& sym : v->symbols) {
      if (!v->market_data)
        continue;
      if (auto [it, fresh] = feed.emplace(sym, v); !fresh) {
        error = "venue.market-data: " + sym.str() + " is streamed by both '"
                + it->second->name.value + "' and '" + v->name.value
                + "' (the validator keeps one feed per symbol: set market-data = off on one)";
        return false;
      }
    }
  for (auto* v : s.venues())
    for (auto& sym : v->symbols)
      if (!feed.count(sym)) {
        error = "venue.market-data: " + sym.str() + " of '" + v->name.value
                + "' has no feed (no venue with market-data = on streams it)";
        return false;
      }
  return true;
}

bool node_config::read_risk_and_strategy(node_settings& s, std::string& error) const {
  const auto& r = raw_;
  // The same ranges as a run-time change_limit (actors/risk/limit_change.hpp).
  if (!in_range("risk.price-collar-bps", r.price_collar_bps, risk::price_collar_bps_range.lo,
                risk::price_collar_bps_range.hi, error)
      || !in_range("risk.max-messages-per-second", r.max_messages_per_second,
                   risk::max_messages_per_second_range.lo, risk::max_messages_per_second_range.hi,
                   error)
      || !in_range("risk.max-fills-per-window", r.max_fills_per_window,
                   risk::max_fills_per_window_range.lo, risk::max_fills_per_window_range.hi, error)
      || !in_range("risk.fill-window-ms", r.fill_window_ms, risk::fill_window_ms_range.lo,
                   risk::fill_window_ms_range.hi, error)
      || !in_range("strategy.half-spread-ticks", r.half_spread_ticks, 1, 10000, error)
      || !in_range("strategy.requote-ticks", r.requote_ticks, 1, 10000, error)
      || !in_range("strategy.min-action-interval-ms", r.min_action_interval_ms, 0, 60000, error))
    return false;
  auto& k = s.risk;
  k.price_collar_bps = r.price_collar_bps;
  k.max_messages_per_second = r.max_messages_per_second;
  k.max_fills_per_window = r.max_fills_per_window;
  k.fill_window_ms = r.fill_window_ms;
  auto& g = s.strategy;
  g.account = s.venue.account;
  g.half_spread_ticks = r.half_spread_ticks;
  g.requote_ticks = r.requote_ticks;
  g.min_action_interval = std::chrono::milliseconds(r.min_action_interval_ms);
  if (auto mode = strategy::parse_requote_mode(r.requote)) {
    g.requote = *mode;
  } else {
    error = "strategy.requote: '" + r.requote + "' is not cancel or amend";
    return false;
  }
  return parse_decimal("risk.max-order-qty", r.max_order_qty, true, k.max_order_qty, error)
         && parse_decimal("risk.max-order-notional", r.max_order_notional, true,
                          k.max_order_notional, error)
         && parse_decimal("risk.max-position", r.max_position, true, k.max_position, error)
         && parse_decimal("risk.tick-size", r.tick_size, true, k.tick_size, error)
         && parse_decimal("risk.lot-step", r.lot_step, true, k.lot_step, error)
         && parse_decimal("risk.min-notional", r.min_notional, false, k.min_notional, error)
         && parse_decimal("risk.credit-limit", r.credit_limit, true, k.credit_limit, error)
         && parse_decimal("risk.loss-limit", r.loss_limit, true, k.loss_limit, error)
         && parse_decimal("risk.drawdown-limit", r.drawdown_limit, true, k.drawdown_limit, error)
         && parse_decimal("strategy.order-qty", r.order_qty, true, g.order_qty, error)
         && parse_decimal("strategy.max-inventory", r.max_inventory, true, g.max_inventory, error);
}

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

// Operator commands are verified against this list (DESIGN.md §3
// "Authorization"); a node without one could not tell an operator from anyone.
// A relative path is resolved against the config file's folder, as the key
// files inside it are against the operators file: a node started from any
// working directory (scripts, tests in their own folder) finds the same keys.
bool node_config::read_operators(node_settings& s, std::string& error) const {
  if (raw_.operators_file.empty()) {
    error = "operators.file: not set (every node needs the list of operator keys it trusts)";
    return false;
  }
  std::filesystem::path file(raw_.operators_file);
  if (file.is_relative())
    file = std::filesystem::path(config_file_path).parent_path() / file;
  auto registry = operator_registry::load(file.string(), error);
  if (!registry) {
    error = "operators.file: " + error;
    return false;
  }
  for (auto& k : registry->keys())
    if (auto published = published_key(k.public_key); !published.empty()) {
      error = "operators.file: " + file.string() + ": [operator." + k.id.value
              + "] public-key-file is " + published + "; make this deployment's keys with `cwts keys`";
      return false;
    }
  s.operators = std::make_shared<const operator_registry>(std::move(*registry));
  return true;
}

// Issue 17 finding 2: membership is configuration. Every member needs the
// node key the operators file lists for it; each peer named in
// cluster.peers must be a member, and over TLS it must be named (its
// certificate is checked against that name).
bool node_config::read_members(node_settings& s, std::string& error) const {
  std::vector<std::string> ids = raw_.members;
  if (ids.empty()) {
    if (!s.peers.empty()) {
      error = "cluster.members: not set (a node with cluster.peers needs the list of the "
              "cluster's members, this node included: only they count in any quorum)";
      return false;
    }
    ids.push_back(s.self.value); // a single node is a cluster of itself
  }
  auto m = cluster_membership::make(ids, s.self.value, *s.operators, error);
  if (!m)
    return false;
  if (static_cast<int32_t>(s.peers.size()) > m->size() - 1) {
    error = "cluster.peers: " + std::to_string(s.peers.size()) + " peers, but cluster.members lists "
            + std::to_string(m->size()) + " nodes (" + m->joined_ids() + ")";
    return false;
  }
  const bool tls = !openssl_certificate.empty();
  for (auto& p : s.peers) {
    auto where = p.host + ":" + std::to_string(p.port);
    if (p.id.empty() && tls) {
      error = "cluster.peers: '" + where + "' names no node id (write id@" + where
              + "): over TLS each peer's certificate is checked against the member it should be";
      return false;
    }
    if (!p.id.empty() && p.id == s.self.value) {
      error = "cluster.peers: '" + p.id + "@" + where + "' is this node itself";
      return false;
    }
    if (!p.id.empty() && !m->contains(p.id)) {
      error = "cluster.peers: '" + p.id + "@" + where + "': " + m->refusal(p.id);
      return false;
    }
  }
  s.members = std::make_shared<const cluster_membership>(std::move(*m));
  return true;
}

// DESIGN.md "Authorization": kills are signed by an operator or a node key
// listed in config. The node's key must be the one the operators file lists
// under node-key-name with role kill, or the node's own kills would be
// refused when they are needed.
bool node_config::read_kill(node_settings& s, std::string& error) const {
  const auto& r = raw_;
  auto& k = s.kill;
  if (!in_range("kill.reset-min-halt-ms", r.reset_min_halt_ms, 0, 86'400'000, error)
      || !node_file_path("kill.audit-path", r.audit_path, s.self, k.audit_path, error)
      || !node_file_path("kill.state-path", r.halt_state_path, s.self, k.state_path, error))
    return false;
  k.min_halt = std::chrono::milliseconds(r.reset_min_halt_ms);
  if (!in_range("kill.heartbeat-interval-ms", r.heartbeat_interval_ms, 10, 60'000, error)
      || !in_range("kill.quorum-timeout-ms", r.quorum_timeout_ms, 100, 3'600'000, error))
    return false;
  // A timeout of one or two intervals halts on a single late heartbeat.
  if (r.quorum_timeout_ms < 3 * r.heartbeat_interval_ms) {
    error = "kill.quorum-timeout-ms: " + std::to_string(r.quorum_timeout_ms)
            + " is less than 3 x kill.heartbeat-interval-ms ("
            + std::to_string(r.heartbeat_interval_ms) + ")";
    return false;
  }
  k.heartbeat_interval = std::chrono::milliseconds(r.heartbeat_interval_ms);
  k.quorum_timeout = std::chrono::milliseconds(r.quorum_timeout_ms);
  if (r.role_lost_halt_ms != 0
      && !in_range("kill.role-lost-halt-ms", r.role_lost_halt_ms, 1000, 3'600'000, error))
    return false;
  // "connector": every venue's connector the cluster has shown; a venue's
  // own: "connector.<venue>".
  for (auto& role : r.required_roles)
    if (role != "oms" && role != "connector" && role != "risk" && role != "strategy"
        && role != "validator" && !is_valid_venue_name(venue_of_role(role).value)) {
      error = "kill.required-roles: '" + role + "' is not a role (oms, connector, "
              "connector.<venue>, risk, strategy, validator)";
      return false;
    }
  k.required_roles = r.required_roles;
  k.role_lost_halt = std::chrono::milliseconds(r.role_lost_halt_ms);
  if (!in_range("kill.quorum-lost-level", r.quorum_lost_level, 0, 2, error)
      || !in_range("kill.max-future-skew-ms", r.max_future_skew_ms, 0, 60'000, error))
    return false;
  k.quorum_lost_level = static_cast<int>(r.quorum_lost_level);
  k.max_future_skew = std::chrono::milliseconds(r.max_future_skew_ms);
  if (r.cluster_id.empty() || r.cluster_id.size() > 64
      || r.cluster_id.find_first_of(" \t\r\n") != std::string::npos) {
    error = "cluster.id: '" + r.cluster_id + "' must be 1..64 characters without spaces";
    return false;
  }
  s.cluster_id = r.cluster_id;
  if (r.node_key_name.empty() || r.node_key_file.empty()) {
    error = "kill.node-key-name and kill.node-key-file: not set (the node signs the kills it "
            "triggers itself with its own key)";
    return false;
  }
  // `<node-id>` in either is replaced, so one node config serves every node
  // of a cluster whose keys `cwts keys` named node-<id>.
  auto key_name = with_node_id(r.node_key_name, s.self);
  std::filesystem::path file(with_node_id(r.node_key_file, s.self));
  if (file.is_relative())
    file = std::filesystem::path(config_file_path).parent_path() / file;
  auto key = ed25519_signer::from_pem_file(file.string(), error);
  if (!key) {
    error = "kill.node-key-file: " + error;
    return false;
  }
  // Issue 17 finding 7: a key whose private half is in the repository
  // authenticates nobody.
  if (auto published = published_key(key->public_key()); !published.empty()) {
    error = "kill.node-key-file: '" + file.string() + "' is " + published
            + "; make this deployment's keys with `cwts keys`";
    return false;
  }
  const operator_key* listed = nullptr;
  for (auto& op : s.operators->keys())
    if (op.id.value == key_name)
      listed = &op;
  if (!listed || !listed->roles.count(operator_role::kill)) {
    error = "kill.node-key-name: '" + key_name
            + "' is not in the operators file with role kill";
    return false;
  }
  // The same key signs this node's votes and heartbeats, which peers check
  // against the key listed for this node's id.
  if (listed->node != s.self.value) {
    error = "kill.node-key-name: '" + key_name + "' must be listed with node = \""
            + s.self.value + "\" in the operators file"
            + (listed->node.empty() ? std::string(" (it has no node)")
                                    : " (it is listed for node '" + listed->node + "')");
    return false;
  }
  if (listed->public_key != key->public_key()) {
    error = "kill.node-key-file: not the key the operators file lists for '" + key_name + "'";
    return false;
  }
  k.node_key_name = operator_id{key_name};
  k.node_key = std::make_shared<const ed25519_signer>(std::move(*key));
  return true;
}

// docs/kill-switch.md "Auto-triggers": the kills a node sends itself.
// A duration is 0 (off) or at least 100 ms: shorter would halt on the
// scheduling noise of a busy machine, not on a lost feed.
bool node_config::read_auto_triggers(node_settings& s, std::string& error) const {
  const auto& r = raw_;
  auto off_or_range = [&](const std::string& key, int64_t v) {
    if (v == 0 || in_range(key, v, 100, 86'400'000, error))
      return true;
    error += " (or 0: off)";
    return false;
  };
  if (!off_or_range("market-data.stale-halt-ms", r.stale_halt_ms)
      || !in_range("risk.reject-window-ms", r.reject_window_ms, 100, 3'600'000, error)
      || !in_range("risk.reject-min-orders", r.reject_min_orders, 1, 1'000'000, error))
    return false;
  char* end = nullptr;
  double ratio = std::strtod(r.max_reject_ratio.c_str(), &end);
  if (r.max_reject_ratio.empty() || end == nullptr || *end != '\0' || !(ratio >= 0.0 && ratio <= 1.0)) {
    error = "risk.max-reject-ratio: '" + r.max_reject_ratio + "' is not a number within 0..1";
    return false;
  }
  s.stale_halt = std::chrono::milliseconds(r.stale_halt_ms);
  s.risk.max_reject_ratio = ratio;
  s.risk.reject_window = std::chrono::milliseconds(r.reject_window_ms);
  s.risk.reject_min_orders = r.reject_min_orders;
  return true;
}

// docs/monitoring.md "Health rules": a bad value names its key.
bool node_config::read_admin(node_settings& s, std::string& error) const {
  const auto& r = raw_;
  auto& a = s.admin;
  auto seconds = [&](const std::string& key, const std::string& text, double& out) {
    char* end = nullptr;
    double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end == nullptr || *end != '\0' || !(v >= 0.0 && v <= 86400.0 * 365)) {
      error = key + ": '" + text + "' is not a non-negative number";
      return false;
    }
    out = v;
    return true;
  };
  auto level = [&](const std::string& key, int64_t v, int& out) {
    if (!in_range(key, v, 0, 4, error))
      return false;
    out = static_cast<int>(v);
    return true;
  };
  double latency_ms = 0;
  if (!in_range("admin.port", r.admin_port, 0, 65535, error)
      || !in_range("admin.max-connections", r.admin_max_connections, 1, 10'000, error)
      || !in_range("admin.request-deadline-ms", r.admin_request_deadline_ms, 100, 600'000, error)
      || !in_range("health.interval-ms", r.health_interval_ms, 100, 3'600'000, error)
      || !in_range("health.reject-window-ms", r.health_reject_window_ms, 1000, 86'400'000, error)
      || !in_range("health.reject-min-orders", r.health_reject_min_orders, 1, 1'000'000, error)
      || !in_range("health.order-latency-min-count", r.order_latency_min_count, 1, 1'000'000, error)
      || !in_range("health.max-resident-mb", r.max_resident_mb, 0, 1'048'576, error)
      || !seconds("health.stale-data-s", r.stale_data_s, a.stale_data_s)
      || !seconds("health.reject-ratio", r.reject_ratio, a.reject_ratio)
      || !seconds("health.order-latency-p99-ms", r.order_latency_p99_ms, latency_ms)
      || !seconds("health.venue-disconnected-s", r.venue_disconnected_s, a.venue_disconnected_s)
      || !level("health.stale-data-kill-level", r.stale_data_kill_level, a.stale_data_kill_level)
      || !level("health.reject-kill-level", r.reject_kill_level, a.reject_kill_level)
      || !level("health.order-latency-kill-level", r.order_latency_kill_level,
                a.order_latency_kill_level)
      || !level("health.memory-kill-level", r.memory_kill_level, a.memory_kill_level)
      || !level("health.venue-kill-level", r.venue_kill_level, a.venue_kill_level))
    return false;
  if (a.reject_ratio > 1.0) {
    error = "health.reject-ratio: '" + r.reject_ratio + "' is above 1";
    return false;
  }
  a.host = r.admin_host;
  a.port = static_cast<uint16_t>(r.admin_port);
  a.max_connections = static_cast<std::size_t>(r.admin_max_connections);
  a.request_deadline = std::chrono::milliseconds(r.admin_request_deadline_ms);
  a.interval = std::chrono::milliseconds(r.health_interval_ms);
  a.reject_window = std::chrono::milliseconds(r.health_reject_window_ms);
  a.reject_min_orders = r.health_reject_min_orders;
  a.order_latency_p99_s = latency_ms / 1000.0;
  a.order_latency_min_count = r.order_latency_min_count;
  a.max_resident_bytes = r.max_resident_mb * 1024 * 1024;
  return true;
}

// docs/supervision.md: restart strategy and intensity, drills, standby.
bool node_config::read_supervision(node_settings& s, std::string& error) const {
  const auto& r = raw_;
  auto& v = s.supervision;
  auto strategy = parse_restart_strategy(r.supervisor_strategy);
  if (!strategy) {
    error = "supervisor.strategy: '" + r.supervisor_strategy
            + "' is not a strategy (one-for-one or rest-for-one)";
    return false;
  }
  if (!in_range("supervisor.max-restarts", r.max_restarts, 0, 1000, error)
      || !in_range("supervisor.window-ms", r.restart_window_ms, 100, 86'400'000, error)
      || !in_range("cluster.failover-after-ms", r.failover_after_ms, 100, 3'600'000, error))
    return false;
  v.strategy = *strategy;
  v.max_restarts = static_cast<uint32_t>(r.max_restarts);
  v.window = std::chrono::milliseconds(r.restart_window_ms);
  v.drills_enabled = r.drill_enabled;
  v.failover_after = std::chrono::milliseconds(r.failover_after_ms);
  if (!r.standby_for.empty()) {
    if (!is_valid_client_order_id(r.standby_for) || r.standby_for.size() > 10) {
      error = "cluster.standby-for: '" + r.standby_for + "' is not a node id (1..10 characters "
              "of [A-Za-z0-9._:/-])";
      return false;
    }
    if (r.standby_for == s.self.value) {
      error = "cluster.standby-for: a node cannot stand by for itself ('" + r.standby_for + "')";
      return false;
    }
    if (!s.has_role("trading") && !s.has_role("gateway")) {
      error = "cluster.standby-for: node '" + s.self.value
              + "' has no gateway or trading role to take over";
      return false;
    }
    if (s.peers.empty()) {
      error = "cluster.standby-for: no cluster.peers (a standby must reach '" + r.standby_for
              + "' to know it is alive)";
      return false;
    }
  }
  v.standby_for = r.standby_for;
  s.lease = lease_settings{r.lease_duration_ms, r.lease_renew_ms, r.lease_drift_ppm, ""};
  if (error = validate_lease_settings(s.lease); !error.empty())
    return false;
  return node_file_path("lease.state-path", r.lease_state_path, s.self, s.lease.state_path, error);
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

std::optional<node_settings> node_config::settings(std::string& error) const {
  node_settings s;
  if (read_node(s, error) && read_venues(s, error) && read_risk_and_strategy(s, error)
      && read_oms(s, error) && read_operators(s, error) && read_kill(s, error)
      && read_fanout(s, error)
      && read_auto_triggers(s, error) && read_admin(s, error)
      && gpu::parse_gpu_settings(raw_gpu_, s.venue.symbols, s.gpu, error)
      && read_supervision(s, error) && read_members(s, error) && read_compliance(s, error)
      && read_retention(s, error))
    return s;
  return std::nullopt;
}

} // namespace cwts
