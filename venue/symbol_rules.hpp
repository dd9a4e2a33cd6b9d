#pragma once
// exchangeInfo filters a symbol enforces (Binance filters.md): PRICE_FILTER,
// LOT_SIZE and NOTIONAL. A violation is -1013 "Filter failure: <FILTER>".

#include <optional>
#include <string>

#include "messages/decimal.hpp"
#include "messages/symbol.hpp"
#include "venue/order_types.hpp"

namespace cwts::venue {

struct symbol_rules {
  symbol sym;
  std::string base_asset;
  std::string quote_asset;
  // PRICE_FILTER
  price min_price;
  price max_price;
  price tick_size;
  // LOT_SIZE
  qty min_qty;
  qty max_qty;
  qty step_size;
  // NOTIONAL (applyMinToMarket=true, applyMaxToMarket=false)
  notional min_notional;
  notional max_notional;
};

// Returns the -1013 error for the first filter `o` violates, in the order
// Binance lists them in exchangeInfo. `reference` is the price a MARKET order
// is valued at for NOTIONAL (Binance uses the average price; the venue uses
// its last trade price); nullopt skips that check for MARKET orders.
std::optional<venue_error> check_filters(const symbol_rules& rules, order_type type,
                                         price px, qty quantity,
                                         std::optional<price> reference);

// True when `value` is a whole number of `step` above `base`.
bool on_step(int64_t value, int64_t base, int64_t step);

} // namespace cwts::venue
