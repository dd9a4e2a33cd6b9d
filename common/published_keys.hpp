#pragma once
// Keys whose private half is public (issue 17 finding 7): the demo keys that
// config/operator-keys/ shipped until `cwts keys` replaced them. Anyone with
// a clone of the repository can sign with them, so a node refuses to start
// with one: as its own node key, or listed in its operators file. Kept as
// SHA-256 fingerprints of the raw 32-byte Ed25519 public keys, so the list
// holds no key material and cannot be "re-enabled" by copying a file.
//
// Add a line here whenever a private key is ever published again.

#include <cstdint>
#include <string>
#include <vector>

namespace cwts {

// SHA-256 of the raw public key, lowercase hex (64 characters).
std::string ed25519_fingerprint(const std::vector<uint8_t>& public_key);

// Empty when `public_key` was never published; else what it is ("the demo
// key 'alice' once committed as config/operator-keys/alice.pub.pem").
std::string published_key(const std::vector<uint8_t>& public_key);

} // namespace cwts
