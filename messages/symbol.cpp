#include "messages/symbol.hpp"

#include <cstring>

namespace cwts {

std::optional<symbol> symbol::parse(std::string_view text) {
  if (text.empty() || text.size() > max_length)
    return std::nullopt;
  symbol s;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
      return std::nullopt;
    s.chars_[i] = c;
  }
  return s;
}

size_t symbol::length() const {
  return ::strnlen(chars_.data(), chars_.size());
}

} // namespace cwts
