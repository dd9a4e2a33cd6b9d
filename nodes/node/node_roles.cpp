#include "nodes/node/node_roles.hpp"

#include "caf/actor_system.hpp"

#include "actors/compliance/compliance_outbox.hpp"
#include "actors/connector/connector_actor.hpp"
#include "actors/gpu/gpu_worker_actor.hpp"
#include "actors/kill/kill_coordinator_actor.hpp"
#include "actors/oms/journal_ship_actor.hpp"
#include "actors/oms/oms_actor.hpp"
#include "actors/risk/risk_actor.hpp"
#include "actors/strategy/strategy_actor.hpp"
#include "actors/supervisor/lease_actor.hpp"
#include "actors/validator/validator_actor.hpp"
#include "messages/registry.hpp"

#include <set>
#include <stdexcept>

#include <spdlog/spdlog.h>

namespace cwts {

kill_coordinator_config make_kill_config(const node_settings& s, kill_gate& gate) {
  kill_coordinator_config cfg;
  // [kill]'s tuning, whole (its defaults: kill_tuning); the rest is wiring.
  static_cast<kill_tuning&>(cfg) = s.kill;
  cfg.core.self = s.self;
  cfg.core.operators = s.operators;
  cfg.gate = &gate;
  cfg.audit_path = s.kill.audit_path;
  if (s.retention)
    cfg.audit_rotation = s.retention->audit;
  cfg.state_path = s.kill.state_path;
  // Quorum sizes come from the configured members, never from who connects.
  cfg.cluster_size = s.members ? s.members->size() : static_cast<int32_t>(s.peers.size()) + 1;
  cfg.members = s.members;
  cfg.node_key = s.kill.node_key;
  cfg.node_key_name = s.kill.node_key_name.value;
  cfg.core.cluster = s.cluster_id;
  cfg.core.max_future_skew = s.kill.max_future_skew;
  cfg.core.node_halt_signatures = node_halt_signatures(cfg.cluster_size);
  if (s.members)
    for (auto& id : s.members->ids())
      cfg.core.members.insert(id);
  // A node holding a venue connection cancels its orders when cut off: a
  // level-1 halt would leave them resting at the venue (issue 17 #12).
  int level = s.kill.quorum_lost_level != 0 ? s.kill.quorum_lost_level
                                            : s.has_role("gateway") ? 2 : 1;
  cfg.quorum_lost_level = static_cast<kill_level>(level);
  // The fail-safe counts from when the node stops waiting for its peers.
  cfg.quorum_start_grace = s.connect_timeout;
  // The direct fan-out: every member listens on its cluster port + the
  // offset (a node without a cluster port or peers has no one to reach).
  cfg.fanout = s.kill.fanout && s.cluster_port != 0 && !s.peers.empty();
  auto offset = static_cast<uint16_t>(s.kill.fanout_port_offset);
  cfg.fanout_listen = fanout::endpoint{s.kill.fanout_host,
                                       static_cast<uint16_t>(s.cluster_port + offset), ""};
  // Each with the member expected there (id@host:port): another member
  // answering is refused (review p4 #4). An unnamed plain-TCP peer takes
  // any member; the same member listed twice is connected to once.
  for (auto& p : s.peers) {
    fanout::endpoint e{p.host, static_cast<uint16_t>(p.port + offset), p.id};
    bool dup = false;
    for (auto& have : cfg.fanout_members)
      dup = dup || (have.host == e.host && have.port == e.port)
            || (!e.node.empty() && have.node == e.node);
    if (!dup)
      cfg.fanout_members.push_back(std::move(e));
  }
  return cfg;
}

admin::admin_config make_admin_config(const node_settings& s) {
  admin::admin_config cfg;
  cfg.node = s.self.value;
  cfg.host = s.admin.host;
  cfg.port = s.admin.port;
  cfg.max_connections = s.admin.max_connections;
  cfg.request_deadline = s.admin.request_deadline;
  cfg.health = s.admin.health; // [health], whole (nodes/admin/health_rules.hpp)
  cfg.stale_after_s = std::chrono::duration<double>(s.stale_halt).count();
  cfg.signer = node_kill_signer{s.self, s.kill.node_key_name, s.kill.node_key, s.cluster_id};
  return cfg;
}

namespace {

child_spec kill_spec(const node_settings& s, kill_gate& gate) {
  auto cfg = make_kill_config(s, gate);
  // One outbox per node, opened here: every restart of the coordinator
  // shares it (its delivery thread outlives them).
  // An outbox that cannot open stops the node (run_node reports it as a
  // config error): a node that trades must be able to notify its kills.
  if (s.compliance) {
    cfg.compliance_configured = true;
    cfg.compliance = compliance::outbox::open(*s.compliance, cfg.compliance_error);
    if (!cfg.compliance) {
      spdlog::critical("event=compliance_outbox_not_open path={} error=\"{}\"", s.compliance->path,
                       cfg.compliance_error);
      throw std::runtime_error("compliance.outbox: cannot open '" + s.compliance->path
                               + "': " + cfg.compliance_error);
    }
  }
  return {"kill", [cfg](caf::actor_system& sys) { return spawn_kill_coordinator(sys, cfg); }};
}

// Where a connector's REST, streams and WebSocket API reach the venue: the
// same host, port and TLS settings for each.
template <class Endpoint>
void venue_endpoint(Endpoint& e, const venue_settings& v) {
  e.host = v.host;
  e.port = v.port;
  e.tls = v.tls;
  e.ca_file = v.ca_file;
}

// The signed ones also carry the account's key (never logged).
template <class Endpoint>
void signed_endpoint(Endpoint& e, const venue_settings& v) {
  e.api_key = v.api_key;
  e.secret = v.secret;
  e.recv_window_ms = v.recv_window.count();
}

// [venue] protocol = okx: C1's adapter (orders, fills, cancel-all, the
// dead-man's switch) and the OKX public WebSocket for market data, both on
// the venue's host and port.
void okx_connector(connector_actor_config& cfg, const venue_settings& v) {
  cfg.protocol = connector_actor_config::protocol_kind::okx;
  auto& a = cfg.okx;
  venue_endpoint(a, v);
  a.api_key = v.api_key;
  a.secret = v.secret;
  a.passphrase = v.passphrase;
  a.symbols = v.symbols;
  a.request_timeout = v.request_timeout;
  a.use_ws_orders = v.okx_ws_orders;
  a.dead_mans_switch = v.dead_mans_switch;
  a.poll_interval = v.poll_interval;
  a.poll_interval_streaming = v.poll_interval_streaming;
  auto& m = cfg.okx_stream;
  venue_endpoint(m, v);
  m.symbols = v.symbols;
  m.request_timeout = v.request_timeout;
}

// [venue] protocol = kraken: C1's adapter (orders over REST and WebSocket v2,
// executions, cancel-all, CancelAllOrdersAfter, nonces reserved in the nonce
// file) and the Kraken WebSocket v2 (/v2) for market data, both on the
// venue's host and port.
void kraken_connector(connector_actor_config& cfg, const venue_settings& v) {
  cfg.protocol = connector_actor_config::protocol_kind::kraken;
  auto& a = cfg.kraken;
  venue_endpoint(a, v);
  a.api_key = v.api_key;
  a.secret = v.secret;
  a.symbols = v.symbols;
  a.request_timeout = v.request_timeout;
  a.use_ws_orders = v.kraken_ws_orders;
  a.dead_mans_switch = v.dead_mans_switch;
  a.poll_interval = v.poll_interval;
  a.poll_interval_streaming = v.poll_interval_streaming;
  a.nonce_path = v.nonce_file;
  auto& m = cfg.kraken_stream;
  venue_endpoint(m, v);
  m.symbols = v.symbols;
}

} // namespace

connector_actor_config make_connector_config(const node_settings& s, const venue_settings& v,
                                             const kill_gate& gate, const lease_gate& lease) {
  connector_actor_config cfg;
  cfg.lease = &lease;
  cfg.self = s.self;
  cfg.venue = v.name;
  cfg.feed_validator = v.market_data;
  cfg.gate = &gate;
  cfg.symbols = v.symbols;
  cfg.account = v.account;
  // [venue]'s tuning, whole (its defaults: connector_tuning); the rest is wiring.
  static_cast<connector_tuning&>(cfg) = v;
  venue_endpoint(cfg.gateway, v);
  signed_endpoint(cfg.gateway, v);
  cfg.gateway.request_timeout = v.request_timeout;
  venue_endpoint(cfg.stream, v);
  cfg.stream.symbols = v.symbols;
  cfg.use_user_data_stream = v.user_data_stream;
  cfg.use_ws_api_orders = v.ws_api_orders;
  cfg.ws_api_pipeline.max_in_flight = v.ws_api_max_in_flight;
  cfg.ws_api_pipeline.max_queued = v.ws_api_max_queued;
  venue_endpoint(cfg.ws_api, v);
  signed_endpoint(cfg.ws_api, v);
  cfg.ws_api.request_timeout = v.request_timeout;
  venue_endpoint(cfg.user_data, v);
  signed_endpoint(cfg.user_data, v);
  cfg.signer = node_kill_signer{s.self, s.kill.node_key_name, s.kill.node_key, s.cluster_id};
  if (v.fix) {
    cfg.protocol = connector_actor_config::protocol_kind::fix;
    cfg.fix = v.fix_session;
  }
  if (v.okx)
    okx_connector(cfg, v);
  if (v.kraken)
    kraken_connector(cfg, v);
  return cfg;
}

namespace {

// One per venue of the node: role "connector.<venue>", supervised on its own.
child_spec connector_spec(const node_settings& s, const venue_settings& v, const kill_gate& gate,
                          const lease_gate& lease) {
  auto cfg = make_connector_config(s, v, gate, lease);
  return {connector_role(v.name), [cfg](caf::actor_system& sys) { return spawn_connector(sys, cfg); }};
}

// The symbols the validator's one feed carries: those of the venues whose
// market data is on (node_config checks each is streamed exactly once).
std::vector<symbol> streamed_symbols(const node_settings& s) {
  std::vector<symbol> out;
  for (auto* v : s.venues())
    if (v->market_data)
      out.insert(out.end(), v->symbols.begin(), v->symbols.end());
  return out;
}

// Every symbol traded at any venue of the node, once.
std::set<symbol> traded_symbols(const node_settings& s) {
  std::set<symbol> out;
  for (auto* v : s.venues())
    out.insert(v->symbols.begin(), v->symbols.end());
  return out;
}

child_spec validator_spec(const node_settings& s, const kill_gate& gate) {
  validator_actor_config cfg;
  cfg.trades.whitelist = streamed_symbols(s);
  cfg.trades.max_age_ns = std::chrono::nanoseconds(s.max_trade_age).count();
  cfg.trades.max_future_skew_ns = std::chrono::nanoseconds(s.max_trade_future).count();
  cfg.stale.symbols = streamed_symbols(s);
  cfg.stale.stale_after_ns = std::chrono::nanoseconds(s.stale_halt).count();
  cfg.gate = &gate;
  cfg.signer = node_kill_signer{s.self, s.kill.node_key_name, s.kill.node_key, s.cluster_id};
  return {"validator", [cfg](caf::actor_system& sys) { return spawn_validator(sys, cfg); }};
}

// One market maker per venue and symbol; risk throttles each by this id:
// "mm-<SYM>" at the node's first venue, "mm-<venue>-<SYM>" at the others.
strategy_id maker_id(const node_settings& s, const venue_settings& v, const symbol& sym) {
  return strategy_id{&v == &s.venue ? "mm-" + sym.str() : "mm-" + v.name.value + "-" + sym.str()};
}

} // namespace

risk_actor_config make_risk_config(const node_settings& s, const kill_gate& gate) {
  risk_actor_config cfg;
  cfg.self = s.self;
  cfg.gate = &gate;
  cfg.account = s.strategy.account;
  cfg.flatten_venue = s.venue.name;
  // [risk]'s limits, each struct whole (their defaults: risk_limits.hpp).
  const risk::strategy_limits& throttle = s.risk;
  // A symbol's limits (and its position) hold across venues: BTCUSDT held at
  // two venues is one exposure. Each venue's account has its credit limit.
  for (auto& sym : traded_symbols(s)) {
    cfg.limits.tradable.insert(sym);
    cfg.limits.per_symbol[sym] = static_cast<const risk::symbol_limits&>(s.risk);
    cfg.rules[sym] = static_cast<const risk::symbol_rules&>(s.risk);
  }
  for (auto* v : s.venues()) {
    for (auto& sym : v->symbols)
      cfg.limits.per_strategy[maker_id(s, *v, sym)] = throttle;
    cfg.limits.credit_limits[v->account] = s.risk.credit_limit;
  }
  cfg.limits.default_strategy = throttle;
  cfg.limits.pnl = static_cast<const risk::pnl_limits&>(s.risk);
  cfg.reject_rate = risk::reject_rate_limits{
    s.risk.max_reject_ratio, std::chrono::nanoseconds(s.risk.reject_window).count(),
    s.risk.reject_min_orders};
  cfg.operators = s.operators;
  cfg.kill_issuer = s.kill.node_key_name;
  cfg.kill_key = s.kill.node_key;
  cfg.kill_cluster = s.cluster_id;
  cfg.decisions_path = s.risk_decisions_path;
  cfg.var_limit = risk::var_limit_config{s.gpu.var_limit,
                                         static_cast<kill_level>(s.gpu.var_kill_level)};
  // Held by the spec: a restarted risk actor keeps positions, exposure,
  // operator-changed limits and tripped throttles.
  cfg.memory = std::make_shared<risk_memory>();
  return cfg;
}

namespace {

child_spec risk_spec(const node_settings& s, const kill_gate& gate) {
  auto cfg = make_risk_config(s, gate);
  return {"risk", [cfg](caf::actor_system& sys) { return spawn_risk(sys, cfg); }};
}

child_spec oms_spec(const node_settings& s, const kill_gate& gate, const lease_gate& lease) {
  oms_actor_config cfg;
  cfg.lease = &lease;
  cfg.self = s.self;
  cfg.gate = &gate;
  cfg.journal_path = s.oms_journal_path;
  cfg.legacy_venue = s.venue.name;
  cfg.operators = s.operators;
  // A journal that cannot write halts this node through the same signed
  // node kill as risk's auto-triggers (docs/risk-oms-strategy.md).
  cfg.kill_signer = node_kill_signer{s.self, s.kill.node_key_name, s.kill.node_key, s.cluster_id};
  return {"oms", [cfg](caf::actor_system& sys) { return spawn_oms(sys, cfg); }};
}

// A standby trading node's replica of the active's OMS journal (issue 24,
// docs/reconciliation.md): written to this node's own journal path, which
// its OMS opens at a takeover.
child_spec replica_spec(const node_settings& s) {
  journal_replica_config cfg;
  cfg.self = s.self;
  cfg.active = node_id{s.supervision.standby_for};
  cfg.journal_path = s.oms_journal_path;
  cfg.operators = s.operators;
  cfg.members = s.members;
  return {replica_role(cfg.active),
          [cfg](caf::actor_system& sys) { return spawn_journal_replica(sys, cfg); }};
}

} // namespace

strategy_actor_config make_strategy_config(const node_settings& s) {
  strategy_actor_config cfg;
  cfg.self = s.self;
  for (auto* v : s.venues()) {
    for (auto& sym : v->symbols) {
      strategy::market_maker_config mc;
      // [strategy]'s quoting, whole (its defaults: strategy::quote_tuning).
      static_cast<strategy::quote_tuning&>(mc) = s.strategy;
      mc.id = maker_id(s, *v, sym);
      mc.account = v->account;
      mc.venue = v->name;
      mc.sym = sym;
      mc.tick_size = s.risk.tick_size; // risk's symbol_rules: quotes on the venue's grid
      strategy::validate(mc); // throws with the reason; main reports it as a config error
      cfg.makers.push_back(mc);
    }
  }
  return cfg;
}

namespace {

child_spec strategy_spec(const node_settings& s) {
  auto cfg = make_strategy_config(s);
  return {"strategy", [cfg](caf::actor_system& sys) { return spawn_strategy(sys, cfg); }};
}

// [gpu] enabled: correlation and VaR for risk (docs/gpu.md).
child_spec gpu_spec(const node_settings& s) {
  gpu_worker_config cfg{s.self, s.gpu};
  return {"gpu", [cfg](caf::actor_system& sys) { return spawn_gpu_worker(sys, cfg); }};
}

// The trading lease (docs/supervision.md "Trading lease"): a grantor of
// every role the gate was configured with, the holder of `own`.
child_spec lease_spec(const node_settings& s, lease_gate& gate, const std::set<std::string>& own) {
  lease_actor_config cfg;
  cfg.self = s.self;
  cfg.operators = s.operators;
  cfg.members = s.members;
  cfg.signer = node_kill_signer{s.self, s.kill.node_key_name, s.kill.node_key, s.cluster_id};
  cfg.gate = &gate;
  cfg.settings = s.lease;
  for (size_t i = 0; i < gate.roles(); ++i)
    cfg.all_roles.emplace_back(gate.role_at(i));
  cfg.own_roles = own;
  cfg.hold_at_start = s.supervision.standby_for.empty(); // a standby watches
  // Restarted alone: a sibling's crash under rest-for-one must not stop it
  // (stopping gives the node's lease up, and a new one starts in its config's mode).
  return {"lease", [cfg](caf::actor_system& sys) { return spawn_lease_actor(sys, cfg); }, true};
}

} // namespace

std::vector<child_spec> make_children(const node_settings& s, kill_gate& gate, lease_gate& lease,
                                      const kill_child_factory& kill) {
  std::vector<child_spec> out;
  if (kill) {
    // The settings are copied: the spec outlives this call (restarts).
    auto* g = &gate;
    out.push_back({"kill", [kill, s, g](caf::actor_system& sys) { return kill(sys, s, *g); }});
  } else {
    out.push_back(kill_spec(s, gate));
  }
  if (s.has_role("gateway")) {
    out.push_back(validator_spec(s, gate));
    for (auto* v : s.venues())
      out.push_back(connector_spec(s, *v, gate, lease));
  }
  if (s.has_role("trading")) {
    out.push_back(risk_spec(s, gate));
    out.push_back(oms_spec(s, gate, lease));
    out.push_back(strategy_spec(s));
    if (!s.supervision.standby_for.empty() && !s.oms_journal_path.empty())
      out.push_back(replica_spec(s));
  }
  if (s.gpu.enabled)
    out.push_back(gpu_spec(s));
  return out;
}

std::set<std::string> failover_roles(const std::vector<child_spec>& children) {
  std::set<std::string> out;
  for (auto& c : children)
    if (c.role != "kill" && c.role.rfind(replica_role_prefix, 0) != 0) // replicas run standing by
      out.insert(c.role);
  return out;
}

supervisor_config make_supervisor_config(const node_settings& s, kill_gate& gate,
                                         lease_gate& lease, const kill_child_factory& kill) {
  supervisor_config cfg;
  cfg.self = s.self;
  cfg.gate = &gate;
  cfg.operators = s.operators;
  cfg.members = s.members;
  cfg.strategy = s.supervision.strategy;
  cfg.limits = restart_limits{s.supervision.max_restarts,
                              std::chrono::nanoseconds(s.supervision.window).count()};
  cfg.signer = node_kill_signer{s.self, s.kill.node_key_name, s.kill.node_key, s.cluster_id};
  cfg.drills_enabled = s.supervision.drills_enabled;
  cfg.lease = &lease;
  cfg.children = make_children(s, gate, lease, kill);
  cfg.held_roles = failover_roles(cfg.children);
  if (lease.roles() > 0) { // added after: the lease actor is never held back
    std::vector<std::string> leased;
    for (size_t i = 0; i < lease.roles(); ++i)
      leased.emplace_back(lease.role_at(i));
    cfg.lease_roles = leased_among(cfg.held_roles, leased);
    cfg.children.push_back(lease_spec(s, lease, cfg.lease_roles));
  }
  cfg.standby.active = s.supervision.standby_for;
  cfg.standby.failover_after = s.supervision.failover_after;
  // The active may join up to the connect timeout after we start.
  cfg.standby.start_grace = s.connect_timeout;
  return cfg;
}

} // namespace cwts
