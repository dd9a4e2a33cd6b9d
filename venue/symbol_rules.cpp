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
  if (type == order_type::limit && !r.max_notional.is_zero() && *value > r.max_notional)
    return false;
  return true;
}

} // namespace

bool on_step(int64_t value, int64_t base, int64_t step) {
  if (step <= 0) return true;
  return (value - base) % step == 0;
}

std::optional<venue_error> check_filters(const symbol_rules& rules, order_type type,
                                         price px, qty quantity,
                                         std::optional<price> reference) {
  if (type == order_type::limit && !price_ok(rules, px))
    return filter_failure("PRICE_FILTER");
  if (!lot_ok(rules, quantity))
    return filter_failure("LOT_SIZE");
  if (type == order_type::limit && !notional_ok(rules, type, px, quantity))
    return filter_failure("NOTIONAL");
  if (type == order_type::market && reference
      && !notional_ok(rules, type, *reference, quantity))
    return filter_failure("NOTIONAL");
  return std::nullopt;
}

} // namespace cwts::venue
