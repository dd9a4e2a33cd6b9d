#include "nodes/transport/node_transport.hpp"

#include <fstream>
#include <memory>

#include "caf/all.hpp"
#include "caf/io/all.hpp"

#include "nodes/transport/tls_relay.hpp"

namespace cwts {

namespace {

bool readable(const std::string& path) {
  std::ifstream in(path);
  return static_cast<bool>(in);
}

// One actor system per process, so one set of relays per process; they live
// until exit (CAF may dial through them until the very end).
std::unique_ptr<tls_relays>& relays() {
  static std::unique_ptr<tls_relays> instance;
  return instance;
}

} // namespace

bool node_tls_enabled(const caf::actor_system_config& cfg) {
  return !cfg.openssl_certificate.empty();
}

std::string check_node_tls(const caf::actor_system_config& cfg) {
  if (!node_tls_enabled(cfg)) {
    if (!cfg.openssl_key.empty() || !cfg.openssl_cafile.empty())
      return "[openssl] key or cafile set without certificate: set all three for TLS between "
             "nodes, or none";
    return "";
  }
  if (cfg.openssl_key.empty())
    return "[openssl] certificate set without key";
  if (cfg.openssl_cafile.empty())
    return "[openssl] certificate set without cafile: peers could not be verified";
  for (auto* path : {&cfg.openssl_certificate, &cfg.openssl_key, &cfg.openssl_cafile})
    if (!readable(*path))
      return "[openssl] cannot read " + *path + " (make certificates with scripts/gen-certs)";
  return "";
}

std::string load_node_transport(caf::actor_system_config& cfg) {
  cfg.load<caf::io::middleman>();
  if (!node_tls_enabled(cfg))
    return "";
  std::string error;
  relays() = tls_relays::create(
    tls_identity{cfg.openssl_certificate, cfg.openssl_key, cfg.openssl_passphrase, cfg.openssl_cafile},
    error);
  return relays() ? "" : "[openssl] " + error;
}

std::string bind_node_tls_identity(const caf::actor_system_config& cfg, const std::string& self,
                                   const std::vector<std::string>& members) {
  if (!relays())
    return "";
  std::string error;
  auto cn = certificate_common_name(cfg.openssl_certificate, error);
  if (!error.empty())
    return "[openssl] certificate: " + error;
  // Our peers check that our certificate names us; one made for another node
  // would be refused by all of them, so say so at start.
  if (cn != self)
    return "[openssl] certificate: " + cfg.openssl_certificate + " names '" + cn
           + "', not this node ('" + self + "'): each node presents its own certificate "
           "(`cwts keys` makes one per node)";
  relays()->restrict_peers(members);
  return "";
}

uint16_t publish_on_loopback(caf::actor_system& sys, const caf::actor& whom, uint16_t port,
                             std::string& error) {
  // Over TLS CAF itself listens on a loopback port nobody else is told of;
  // the relay owns the cluster port.
  auto bound = sys.middleman().publish(whom, relays() ? 0 : port, "127.0.0.1", true);
  if (!bound) {
    error = sys.render(bound.error());
    return 0;
  }
  if (!relays())
    return *bound;
  return relays()->serve("127.0.0.1", port, *bound, error);
}

std::pair<std::string, uint16_t> node_route(const std::string& host, uint16_t port,
                                            std::string& error, const std::string& expected) {
  if (!relays())
    return {host, port};
  auto local = relays()->client_port(host, port, expected, error);
  if (local == 0)
    return {"", 0};
  return {"127.0.0.1", local};
}

caf::actor connect_node(caf::actor_system& sys, const std::string& host, uint16_t port,
                        std::string& error) {
  auto route = node_route(host, port, error);
  if (route.first.empty())
    return nullptr;
  auto remote = sys.middleman().remote_actor(route.first, route.second);
  if (!remote) {
    error = sys.render(remote.error());
    if (relays())
      error += " (over TLS: a refused certificate shows as event=node_tls_refused in the logs)";
    return nullptr;
  }
  return *remote;
}

const char* transport_name(caf::actor_system&) {
  return relays() ? "tls" : "tcp";
}

} // namespace cwts
