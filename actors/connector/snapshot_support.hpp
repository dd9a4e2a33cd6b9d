#pragma once
// Small pieces of a venue snapshot (messages/reconciliation.hpp) that the
// sessions (venue_session.cpp for Binance, okx/okx_snapshot.cpp for OKX,
// kraken/kraken_snapshot.cpp for Kraken)
// build alike.

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "messages/reconciliation.hpp"

namespace cwts::connector {

// A query that did not answer: the snapshot is incomplete, and says which.
inline void note_failure(venue_snapshot& snap, const std::string& what, const std::string& detail) {
  snap.complete = false;
  snap.error += what + ": " + detail + "; ";
}

// Whether the snapshot's open orders hold `id` with `executed` filled, as a
// second listing of the venue shows it now (else something filled between).
inline bool open_and_unchanged(const venue_snapshot& snap, const client_order_id& id,
                               const qty& executed) {
  auto before = std::find_if(snap.open_orders.begin(), snap.open_orders.end(),
                             [&](const venue_order_state& v) { return v.id == id; });
  return before != snap.open_orders.end() && before->executed_qty == executed;
}

// The balance query's answer into the snapshot (and `kept`, the session's
// last known balances), or a failure named `what`.
template <class Reply>
void take_balances(venue_snapshot& snap, Reply&& b, const char* what,
                   std::vector<asset_balance>& kept) {
  ++snap.requests;
  if (b.ok()) {
    kept = b.value;
    snap.balances = std::move(b.value);
  } else {
    note_failure(snap, what, b.detail);
  }
}

} // namespace cwts::connector
