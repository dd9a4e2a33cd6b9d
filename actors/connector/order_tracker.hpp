#pragma once
// Detects fills of resting orders by polling (the user-data stream comes in
// a later issue). Keeps, per open client order id, the last known
// (executedQty, cummulativeQuoteQty, status) and turns each change the venue
// shows into cwts::execution_reports. Pure logic; the owner serialises calls.

#include <unordered_map>
#include <vector>

#include "actors/connector/venue_order.hpp"
#include "messages/orders.hpp"

namespace cwts::connector {

class order_tracker {
public:
  struct state {
    venue_order_id venue_id;
    symbol sym;
    side order_side = side::buy;
    qty orig_qty;
    qty executed;
    notional cum_quote;
    order_status status = order_status::accepted;
  };

  // The reply to place_order. With FULL fills, one report per fill (exact
  // fill prices); otherwise one report for the aggregate change. Orders
  // still open are tracked from here on.
  std::vector<execution_report> on_order_response(const venue_order& o, timestamp_ns now);

  // A fresh GET /api/v3/openOrders snapshot for `sym`. Returns reports for
  // orders that changed; ids tracked for `sym` but absent from the snapshot
  // are appended to `disappeared`: the caller queries each and passes the
  // answer to on_query_result.
  std::vector<execution_report> on_open_orders(const symbol& sym,
                                               const std::vector<venue_order>& snapshot,
                                               timestamp_ns now,
                                               std::vector<client_order_id>& disappeared);

  // GET /api/v3/order (or a cancel reply) for one order.
  std::vector<execution_report> on_query_result(const venue_order& o, timestamp_ns now);

  // Reconciliation after a start: tracks an order the venue shows as open,
  // at the venue's current fill state, without a report (the OMS settles the
  // difference to its journal itself). Terminal orders are not tracked.
  void track(const venue_order& o);

  // Stops tracking (e.g. the venue answered -2013 "Order does not exist.").
  void forget(const client_order_id& id) { open_.erase(id); }

  const state* find(const client_order_id& id) const;
  std::size_t open_count() const { return open_.size(); }

private:
  void apply(state& s, const venue_order& o, timestamp_ns now,
             std::vector<execution_report>& out);

  std::unordered_map<client_order_id, state> open_;
};

} // namespace cwts::connector
