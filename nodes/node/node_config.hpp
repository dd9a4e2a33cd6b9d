#pragma once
// cwts-node configuration: CAF's INI format and `--section.key=value`
// overrides (config/node*.ini), read once and validated into typed settings.
// A bad value stops the node with a message naming the key and the reason.

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "caf/actor_system_config.hpp"

#include "actors/compliance/compliance_config.hpp"
#include "actors/connector/connector_tuning.hpp"
#include "actors/fix/fix_settings.hpp"
#include "actors/gpu/gpu_settings.hpp"
#include "actors/kill/kill_coordinator_actor.hpp"
#include "actors/risk/risk_limits.hpp"
#include "actors/strategy/market_maker.hpp"
#include "actors/supervisor/lease_settings.hpp"
#include "actors/supervisor/supervision_plan.hpp"
#include "nodes/admin/health_rules.hpp"
#include "nodes/node/number_option.hpp"
#include "reporting/archive/retention_config.hpp"
#include "common/cluster_members.hpp"
#include "common/trace/span_exporter.hpp"
#include "common/operator_auth.hpp"
#include "messages/decimal.hpp"
#include "messages/ids.hpp"
#include "messages/symbol.hpp"

namespace cwts {

// A [cluster] peers entry: "tr1@127.0.0.1:47012" (or "127.0.0.1:47012" on
// plain TCP). The id is the member expected there: over TLS the peer's
// certificate must name it (nodes/transport/tls_relay.hpp), and the node
// that answers there must call itself by it.
struct peer_address {
  std::string host;
  uint16_t port = 0;
  std::string id; // the member expected there (cluster.peers: id@host:port)
};

// [venue] (and [venue-2] ..): the connector's tuning (connector_tuning:
// poll-interval-ms, poll-interval-when-streaming-ms, lost-halt-ms,
// lost-rest-failures; its defaults there only) and the venue's endpoint,
// account and protocol.
struct venue_settings : connector_tuning {
  // [venue] name: the venue's name in orders, roles ("connector.<name>") and
  // metrics; unique on the node.
  venue_name name;
  // [venue] account: the account its credentials trade (credit limit scope).
  account_id account;
  // [venue] market-data: its streams feed the validator (false: this venue's
  // orders are priced from another venue's feed of the same symbols).
  bool market_data = true;
  std::string host;
  uint16_t port = 0;
  // [venue] tls / ca-file: https and wss with the venue's certificate
  // verified against the CA file (empty: the system's default CA paths).
  bool tls = false;
  std::string ca_file;
  std::string api_key; // from the credentials file or environment; never logged
  std::string secret;
  std::vector<symbol> symbols;
  std::chrono::milliseconds request_timeout{2000};
  std::chrono::milliseconds recv_window{5000};
  // Fills from the WebSocket API's user-data stream; REST polls every
  // poll_interval_streaming while it is subscribed.
  bool user_data_stream = false;
  // [venue] ws-api-orders: orders over the WebSocket API, REST as fallback.
  bool ws_api_orders = false;
  // [venue] ws-api-max-in-flight / ws-api-max-queued (ws_api_pipeline_config).
  std::size_t ws_api_max_in_flight = 64;
  std::size_t ws_api_max_queued = 4096;
  // [venue] protocol = "fix": orders and cancel-all over FIX 4.4 (fix-*
  // keys, docs/fix.md); market data stays on the WebSocket streams.
  bool fix = false;
  fix::fix_connector_settings fix_session;
  // [venue] protocol = "okx": OKX v5 for orders (REST, private WebSocket)
  // and market data (public WebSocket).
  bool okx = false;
  // OK-ACCESS-PASSPHRASE of the account (credentials file [account.<name>]
  // passphrase, or passphrase-env); never logged. OKX only.
  std::string passphrase;
  // [venue] okx-ws-orders: orders over the private WebSocket, REST while it
  // is down (off: REST only).
  bool okx_ws_orders = true;
  // [venue] dead-mans-switch-ms: OKX cancel-all-after / Kraken
  // CancelAllOrdersAfter armed and refreshed by the connector (0: off; OKX
  // accepts 10 s .. 120 s, Kraken up to 86400 s).
  std::chrono::milliseconds dead_mans_switch{0};
  // [venue] protocol = "kraken": Kraken Spot for orders (REST, WebSocket v2)
  // and market data (WebSocket v2); the secret is base64.
  bool kraken = false;
  // [venue] kraken-ws-orders: orders over WebSocket v2, REST while it is
  // down (off: REST only).
  bool kraken_ws_orders = true;
  // [venue] nonce-file: Kraken's nonces reserved ahead, so a restart never
  // reuses one (venue_protocol_config.hpp).
  std::string nonce_file;
};

// [risk]: the limits as risk's own structs (actors/risk/risk_limits.hpp;
// their defaults there only), which node_roles.cpp hands over whole:
// symbol_limits (max-order-qty, max-order-notional, price-collar-bps,
// max-position; per symbol), symbol_rules (tick-size, lot-step,
// min-notional), strategy_limits (max-messages-per-second,
// max-fills-per-window, fill-window-ms; per market maker) and pnl_limits
// (loss-limit, drawdown-limit; the node's total PnL, a breach sends a
// level-2 kill). `cwts report controls` reads the same fields.
struct risk_settings : risk::symbol_limits,
                       risk::symbol_rules,
                       risk::strategy_limits,
                       risk::pnl_limits {
  notional credit_limit; // of the strategy's account: open + in-flight notional
  // Reject-rate auto-trigger: rejects / orders above max_reject_ratio in
  // reject_window with at least reject_min_orders -> level-1 node kill; 0 off.
  double max_reject_ratio = 0.5;
  std::chrono::milliseconds reject_window{10000};
  int64_t reject_min_orders = 20;
};

// [strategy]: each market maker's quoting (strategy::quote_tuning, its
// defaults there only; node_roles.cpp hands it over whole).
struct strategy_settings : strategy::quote_tuning {
  account_id account; // [venue] account: what its orders trade (credit limit scope)
};

// [kill]: the coordinator's tuning (kill_tuning: reset-min-halt-ms, the
// fail-safe's heartbeat-interval-ms and quorum-timeout-ms, lost roles, the
// fan-out's priority, caf-echo; its defaults live there and node_roles.cpp
// hands it over whole), the node's own key (signs the kills its risk actor
// triggers; listed in the operators file under node-key-name with role
// kill), and where the audit chain and the halt state live.
struct kill_settings : kill_tuning {
  operator_id node_key_name;
  std::shared_ptr<const ed25519_signer> node_key;
  std::string audit_path; // <node-id> replaced; folder exists
  std::string state_path;
  // Fail-safe level on a lost quorum: 0 picks 2 on a node with a venue
  // connection (its orders are cancelled), else 1.
  int quorum_lost_level = 0;
  std::chrono::milliseconds max_future_skew{2'000};
  // Direct kill fan-out (docs/kill-switch.md "Direct fan-out"): each
  // member listens on its cluster port + fanout_port_offset; off without a
  // cluster port or peers.
  bool fanout = true;
  // Loopback, as the cluster port (review p4 #11): no third port on the
  // network unless an operator names an address.
  std::string fanout_host = "127.0.0.1";
  int fanout_port_offset = 1000;
};

// [admin] and [health]: the admin HTTP port and the health rules
// (docs/monitoring.md). `health` is the evaluator's own struct (its
// defaults live in nodes/admin/health_rules.hpp); node_main hands it over
// whole.
struct admin_settings {
  std::string host = "127.0.0.1";
  uint16_t port = 0; // 0: a free one
  std::size_t max_connections = 64;                // http_server.hpp
  std::chrono::milliseconds request_deadline{5'000};
  admin::health_settings health;
};

// [supervisor], [drill] enabled and [cluster] standby-for /
// failover-after-ms (docs/supervision.md).
struct supervision_settings {
  restart_strategy strategy = restart_strategy::one_for_one;
  uint32_t max_restarts = 5;           // per child inside window
  std::chrono::milliseconds window{60000};
  bool drills_enabled = false;         // (crash_atom, role) accepted
  std::string standby_for;             // empty: not a standby
  std::chrono::milliseconds failover_after{3000};
};

// [trace] (docs/tracing.md): the order path's spans, recorded into a ring
// and shipped by the exporter thread.
struct trace_settings {
  bool enabled = true;
  double sample_ratio = 1.0;  // share of ticks that start a sampled trace
  size_t ring_spans = 8192;   // per recording thread's ring; a full ring drops
  trace::exporter_config exporter; // node, collector or span files, batching
};

struct node_settings {
  node_id self;
  std::set<std::string> roles; // "gateway", "trading"
  std::chrono::seconds duration{0};
  std::chrono::milliseconds summary_interval{1000};
  uint16_t cluster_port = 0;
  // [cluster] host: the IPv4 address the cluster port binds (peers dial
  // it; kill.fanout-host and admin.host are set beside it).
  std::string cluster_host = "127.0.0.1";
  std::vector<peer_address> peers;
  std::chrono::milliseconds connect_timeout{15000};
  venue_settings venue;                  // [venue]: the first venue
  std::vector<venue_settings> more_venues; // [venue-2] .. [venue-4] that have a name
  std::chrono::milliseconds max_trade_age{5000};
  std::chrono::milliseconds max_trade_future{2000};
  // [market-data] stale-halt-ms: no validated trade of a symbol for this long
  // while trading -> level-1 node kill; 0 off.
  std::chrono::milliseconds stale_halt{30000};
  risk_settings risk;
  strategy_settings strategy;
  // [oms] journal-path with <node-id> replaced; its folder exists.
  std::string oms_journal_path;
  // [risk] decisions-path with <node-id> replaced; its folder exists.
  std::string risk_decisions_path;
  // [operators] file, loaded: the keys allowed to command this node.
  std::shared_ptr<const operator_registry> operators;
  // [cluster] members with their node keys (common/cluster_members.hpp):
  // the only nodes whose announces, heartbeats and votes count; quorum
  // sizes come from it. A node without peers is a cluster of itself.
  std::shared_ptr<const cluster_membership> members;
  // [cluster] id: every kill and reset is signed for it.
  std::string cluster_id = "cwts-local";
  kill_settings kill;
  // [compliance]: the kill's compliance outbox and receiver; none: no channel.
  std::optional<compliance::outbox_config> compliance;
  // [retention]: the archive, its retention period and rotation (docs/retention.md); none: off.
  std::optional<archive::retention_settings> retention;
  admin_settings admin;
  // [gpu]: the GPU risk worker and risk's VaR limit (docs/gpu.md).
  gpu::gpu_settings gpu;
  supervision_settings supervision;
  lease_settings lease; // [lease] (docs/supervision.md "Trading lease")
  trace_settings trace; // [trace] (docs/tracing.md)

  bool has_role(const std::string& r) const { return roles.count(r) > 0; }
  // Every venue of this node, the first one first.
  std::vector<const venue_settings*> venues() const;
};

// A node trades at most this many venues ([venue], [venue-2] .. [venue-4]):
// one per adapter kind (Binance, OKX, Kraken, FIX).
inline constexpr size_t max_venues_per_node = 4;

// One [venue] section as CAF parses it (node_config::read_venue validates).
// The durations and counts bind straight into `bound` (their defaults are
// venue_settings'); the rest is text or a sentinel read_venue checks.
struct raw_venue_options {
  venue_settings bound;
  std::string name; // empty: [venue] takes its protocol's name, [venue-N] is unused
  std::string market_data = "on"; // a string: CAF's command line cannot set a bool to false
  std::string venue_host = "127.0.0.1";
  int64_t venue_port = 0;
  bool venue_tls = false;
  std::string venue_ca_file;
  std::string credentials_file;
  std::string account = "demo";
  std::string api_key_env = "CWTS_VENUE_API_KEY";
  std::string secret_env = "CWTS_VENUE_SECRET";
  std::string passphrase_env = "CWTS_VENUE_PASSPHRASE";
  std::vector<std::string> symbols;
  bool user_data_stream = false;
  bool ws_api_orders = false;
  int64_t ws_api_max_in_flight = 64;
  int64_t ws_api_max_queued = 4096;
  std::string venue_protocol = "binance";
  std::string fix_host;
  int64_t fix_port = 0;
  std::string fix_sender_comp_id;
  std::string fix_target_comp_id = "CWTS-VENUE";
  int64_t fix_heartbeat_s = 30;
  std::string fix_store = "run/<node-id>-fix";
  std::string fix_log;
  std::string fix_data_dictionary;
  bool fix_reset_on_logon = false;
  int64_t fix_resend_max_age_s = 5;
  std::string okx_ws_orders = "on"; // a string: CAF's command line cannot set a bool to false
  std::string kraken_ws_orders = "on";
  std::string nonce_file; // empty: default_kraken_nonce_file
  // -1: not set (okx, kraken: 60000; the others: off).
  int64_t dead_mans_switch_ms = -1;
};

// OKX's cancel-all-after armed unless the config says 0: a gateway that dies
// without a word leaves no order working at the venue for longer than this.
inline constexpr int64_t default_okx_dead_mans_switch_ms = 60'000;

class node_config : public caf::actor_system_config {
public:
  node_config();

  // Typed, validated settings; nullopt with `error` naming the key otherwise.
  std::optional<node_settings> settings(std::string& error) const;

private:
  bool read_file_types(std::string& error) const;
  bool read_node(node_settings& s, std::string& error) const;
  bool read_venues(node_settings& s, std::string& error) const;
  bool read_risk_and_strategy(node_settings& s, std::string& error) const;
  bool read_oms(node_settings& s, std::string& error) const;
  bool read_operators(node_settings& s, std::string& error) const;
  bool read_kill(node_settings& s, std::string& error) const;
  bool read_fanout(node_settings& s, std::string& error) const; // kill_fanout_config.cpp
  bool read_members(node_settings& s, std::string& error) const;
  bool read_auto_triggers(node_settings& s, std::string& error) const;
  bool read_admin(node_settings& s, std::string& error) const;
  bool read_supervision(node_settings& s, std::string& error) const;
  bool read_compliance(node_settings& s, std::string& error) const;
  bool read_trace(node_settings& s, std::string& error) const;
  bool read_retention(node_settings& s, std::string& error) const;

  // What CAF cannot bind to a setting directly: text to parse (decimals,
  // ratios, names), 0/1 switches (CAF's command line cannot set a bool to
  // false), unit conversions and sentinels.
  struct raw_options {
    std::string node_id;
    std::vector<std::string> roles;
    int64_t duration_s = 0;
    int64_t cluster_port = 0;
    bool plain_tcp = false;
    std::vector<std::string> peers;
    std::vector<std::string> members;
    // [venue], [venue-2] .. [venue-4]: the venues this node trades.
    std::array<raw_venue_options, max_venues_per_node> venues{};
    config_detail::number_text max_reject_ratio{"0.5"};
    std::string max_order_qty;
    std::string max_order_notional;
    std::string max_position;
    std::string tick_size;
    std::string lot_step;
    std::string min_notional;
    std::string credit_limit;
    std::string loss_limit;
    std::string drawdown_limit;
    std::string order_qty;
    std::string requote = "cancel";
    std::string max_inventory;
    std::string oms_journal_path = "run/<node-id>-oms.sqlite";
    std::string risk_decisions_path = "run/<node-id>-risk-decisions.log";
    std::string operators_file;
    std::string node_key_name;
    std::string node_key_file;
    std::string audit_path = "run/<node-id>-kill-audit.log";
    std::string halt_state_path = "run/<node-id>-halt.state";
    // 0/1, not bool: CAF's command line cannot set a bool option to false.
    int64_t fanout = 1;
    int64_t caf_echo = 1;
    int64_t admin_port = 0;
    int64_t admin_max_connections = 64;
    config_detail::number_text stale_data_s{"0"};
    config_detail::number_text reject_ratio{"0"};
    config_detail::number_text order_latency_p99_ms{"0"};
    int64_t max_resident_mb = 0;
    config_detail::number_text venue_disconnected_s{"0"};
    std::string supervisor_strategy = "one-for-one";
    int64_t max_restarts = 5;
    bool drill_enabled = false;
    std::string standby_for;
    int64_t lease_duration_ms = 900;
    int64_t lease_renew_ms = 150;
    int64_t lease_drift_ppm = 1000;
    std::string lease_state_path = "run/<node-id>-lease.state";
  };
  // [trace] as given; read_trace checks and converts it.
  struct raw_trace_options {
    std::string enabled = "on";
    std::string collector; // empty: span files in `dir`
    std::string ca_file;
    std::string dir = "run/trace-<node-id>";
    config_detail::number_text sample_ratio{"1"};
    int64_t ring_spans = 8192;
    int64_t batch_spans = 512;
    std::chrono::milliseconds flush_interval{200};
    int64_t file_max_mb = 16;
    int64_t files_kept = 4;
  };
  raw_trace_options raw_trace_;
  raw_options raw_;
  // The options that need no conversion bind straight into these settings
  // (durations through nodes/node/duration_option.hpp): each default is the
  // one its struct declares. settings() copies and validates them.
  node_settings base_;
  gpu::gpu_raw_options raw_gpu_;
  compliance::compliance_raw_options raw_compliance_;
  archive::retention_raw_options raw_retention_;
};

} // namespace cwts
