#pragma once
// Fixed-point decimals for money: int64 with 8 decimals, as exchanges quote.
// Money is never a double (DESIGN.md §2); parsing and formatting are exact.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "caf/meta/type_name.hpp"

namespace cwts {

inline constexpr int decimal_places = 8;
inline constexpr int64_t decimal_scale = 100'000'000;

// Parses "27123.45000000", "-0.5", "3" exactly. Rejects empty input, signs
// without digits, exponents, spaces, more than 8 significant decimals and
// values outside int64 after scaling.
std::optional<int64_t> parse_scaled_decimal(std::string_view text);

// Formats with exactly 8 decimals ("27123.45000000"), the Binance convention.
std::string format_scaled_decimal(int64_t raw);

// Distinct fixed-point types that share one representation: a price cannot be
// passed where a quantity belongs.
template <class Tag>
struct fixed_decimal {
  int64_t raw = 0;

  static constexpr fixed_decimal from_raw(int64_t r) { return fixed_decimal{r}; }
  static constexpr fixed_decimal from_units(int64_t units) {
    return fixed_decimal{units * decimal_scale};
  }
  static std::optional<fixed_decimal> parse(std::string_view text) {
    if (auto r = parse_scaled_decimal(text))
      return fixed_decimal{*r};
    return std::nullopt;
  }
  std::string to_string() const { return format_scaled_decimal(raw); }
  // Analytics only (VaR, logs); never feed this back into an order.
  double to_double() const { return static_cast<double>(raw) / decimal_scale; }

  constexpr bool is_zero() const { return raw == 0; }
  constexpr bool is_positive() const { return raw > 0; }

  friend constexpr bool operator==(fixed_decimal a, fixed_decimal b) { return a.raw == b.raw; }
  friend constexpr bool operator!=(fixed_decimal a, fixed_decimal b) { return a.raw != b.raw; }
  friend constexpr bool operator<(fixed_decimal a, fixed_decimal b) { return a.raw < b.raw; }
  friend constexpr bool operator<=(fixed_decimal a, fixed_decimal b) { return a.raw <= b.raw; }
  friend constexpr bool operator>(fixed_decimal a, fixed_decimal b) { return a.raw > b.raw; }
  friend constexpr bool operator>=(fixed_decimal a, fixed_decimal b) { return a.raw >= b.raw; }
  friend constexpr fixed_decimal operator+(fixed_decimal a, fixed_decimal b) { return {a.raw + b.raw}; }
  friend constexpr fixed_decimal operator-(fixed_decimal a, fixed_decimal b) { return {a.raw - b.raw}; }
  constexpr fixed_decimal operator-() const { return {-raw}; }
  fixed_decimal& operator+=(fixed_decimal o) { raw += o.raw; return *this; }
  fixed_decimal& operator-=(fixed_decimal o) { raw -= o.raw; return *this; }
};

struct price_tag {};
struct qty_tag {};
struct notional_tag {};

using price = fixed_decimal<price_tag>;
using qty = fixed_decimal<qty_tag>;
// Quote-currency amount (price × qty, PnL, exposure).
using notional = fixed_decimal<notional_tag>;

// price × qty with a 128-bit intermediate, truncated toward zero at 8
// decimals; nullopt when the result does not fit in int64.
std::optional<notional> notional_of(price p, qty q);

// Quantity-weighted mean price of `quote` spent over `q` (e.g. from a venue's
// cummulativeQuoteQty / executedQty); nullopt for zero or overflowing input.
std::optional<price> average_price(notional quote, qty q);

template <class Inspector, class Tag>
typename Inspector::result_type inspect(Inspector& f, fixed_decimal<Tag>& x) {
  return f(caf::meta::type_name("fixed_decimal"), x.raw);
}

} // namespace cwts
