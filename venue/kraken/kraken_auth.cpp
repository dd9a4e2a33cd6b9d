#include "venue/kraken/kraken_auth.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <charconv>

#include "common/base64.hpp"
#include "common/hmac.hpp"

namespace cwts::venue {

std::string kraken_sign(std::string_view decoded_secret, std::string_view uri_path,
                        std::string_view nonce, std::string_view post_data) {
  // SHA256(nonce + POST data), appended (raw bytes) to the URI path.
  std::string inner(nonce);
  inner.append(post_data);
  unsigned char sha[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(inner.data()), inner.size(), sha);
  std::string message(uri_path);
  message.append(reinterpret_cast<const char*>(sha), sizeof sha);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha512(), decoded_secret.data(), static_cast<int>(decoded_secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
  return base64_encode(std::string_view(reinterpret_cast<const char*>(mac), len));
}

std::vector<std::string> kraken_unusable_accounts(const key_store& keys) {
  std::vector<std::string> out;
  for (auto* a : keys.accounts())
    if (!base64_decode(a->secret)) out.push_back(a->name);
  return out;
}

std::variant<const api_account*, kraken_error>
kraken_nonces::verify(const key_store& keys, std::optional<std::string_view> api_key,
                      std::optional<std::string_view> api_sign, std::string_view uri_path,
                      std::optional<std::string_view> nonce, std::string_view body) {
  if (!api_key || api_key->empty()) return kraken_fail(kraken_err::invalid_key);
  const api_account* account = keys.find(*api_key);
  if (!account) return kraken_fail(kraken_err::invalid_key);
  auto secret = base64_decode(account->secret);
  if (!secret) return kraken_fail(kraken_err::invalid_key);
  uint64_t value = 0;
  if (!nonce || nonce->empty()) return kraken_fail(kraken_err::invalid_nonce);
  auto [p, ec] = std::from_chars(nonce->data(), nonce->data() + nonce->size(), value);
  if (ec != std::errc() || p != nonce->data() + nonce->size())
    return kraken_fail(kraken_err::invalid_nonce);
  if (!api_sign || api_sign->empty()
      || !signatures_equal(kraken_sign(*secret, uri_path, *nonce, body), *api_sign))
    return kraken_fail(kraken_err::invalid_signature);
  auto& last = last_[account->api_key];
  if (value <= last) return kraken_fail(kraken_err::invalid_nonce);
  last = value;
  return account;
}

std::optional<uint64_t> kraken_nonces::last(const std::string& api_key) const {
  auto it = last_.find(api_key);
  if (it == last_.end()) return std::nullopt;
  return it->second;
}

} // namespace cwts::venue
