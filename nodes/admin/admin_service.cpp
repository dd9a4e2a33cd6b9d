#include "nodes/admin/admin_service.hpp"

#include <spdlog/spdlog.h>

#include "caf/all.hpp"

#include "common/metrics/actor_meter.hpp"
#include "common/metrics/latency_registry.hpp"
#include "messages/registry.hpp"
#include "nodes/admin/book_api.hpp"
#include "nodes/admin/exposition.hpp"
#include "nodes/admin/introspection.hpp"
#include "nodes/admin/operator_api.hpp"
#include "nodes/admin/readiness.hpp"
#include "nodes/admin/trace_api.hpp"

namespace cwts::admin {

struct admin_service::impl {
  caf::actor_system& sys;
  caf::actor supervisor;
};

namespace {

// GET /healthz answers from the io thread (it asks no actor): neither a
// kill waiting for its report nor a slow snapshot delays it.
http_server_options server_options(const admin_config& cfg) {
  http_server_options o;
  o.max_connections = cfg.max_connections;
  o.request_deadline = cfg.request_deadline;
  o.immediate = [](const http_request& r) {
    return r.method == "GET" && r.target.substr(0, r.target.find('?')) == "/healthz";
  };
  return o;
}

} // namespace

admin_service::admin_service(caf::actor_system& sys, caf::actor supervisor, admin_config cfg)
  : impl_(std::make_unique<impl>(impl{sys, std::move(supervisor)})),
    cfg_(std::move(cfg)),
    server_([this](const http_request& req) { return handle(req); }, server_options(cfg_)) {}

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

// The node's role directory, as its supervisor knows it (empty when the
// supervisor does not answer in `timeout`).
role_directory directory(caf::scoped_actor& self, const caf::actor& supervisor,
                         std::chrono::milliseconds timeout) {
  role_directory dir;
  self->request(supervisor, timeout, directory_atom::value)
    .receive([&](const std::string&, role_directory& d) { dir = std::move(d); },
             [](caf::error&) {});
  return dir;
}

// An actor's error as an HTTP answer: 504 for no answer in time, 501 for a
// message the actor does not handle, 502 otherwise; the body names it.
http_reply actor_error(caf::actor_system& sys, const caf::error& err, const std::string& what) {
  int status = 502;
  if (err == caf::sec::request_timeout)
    status = 504;
  else if (err == caf::sec::unexpected_message)
    status = 501;
  return json(status, json_error(what + ": " + sys.render(err)));
}

// A role may be live on another node (find_role sees the cluster-wide
// directory); only this node's own actors answer for it here.
caf::actor local_role(caf::actor_system& sys, const role_directory& dir, const std::string& role) {
  auto a = find_role(dir, role);
  return a && a.node() == sys.node() ? a : caf::actor{};
}

constexpr const char* all_paths =
  "\"paths\":[\"GET /metrics\",\"GET /healthz\",\"GET /readyz\",\"GET /api/nodes\","
  "\"GET /api/actors\",\"GET /api/actors/<role>\",\"GET /api/orders\",\"GET /api/positions\","
  "\"GET /api/risk\",\"GET /api/kill\",\"GET /api/book/<symbol>\",\"GET /api/trace?order=<id>\",\"POST /api/kill\","
  "\"POST /api/reset\",\"POST /api/drill/crash/<role>\"]";

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

http_reply admin_service::handle(const http_request& req) {
  auto query_at = req.target.find('?');
  auto target = req.target.substr(0, query_at);
  auto query = query_at == std::string::npos ? std::string() : req.target.substr(query_at + 1);
  const bool post_path = target == "/api/kill" || target == "/api/reset"
                         || target.rfind("/api/drill/crash/", 0) == 0;
  if (req.method == "POST") {
    if (!post_path)
      return json(405, json_error("POST " + target + " is not a command; POST /api/kill, "
                                  "/api/reset, /api/drill/crash/<role>"));
    return handle_post(target, req.body);
  }
  if (req.method != "GET")
    return json(405, json_error("method " + req.method + " not allowed: GET, or POST for commands"));
  if (post_path && target != "/api/kill")
    return json(405, json_error(target + " takes POST"));
  if (target == "/healthz")
    return json(200, "{\"node\":\"" + cfg_.node + "\",\"alive\":true}");
  if (target.rfind("/api/book/", 0) == 0)
    return handle_book(target.substr(10), query);
  if (target == "/api/trace")
    return handle_trace(query);
  auto snap = collect(impl_->sys, impl_->supervisor, cfg_.node, cfg_.collect_timeout);
  {
    std::lock_guard<std::mutex> guard(health_mutex_);
    snap.health = last_health_;
  }
  if (target == "/metrics")
    return http_reply{200, "text/plain; version=0.0.4; charset=utf-8",
                      render_metrics(snap, metrics::latency_registry::global().entries(),
                                     metrics::actor_meters::global().all())
                        + refused_metrics()
                        + (cfg_.tracing ? trace_metrics(cfg_.node, cfg_.tracing->stats()) : "")};
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
  return json(404, std::string("{\"error\":\"unknown path\",") + all_paths + "}");
}

http_reply admin_service::handle_trace(const std::string& query) {
  std::string why;
  auto order = trace_order_param(query, why);
  if (!order) {
    ++bad_bodies_;
    return json(400, json_error(why));
  }
  if (!cfg_.tracing)
    return json(404, json_error("tracing is off on this node ([trace] enabled=off)"));
  return json(200, api_trace(cfg_.node, *order, cfg_.tracing->index().by_order(*order)));
}

http_reply admin_service::handle_book(const std::string& symbol, const std::string& query) {
  std::string why;
  auto depth = book_depth(query, why);
  if (!depth) {
    ++bad_bodies_;
    return json(400, json_error(why));
  }
  auto venue = book_venue(query);
  if (!venue.empty() && !is_valid_venue_name(venue.value)) {
    ++bad_bodies_;
    return json(400, json_error("venue must be 1..15 of a-z, 0-9, '-'"));
  }
  caf::scoped_actor self{impl_->sys};
  // This node's connectors by venue; ?venue= picks one, else the first.
  auto connectors = connectors_in(directory(self, impl_->supervisor, cfg_.collect_timeout));
  for (auto i = connectors.begin(); i != connectors.end();)
    i = i->second.node() == impl_->sys.node() ? std::next(i) : connectors.erase(i);
  if (connectors.empty())
    return json(404, json_error("node " + cfg_.node + " has no connector (a gateway node has the "
                                "order books)"));
  auto chosen = venue.empty() ? connectors.begin() : connectors.find(venue);
  if (chosen == connectors.end())
    return json(404, json_error("node " + cfg_.node + " has no connector of venue '"
                                + venue.value + "'"));
  auto connector = chosen->second;
  auto role = connector_role(chosen->first);
  http_reply reply;
  self->request(connector, cfg_.collect_timeout, book_atom::value, symbol, *depth)
    .receive(
      [&](const order_book_snapshot& b) {
        if (!b.known)
          reply = json(404, json_error(b.error));
        else if (!b.error.empty())
          reply = json(503, json_error(b.error));
        else
          reply = json(200, api_book(cfg_.node, b, chosen->first));
      },
      [&](caf::error& err) { reply = actor_error(impl_->sys, err, role); });
  return reply;
}

// POST /api/kill, /api/reset: parsed (shape only) and forwarded to the kill
// coordinator, which verifies and applies it as a `cwts kill` over CAF.
// POST /api/drill/crash/<role>: forwarded to the supervisor.
http_reply admin_service::handle_post(const std::string& path, const std::string& body) {
  caf::scoped_actor self{impl_->sys};
  auto& sys = impl_->sys;
  auto dir = directory(self, impl_->supervisor, cfg_.collect_timeout);
  http_reply reply;
  if (path.rfind("/api/drill/crash/", 0) == 0) {
    auto role = path.substr(17);
    if (role.empty() || !local_role(sys, dir, role))
      return json(404, json_error("node " + cfg_.node + " has no role '" + role + "'"));
    self->request(impl_->supervisor, cfg_.command_timeout, crash_atom::value, role)
      .receive(
        [&](const std::string& refusal) {
          if (refusal.empty()) {
            spdlog::warn("event=drill_crash_requested node={} role={} via=admin", cfg_.node, role);
            reply = json(200, "{\"crashed\":\"" + role + "\"}");
          } else {
            reply = json(403, json_error(refusal));
          }
        },
        [&](caf::error& err) { reply = actor_error(sys, err, "supervisor (crash drill)"); });
    return reply;
  }
  auto kill = local_role(sys, dir, "kill");
  if (!kill)
    return json(503, json_error("node " + cfg_.node + " has no kill coordinator"));
  std::string why;
  if (path == "/api/kill") {
    auto cmd = parse_kill_command(body, why);
    if (!cmd) {
      ++bad_bodies_;
      return json(400, json_error("kill command: " + why));
    }
    self->request(kill, cfg_.command_timeout, std::move(*cmd))
      .receive(
        [&](const kill_report& r) {
          // 403: refused (signature, role, window, replay: r.error says which).
          reply = json(refused(r) ? 403 : 200, to_json(r));
        },
        [&](caf::error& err) { reply = actor_error(sys, err, "kill coordinator"); });
    return reply;
  }
  auto cmd = parse_reset_command(body, why);
  if (!cmd) {
    ++bad_bodies_;
    return json(400, json_error("reset command: " + why));
  }
  self->request(kill, cfg_.command_timeout, std::move(*cmd))
    .receive(
      [&](const reset_report& r) {
        // 403: refused before any vote; 409: voted, but no quorum to resume.
        reply = json(r.resumed ? 200 : (refused(r) ? 403 : 409), to_json(r));
      },
      [&](caf::error& err) { reply = actor_error(sys, err, "kill coordinator"); });
  return reply;
}

std::string admin_service::refused_metrics() const {
  auto line = [&](const char* reason, uint64_t n) {
    return "cwts_admin_requests_refused_total{node=\"" + cfg_.node + "\",reason=\"" + reason
           + "\"} " + std::to_string(n) + "\n";
  };
  return "# HELP cwts_admin_requests_refused_total Admin port requests refused: body over the "
         "limit (413), not HTTP (400), a command body or query that does not parse (400), "
         "request not complete within the deadline (closed), connection over the cap (503).\n"
         "# TYPE cwts_admin_requests_refused_total counter\n"
         + line("too_large", server_.refused_too_large())
         + line("malformed_http", server_.refused_malformed()) + line("bad_body", bad_bodies_.load())
         + line("deadline", server_.refused_deadline())
         + line("over_capacity", server_.refused_over_capacity())
         + "# HELP cwts_admin_connections_open Admin port connections open now (cap "
         + std::to_string(server_.options().max_connections) + ").\n"
           "# TYPE cwts_admin_connections_open gauge\n"
           "cwts_admin_connections_open{node=\""
         + cfg_.node + "\"} " + std::to_string(server_.open_connections()) + "\n";
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
