// Ed25519 keys and signatures (common/operator_auth.hpp): OpenSSL reads,
// generates and signs; libsodium alone verifies.

#include <sodium.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "common/operator_auth.hpp"

namespace cwts {

namespace {

constexpr size_t ed25519_key_size = 32;
constexpr size_t ed25519_signature_size = 64;

struct pkey_deleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct bio_deleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct md_ctx_deleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct pkey_ctx_deleter {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_deleter>;
using bio_ptr = std::unique_ptr<BIO, bio_deleter>;
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, md_ctx_deleter>;
using pkey_ctx_ptr = std::unique_ptr<EVP_PKEY_CTX, pkey_ctx_deleter>;

// The reason OpenSSL gives for its last failure (and clears its queue).
std::string openssl_reason() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0)
    return "no PEM key found";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof(buf));
  return buf;
}

std::string bio_to_string(BIO* b) {
  char* data = nullptr;
  long len = BIO_get_mem_data(b, &data);
  return len > 0 ? std::string(data, static_cast<size_t>(len)) : std::string();
}

// Opens a PEM file and reads a key with `read`; checks that it is Ed25519.
template <class Read>
pkey_ptr read_ed25519_pem(const std::string& path, Read read, std::string& error) {
  bio_ptr bio{BIO_new_file(path.c_str(), "r")};
  if (!bio) {
    ERR_clear_error();
    error = "cannot open '" + path + "'";
    return nullptr;
  }
  pkey_ptr key{read(bio.get())};
  if (!key) {
    error = "'" + path + "' holds no readable PEM key: " + openssl_reason();
    return nullptr;
  }
  if (EVP_PKEY_id(key.get()) != EVP_PKEY_ED25519) {
    const char* type = OBJ_nid2sn(EVP_PKEY_id(key.get()));
    error = "'" + path + "' is " + (type ? std::string(type) : std::string("an unknown"))
            + " key, not Ed25519";
    return nullptr;
  }
  return key;
}

std::vector<uint8_t> raw_public_key(EVP_PKEY* key) {
  std::vector<uint8_t> out(ed25519_key_size);
  size_t len = out.size();
  if (EVP_PKEY_get_raw_public_key(key, out.data(), &len) != 1 || len != ed25519_key_size)
    throw std::runtime_error("Ed25519: cannot extract the raw public key");
  return out;
}

} // namespace

struct ed25519_signer::impl {
  pkey_ptr key;
};

ed25519_signer::ed25519_signer(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
ed25519_signer::ed25519_signer(ed25519_signer&&) noexcept = default;
ed25519_signer& ed25519_signer::operator=(ed25519_signer&&) noexcept = default;
ed25519_signer::~ed25519_signer() = default;

std::optional<ed25519_signer> ed25519_signer::from_pem_file(const std::string& path,
                                                            std::string& error) {
  auto key = read_ed25519_pem(
    path, [](BIO* b) { return PEM_read_bio_PrivateKey(b, nullptr, nullptr, nullptr); }, error);
  if (!key)
    return std::nullopt;
  return ed25519_signer{std::make_unique<impl>(impl{std::move(key)})};
}

ed25519_signer ed25519_signer::generate() {
  pkey_ctx_ptr ctx{EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr)};
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &raw) != 1)
    throw std::runtime_error("Ed25519 key generation failed: " + openssl_reason());
  return ed25519_signer{std::make_unique<impl>(impl{pkey_ptr{raw}})};
}

// Ed25519 is a one-shot signature over the whole message: no digest (NULL md).
std::vector<uint8_t> ed25519_signer::sign(std::string_view payload) const {
  md_ctx_ptr ctx{EVP_MD_CTX_new()};
  std::vector<uint8_t> sig(ed25519_signature_size);
  size_t len = sig.size();
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, impl_->key.get()) != 1
      || EVP_DigestSign(ctx.get(), sig.data(), &len,
                        reinterpret_cast<const unsigned char*>(payload.data()), payload.size())
           != 1)
    throw std::runtime_error("Ed25519 signing failed: " + openssl_reason());
  sig.resize(len);
  return sig;
}

std::vector<uint8_t> ed25519_signer::public_key() const {
  return raw_public_key(impl_->key.get());
}

std::string ed25519_signer::private_pem() const {
  bio_ptr bio{BIO_new(BIO_s_mem())};
  if (!bio
      || PEM_write_bio_PrivateKey(bio.get(), impl_->key.get(), nullptr, nullptr, 0, nullptr,
                                  nullptr)
           != 1)
    throw std::runtime_error("Ed25519: cannot write the private key: " + openssl_reason());
  return bio_to_string(bio.get());
}

std::string ed25519_signer::public_pem() const {
  bio_ptr bio{BIO_new(BIO_s_mem())};
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), impl_->key.get()) != 1)
    throw std::runtime_error("Ed25519: cannot write the public key: " + openssl_reason());
  return bio_to_string(bio.get());
}

void ed25519_require_verifier() {
  // Thread-safe and idempotent; a failure (no entropy source) is fatal:
  // there is no second verifier to fall back on without the disagreement
  // above. The kill coordinator verifies once at start, so a node whose
  // libsodium cannot start stops there, with this line, not at a kill.
  static const bool ok = sodium_init() >= 0;
  if (!ok) {
    std::fputs("fatal: libsodium failed to initialise (sodium_init < 0): Ed25519 signatures "
               "cannot be verified\n",
               stderr);
    std::abort();
  }
}

bool ed25519_verify(const std::vector<uint8_t>& public_key, std::string_view payload,
                    const std::vector<uint8_t>& signature) {
  if (public_key.size() != ed25519_key_size || signature.size() != ed25519_signature_size)
    return false;
  // One verifier everywhere (the node, the fan-out's thread, `cwts
  // audit-verify`): libsodium, which refuses small-order and non-canonical
  // keys and signatures that OpenSSL may accept, so two nodes never judge
  // one crafted kill differently. It is also the faster one (p50 47 us
  // against OpenSSL's 107 us, bench/ed25519_verify_bench).
  ed25519_require_verifier();
  return crypto_sign_verify_detached(signature.data(),
                                     reinterpret_cast<const unsigned char*>(payload.data()),
                                     payload.size(), public_key.data())
         == 0;
}

std::optional<std::vector<uint8_t>> read_ed25519_public_pem(const std::string& path,
                                                            std::string& error) {
  auto key = read_ed25519_pem(
    path, [](BIO* b) { return PEM_read_bio_PUBKEY(b, nullptr, nullptr, nullptr); }, error);
  if (!key)
    return std::nullopt;
  return raw_public_key(key.get());
}

} // namespace cwts
