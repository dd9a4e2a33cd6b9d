#pragma once
// The node's admin HTTP port (Boost.Beast over plain TCP, its own thread):
// one request per connection, answered by `handler`. Binds 127.0.0.1 by
// default; port 0 picks a free one (port() tells which). CAF-free.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace cwts::admin {

struct http_reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

// (method, target with query) -> reply.
using http_handler = std::function<http_reply(const std::string&, const std::string&)>;

class http_server {
public:
  explicit http_server(http_handler handler);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  // Binds and starts serving; false with `error` when the address is taken.
  bool start(const std::string& host, uint16_t port, std::string& error);
  void stop();
  uint16_t port() const { return port_; }
  uint64_t requests() const { return requests_.load(); }

private:
  struct impl;
  std::unique_ptr<impl> impl_;
  http_handler handler_;
  std::thread thread_;
  uint16_t port_ = 0;
  std::atomic<uint64_t> requests_{0};
};

} // namespace cwts::admin
