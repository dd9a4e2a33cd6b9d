#include "actors/connector/kraken/kraken_signer.hpp"

#include <array>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

namespace cwts::connector::kraken {

namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int sextet(char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

} // namespace

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0)
    return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    int pad = 0;
    uint32_t bits = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      char c = text[i + j];
      if (c == '=' && last && j >= 2) {
        ++pad;
        bits <<= 6;
        continue;
      }
      int v = sextet(c);
      if (v < 0 || pad > 0) // a character after padding, or not base64
        return std::nullopt;
      bits = (bits << 6) | static_cast<uint32_t>(v);
    }
    out.push_back(static_cast<char>((bits >> 16) & 0xff));
    if (pad < 2)
      out.push_back(static_cast<char>((bits >> 8) & 0xff));
    if (pad < 1)
      out.push_back(static_cast<char>(bits & 0xff));
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t bits = static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (i + 1 < bytes.size())
      bits |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    if (i + 2 < bytes.size())
      bits |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 2]));
    out.push_back(alphabet[(bits >> 18) & 63]);
    out.push_back(alphabet[(bits >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? alphabet[(bits >> 6) & 63] : '=');
    out.push_back(i + 2 < bytes.size() ? alphabet[bits & 63] : '=');
  }
  return out;
}

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
