// kraken_session::snapshot: what reconciliation needs from Kraken in one
// pass: the account's open orders (OpenOrders) of the symbols traded, each
// live order of the OMS missing from them looked up by cl_ord_id
// (OpenOrders / ClosedOrders filtered), the balances (BalanceEx), then the
// open orders read again so a fill in between makes the snapshot incomplete
// (asked again) instead of inconsistent.

#include <algorithm>

#include "actors/connector/kraken/kraken_session.hpp"
#include "actors/connector/snapshot_support.hpp"

namespace cwts::connector::kraken {

bool kraken_session::open_orders_unchanged(venue_snapshot& snap) {
  auto again = rest_.open_orders();
  ++snap.requests;
  if (!again.ok())
    return false;
  std::size_t seen = 0;
  for (auto& o : again.value) {
    auto v = to_venue_order(o);
    if (pairs_.count(v.sym) == 0)
      continue; // not a pair this connector trades
    if (!open_and_unchanged(snap, v.client_id, o.vol_exec))
      return false;
    ++seen;
  }
  return seen == snap.open_orders.size();
}

venue_snapshot kraken_session::snapshot(const reconcile_orders& req) {
  auto started = monotonic_ns();
  venue_snapshot snap;
  snap.round = req.round;
  snap.complete = true;
  ensure_pairs();
  for (auto& live : req.live)
    remember(live.id); // so the venue's cl_ord_ids map back to them
  for (auto& sym : symbols_) {
    const auto* p = pair_of(sym);
    if (p == nullptr)
      note_failure(snap, sym.str(), "no Kraken pair");
    else
      snap.assets.push_back(symbol_assets{sym, p->base, p->quote});
  }
  auto open = rest_.open_orders();
  ++snap.requests;
  if (open.ok()) {
    for (auto& o : open.value) {
      auto v = to_venue_order(o);
      if (pairs_.count(v.sym) == 0)
        continue;
      remember_txid(o.cl_ord_id, o.txid);
      tracker_.track(v);
      snap.open_orders.push_back(to_state(o));
    }
  } else {
    note_failure(snap, "OpenOrders", open.detail);
  }
  for (auto& order : req.live) {
    bool listed = std::any_of(snap.open_orders.begin(), snap.open_orders.end(),
                              [&](const venue_order_state& o) { return o.id == order.id; });
    if (listed || !open.ok())
      continue;
    auto f = find_order(order.id, call_priority::order);
    snap.requests += 2;
    if (f.order) {
      auto state = to_state(*f.order);
      state.id = order.id;
      snap.ended.push_back(state);
    } else if (f.known) {
      snap.unknown_at_venue.push_back(order.id);
    } else {
      note_failure(snap, "order " + order.id.value, "OpenOrders/ClosedOrders did not answer");
    }
  }
  take_balances(snap, rest_.balances(), "BalanceEx", balances_);
  if (snap.complete && !open_orders_unchanged(snap))
    note_failure(snap, "snapshot", "orders filled while it was taken");
  counters_.open_tracked = static_cast<int64_t>(tracker_.open_count());
  snap.duration_ns = monotonic_ns() - started;
  snap.taken_at = wall_clock_now();
  return snap;
}

} // namespace cwts::connector::kraken
