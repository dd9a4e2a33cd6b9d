#pragma once
// Hex, both ways: signatures and digests in audit records, admin JSON bodies,
// the halt state's seen list, venue client ids; and RFC 3986 percent-encoding,
// which is hex by another name (query strings, form bodies, file: URIs,
// compliance keys). The one place in the tree that spells the hex digits. CAF-free.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cwts {

enum class hex_case { lower, upper };

std::string to_hex(const unsigned char* data, std::size_t size,
                   hex_case letters = hex_case::lower);
std::string to_hex(const std::vector<uint8_t>& bytes);

// Appends "%XX" for one byte, upper-case digits (RFC 3986 section 2.1).
void append_percent_escape(std::string& out, unsigned char byte);

// `text` with every byte for which keep(byte) is false written as "%XX".
// Each caller names its own set: they differ (unreserved characters for
// signed query strings, only the separators of a key or a URI).
template <class Keep>
std::string percent_encode_if(std::string_view text, Keep keep) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (keep(c))
      out.push_back(static_cast<char>(c));
    else
      append_percent_escape(out, c);
  }
  return out;
}

// A-Z a-z 0-9 - _ . ~ : the bytes RFC 3986 (section 2.3) never escapes.
inline bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
         || c == '_' || c == '.' || c == '~';
}

// nullopt for an odd length or a character that is not a hex digit (either case).
std::optional<std::vector<uint8_t>> from_hex(std::string_view text);

// Lower-case hex of SHA-256(data).
std::string sha256_hex(std::string_view data);

} // namespace cwts
