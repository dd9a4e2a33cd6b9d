#include "actors/connector/kraken/kraken_book.hpp"

#include <iterator>

namespace cwts::connector::kraken {

const char* to_string(kraken_book_result r) {
  switch (r) {
    case kraken_book_result::synced: return "synced";
    case kraken_book_result::applied: return "applied";
    case kraken_book_result::unsynced: return "unsynced";
    case kraken_book_result::checksum_mismatch: return "checksum_mismatch";
  }
  return "unknown";
}

kraken_book::kraken_book(symbol sym, std::size_t depth) : sym_(sym), depth_(depth) {}

void kraken_book::set_precision(int price_precision, int qty_precision) {
  price_precision_ = price_precision;
  qty_precision_ = qty_precision;
}

void kraken_book::lose_sync() {
  if (synced_)
    ++resyncs_;
  synced_ = false;
  was_crossed_ = false;
  bids_.clear();
  asks_.clear();
}

void kraken_book::reset() {
  lose_sync();
}

// Levels in message order (a later one for the same price wins), then the
// side truncated to the subscribed depth: Kraken sends no delete for a level
// pushed out of scope.
template <class Map>
void kraken_book::apply(Map& side, const std::vector<kraken_level>& levels) {
  for (auto& l : levels) {
    if (l.sz.is_zero())
      side.erase(l.px.raw);
    else
      side[l.px.raw] = l.sz;
  }
  while (side.size() > depth_)
    side.erase(std::prev(side.end()));
}

kraken_book_result kraken_book::on_message(const kraken_book_msg& m) {
  if (m.snapshot)
    lose_sync();
  else if (!synced_)
    return kraken_book_result::unsynced;
  apply(bids_, m.bids);
  apply(asks_, m.asks);
  if (m.checksum != checksum()) {
    ++checksum_failures_;
    synced_ = true; // every discarded book counts as a resync, a bad snapshot's too
    lose_sync();
    return kraken_book_result::checksum_mismatch;
  }
  ++updates_;
  bool fresh = m.snapshot;
  synced_ = true;
  bool now_crossed = crossed();
  if (now_crossed && !was_crossed_)
    ++crossed_;
  was_crossed_ = now_crossed;
  return fresh ? kraken_book_result::synced : kraken_book_result::applied;
}

namespace {

template <class Map>
std::vector<kraken_level> top_levels(const Map& side, std::size_t n) {
  std::vector<kraken_level> out;
  for (auto it = side.begin(); it != side.end() && out.size() < n; ++it)
    out.push_back(kraken_level{price::from_raw(it->first), it->second});
  return out;
}

template <class Map>
std::vector<depth_level> best(const Map& side, std::size_t n) {
  std::vector<depth_level> out;
  for (auto it = side.begin(); it != side.end() && out.size() < n; ++it)
    out.push_back(depth_level{price::from_raw(it->first), it->second});
  return out;
}

} // namespace

uint32_t kraken_book::checksum() const {
  return kraken_book_checksum(top_levels(asks_, 10), top_levels(bids_, 10), price_precision_,
                              qty_precision_);
}

bool kraken_book::crossed() const {
  if (bids_.empty() || asks_.empty())
    return false;
  return bids_.begin()->first >= asks_.begin()->first;
}

book_top kraken_book::top(timestamp_ns ts_event, timestamp_ns received) const {
  book_top t;
  t.sym = sym_;
  t.update_id = updates_;
  if (!bids_.empty()) {
    t.bid_px = price::from_raw(bids_.begin()->first);
    t.bid_qty = bids_.begin()->second;
  }
  if (!asks_.empty()) {
    t.ask_px = price::from_raw(asks_.begin()->first);
    t.ask_qty = asks_.begin()->second;
  }
  t.from_local_book = true;
  // A snapshot carries no timestamp: the receive time stands in.
  t.ts_event = ts_event.ns != 0 ? ts_event : received;
  t.ts_init = received;
  return t;
}

std::vector<depth_level> kraken_book::bids(std::size_t n) const {
  return best(bids_, n);
}

std::vector<depth_level> kraken_book::asks(std::size_t n) const {
  return best(asks_, n);
}

} // namespace cwts::connector::kraken
