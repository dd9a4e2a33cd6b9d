#include "venue/symbol_rules.hpp"

namespace cwts::venue {

namespace {

venue_error filter_failure(const char* filter) {
  return venue_error{-1013, std::string("Filter failure: ") + filter, 400};
}

// filters.md PRICE_FILTER: price >= minPrice, price <= maxPrice and
// (price - minPrice) % tickSize == 0; a zero setting disables its rule.
bool price_ok(const symbol_rules& r, price px) {
  if (!px.is_positive()) return false;
  if (!r.min_price.is_zero() && px < r.min_price) return false;
  if (!r.max_price.is_zero() && px > r.max_price) return false;
  return r.tick_size.is_zero() || on_step(px.raw, r.min_price.raw, r.tick_size.raw);
}

// filters.md LOT_SIZE: quantity >= minQty, quantity <= maxQty and
// (quantity - minQty) % stepSize == 0.
bool lot_ok(const symbol_rules& r, qty q) {
  if (!q.is_positive()) return false;
  if (q < r.min_qty) return false;
  if (!r.max_qty.is_zero() && q > r.max_qty) return false;
  return r.step_size.is_zero() || on_step(q.raw, r.min_qty.raw, r.step_size.raw);
}

// filters.md NOTIONAL: price * quantity within [minNotional, maxNotional];
// for MARKET orders only the minimum applies (applyMaxToMarket=false).
bool notional_ok(const symbol_rules& r, order_type type, price px, qty q) {
  auto value = notional_of(px, q);
  if (!value) return false;
  if (*value < r.min_notional) return false;
  if (has_price(type) && !r.max_notional.is_zero() && *value > r.max_notional)
    return false;
  return true;
}

// filters.md PERCENT_PRICE_BY_SIDE: BUY: price <= ref * bidMultiplierUp and
// price >= ref * bidMultiplierDown; SELL the same with the ask multipliers.
bool percent_price_ok(const symbol_rules& r, order_side side, price px, price ref) {
  auto scaled = [&](price m) {
    return static_cast<int64_t>(static_cast<__int128>(ref.raw) * m.raw / decimal_scale);
  };
  bool buy = side == order_side::buy;
  auto up = scaled(buy ? r.bid_multiplier_up : r.ask_multiplier_up);
  auto down = scaled(buy ? r.bid_multiplier_down : r.ask_multiplier_down);
  return px.raw <= up && px.raw >= down;
}

} // namespace

bool on_step(int64_t value, int64_t base, int64_t step) {
  if (step <= 0) return true;
  return (value - base) % step == 0;
}

std::optional<venue_error> check_filters(const symbol_rules& rules, order_side side,
                                         order_type type, price px, qty quantity,
                                         std::optional<price> reference) {
  if (has_price(type) && !price_ok(rules, px))
    return filter_failure("PRICE_FILTER");
  if (!lot_ok(rules, quantity))
    return filter_failure("LOT_SIZE");
  if (has_price(type) && reference && !percent_price_ok(rules, side, px, *reference))
    return filter_failure("PERCENT_PRICE_BY_SIDE");
  if (has_price(type) && !notional_ok(rules, type, px, quantity))
    return filter_failure("NOTIONAL");
  if (type == order_type::market && reference
      && !notional_ok(rules, type, *reference, quantity))
    return filter_failure("NOTIONAL");
  return std::nullopt;
}

} // namespace cwts::venue
