#include "actors/connector/kraken/kraken_book.hpp"

#include <iterator>

#include "actors/connector/book_sides.hpp"

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

// A side's entry (raw price -> qty) as a depth level.
constexpr auto to_level = [](const auto& entry) {
  return depth_level{price::from_raw(entry.first), entry.second};
};

} // namespace

uint32_t kraken_book::checksum() const {
  return kraken_book_checksum(top_levels(asks_, 10), top_levels(bids_, 10), price_precision_,
                              qty_precision_);
}

bool kraken_book::crossed() const {
  return sides_crossed(bids_, asks_);
}

book_top kraken_book::top(timestamp_ns ts_event, timestamp_ns received) const {
  // A snapshot carries no timestamp: the receive time stands in.
  return local_book_top(sym_, updates_, bids_, asks_, to_level,
                        ts_event.ns != 0 ? ts_event : received, received);
}

std::vector<depth_level> kraken_book::bids(std::size_t n) const {
  return best_levels(bids_, n, to_level);
}

std::vector<depth_level> kraken_book::asks(std::size_t n) const {
  return best_levels(asks_, n, to_level);
}

} // namespace cwts::connector::kraken
