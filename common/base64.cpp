#include "common/base64.hpp"

#include <cstdint>

namespace cwts {

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

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0)
    return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    // '=' only in the last group, as its last one or two characters.
    int pad = 0;
    if (last && text[i + 3] == '=')
      pad = text[i + 2] == '=' ? 2 : 1;
    uint32_t bits = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      int v = j < 4 - static_cast<std::size_t>(pad) ? sextet(text[i + j]) : 0;
      if (v < 0)
        return std::nullopt;
      bits = (bits << 6) | static_cast<uint32_t>(v);
    }
    // The bits the padding leaves over must be zero: "QQ==" is "A", "QR==" nothing.
    if ((pad == 1 && (bits & 0xff) != 0) || (pad == 2 && (bits & 0xffff) != 0))
      return std::nullopt;
    out.push_back(static_cast<char>((bits >> 16) & 0xff));
    if (pad < 2)
      out.push_back(static_cast<char>((bits >> 8) & 0xff));
    if (pad < 1)
      out.push_back(static_cast<char>(bits & 0xff));
  }
  return out;
}

} // namespace cwts
