#pragma once
// Reconciliation with the venue after a start or a reconnect (DESIGN.md oms:
// "reconciliation with the venue at start and after reconnects"; issue 5).
// The OMS sends reconcile_orders with the live orders its journal restored;
// the connector answers venue_snapshot: what the venue holds right now.
// The OMS then settles every difference (reconciler) and checks positions.

#include <cstdint>
#include <string>
#include <vector>

#include "messages/decimal.hpp"
#include "messages/ids.hpp"
#include "messages/orders.hpp"
#include "messages/symbol.hpp"
#include "messages/time.hpp"

namespace cwts {

// One order as the venue shows it (open-orders list or a query).
struct venue_order_state {
  client_order_id id;
  venue_order_id venue_id;
  symbol sym;
  side order_side = side::buy;
  order_type type = order_type::limit;
  time_in_force tif = time_in_force::gtc;
  order_status status = order_status::accepted;
  price limit_price;
  qty orig_qty;
  qty executed_qty;
  notional cum_quote; // Binance cummulativeQuoteQty: sum of fill notionals
  timestamp_ns update_time;
};

// What one account holds of one asset (GET /api/v3/account balances).
struct asset_balance {
  std::string asset;
  qty free;
  qty locked;
};

// Base and quote asset of a symbol (exchangeInfo baseAsset / quoteAsset).
struct symbol_assets {
  symbol sym;
  std::string base;
  std::string quote;
};

// Command: query the venue for everything reconciliation needs and start
// tracking `live` (the OMS's restored live orders) for fills.
struct reconcile_orders {
  int64_t round = 0; // echoed in the snapshot
  std::vector<order_request> live; // the live orders of `venue` only
  venue_name venue{};
};

// Event: the venue's view, taken by the connector in one pass.
struct venue_snapshot {
  int64_t round = 0;
  bool complete = false; // every query answered; otherwise `error` says which not
  std::string error;
  std::vector<venue_order_state> open_orders; // every open order of the account's symbols
  // Live orders of the OMS absent from the open list, as queried one by one.
  std::vector<venue_order_state> ended;
  // Live orders of the OMS the venue answered "Order does not exist." for.
  std::vector<client_order_id> unknown_at_venue;
  std::vector<asset_balance> balances;
  std::vector<symbol_assets> assets;
  int32_t requests = 0;
  int64_t duration_ns = 0;
  timestamp_ns taken_at;
  venue_name venue{}; // whose view (the connector stamps it)
};

// Event: one fill as the OMS journal holds it, oldest first; risk rebuilds
// positions, average cost and realized PnL from these after a restart.
struct journaled_fill {
  client_order_id id;
  symbol sym;
  side order_side = side::buy;
  qty quantity;
  price px;
  venue_name venue{};
};

// Event: a live order the OMS restored and reconciled, as risk must count it
// (open or in-flight exposure, credit) after a restart.
struct restored_order {
  order_request request;
  qty cum_qty;
  bool acknowledged = false; // the venue has it (open), else in flight
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, restored_order& x) {
  return f(caf::meta::type_name("restored_order"), x.request, x.cum_qty, x.acknowledged);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, venue_order_state& x) {
  return f(caf::meta::type_name("venue_order_state"), x.id, x.venue_id, x.sym, x.order_side,
           x.type, x.tif, x.status, x.limit_price, x.orig_qty, x.executed_qty, x.cum_quote,
           x.update_time);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, asset_balance& x) {
  return f(caf::meta::type_name("asset_balance"), x.asset, x.free, x.locked);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, symbol_assets& x) {
  return f(caf::meta::type_name("symbol_assets"), x.sym, x.base, x.quote);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reconcile_orders& x) {
  return f(caf::meta::type_name("reconcile_orders"), x.round, x.live, x.venue);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, venue_snapshot& x) {
  return f(caf::meta::type_name("venue_snapshot"), x.round, x.complete, x.error, x.open_orders,
           x.ended, x.unknown_at_venue, x.balances, x.assets, x.requests, x.duration_ns,
           x.taken_at, x.venue);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, journaled_fill& x) {
  return f(caf::meta::type_name("journaled_fill"), x.id, x.sym, x.order_side, x.quantity, x.px,
           x.venue);
}

} // namespace cwts
