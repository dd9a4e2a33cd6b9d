// The body of cwts-node (nodes/node/main.cpp), as a library so a test build
// of the node can reuse it with one hook (node_main.hpp).

#include <atomic>
#include <csignal>
#include <iostream>
#include <thread>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "caf/all.hpp"
#include "caf/io/all.hpp"

#include "actors/kill/halt_state.hpp"
#include "actors/supervisor/supervisor_actor.hpp"
#include "common/trace/process_tracing.hpp"
#include "nodes/admin/admin_service.hpp"
#include "nodes/node/cluster_link.hpp"
#include "nodes/node/node_config.hpp"
#include "nodes/node/node_main.hpp"
#include "nodes/node/node_roles.hpp"
#include "nodes/status/node_status.hpp"
#include "nodes/transport/node_transport.hpp"
#include "reporting/archive/archive_runner.hpp"

namespace {

std::atomic<bool> stop_requested{false};

void on_signal(int) {
  stop_requested = true;
}

constexpr const char* usage_example =
  "example:\n"
  "  cwts-node --config-file=config/node.ini --venue.port=8090 --cwts.duration=30\n"
  "  (all options: --section.key=value; see config/node.ini)\n";

std::unique_ptr<cwts::archive::archive_runner> start_archiving(const cwts::node_settings& s) {
  if (!s.retention)
    return nullptr;
  cwts::archive::retention_sources src;
  src.node = s.self.value;
  src.audit_log = s.kill.audit_path;
  if (s.has_role("trading")) {
    src.oms_journal = s.oms_journal_path;
    src.risk_decisions = s.risk_decisions_path;
  }
  src.logs = s.retention->logs;
  src.reports_dir = s.retention->reports_dir;
  src.journal_interval_ns = std::chrono::nanoseconds(s.retention->journal_interval).count();
  auto r = std::make_unique<cwts::archive::archive_runner>(*s.retention, std::move(src),
                                                           s.kill.node_key);
  r->start();
  return r;
}

void setup_logging() {
  // Logs go to stderr; stdout carries only the summary lines.
  auto logger = spdlog::stderr_color_mt("cwts");
  // UTC, marked Z: the controls report (reporting/controls/node_log.cpp)
  // reads these times as evidence, whatever the host's time zone.
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  spdlog::set_default_logger(logger);
}

// DESIGN.md "Fail-safe": a node restarted after a kill comes back halted.
// The gate closes here, before any actor exists that could send an order;
// the kill coordinator reads the same file for the cause and the epoch. A
// file that exists but cannot be read halts too.
void restore_halt(const cwts::node_settings& s, cwts::kill_gate& gate) {
  std::string error;
  auto saved = cwts::load_halt_state(s.kill.state_path, error);
  if (!saved) {
    spdlog::critical("event=halt_state_unreadable path={} error=\"{}\" action=halt",
                     s.kill.state_path, error);
    gate.close(static_cast<uint8_t>(cwts::kill_level::halt_new_orders));
    return;
  }
  cwts::apply_halt(*saved, gate);
  if (saved->halted())
    spdlog::warn("event=node_starts_halted node={} level={} cause={} path={}", s.self.value,
                 cwts::to_string(saved->level), saved->cause.value, s.kill.state_path);
  for (auto& h : saved->scoped)
    spdlog::warn("event=node_starts_halted node={} scope={} value={} level={} cause={}",
                 s.self.value, cwts::to_string(h.scope), h.value, cwts::to_string(h.level),
                 h.cause.value);
}

caf::actor start_supervisor(caf::actor_system& sys, const cwts::node_settings& s,
                            cwts::kill_gate& gate, cwts::lease_gate& lease,
                            const cwts::node_hooks& hooks) {
  // Children, strategy, intensity, drills and standby (node_roles.cpp).
  return cwts::spawn_supervisor(sys, cwts::make_supervisor_config(s, gate, lease, hooks.kill));
}

// Prints the summary every interval until Ctrl-C, SIGTERM or the duration.
void run_until_stopped(caf::actor_system& sys, const caf::actor& supervisor,
                       const cwts::node_settings& s) {
  caf::scoped_actor self{sys};
  auto started = std::chrono::steady_clock::now();
  auto last = started;
  cwts::node_status before;
  while (!stop_requested) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto now = std::chrono::steady_clock::now();
    if (s.duration.count() > 0 && now - started >= s.duration)
      break;
    if (now - last < s.summary_interval)
      continue;
    cwts::role_directory dir;
    self->request(supervisor, std::chrono::seconds(1), cwts::directory_atom::value)
      .receive([&](const std::string&, cwts::role_directory& d) { dir = std::move(d); },
               [](caf::error&) {});
    auto status = cwts::collect_status(self, sys.node(), s.self.value, dir, std::chrono::milliseconds(500));
    double elapsed = std::chrono::duration<double>(now - last).count();
    std::cout << cwts::format_summary(status, before, elapsed) << std::endl;
    before = std::move(status);
    last = now;
  }
}

} // namespace

namespace cwts {

int run_node(int argc, char** argv, const node_hooks& hooks) {
  cwts::node_config cfg;
  if (auto err = cfg.parse(argc, argv)) {
    std::cerr << "cwts-node: " << caf::actor_system_config::render(err) << "\n" << usage_example;
    return 2;
  }
  if (cfg.cli_helptext_printed) {
    std::cout << usage_example;
    return 0;
  }
  std::string error;
  std::optional<cwts::node_settings> settings;
  try {
    settings = cfg.settings(error);
  } catch (const std::exception& e) {
    error = e.what();
  }
  if (!settings) {
    std::cerr << "cwts-node: config error: " << error << "\n";
    return 2;
  }
  setup_logging();
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  if (auto why = cwts::check_node_tls(cfg); !why.empty()) {
    std::cerr << "cwts-node: config error: " << why << "\n";
    return 2;
  }
  if (auto why = cwts::load_node_transport(cfg); !why.empty()) {
    std::cerr << "cwts-node: config error: " << why << "\n";
    return 2;
  }
  // Over TLS a certificate is an identity: ours must name us, a peer's must
  // name a member (issue 17 finding 2).
  if (auto why = cwts::bind_node_tls_identity(cfg, settings->self.value, settings->members->ids());
      !why.empty()) {
    std::cerr << "cwts-node: config error: " << why << "\n";
    return 2;
  }
  // Declared before the actor system: actors use it until the system is gone.
  cwts::kill_gate gate;
  restore_halt(*settings, gate);
  cwts::lease_gate lease; // the trading lease (docs/supervision.md "Trading lease")
  // Leased when the cluster has members: "oms" and every venue's connector
  // role, on every member (each grantor knows every role; fixed from here).
  if (settings->members && settings->members->size() >= 2) {
    std::vector<std::string> venues;
    for (auto* v : settings->venues())
      venues.push_back(v->name.value);
    for (auto& role : cwts::lease_roles(venues))
      lease.add_role(role);
  }
  // Declared before the actor system: its actors record into the ring until
  // the system is gone (docs/tracing.md).
  std::optional<cwts::trace::process_tracing> tracing;
  if (auto& t = settings->trace; t.enabled) {
    tracing.emplace(t.ring_spans, t.sample_ratio, t.exporter);
    auto& c = t.exporter.collector;
    spdlog::info("event=tracing_started sink={} sample_ratio={} ring_spans={}",
                 c ? (c->tls ? "https://" : "http://") + c->host + ":" + std::to_string(c->port)
                       + c->target
                   : tracing->exporter().file_path(),
                 t.sample_ratio, t.ring_spans);
  }
  caf::actor_system sys{cfg};
  caf::actor supervisor;
  try {
    supervisor = start_supervisor(sys, *settings, gate, lease, hooks);
  } catch (const std::runtime_error& e) {
    // A store a role needs could not be opened ([compliance] outbox).
    std::cerr << "cwts-node: config error: " << e.what() << "\n";
    return 2;
  }
  std::string roles;
  for (auto& r : settings->roles)
    roles += (roles.empty() ? "" : ",") + r;
  spdlog::info("event=node_started node={} roles={} venue={}:{}", settings->self.value, roles,
               settings->venue.host, settings->venue.port);
  std::string operators;
  for (auto& k : settings->operators->keys())
    operators += (operators.empty() ? "" : ",") + k.id.value;
  spdlog::info("event=operators_loaded operators={} window_s={}", operators,
               settings->operators->window().count());
  uint16_t port = 0;
  if (settings->cluster_port > 0) {
    port = cwts::publish_node(sys, supervisor, settings->cluster_host, settings->cluster_port,
                              error);
    if (port == 0) {
      spdlog::critical("event=publish_failed host={} port={} error=\"{}\"",
                       settings->cluster_host, settings->cluster_port, error);
      caf::anon_send_exit(supervisor, caf::exit_reason::user_shutdown);
      return 1;
    }
    auto caf_socket = cwts::private_caf_socket();
    spdlog::info("event=published port={} host={} transport={}{}", port, settings->cluster_host,
                 cwts::transport_name(sys),
                 caf_socket.empty() ? "" : " caf_socket=" + caf_socket);
  }
  // The admin port (docs/monitoring.md): a port that cannot be bound stops
  // the node, as a cluster port that cannot be published does.
  auto admin_cfg = cwts::make_admin_config(*settings); // node_roles.cpp
  admin_cfg.tracing = tracing ? &*tracing : nullptr;
  cwts::admin::admin_service admin(sys, supervisor, admin_cfg);
  if (!admin.start(error)) {
    spdlog::critical("event=admin_listen_failed host={} port={} error=\"{}\"", admin_cfg.host,
                     admin_cfg.port, error);
    if (port > 0)
      sys.middleman().unpublish(supervisor, port);
    caf::anon_send_exit(supervisor, caf::exit_reason::user_shutdown);
    return 1;
  }
  spdlog::info("event=admin_listening host={} port={}", admin_cfg.host, admin.port());
  auto missing = cwts::join_peers(sys, supervisor, settings->self.value, settings->peers,
                                  settings->connect_timeout, settings->kill.node_key,
                                  stop_requested);
  // A stop ended the wait: the peers were not given their time, and the
  // node is going down anyway.
  if (!stop_requested)
    for (auto& m : missing)
      spdlog::error("event=peer_unreachable address={} action=continue_without_it", m);
  // [retention] (docs/retention.md): the archiving thread belongs to this
  // function, not to an actor's state: started here, stopped (a last pass,
  // joined) before the node exits, whatever the actors do meanwhile.
  auto archiver = start_archiving(*settings);
  run_until_stopped(sys, supervisor, *settings);
  spdlog::info("event=node_stopping node={}", settings->self.value);
  if (archiver)
    archiver->stop();
  admin.stop();
  if (port > 0)
    sys.middleman().unpublish(supervisor, port);
  caf::anon_send_exit(supervisor, caf::exit_reason::user_shutdown);
  return 0;
}

} // namespace cwts
