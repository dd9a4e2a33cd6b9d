#include "nodes/cwts/cert_gen.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <stdexcept>

namespace cwts::keys {

namespace {

constexpr long validity_days = 825; // the most browsers accept; as scripts/gen-certs

struct pkey_free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct x509_free {
  void operator()(X509* x) const { X509_free(x); }
};
struct bio_free {
  void operator()(BIO* b) const { BIO_free(b); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;
using x509_ptr = std::unique_ptr<X509, x509_free>;
using bio_ptr = std::unique_ptr<BIO, bio_free>;

[[noreturn]] void fail(const std::string& what) {
  char buf[256] = {0};
  ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
  ERR_clear_error();
  throw std::runtime_error("certificate: " + what + ": " + buf);
}

pkey_ptr p256_key() {
  pkey_ptr key{EVP_EC_gen("P-256")};
  if (!key)
    fail("cannot generate a P-256 key");
  return key;
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext || X509_add_ext(cert, ext, -1) != 1) {
    X509_EXTENSION_free(ext);
    fail(std::string("cannot add extension ") + OBJ_nid2sn(nid));
  }
  X509_EXTENSION_free(ext);
}

// A certificate for `key` named `cn`, valid from now, with a random serial.
x509_ptr new_certificate(EVP_PKEY* key, const std::string& cn) {
  x509_ptr cert{X509_new()};
  if (!cert || X509_set_version(cert.get(), 2) != 1)
    fail("cannot create a certificate");
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof(serial)) != 1)
    fail("no randomness for the serial");
  serial[0] &= 0x7f; // positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof(serial), nullptr);
  ASN1_INTEGER* s = bn ? BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get())) : nullptr;
  BN_free(bn);
  if (!s)
    fail("cannot set the serial");
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), validity_days * 24 * 3600);
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0)
        != 1
      || X509_set_pubkey(cert.get(), key) != 1)
    fail("cannot name the certificate '" + cn + "'");
  return cert;
}

std::string to_pem(X509* cert) {
  bio_ptr bio{BIO_new(BIO_s_mem())};
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1)
    fail("cannot write a certificate");
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

std::string to_pem(EVP_PKEY* key) {
  bio_ptr bio{BIO_new(BIO_s_mem())};
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    fail("cannot write a private key");
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

} // namespace

struct certificate_authority::impl {
  pkey_ptr key;
  x509_ptr cert;
};

certificate_authority::certificate_authority(const std::string& name) : impl_(std::make_unique<impl>()) {
  impl_->key = p256_key();
  impl_->cert = new_certificate(impl_->key.get(), name);
  X509* c = impl_->cert.get();
  if (X509_set_issuer_name(c, X509_get_subject_name(c)) != 1)
    fail("cannot self-issue the CA");
  add_ext(c, c, NID_basic_constraints, "critical,CA:TRUE");
  add_ext(c, c, NID_key_usage, "critical,keyCertSign,cRLSign");
  add_ext(c, c, NID_subject_key_identifier, "hash");
  if (X509_sign(c, impl_->key.get(), EVP_sha256()) == 0)
    fail("cannot sign the CA");
}

certificate_authority::~certificate_authority() = default;

std::string certificate_authority::certificate_pem() const {
  return to_pem(impl_->cert.get());
}

std::string certificate_authority::private_key_pem() const {
  return to_pem(impl_->key.get());
}

pem_pair certificate_authority::issue(const std::string& cn,
                                     const std::vector<std::string>& addresses) const {
  auto key = p256_key();
  auto cert = new_certificate(key.get(), cn);
  X509* c = cert.get();
  X509* ca = impl_->cert.get();
  if (X509_set_issuer_name(c, X509_get_subject_name(ca)) != 1)
    fail("cannot set the issuer of '" + cn + "'");
  // The address the relays verify (host_name_verification) and, as CN, the
  // node id they bind it to.
  std::string names = "IP:127.0.0.1,IP:::1,DNS:localhost";
  for (auto& a : addresses)
    if (a != "127.0.0.1")
      names += ",IP:" + a;
  add_ext(c, ca, NID_subject_alt_name, names.c_str());
  add_ext(c, ca, NID_basic_constraints, "critical,CA:FALSE");
  add_ext(c, ca, NID_key_usage, "critical,digitalSignature,keyEncipherment");
  add_ext(c, ca, NID_ext_key_usage, "serverAuth,clientAuth");
  add_ext(c, ca, NID_authority_key_identifier, "keyid");
  if (X509_sign(c, impl_->key.get(), EVP_sha256()) == 0)
    fail("cannot sign the certificate of '" + cn + "'");
  return {to_pem(c), to_pem(key.get())};
}

} // namespace cwts::keys
