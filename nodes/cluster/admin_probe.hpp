#pragma once
// One blocking HTTP/1.1 request to a node's (or the venue's) admin port on
// loopback with a deadline (console::admin_client underneath): what
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

http_answer admin_request(uint16_t port, const std::string& method, const std::string& target,
                          const std::string& body = {},
                          std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));

inline http_answer admin_get(uint16_t port, const std::string& target,
                             std::chrono::milliseconds timeout = std::chrono::milliseconds(2000)) {
  return admin_request(port, "GET", target, {}, timeout);
}

} // namespace cwts::cluster
