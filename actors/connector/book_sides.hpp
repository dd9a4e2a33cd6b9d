#pragma once
// What the checksummed local books (okx/okx_book.hpp, kraken/kraken_book.hpp)
// read off their two sides alike. A side is a map keyed by raw price, best
// first (bids descending, asks ascending); its values are the book's own
// level type, turned into a depth_level by the book's `to_level`.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "actors/connector/market_codec.hpp"
#include "messages/market_data.hpp"

namespace cwts::connector {

// The best `n` levels of a side.
template <class Side, class ToLevel>
std::vector<depth_level> best_levels(const Side& side, std::size_t n, ToLevel to_level) {
  std::vector<depth_level> out;
  for (auto it = side.begin(); it != side.end() && out.size() < n; ++it)
    out.push_back(to_level(*it));
  return out;
}

// The best bid at or above the best ask (crossed or locked).
template <class Bids, class Asks>
bool sides_crossed(const Bids& bids, const Asks& asks) {
  if (bids.empty() || asks.empty())
    return false;
  return bids.begin()->first >= asks.begin()->first;
}

// The book's top as of `update_id`, for the validator: from the local book,
// the best level of each side (zero where a side is empty).
template <class Bids, class Asks, class ToLevel>
book_top local_book_top(symbol sym, int64_t update_id, const Bids& bids, const Asks& asks,
                        ToLevel to_level, timestamp_ns ts_event, timestamp_ns received) {
  book_top t;
  t.sym = sym;
  t.update_id = update_id;
  if (!bids.empty()) {
    auto best = to_level(*bids.begin());
    t.bid_px = best.px;
    t.bid_qty = best.quantity;
  }
  if (!asks.empty()) {
    auto best = to_level(*asks.begin());
    t.ask_px = best.px;
    t.ask_qty = best.quantity;
  }
  t.from_local_book = true;
  t.ts_event = ts_event;
  t.ts_init = received;
  return t;
}

} // namespace cwts::connector
