// kraken_session's lookups of single orders: by txid (QueryOrders, in
// batches of up to 50), else by cl_ord_id (OpenOrders, then ClosedOrders);
// what they settle: unknown outcomes, cancels, orders gone from OpenOrders.

#include <algorithm>

#include "actors/connector/kraken/kraken_session.hpp"

namespace cwts::connector::kraken {

// By txid when the venue gave one (QueryOrders: one call); else OpenOrders,
// then ClosedOrders (a history query: it costs Kraken's call counter 2),
// filtered by the order's cl_ord_id.
kraken_session::found_order kraken_session::find_order(const client_order_id& id,
                                                      call_priority p) {
  found_order f;
  auto key = venue_key(id);
  if (auto t = txids_.find(key); t != txids_.end()) {
    auto q = rest_.query_orders({t->second}, p);
    if (q.ok() && q.value.size() == 1) {
      f.known = true;
      f.order = q.value.front();
      return f;
    }
  }
  auto open = rest_.open_orders(key, steady_deadline::max(), p);
  if (!open.ok())
    return f;
  for (auto& o : open.value)
    if (o.cl_ord_id == key) {
      f.known = true;
      f.order = o;
      return f;
    }
  auto closed = rest_.closed_orders(key, p);
  if (!closed.ok())
    return f;
  f.known = true;
  for (auto& o : closed.value)
    if (o.cl_ord_id == key) {
      f.order = o;
      break;
    }
  return f;
}

// Orders gone from OpenOrders, by txid in batches (QueryOrders takes 50):
// one call for up to 50 orders (Kraken's call counter allows about 20 in a
// burst); those without a known txid, or that the batch did not return, are
// looked up one by one. A batch that got no answer (the venue down, a
// rate-limit pause) ends the round: nothing more is asked until the next.
void kraken_session::settle_gone(const symbol& sym, const std::vector<client_order_id>& gone,
                                 std::vector<kraken_output>& out) {
  constexpr std::size_t batch = 50;
  std::vector<client_order_id> single;
  std::vector<std::pair<client_order_id, std::string>> by_txid;
  for (auto& id : gone) {
    auto t = txids_.find(venue_key(id));
    if (t == txids_.end())
      single.push_back(id);
    else
      by_txid.emplace_back(id, t->second);
  }
  for (std::size_t i = 0; i < by_txid.size(); i += batch) {
    auto end = std::min(by_txid.size(), i + batch);
    std::vector<std::string> txids;
    for (auto j = i; j < end; ++j)
      txids.push_back(by_txid[j].second);
    auto q = rest_.query_orders(txids, call_priority::background);
    if (!q.ok() && (q.kind != reply_kind::rejected || effect_of(q.error) == error_effect::rate_limited))
      return; // down, rate limited or no room: the next poll (or the executions) settles them
    for (auto j = i; j < end; ++j) {
      const kraken_order* found = nullptr;
      if (q.ok())
        for (auto& o : q.value)
          if (o.txid == by_txid[j].second)
            found = &o;
      if (found == nullptr) {
        single.push_back(by_txid[j].first);
        continue;
      }
      auto v = to_venue_order(*found);
      v.client_id = by_txid[j].first;
      append(out, tracker_.on_query_result(v, wall_clock_now()));
    }
  }
  for (auto& id : single) {
    if (!rest_.room_for(call_priority::background))
      return; // the call counter is for orders and the kill now: the next poll
    resolve(id, sym, out, call_priority::background);
  }
}

// An unknown outcome settled either way by the venue's own listing.
bool kraken_session::resolve(const client_order_id& id, const symbol& sym,
                             std::vector<kraken_output>& out, call_priority p,
                             std::optional<std::chrono::steady_clock::time_point> unknown_since) {
  auto f = find_order(id, p);
  if (!f.known)
    return false;
  if (f.order) {
    remember_txid(venue_key(id), f.order->txid);
    auto v = to_venue_order(*f.order);
    v.client_id = id;
    if (tracker_.find(id) != nullptr)
      append(out, tracker_.on_query_result(v, wall_clock_now()));
    else
      append(out, tracker_.on_order_response(v, wall_clock_now()));
    return true;
  }
  if (unknown_since && std::chrono::steady_clock::now() - *unknown_since < unknown_grace_)
    return false; // perhaps still on its way: asked again by the next poll
  out.emplace_back(order_reject{id, sym, reject_reason::venue_unreachable,
                                "outcome was unknown; the venue has no such order",
                                wall_clock_now()});
  return true;
}

// A tracked order's state after a cancel: reported when it changed. In
// the background: the executions channel and the next poll report it too.
void kraken_session::settle(const client_order_id& id, std::vector<kraken_output>& out) {
  auto f = find_order(id, call_priority::background);
  if (!f.order)
    return;
  auto v = to_venue_order(*f.order);
  v.client_id = id;
  append(out, tracker_.on_query_result(v, wall_clock_now()));
}

} // namespace cwts::connector::kraken
