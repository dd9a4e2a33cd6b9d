#include "common/hex.hpp"

#include <stdexcept>

#include <openssl/evp.h>

namespace cwts {

namespace {

constexpr char lower_digits[] = "0123456789abcdef";
constexpr char upper_digits[] = "0123456789ABCDEF";

} // namespace

std::string to_hex(const unsigned char* data, std::size_t size, hex_case letters) {
  const char* digits = letters == hex_case::lower ? lower_digits : upper_digits;
  std::string out(size * 2, '0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = digits[data[i] >> 4];
    out[2 * i + 1] = digits[data[i] & 0x0f];
  }
  return out;
}

std::string to_hex(const std::vector<uint8_t>& bytes) {
  return to_hex(bytes.data(), bytes.size());
}

void append_percent_escape(std::string& out, unsigned char byte) {
  out.push_back('%');
  out.push_back(upper_digits[byte >> 4]);
  out.push_back(upper_digits[byte & 0x0f]);
}

std::optional<std::vector<uint8_t>> from_hex(std::string_view text) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9')
      return c - '0';
    if (c >= 'a' && c <= 'f')
      return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
      return c - 'A' + 10;
    return -1;
  };
  if (text.size() % 2 != 0)
    return std::nullopt;
  std::vector<uint8_t> out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    int hi = nibble(text[i]);
    int lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0)
      return std::nullopt;
    out.push_back(static_cast<uint8_t>(hi << 4 | lo));
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed");
  return to_hex(md, len);
}

} // namespace cwts
