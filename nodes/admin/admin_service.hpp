#pragma once
// The node's admin port as a service of cwts-node (node_main.cpp): the HTTP
// server, snapshots collected from the node's actors by request (the same
// collect_status as the summary line), and the health loop that evaluates
// the [health] rules every interval and triggers their kills through the
// node's own kill coordinator, signed with the node key (common/node_kill).
//
//   GET  /metrics  /healthz  /readyz  /api/nodes  /api/actors[/<role>]
//        /api/orders  /api/positions  /api/risk  /api/kill  /api/book/<symbol>
//   POST /api/kill  /api/reset  /api/drill/crash/<role>
//                                            (docs/monitoring.md, docs/console.md)
//
// The POSTs make every operator action reachable over this port: a signed
// kill or reset (JSON, operator_api.hpp) is parsed and forwarded to the
// node's kill coordinator, which verifies it as it verifies one from
// `cwts kill`; the reply is the coordinator's report. A crash drill is
// forwarded to the supervisor, which decides whether drills are allowed.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "caf/fwd.hpp"

#include "common/node_kill.hpp"
#include "common/trace/process_tracing.hpp"
#include "nodes/admin/health_rules.hpp"
#include "nodes/admin/http_server.hpp"

namespace cwts::admin {

struct admin_config {
  std::string node;
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  health_settings health;
  // Market data older than this is not fresh for /readyz when the health
  // rule is off (the node's stale-halt), seconds; 0: any age.
  double stale_after_s = 0;
  node_kill_signer signer;
  std::chrono::milliseconds collect_timeout{500};
  // How long a kill, reset or crash drill waits for its answer (the
  // coordinator's report and reset deadlines are 10 s by default).
  std::chrono::milliseconds command_timeout{15'000};
  // The HTTP port's bounds (http_server.hpp): open connections at most, and
  // the time a request has from accept to its last byte ([admin]
  // max-connections, request-deadline-ms).
  std::size_t max_connections = 64;
  std::chrono::milliseconds request_deadline{5'000};
  // This process's tracing (docs/tracing.md); none: tracing is off.
  const trace::process_tracing* tracing = nullptr;
};

class admin_service {
public:
  admin_service(caf::actor_system& sys, caf::actor supervisor, admin_config cfg);
  ~admin_service();

  // Binds and starts the HTTP thread and the health loop; false with `error`.
  bool start(std::string& error);
  void stop();
  uint16_t port() const { return server_.port(); }

private:
  struct impl;
  http_reply handle(const http_request& req);
  http_reply handle_post(const std::string& path, const std::string& body);
  http_reply handle_book(const std::string& symbol, const std::string& query);
  http_reply handle_trace(const std::string& query);
  std::string refused_metrics() const;
  void health_loop();

  std::unique_ptr<impl> impl_;
  admin_config cfg_;
  http_server server_;
  std::thread health_thread_;
  std::atomic<bool> stopping_{false};
  std::mutex health_mutex_;
  std::vector<health_result> last_health_;
  // POST bodies that were not a command (400), counted for /metrics.
  std::atomic<uint64_t> bad_bodies_{0};
};

} // namespace cwts::admin
