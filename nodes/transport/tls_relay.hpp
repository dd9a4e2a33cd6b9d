#pragma once
// Mutual-TLS relays for the CAF links between nodes.
//
// CAF 0.17's own TLS module (caf-openssl) was tried first and drops the links
// of a cluster of three or more nodes every few seconds
// (remote_link_unreachable, request timeouts; the same cluster over plain TCP
// never drops; docs/operations.md "TLS between nodes"). So CAF speaks plain
// BASP to these relays, in-process, and they carry it over TLS:
//
//   node A: CAF ══socketpair══ client relay ══TLS══> node B: server relay on
//   B's cluster port ──> B's CAF on a private Unix socket (mode 0600 in a
//   0700 folder: only this user's processes can connect)
//
// No plain TCP port is left that a local process could speak BASP to
// (issue 17 finding 6): the dialing side's CAF end is one half of a
// socketpair nobody else holds, and the accepting side's CAF listens on a
// Unix socket the file system keeps to this user (relay_middleman.hpp
// installs both into CAF).
//
// Both ends present a certificate signed by the cluster CA and verify the
// other's (a peer without one fails the handshake, is counted and logged).
// A certificate is also an identity (issue 17 finding 2): its CN is the node
// id it was made for (scripts/gen-certs, `cwts keys`). The dialing side
// refuses a listener whose certificate does not name the member it dials;
// the accepting side, once given the member list, refuses a peer whose
// certificate names no member (event=node_tls_refused, counted).
// One I/O thread for all relays of a process; bytes are relayed as they come.
// A TLS handshake that does not finish within 10 s is dropped (a peer that
// connects and stays silent holds nothing).

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
  uint64_t handshake_timeouts = 0; // no finished handshake within the deadline
};

// The CN of a PEM certificate's subject (empty when it has none): the node id
// it was made for.
std::string certificate_common_name(const std::string& pem_file, std::string& error);

class tls_relays {
public:
  // False with `error` when the identity cannot be loaded.
  static std::unique_ptr<tls_relays> create(const tls_identity& id, std::string& error);
  ~tls_relays();

  // Accepts TLS on `host`:`port` (0: a free port), relays each accepted and
  // verified peer to the Unix socket at `local_path` (CAF's listener). The
  // bound port, or 0 with `error`.
  uint16_t serve(const std::string& host, uint16_t port, const std::string& local_path,
                 std::string& error);

  // From now on a connection dialed to host:port must meet a listener whose
  // certificate names `expected` (a node id, the CN); empty: any certificate
  // the CA signed for that address. Empty, or why not (not an IP address).
  std::string expect(const std::string& host, uint16_t port, const std::string& expected);

  // One connection over TLS to host:port: returns this side's end of a
  // socketpair whose other end the relay carries over TLS (closed when the
  // peer cannot be reached or fails verification), or -1 with `error`.
  int dial(const std::string& host, uint16_t port, std::string& error);

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
