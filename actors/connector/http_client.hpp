#pragma once
// HTTP/1.1 keep-alive client to one host:port. Every request has a deadline
// that covers connect + write + read. Failures are values that say what
// failed and whether the request may have reached the server, because a
// trading system must never resend an order whose outcome is unknown.
// Not thread-safe: one client per owner.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/beast/http/verb.hpp>

#include "actors/connector/http_transport.hpp"
#include "actors/connector/outcome.hpp"

namespace cwts::connector {

struct http_request {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string target; // path and query string, e.g. "/api/v3/time"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // A request that is safe to repeat (GET): sent once more on a fresh
  // connection when a reused kept-alive connection turns out to be closed.
  bool idempotent = false;
};

struct http_reply {
  unsigned status = 0;
  std::string body;
  // Binance: X-MBX-USED-WEIGHT-1M, the IP's request weight this minute.
  std::optional<int64_t> used_weight_1m;
  // Retry-After (seconds) on HTTP 429 / 418 (rest-api.md, LIMITS).
  std::optional<int64_t> retry_after_s;
  int64_t rtt_ns = 0;     // measured: write start -> response read
  int64_t elapsed_ns = 0; // measured: whole call, connect included
  bool reused_connection = false;
};

enum class http_failure : uint8_t {
  connect_failed,    // refused, unreachable, resolve failure
  connect_timeout,   // deadline passed before the connection was up
  timeout,           // deadline passed after the write started
  connection_closed, // EOF or reset after the write started
  protocol_error,    // the reply was not valid HTTP
  rate_limited,      // not sent: the venue asked for a pause (HTTP 429 / 418)
};

// What the caller may conclude about the request.
enum class delivery : uint8_t {
  not_sent, // surely not delivered: no byte was written
  unknown,  // may or may not have been processed by the server
};

const char* to_string(http_failure f);
const char* to_string(delivery d);

struct http_error {
  http_failure failure = http_failure::connect_failed;
  delivery delivered = delivery::not_sent;
  std::string detail;
  int64_t elapsed_ns = 0;
};

class http_client {
public:
  // Plain TCP transport (the only one today).
  http_client(std::string host, uint16_t port, std::chrono::milliseconds timeout);
  // Any transport, e.g. a TLS one later.
  http_client(std::unique_ptr<http_transport> transport, std::string host_header,
              std::chrono::milliseconds timeout);

  outcome<http_reply, http_error> send(const http_request& req);
  outcome<http_reply, http_error> send(const http_request& req, steady_deadline deadline);

  // Connections opened so far (reconnects are visible as increments).
  uint64_t connections_opened() const { return connections_opened_; }
  // Kept-alive connections dropped because bytes past the last answer were
  // waiting (never taken as the next request's answer).
  uint64_t stale_connections() const { return stale_connections_; }
  std::chrono::milliseconds timeout() const { return timeout_; }

private:
  outcome<http_reply, http_error> attempt(const http_request& req, steady_deadline deadline,
                                          bool& retryable);
  http_request_message make_message(const http_request& req) const;

  std::unique_ptr<http_transport> transport_;
  std::string host_header_;
  std::chrono::milliseconds timeout_;
  uint64_t connections_opened_ = 0;
  uint64_t stale_connections_ = 0;
};

} // namespace cwts::connector
