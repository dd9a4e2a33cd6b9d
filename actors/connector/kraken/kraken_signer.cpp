#include "actors/connector/kraken/kraken_signer.hpp"

#include <array>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

namespace cwts::connector::kraken {

std::string kraken_sign(std::string_view key, std::string_view uri_path, std::string_view nonce,
                        std::string_view post_data) {
  std::string inner(nonce);
  inner.append(post_data);
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(inner.data()), inner.size(), digest.data());
  std::string message(uri_path);
  message.append(reinterpret_cast<const char*>(digest.data()), digest.size());
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha512(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
  return base64_encode(std::string_view(reinterpret_cast<const char*>(mac), len));
}

std::vector<std::pair<std::string, std::string>>
signed_headers(const std::string& api_key, std::string_view key, std::string_view uri_path,
               std::string_view nonce, std::string_view post_data) {
  return {{"API-Key", api_key}, {"API-Sign", kraken_sign(key, uri_path, nonce, post_data)}};
}

} // namespace cwts::connector::kraken
