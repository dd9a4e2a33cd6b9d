#pragma once
// The TLS certificates of one deployment (`cwts keys`), made with OpenSSL's
// library as scripts/gen-certs makes them with its command line: a private
// CA and one leaf per node, EC P-256, valid 825 days for 127.0.0.1, ::1,
// localhost and the node's own addresses (a host's, or its network
// namespace's with `cwts cluster up --netns`): a peer dialing it checks that
// the certificate names the address it dialed. A leaf's CN is its node id: the identity the TLS relays check
// (nodes/transport/tls_relay.hpp, issue 17 finding 2).
//
// The CA's private key lives only in memory while the leaves are signed:
// nothing that can mint a member's certificate is left beside them.

#include <memory>
#include <string>
#include <vector>

namespace cwts::keys {

struct pem_pair {
  std::string certificate; // PEM
  std::string key;         // PEM (PKCS#8), private
};

class certificate_authority {
public:
  // A fresh CA named `name`; throws std::runtime_error when OpenSSL fails.
  explicit certificate_authority(const std::string& name);
  ~certificate_authority();
  certificate_authority(const certificate_authority&) = delete;
  certificate_authority& operator=(const certificate_authority&) = delete;

  std::string certificate_pem() const;
  std::string private_key_pem() const; // only for --keep-ca-key
  // A leaf for node `cn` (serverAuth and clientAuth) naming loopback and
  // each of `addresses` (IPv4), signed by this CA.
  pem_pair issue(const std::string& cn, const std::vector<std::string>& addresses = {}) const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace cwts::keys
