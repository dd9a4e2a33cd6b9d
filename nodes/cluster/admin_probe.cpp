#include "nodes/cluster/admin_probe.hpp"

#include "nodes/console/admin_client.hpp"

namespace cwts::cluster {

http_answer admin_request(const std::string& host, uint16_t port, const std::string& method,
                          const std::string& target, const std::string& body,
                          std::chrono::milliseconds timeout) {
  console::admin_client client(console::admin_address{host, port}, timeout);
  auto r = method == "POST" ? client.post(target, body)
                            : client.get(target);
  return http_answer{r.status, std::move(r.body), std::move(r.error)};
}

} // namespace cwts::cluster
