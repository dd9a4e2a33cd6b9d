#pragma once
// The node's admin HTTP port (Boost.Beast over plain TCP): one request per
// connection, answered by `handler`. Binds 127.0.0.1 by default; port 0
// picks a free one (port() tells which). CAF-free.
//
// No client can hold the port (issue 17 finding 9: one client sending a
// byte a second used to block /healthz and POST /api/kill):
//   - connections are served concurrently: accept, read and write are
//     asynchronous on one io thread, which never runs a handler it was not
//     told is immediate;
//   - a whole-request deadline: headers and body must have arrived within
//     `request_deadline` of the accept, or the connection is closed
//     (counted: refused_deadline), whatever the pace of the bytes; the answer
//     must be taken within the same time again;
//   - a connection cap: a connection over `max_connections` open ones is
//     answered 503 at once (one non-blocking write) and closed (counted:
//     refused_over_capacity);
//   - handlers run off the io thread on two small pools: commands (POST),
//     which may wait seconds for a kill report, and queries (everything
//     else), so a slow kill does not hold a query. A request `immediate`
//     selects (e.g. GET /healthz) is answered on the io thread itself, so it
//     never waits behind either pool.
//
// Requests may carry a body (POST with JSON) of at most `max_body` bytes: a
// larger one is answered 413, an unparsable request 400, each with a JSON
// {"error": reason} and counted (refused_too_large, refused_malformed) before
// the handler sees anything.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace cwts::admin {

struct http_request {
  std::string method; // "GET", "POST", ...
  std::string target; // path with query
  std::string body;   // empty for GET
};

struct http_reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

using http_handler = std::function<http_reply(const http_request&)>;

// A JSON object {"error": reason} (reason escaped).
std::string json_error(const std::string& reason);

struct http_server_options {
  std::size_t max_body = 64 * 1024;
  // Open connections at most (being read, waiting for a handler or being
  // answered); one more is refused at once. Also bounds the handler queues.
  std::size_t max_connections = 64;
  // From accept to the last byte of the request (and again for the answer).
  std::chrono::milliseconds request_deadline{5'000};
  std::size_t command_threads = 2; // POST handlers (may wait for a kill report)
  std::size_t query_threads = 2;   // every other handler
  // Requests answered on the io thread: must be cheap and never block.
  std::function<bool(const http_request&)> immediate;
};

class http_server {
public:
  static constexpr std::size_t default_max_body = 64 * 1024;

  explicit http_server(http_handler handler, http_server_options options = {});
  http_server(http_handler handler, std::size_t max_body);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  // Binds and starts serving; false with `error` when the address is taken.
  bool start(const std::string& host, uint16_t port, std::string& error);
  void stop();
  uint16_t port() const { return port_; }
  const http_server_options& options() const { return options_; }

  struct counters {
    std::atomic<uint64_t> requests{0};      // handed to the handler
    std::atomic<uint64_t> too_large{0};     // body over max_body (413)
    std::atomic<uint64_t> malformed{0};     // not HTTP (400)
    std::atomic<uint64_t> deadline{0};      // request not complete in time: closed
    std::atomic<uint64_t> over_capacity{0}; // over max_connections: 503 and closed
    std::atomic<uint64_t> open{0};          // connections open now
  };
  uint64_t requests() const { return counters_.requests.load(); }
  uint64_t refused_too_large() const { return counters_.too_large.load(); }
  uint64_t refused_malformed() const { return counters_.malformed.load(); }
  uint64_t refused_deadline() const { return counters_.deadline.load(); }
  uint64_t refused_over_capacity() const { return counters_.over_capacity.load(); }
  uint64_t open_connections() const { return counters_.open.load(); }

  struct impl; // the io context, pools and connections (http_server.cpp only)

private:

  http_handler handler_;
  http_server_options options_;
  counters counters_;
  std::unique_ptr<impl> impl_;
  uint16_t port_ = 0;
};

} // namespace cwts::admin
