#pragma once
// exchangeInfo filters a symbol enforces (Binance filters.md): PRICE_FILTER,
// LOT_SIZE, PERCENT_PRICE_BY_SIDE, NOTIONAL (MAX_NUM_ORDERS needs the
// account's open orders: matching_engine checks it). A violation is -1013 "Filter failure: <FILTER>".

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
  // PERCENT_PRICE_BY_SIDE (avgPriceMins 0: the last trade price is the
  // reference; filters.md). Multipliers are 8-decimal fixed values.
  price bid_multiplier_up = price::from_units(5);
  price bid_multiplier_down = *price::parse("0.2");
  price ask_multiplier_up = price::from_units(5);
  price ask_multiplier_down = *price::parse("0.2");
  // MAX_NUM_ORDERS: open orders per account on the symbol.
  int64_t max_num_orders = 200;
};

// Returns the -1013 error for the first filter the order violates, in the
// order Binance lists them in exchangeInfo. `reference` is the price a MARKET order
// is valued at for NOTIONAL (Binance uses the average price; the venue uses
// its last trade price); nullopt skips that check for MARKET orders.
// `reference` is also the PERCENT_PRICE_BY_SIDE reference for priced orders.
std::optional<venue_error> check_filters(const symbol_rules& rules, order_side side,
                                         order_type type, price px, qty quantity,
                                         std::optional<price> reference);

// True when `value` is a whole number of `step` above `base`.
bool on_step(int64_t value, int64_t base, int64_t step);

} // namespace cwts::venue
