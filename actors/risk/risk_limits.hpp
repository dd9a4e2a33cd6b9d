#pragma once
// Pre-trade limits and venue filters, read once from config into plain structs
// (CONVENTIONS.md: configuration is validated at start into typed structs).

#include <cstdint>
#include <unordered_map>
#include <unordered_set>

#include "messages/decimal.hpp"
#include "messages/ids.hpp"
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

// Throttles of one strategy (MiFID II RTS 6 Art. 15(1)(d): maximum messages;
// execution throttles). Every value must be at least 1: there is no "off".
struct strategy_limits {
  // Orders and cancels sent in any sliding one-second window.
  int64_t max_messages_per_second = 1;
  // Executions (fills) in any sliding `fill_window_ms`; one more trips the
  // strategy's latch until an operator re-enables it.
  int64_t max_fills_per_window = 1;
  int64_t fill_window_ms = 1000;
};

// Loss limits on the node's total PnL (realized + unrealized over every
// symbol). The node trades one venue account and the kill switch halts a
// node, so the node total is the scope that matches the action taken.
// A breach sends a level-2 kill for the node.
struct pnl_limits {
  notional loss_limit;     // breach when total PnL < -loss_limit
  notional drawdown_limit; // breach when high-water mark - total PnL > drawdown_limit
};

struct risk_limits {
  std::unordered_map<symbol, symbol_limits> per_symbol;
  // Symbols that may be traded at all; a symbol with limits but missing here is
  // restricted (DESIGN.md pre-trade gate: "restricted symbols").
  std::unordered_set<symbol> tradable;
  // Credit limit per account (SEC 15c3-5(c)(1)(i)): the notional of its open
  // and in-flight orders, buys and sells alike. An account without an entry
  // may not trade.
  std::unordered_map<account_id, notional> credit_limits;
  // Throttles per strategy; a strategy without an entry gets `default_strategy`.
  std::unordered_map<strategy_id, strategy_limits> per_strategy;
  strategy_limits default_strategy;
  pnl_limits pnl;

  const strategy_limits& limits_of(const strategy_id& s) const {
    auto i = per_strategy.find(s);
    return i == per_strategy.end() ? default_strategy : i->second;
  }
};

using symbol_rules_map = std::unordered_map<symbol, symbol_rules>;

} // namespace cwts::risk
