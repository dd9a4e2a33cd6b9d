#include "nodes/admin/admin_service.hpp"

#include <spdlog/spdlog.h>

#include "caf/all.hpp"

#include "common/metrics/actor_meter.hpp"
#include "common/metrics/latency_registry.hpp"
#include "messages/registry.hpp"
#include "nodes/admin/exposition.hpp"
#include "nodes/admin/introspection.hpp"
#include "nodes/admin/readiness.hpp"

namespace cwts::admin {

struct admin_service::impl {
  caf::actor_system& sys;
  caf::actor supervisor;
};

admin_service::admin_service(caf::actor_system& sys, caf::actor supervisor, admin_config cfg)
  : impl_(std::make_unique<impl>(impl{sys, std::move(supervisor)})),
    cfg_(std::move(cfg)),
    server_([this](const std::string& m, const std::string& t) { return handle(m, t); }) {}

admin_service::~admin_service() {
  stop();
}

namespace {

const metrics::latency_histogram& roundtrip_histogram() {
  return metrics::latency_registry::global().get(
    metrics::order_roundtrip_family,
    "Order round trip: OMS sends to the connector -> first venue answer (ack or fill).");
}

// One snapshot: every local actor's stats (supervisor included), positions,
// trading state, the OMS's live orders, /proc.
node_snapshot collect(caf::actor_system& sys, const caf::actor& supervisor, const std::string& node,
                      std::chrono::milliseconds timeout) {
  node_snapshot snap;
  caf::scoped_actor self{sys};
  role_directory dir;
  self->request(supervisor, timeout, directory_atom::value)
    .receive([&](const std::string&, role_directory& d) { dir = std::move(d); },
             [](caf::error&) {});
  snap.status = collect_status(self, sys.node(), node, dir, timeout);
  if (auto oms = find_role(dir, "oms"); oms && oms.node() == sys.node())
    self->request(oms, timeout, open_orders_atom::value)
      .receive(
        [&](std::vector<restored_order>& o) {
          snap.orders = std::move(o);
          snap.orders_known = true;
        },
        [](caf::error&) {});
  std::string error;
  snap.process = metrics::read_process_stats(error);
  snap.taken_wall_ns = wall_clock_now().ns;
  return snap;
}

http_reply json(int status, std::string body) {
  return http_reply{status, "application/json", std::move(body)};
}

} // namespace

bool admin_service::start(std::string& error) {
  if (!server_.start(cfg_.host, cfg_.port, error))
    return false;
  health_thread_ = std::thread([this] { health_loop(); });
  return true;
}

void admin_service::stop() {
  stopping_ = true;
  if (health_thread_.joinable())
    health_thread_.join();
  server_.stop();
}

http_reply admin_service::handle(const std::string& method, const std::string& raw_target) {
  auto target = raw_target.substr(0, raw_target.find('?'));
  if (method != "GET")
    return json(405, "{\"error\":\"only GET\"}");
  if (target == "/healthz")
    return json(200, "{\"node\":\"" + cfg_.node + "\",\"alive\":true}");
  auto snap = collect(impl_->sys, impl_->supervisor, cfg_.node, cfg_.collect_timeout);
  {
    std::lock_guard<std::mutex> guard(health_mutex_);
    snap.health = last_health_;
  }
  if (target == "/metrics")
    return http_reply{200, "text/plain; version=0.0.4; charset=utf-8",
                      render_metrics(snap, metrics::latency_registry::global().entries(),
                                     metrics::actor_meters::global().all())};
  if (target == "/readyz") {
    double stale = cfg_.health.stale_data_s > 0 ? cfg_.health.stale_data_s : cfg_.stale_after_s;
    auto r = check_readiness(snap, stale);
    return json(r.ready ? 200 : 503, to_json(r, cfg_.node));
  }
  auto meters = metrics::actor_meters::global().all();
  if (target == "/api/nodes")
    return json(200, api_nodes(snap));
  if (target == "/api/actors")
    return json(200, api_actors(snap, meters, ""));
  if (target.rfind("/api/actors/", 0) == 0) {
    auto body = api_actors(snap, meters, target.substr(12));
    return body.empty() ? json(404, "{\"error\":\"no such actor on this node\"}") : json(200, body);
  }
  if (target == "/api/orders")
    return json(200, api_orders(snap));
  if (target == "/api/positions")
    return json(200, api_positions(snap));
  if (target == "/api/risk")
    return json(200, api_risk(snap));
  if (target == "/api/kill")
    return json(200, api_kill(snap));
  return json(404, "{\"error\":\"unknown path\",\"paths\":[\"/metrics\",\"/healthz\",\"/readyz\","
                   "\"/api/nodes\",\"/api/actors\",\"/api/actors/<role>\",\"/api/orders\","
                   "\"/api/positions\",\"/api/risk\",\"/api/kill\"]}");
}

// Every interval: a fresh snapshot, the rules, and for a rule that has just
// become breached with a kill level, one node kill (docs/kill-switch.md
// "Auto-triggers"): the next only after the rule cleared and breached again.
void admin_service::health_loop() {
  health_evaluator rules(cfg_.health);
  std::map<std::string, int64_t> kills;
  auto next = std::chrono::steady_clock::now();
  while (!stopping_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (std::chrono::steady_clock::now() < next)
      continue;
    next += cfg_.health.interval;
    auto snap = collect(impl_->sys, impl_->supervisor, cfg_.node, cfg_.collect_timeout);
    auto results = rules.evaluate(snap, roundtrip_histogram().snapshot(), monotonic_ns());
    for (auto& r : results) {
      if (rules.newly_breached(r.rule)) {
        spdlog::warn("event=health_rule_breached node={} rule={} value={:.3f} limit={:.3f} unit={} "
                     "kill_level={}",
                     cfg_.node, r.rule, r.value, r.limit, r.unit, r.kill_level);
        if (r.kill_level > 0) {
          auto cmd = make_node_kill(cfg_.signer, static_cast<kill_level>(r.kill_level), "health",
                                    r.rule, "health rule " + r.rule + ": " + r.recommendation);
          caf::scoped_actor self{impl_->sys};
          caf::actor kill;
          self->request(impl_->supervisor, cfg_.collect_timeout, directory_atom::value)
            .receive([&](const std::string&, role_directory& d) { kill = find_role(d, "kill"); },
                     [](caf::error&) {});
          if (!kill) {
            spdlog::error("event=node_kill_unsent source=health kill_id={} reason=\"no kill "
                          "coordinator\"",
                          cmd.id.value);
          } else {
            ++kills[r.rule];
            spdlog::warn("event=node_kill_requested source=health kill_id={} level={} scope=node "
                         "issuer={} reason=\"{}\"",
                         cmd.id.value, to_string(cmd.level), cmd.issuer.value, cmd.reason);
            // Fire and forget: the coordinator audits it and logs its report.
            self->send(kill, cmd);
          }
        }
      }
      r.kills_triggered = kills[r.rule];
    }
    std::lock_guard<std::mutex> guard(health_mutex_);
    last_health_ = std::move(results);
  }
}

} // namespace cwts::admin
