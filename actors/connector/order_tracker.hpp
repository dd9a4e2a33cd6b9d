#pragma once
// Turns what the venue shows of our orders into cwts::execution_reports:
// order replies, polls (open orders, queries) and user-data stream events.
// Keeps, per open client order id, the last known (executedQty,
// cummulativeQuoteQty, status); a report is made only for a change, so a
// fill seen by a poll and by an event is reported once (deduplicated by
// cumulative quantity). Pure logic; the owner serialises calls.

#include <cstddef>
#include <deque>
#include <unordered_map>
#include <unordered_set>
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
    // Placed by this session (its place reply), not adopted from the
    // account's open orders by a reconciliation (track): on a venue account
    // shared with a standby, only these are surely this node's.
    bool placed_here = false;
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

  // A user-data executionReport in venue_order shape (to_venue_order).
  // `last_qty`/`last_price` ("l"/"L") are used as the report's fill when
  // they account for the whole change; after missed events the report
  // carries the change since the last known state at its average price.
  // A stale event (older than a poll already showed) never moves an order
  // backwards.
  enum class event_effect {
    reported,      // reports appended
    no_change,     // nothing new: already seen by a reply, poll or event
    settled_order, // the order ended here earlier (e.g. filled in its reply)
    unknown_order, // not an order of this session: reconciliation adopts it
  };
  event_effect on_execution_event(const venue_order& o, qty last_qty, price last_price,
                                  timestamp_ns now, std::vector<execution_report>& out);

  // Stops tracking (e.g. the venue answered -2013 "Order does not exist.").
  void forget(const client_order_id& id) { open_.erase(id); }

  const state* find(const client_order_id& id) const;
  std::size_t open_count() const { return open_.size(); }
  // The open orders this session placed (placed_here; never those adopted
  // from the account), as cancels by client id for the kill switch's
  // scoped cancel-all (cancel_scope.hpp).
  std::vector<cancel_request> placed_open_orders() const {
    std::vector<cancel_request> out;
    for (auto& [id, s] : open_)
      if (s.placed_here)
        out.push_back(cancel_request{id, s.sym, {}, {}});
    return out;
  }

private:
  void apply(state& s, const venue_order& o, timestamp_ns now,
             std::vector<execution_report>& out);
  void note_closed(const client_order_id& id);

  std::unordered_map<client_order_id, state> open_;
  // Orders that ended here, newest last, so a late event for one is told
  // apart from an event for an order this session never had.
  static constexpr std::size_t closed_kept = 4096;
  std::deque<client_order_id> closed_order_;
  std::unordered_set<client_order_id> closed_;
};

} // namespace cwts::connector
