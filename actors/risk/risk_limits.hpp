#pragma once
// Pre-trade limits and venue filters, read once from config into plain structs
// (CONVENTIONS.md: configuration is validated at start into typed structs).

#include <cstdint>
#include <unordered_map>
#include <unordered_set>

#include "messages/decimal.hpp"
#include "messages/symbol.hpp"

namespace cwts::risk {

// Per-order and per-position limits of one symbol (SEC 15c3-5(c)(1)(ii):
// erroneous-order and size controls; MiFID II RTS 6 Art. 15: price collars,
// maximum order value and volume).
struct symbol_limits {
  qty max_order_qty;
  notional max_order_notional;
  // Largest allowed distance of a limit price from the validated reference
  // price, in basis points of the reference (100 bps = 1 %).
  int64_t price_collar_bps = 0;
  // Largest absolute position, counting open and in-flight orders.
  qty max_position;
};

// Venue filters of one symbol (Binance PRICE_FILTER tickSize, LOT_SIZE
// stepSize, NOTIONAL minNotional): an order that breaks them would be refused
// by the venue anyway, so it is refused here without a round trip.
struct symbol_rules {
  price tick_size;
  qty lot_step;
  notional min_notional;
};

struct risk_limits {
  std::unordered_map<symbol, symbol_limits> per_symbol;
  // Symbols that may be traded at all; a symbol with limits but missing here is
  // restricted (DESIGN.md pre-trade gate: "restricted symbols").
  std::unordered_set<symbol> tradable;
};

using symbol_rules_map = std::unordered_map<symbol, symbol_rules>;

} // namespace cwts::risk
