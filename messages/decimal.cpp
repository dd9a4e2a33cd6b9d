#include "messages/decimal.hpp"

#include <limits>

namespace cwts {

std::optional<int64_t> parse_scaled_decimal(std::string_view text) {
  if (text.empty())
    return std::nullopt;
  bool negative = false;
  size_t i = 0;
  if (text[0] == '-' || text[0] == '+') {
    negative = text[0] == '-';
    i = 1;
  }
  // Accumulate as a negative number so INT64_MIN stays representable.
  constexpr __int128 limit = static_cast<__int128>(std::numeric_limits<int64_t>::max()) + 1;
  __int128 units = 0;
  size_t int_digits = 0;
  for (; i < text.size() && text[i] != '.'; ++i) {
    char c = text[i];
    if (c < '0' || c > '9')
      return std::nullopt;
    units = units * 10 + (c - '0');
    if (units * decimal_scale > limit)
      return std::nullopt;
    ++int_digits;
  }
  __int128 fraction = 0;
  size_t frac_digits = 0;
  if (i < text.size()) {
    ++i; // '.'
    for (; i < text.size(); ++i) {
      char c = text[i];
      if (c < '0' || c > '9')
        return std::nullopt;
      ++frac_digits;
      if (frac_digits <= static_cast<size_t>(decimal_places)) {
        fraction = fraction * 10 + (c - '0');
      } else if (c != '0') {
        return std::nullopt; // would lose precision
      }
    }
    if (frac_digits == 0 && int_digits == 0)
      return std::nullopt;
  }
  if (int_digits == 0 && frac_digits == 0)
    return std::nullopt;
  for (size_t k = frac_digits; k < static_cast<size_t>(decimal_places); ++k)
    fraction *= 10;
  __int128 value = units * decimal_scale + fraction;
  if (negative)
    value = -value;
  if (value > std::numeric_limits<int64_t>::max() || value < std::numeric_limits<int64_t>::min())
    return std::nullopt;
  return static_cast<int64_t>(value);
}

std::string format_scaled_decimal(int64_t raw) {
  // Work in unsigned so INT64_MIN formats correctly.
  bool negative = raw < 0;
  uint64_t magnitude = negative ? uint64_t(0) - static_cast<uint64_t>(raw) : static_cast<uint64_t>(raw);
  uint64_t units = magnitude / decimal_scale;
  uint64_t fraction = magnitude % decimal_scale;
  std::string frac = std::to_string(fraction);
  std::string out = negative ? "-" : "";
  out += std::to_string(units);
  out += '.';
  out.append(decimal_places - frac.size(), '0');
  out += frac;
  return out;
}

std::optional<notional> notional_of(price p, qty q) {
  __int128 product = static_cast<__int128>(p.raw) * q.raw / decimal_scale;
  if (product > std::numeric_limits<int64_t>::max() || product < std::numeric_limits<int64_t>::min())
    return std::nullopt;
  return notional::from_raw(static_cast<int64_t>(product));
}

std::optional<price> average_price(notional quote, qty q) {
  if (q.raw == 0)
    return std::nullopt;
  __int128 value = static_cast<__int128>(quote.raw) * decimal_scale / q.raw;
  if (value > std::numeric_limits<int64_t>::max() || value < std::numeric_limits<int64_t>::min())
    return std::nullopt;
  return price::from_raw(static_cast<int64_t>(value));
}

} // namespace cwts
