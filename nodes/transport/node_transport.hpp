#pragma once
// How CWTS processes reach each other over CAF's middleman: plain TCP, or TLS
// with mutual certificate verification when the process config names a
// certificate (TLS relays then carry CAF's links, and CAF itself has no TCP
// port at all: tls_relay.hpp says why not caf-openssl, relay_middleman.hpp
// how CAF is plugged into the relays). The TLS settings
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

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "caf/fwd.hpp"
#include "caf/io/middleman_actor.hpp"

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

// Publishes `whom` at `host`:`port` (an IPv4 address, [cluster] host:
// 127.0.0.1 unless the node has its own address on a network; port 0: a
// free port): CAF's own listener over plain TCP; over TLS the relay's, with
// CAF on a private Unix socket behind it. The bound port, or 0 with
// `error`. Once per process over TLS.
uint16_t publish_node_at(caf::actor_system& sys, const caf::actor& whom, const std::string& host,
                         uint16_t port, std::string& error);

// The middleman actor to publish and connect with: CAF's own over plain
// TCP, the relays' over TLS (for asynchronous `connect_atom` requests; call
// expect_member first).
caf::io::middleman_actor node_middleman(caf::actor_system& sys);

// Over TLS: a connection to host:port must meet a listener whose certificate
// names `expected` (its member id). Empty, or why not (an address that is not
// an IP). Nothing to do over plain TCP or for an empty `expected`.
std::string expect_member(const std::string& host, uint16_t port, const std::string& expected);

// Connects to the actor published at host:port (blocking, at most
// `timeout`); a null handle with `error` set on failure. `expected`: as for
// expect_member.
caf::actor connect_node(caf::actor_system& sys, const std::string& host, uint16_t port,
                        std::string& error, const std::string& expected = "",
                        std::chrono::milliseconds timeout = std::chrono::seconds(20));

// Over TLS: where CAF listens for the relay (a Unix socket path); empty over
// plain TCP or before publish_node_at.
std::string private_caf_socket();

// Over TLS: from now on a peer connecting to us must present a certificate
// naming one of `members` (issue 17 finding 2). Empty when that holds,
// else why not (this process's own certificate does not name `self`).
// Nothing to do over plain TCP.
std::string bind_node_tls_identity(const caf::actor_system_config& cfg, const std::string& self,
                                   const std::vector<std::string>& members);

// "tls" or "tcp": for log lines and the startup line.
const char* transport_name(caf::actor_system& sys);

} // namespace cwts
