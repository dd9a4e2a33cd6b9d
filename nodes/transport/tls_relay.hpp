#pragma once
// Mutual-TLS relays for the CAF links between nodes.
//
// CAF 0.17's own TLS module (caf-openssl) was tried first and drops the links
// of a cluster of three or more nodes every few seconds
// (remote_link_unreachable, request timeouts; the same cluster over plain TCP
// never drops; docs/operations.md "TLS between nodes"). So CAF speaks plain
// BASP on loopback only and these relays carry it over TLS:
//
//   node A: CAF ──> client relay 127.0.0.1:<ephemeral> ══TLS══> node B: server
//   relay on B's cluster port ──> B's CAF on 127.0.0.1:<ephemeral>
//
// Both ends present a certificate signed by the cluster CA and verify the
// other's (a peer without one fails the handshake, is counted and logged).
// A certificate is also an identity (issue 17 finding 2): its CN is the node
// id it was made for (scripts/gen-certs, `cwts keys`). The dialing side
// refuses a listener whose certificate does not name the member it dials;
// the accepting side, once given the member list, refuses a peer whose
// certificate names no member (event=node_tls_refused, counted).
// One I/O thread for all relays of a process; bytes are relayed as they come.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace cwts {

struct tls_identity {
  std::string certificate; // PEM chain of this process
  std::string key;         // its private key
  std::string passphrase;  // of the key, if any
  std::string ca_file;     // the cluster CA: peers must be signed by it
};

struct tls_relay_counters {
  uint64_t accepted = 0;          // TLS connections established
  uint64_t handshake_failures = 0; // refused: no or untrusted certificate, not TLS
  uint64_t upstream_failures = 0; // the other side could not be reached
  uint64_t identity_refused = 0;  // a CA-signed certificate naming the wrong node
};

// The CN of a PEM certificate's subject (empty when it has none): the node id
// it was made for.
std::string certificate_common_name(const std::string& pem_file, std::string& error);

class tls_relays {
public:
  // False with `error` when the identity cannot be loaded.
  static std::unique_ptr<tls_relays> create(const tls_identity& id, std::string& error);
  ~tls_relays();

  // Accepts TLS on `host`:`port` (0: a free port), relays to 127.0.0.1:`plain_port`.
  // The bound port, or 0 with `error`.
  uint16_t serve(const std::string& host, uint16_t port, uint16_t plain_port, std::string& error);

  // A loopback port whose connections are relayed over TLS to host:port (the
  // same one for the same address). `expected` non-empty: the listener's
  // certificate must name that node id (CN), else the connection is refused.
  // 0 with `error`.
  uint16_t client_port(const std::string& host, uint16_t port, const std::string& expected,
                       std::string& error);

  // From now on an accepted peer's certificate must name one of `members`
  // (empty: any certificate the CA signed, as before the list is known).
  void restrict_peers(std::vector<std::string> members);

  tls_relay_counters counters() const;

private:
  struct impl;
  explicit tls_relays(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace cwts
