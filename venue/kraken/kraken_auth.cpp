#include "venue/kraken/kraken_auth.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <charconv>

#include "common/hmac.hpp"

namespace cwts::venue {

namespace {

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

std::string base64_encode(const unsigned char* data, size_t n) {
  std::string out(4 * ((n + 2) / 3), '\0');
  auto len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data,
                             static_cast<int>(n));
  out.resize(static_cast<size_t>(len));
  return out;
}

} // namespace

std::optional<std::string> kraken_base64_decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = base64_value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

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
  return base64_encode(mac, len);
}

std::vector<std::string> kraken_unusable_accounts(const key_store& keys) {
  std::vector<std::string> out;
  for (auto* a : keys.accounts())
    if (!kraken_base64_decode(a->secret)) out.push_back(a->name);
  return out;
}

std::variant<const api_account*, kraken_error>
kraken_nonces::verify(const key_store& keys, std::optional<std::string_view> api_key,
                      std::optional<std::string_view> api_sign, std::string_view uri_path,
                      std::optional<std::string_view> nonce, std::string_view body) {
  if (!api_key || api_key->empty()) return kraken_fail(kraken_err::invalid_key);
  const api_account* account = keys.find(*api_key);
  if (!account) return kraken_fail(kraken_err::invalid_key);
  auto secret = kraken_base64_decode(account->secret);
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
