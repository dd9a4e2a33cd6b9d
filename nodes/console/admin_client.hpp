#pragma once
// A client of a node's admin HTTP port (nodes/admin, docs/monitoring.md,
// docs/console.md): one blocking HTTP/1.1 request per call over Boost.Beast,
// JSON in and out, bounded by a deadline. Used by `cwts console` and
// `cwts drill`. CAF-free, terminal-free.
//
//   cwts::console::admin_client node{{"127.0.0.1", 47110}};
//   auto r = node.get("/api/actors");               // r.status 200, r.body JSON
//   auto k = node.post("/api/kill", kill_body(...)); // signed_command.hpp
//   if (!k.reached()) -> k.error ("cannot connect to 127.0.0.1:47110: Connection refused")
//
// The node answers every failure as JSON {"error": reason}; error_text()
// picks that reason out for a message.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace cwts::console {

struct admin_address {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string str() const { return host + ":" + std::to_string(port); }
};

// "HOST:PORT" (port 1..65535) -> address; nullopt with `error` otherwise.
std::optional<admin_address> parse_admin_address(const std::string& text, std::string& error);

struct admin_response {
  int status = 0;    // the HTTP status; 0 when the node did not answer
  std::string body;  // the node's answer (JSON)
  std::string error; // why there is no answer: cannot connect, timed out, ...

  bool reached() const { return status != 0; }
  bool ok() const { return status >= 200 && status < 300; }
  // The reason of a failure: `error` when unreached, else the body's
  // "error" field, else the status and body.
  std::string error_text() const;
};

class admin_client {
public:
  explicit admin_client(admin_address address,
                        std::chrono::milliseconds timeout = std::chrono::milliseconds(20'000));

  // GET `target` ("/api/actors"). Never throws.
  admin_response get(const std::string& target) const;
  // POST `json_body` to `target` ("/api/kill"), Content-Type application/json.
  admin_response post(const std::string& target, const std::string& json_body) const;

  const admin_address& address() const { return address_; }
  std::chrono::milliseconds timeout() const { return timeout_; }

private:
  admin_response request(bool post, const std::string& target, const std::string& body) const;

  admin_address address_;
  std::chrono::milliseconds timeout_;
};

} // namespace cwts::console
