// okx_session::snapshot: what reconciliation needs from OKX in one pass:
// the open orders of every symbol (orders-pending, every page), each live
// order of the OMS missing from them queried by clOrdId, the account's
// balances, then the open orders read again so a fill in between makes the
// snapshot incomplete (asked again) instead of inconsistent.

#include <algorithm>

#include "actors/connector/okx/okx_session.hpp"
#include "actors/connector/snapshot_support.hpp"

namespace cwts::connector::okx {

bool okx_session::open_orders_unchanged(venue_snapshot& snap) {
  std::size_t seen = 0;
  for (auto& sym : symbols_) {
    const auto* inst = inst_of(sym);
    if (inst == nullptr)
      continue;
    auto again = rest_.all_orders_pending(*inst);
    ++snap.requests;
    if (!again.ok())
      return false;
    for (auto& o : again.value) {
      if (!open_and_unchanged(snap, our_id(o.cl_ord_id), o.acc_fill_sz))
        return false;
      ++seen;
    }
  }
  return seen == snap.open_orders.size();
}

venue_snapshot okx_session::snapshot(const reconcile_orders& req) {
  auto started = monotonic_ns();
  venue_snapshot snap;
  snap.round = req.round;
  snap.complete = true;
  ensure_instruments();
  for (auto& live : req.live)
    remember(live.id); // so the venue's clOrdIds map back to them
  for (auto& sym : symbols_) {
    const auto* inst = inst_of(sym);
    if (inst == nullptr) {
      note_failure(snap, sym.str(), "no OKX SPOT instrument");
      continue;
    }
    auto open = rest_.all_orders_pending(*inst);
    ++snap.requests;
    if (!open.ok()) {
      note_failure(snap, "orders-pending " + *inst, open.detail);
      continue;
    }
    for (auto& o : open.value) {
      tracker_.track(to_venue_order(o));
      snap.open_orders.push_back(to_state(o));
    }
    snap.assets.push_back(assets_[sym]);
  }
  for (auto& order : req.live) {
    bool listed = std::any_of(snap.open_orders.begin(), snap.open_orders.end(),
                              [&](const venue_order_state& o) { return o.id == order.id; });
    const auto* inst = inst_of(order.sym);
    if (listed || inst == nullptr)
      continue;
    auto q = rest_.query(*inst, venue_key(order.id));
    ++snap.requests;
    if (q.ok()) {
      auto state = to_state(q.value);
      state.id = order.id;
      snap.ended.push_back(state);
    } else if (q.kind == reply_kind::rejected && order_not_found(q.code)) {
      snap.unknown_at_venue.push_back(order.id);
    } else {
      note_failure(snap, "order " + order.id.value, q.detail);
    }
  }
  take_balances(snap, rest_.balances(), "account/balance", balances_);
  // A fill between the order queries and the balance query would show in
  // one and not the other: the open orders are read again.
  if (snap.complete && !open_orders_unchanged(snap))
    note_failure(snap, "snapshot", "orders filled while it was taken");
  counters_.open_tracked = static_cast<int64_t>(tracker_.open_count());
  snap.duration_ns = monotonic_ns() - started;
  snap.taken_at = wall_clock_now();
  return snap;
}

} // namespace cwts::connector::okx
