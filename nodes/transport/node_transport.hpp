#pragma once
// How CWTS processes reach each other over CAF's middleman: plain TCP, or TLS
// with mutual certificate verification when the process config names a
// certificate (CAF then listens and dials on loopback only, and TLS relays
// carry its links: tls_relay.hpp says why not caf-openssl). The TLS settings
// are CAF's own `[openssl]` section
// (certificate, key, passphrase, cafile, capath; CLI --openssl.certificate=...),
// so a node, the cwts CLI and a test all configure it the same way:
//
//   [openssl]
//   certificate="run/certs/gw1.pem"   ; this process's certificate (chain)
//   key="run/certs/gw1.key"
//   cafile="run/certs/ca.pem"         ; the cluster CA: peers must present a
//                                     ; certificate it signed
//
// Over TLS both sides verify: a peer without a certificate from the cluster CA
// cannot connect (event=node_tls_refused), and we do not talk to a listener
// that presents none or one for another address. scripts/gen-certs makes the
// CA and one certificate per node.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "caf/fwd.hpp"

namespace cwts {

// Whether `cfg` asks for TLS (a certificate is set).
bool node_tls_enabled(const caf::actor_system_config& cfg);

// Empty when the TLS settings of `cfg` are usable (or TLS is off), else why
// not: a key without a certificate, a file that cannot be read, no CA to
// verify peers with.
std::string check_node_tls(const caf::actor_system_config& cfg);

// Loads the middleman, and starts the TLS relays when TLS is on. Call after
// parsing and before creating the actor system. Empty, or why TLS could not
// be set up (a key that does not load, ...).
std::string load_node_transport(caf::actor_system_config& cfg);

// Publishes `whom` on 127.0.0.1:`port` (0: a free port); the bound port, or 0
// with `error` set.
uint16_t publish_on_loopback(caf::actor_system& sys, const caf::actor& whom, uint16_t port,
                             std::string& error);

// Connects to the actor published at host:port (blocking); a null handle with
// `error` set on failure.
caf::actor connect_node(caf::actor_system& sys, const std::string& host, uint16_t port,
                        std::string& error);

// Where CAF dials to reach the node at host:port: that address over plain
// TCP, the local TLS relay for it over TLS. Empty host with `error` on failure.
// (For the middleman's asynchronous connect_atom.)
// `expected`: the member that address belongs to; over TLS its certificate
// must name it (empty: any certificate the cluster CA signed).
std::pair<std::string, uint16_t> node_route(const std::string& host, uint16_t port,
                                            std::string& error, const std::string& expected = "");

// Over TLS: from now on a peer connecting to us must present a certificate
// naming one of `members` (issue 17 finding 2). Empty when that holds,
// else why not (this process's own certificate does not name `self`).
// Nothing to do over plain TCP.
std::string bind_node_tls_identity(const caf::actor_system_config& cfg, const std::string& self,
                                   const std::vector<std::string>& members);

// "tls" or "tcp": for log lines and the startup line.
const char* transport_name(caf::actor_system& sys);

} // namespace cwts
