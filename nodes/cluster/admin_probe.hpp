#pragma once
// One blocking HTTP/1.1 request to a node's (or the venue's) admin port
// (on loopback unless a host is given) with a deadline (console::admin_client underneath): what
// `cwts cluster` and drills use to see whether a node is up, ready, halted,
// and what its actors did.

#include <chrono>
#include <cstdint>
#include <string>

namespace cwts::cluster {

struct http_answer {
  int status = 0;       // 0: no answer (see error)
  std::string body;
  std::string error;
  bool ok() const { return status == 200; }
};

// To `host`:`port` (a node's own address: `cwts cluster up --netns`).
http_answer admin_request(const std::string& host, uint16_t port, const std::string& method,
                          const std::string& target, const std::string& body = {},
                          std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));

// To 127.0.0.1:`port`.
inline http_answer admin_request(uint16_t port, const std::string& method,
                                 const std::string& target, const std::string& body = {},
                                 std::chrono::milliseconds timeout = std::chrono::milliseconds(2000)) {
  return admin_request("127.0.0.1", port, method, target, body, timeout);
}

inline http_answer admin_get(const std::string& host, uint16_t port, const std::string& target,
                             std::chrono::milliseconds timeout = std::chrono::milliseconds(2000)) {
  return admin_request(host, port, "GET", target, {}, timeout);
}

inline http_answer admin_get(uint16_t port, const std::string& target,
                             std::chrono::milliseconds timeout = std::chrono::milliseconds(2000)) {
  return admin_request(port, "GET", target, {}, timeout);
}

} // namespace cwts::cluster
