// Ed25519 verification, OpenSSL against libsodium, in the same run on the
// same signatures (issue 21 goal 4: a faster Ed25519 is used if it measures
// faster). Every peer verifies a kill's signature before its gate closes,
// so this is on the kill's critical path (docs/kill-switch.md "Measured").
//
//   ed25519_verify_bench [verifications=3000]
//
// (1) openssl, as the node calls it (common/operator_auth: ed25519_verify,
//     a key object and a digest context made per call);
// (2) openssl with the key object made once (only EVP_DigestVerify per call);
// (3) libsodium crypto_sign_verify_detached.
// The three are interleaved call by call, so a busy machine slows each the
// same. The payload is a real kill's signing payload. Exits non-zero if any
// verification disagrees.

#include <openssl/evp.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "actors/kill/kill_auth.hpp"
#include "common/operator_auth.hpp"

using namespace cwts;

namespace {

double pct(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5))];
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v)
    s += x;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}

template <class F>
double time_us(F&& f, bool& ok) {
  auto t0 = std::chrono::steady_clock::now();
  ok = f() && ok;
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
}

void row(const char* name, const std::vector<double>& v) {
  std::printf("%-44s n=%zu  p50=%8.2f us  p99=%8.2f us  mean=%8.2f us\n", name, v.size(), pct(v, 0.5),
              pct(v, 0.99), mean(v));
}

} // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::max(10, std::atoi(argv[1])) : 3000;
  if (sodium_init() < 0) {
    std::fprintf(stderr, "libsodium did not initialise\n");
    return 1;
  }
  auto key = ed25519_signer::generate();
  kill_command k;
  k.cluster = "cwts-local";
  k.id = kill_id{"k-0123456789abcdef"};
  k.issuer = operator_id{"alice"};
  k.reason = "bench";
  k.issued_at = wall_clock_now();
  sign(k, key);
  const auto payload = signing_payload(k);
  const auto pub = key.public_key();
  EVP_PKEY* cached = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, pub.data(), pub.size());
  auto openssl_cached = [&] {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    bool ok = EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, cached) == 1
              && EVP_DigestVerify(ctx, k.signature.data(), k.signature.size(),
                                  reinterpret_cast<const unsigned char*>(payload.data()), payload.size())
                   == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
  };
  auto sodium = [&] {
    return crypto_sign_verify_detached(k.signature.data(),
                                       reinterpret_cast<const unsigned char*>(payload.data()),
                                       payload.size(), pub.data())
           == 0;
  };
  auto openssl_node = [&] { return ed25519_verify(pub, payload, k.signature); };
  // Warm-up: OpenSSL loads its implementation on first use.
  for (int i = 0; i < 50; ++i) {
    openssl_node();
    openssl_cached();
    sodium();
  }
  std::vector<double> a, b, c;
  bool ok = true;
  for (int i = 0; i < n; ++i) {
    a.push_back(time_us(openssl_node, ok));
    b.push_back(time_us(openssl_cached, ok));
    c.push_back(time_us(sodium, ok));
  }
  EVP_PKEY_free(cached);
  std::printf("ed25519_verify_bench: %d verifications each, interleaved, payload %zu bytes (a kill's)\n", n,
              payload.size());
  row("(1) openssl, as the node calls it", a);
  row("(2) openssl, key object made once", b);
  row("(3) libsodium crypto_sign_verify_detached", c);
  std::printf("ratio libsodium/openssl-as-called: p50 %.2f  mean %.2f\n", pct(c, 0.5) / pct(a, 0.5),
              mean(c) / mean(a));
  if (!ok)
    std::fprintf(stderr, "a verification failed\n");
  return ok ? 0 : 1;
}
