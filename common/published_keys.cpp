#include "common/published_keys.hpp"

#include <openssl/sha.h>

#include <cstdio>

namespace cwts {

namespace {

struct published {
  const char* fingerprint; // SHA-256 of the raw public key
  const char* file;        // where it was committed (private half beside it)
};

// `openssl pkey -pubin -in F -outform DER | tail -c 32 | sha256sum` of every
// config/operator-keys/*.pub.pem ever committed (git log --all; each was
// added once and never changed) until they were removed (issue 17).
constexpr published published_keys[] = {
  {"57bb39ee6a858f510c2a82ff022f7973838ba89675eef06aeb161e3fcd17a9be", "config/operator-keys/alice.pub.pem"},
  {"b2eaafa668e569ce6bba78e7f4ee446211b7dd58d03de5b9d810409600c9e323", "config/operator-keys/bob.pub.pem"},
  {"67ae045712b97a09dc551f014a2ac34f670d33ac225fd9be8eee3e56ee525b62", "config/operator-keys/node-gw1.pub.pem"},
  {"810013299e19543280ccdd2c1922aea3b5068e94b5c28294ca3e9d6a34985cab", "config/operator-keys/node-solo.pub.pem"},
  {"25b388a634f7e019574efdf0cf218ce6985c7d245429fad0b37e7729c44a0534", "config/operator-keys/node-tr1.pub.pem"},
  {"3c034aa1cfeac56f230af484325e362c2864373590a18d2fabd21ff99d24158e", "config/operator-keys/node-tr2.pub.pem"},
  {"1195cdcbf0a97db6d8413bb71ad15b5c6fc6ec2b6e860cdc7a0573b56e6569ec", "config/operator-keys/node-w1.pub.pem"},
};

} // namespace

std::string ed25519_fingerprint(const std::vector<uint8_t>& public_key) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(public_key.data(), public_key.size(), digest);
  std::string out;
  char hex[3];
  for (unsigned char b : digest) {
    std::snprintf(hex, sizeof(hex), "%02x", b);
    out += hex;
  }
  return out;
}

std::string published_key(const std::vector<uint8_t>& public_key) {
  auto fp = ed25519_fingerprint(public_key);
  for (auto& p : published_keys)
    if (fp == p.fingerprint)
      return std::string("a demo key published in the CWTS-Ultra repository (") + p.file
             + ", its private key beside it): anyone can sign with it";
  return "";
}

} // namespace cwts
