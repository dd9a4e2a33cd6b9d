#pragma once
// The node's admin HTTP port (Boost.Beast over plain TCP, its own thread):
// one request per connection, answered by `handler`. Binds 127.0.0.1 by
// default; port 0 picks a free one (port() tells which). CAF-free.
//
// Requests may carry a body (POST with JSON) of at most `max_body` bytes: a
// larger one is answered 413, an unparsable request 400, each with a JSON
// {"error": reason} and counted (refused_too_large, refused_malformed) before
// the handler sees anything.

#include <atomic>
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

class http_server {
public:
  static constexpr std::size_t default_max_body = 64 * 1024;

  explicit http_server(http_handler handler, std::size_t max_body = default_max_body);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  // Binds and starts serving; false with `error` when the address is taken.
  bool start(const std::string& host, uint16_t port, std::string& error);
  void stop();
  uint16_t port() const { return port_; }
  uint64_t requests() const { return requests_.load(); }
  // Requests refused before the handler: body over max_body (413), not HTTP (400).
  uint64_t refused_too_large() const { return too_large_.load(); }
  uint64_t refused_malformed() const { return malformed_.load(); }

private:
  struct impl;

  std::unique_ptr<impl> impl_;
  http_handler handler_;
  std::size_t max_body_;
  std::thread thread_;
  uint16_t port_ = 0;
  std::atomic<uint64_t> requests_{0};
  std::atomic<uint64_t> too_large_{0};
  std::atomic<uint64_t> malformed_{0};
};

} // namespace cwts::admin
