#include "nodes/transport/node_transport.hpp"

#include <unistd.h>

#include <fstream>
#include <memory>
#include <set>

#include "caf/all.hpp"
#include "caf/io/all.hpp"

#include "nodes/transport/relay_middleman.hpp"
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

// Over TLS, the Unix socket CAF listens on (and its private folder); removed
// at exit.
struct private_socket {
  std::string folder;
  std::string path;
  ~private_socket() {
    if (!path.empty())
      ::unlink(path.c_str());
    if (!folder.empty())
      ::rmdir(folder.c_str());
  }
};

private_socket& caf_socket() {
  static private_socket instance;
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

caf::io::middleman_actor node_middleman(caf::actor_system& sys) {
  if (!relays())
    return sys.middleman().actor_handle();
  return relay_middleman_of(sys, *relays());
}

std::string private_caf_socket() {
  return caf_socket().path;
}

uint16_t publish_node_at(caf::actor_system& sys, const caf::actor& whom, const std::string& host,
                         uint16_t port, std::string& error) {
  if (!relays()) {
    auto bound = sys.middleman().publish(whom, port, host.c_str(), true);
    if (!bound) {
      error = sys.render(bound.error());
      return 0;
    }
    return *bound;
  }
  auto& sock = caf_socket();
  if (!sock.path.empty()) {
    error = "already published at " + sock.path + " (one node per process over TLS)";
    return 0;
  }
  sock.folder = make_private_folder("cwts-caf", error);
  if (sock.folder.empty())
    return 0;
  sock.path = sock.folder + "/basp.sock";
  caf::scoped_actor self{sys};
  bool published = false;
  self
    ->request(node_middleman(sys), std::chrono::seconds(10), caf::publish_atom::value, uint16_t{0},
              caf::actor_cast<caf::strong_actor_ptr>(whom), std::set<std::string>{}, sock.path, false)
    .receive([&](uint16_t) { published = true; },
             [&](caf::error& err) { error = "CAF on " + sock.path + ": " + sys.render(err); });
  if (!published)
    return 0;
  // The relay owns the cluster port; CAF is reached only through it.
  return relays()->serve(host, port, sock.path, error);
}

std::string expect_member(const std::string& host, uint16_t port, const std::string& expected) {
  if (!relays() || expected.empty())
    return "";
  return relays()->expect(host, port, expected);
}

caf::actor connect_node(caf::actor_system& sys, const std::string& host, uint16_t port,
                        std::string& error, const std::string& expected,
                        std::chrono::milliseconds timeout) {
  if (auto why = expect_member(host, port, expected); !why.empty()) {
    error = why;
    return nullptr;
  }
  caf::actor remote;
  caf::scoped_actor self{sys};
  self->request(node_middleman(sys), timeout, caf::connect_atom::value, host, port)
    .receive(
      [&](const caf::node_id&, caf::strong_actor_ptr& ptr, const std::set<std::string>&) {
        if (ptr)
          remote = caf::actor_cast<caf::actor>(ptr);
        else
          error = "no actor published at " + host + ":" + std::to_string(port);
      },
      [&](caf::error& err) {
        error = sys.render(err);
        if (relays())
          error += " (over TLS: a refused certificate shows as event=node_tls_refused in the logs)";
      });
  return remote;
}

const char* transport_name(caf::actor_system&) {
  return relays() ? "tls" : "tcp";
}

} // namespace cwts
