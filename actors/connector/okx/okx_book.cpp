#include "actors/connector/okx/okx_book.hpp"

#include "actors/connector/book_sides.hpp"

namespace cwts::connector::okx {

const char* to_string(okx_book_result r) {
  switch (r) {
    case okx_book_result::synced: return "synced";
    case okx_book_result::applied: return "applied";
    case okx_book_result::unsynced: return "unsynced";
    case okx_book_result::gap: return "gap";
    case okx_book_result::checksum_mismatch: return "checksum_mismatch";
    case okx_book_result::overflow: return "overflow";
  }
  return "unknown";
}

okx_book::okx_book(symbol sym, std::size_t max_levels) : sym_(sym), max_levels_(max_levels) {}

void okx_book::lose_sync() {
  if (synced_)
    ++resyncs_;
  synced_ = false;
  was_crossed_ = false;
  bids_.clear();
  asks_.clear();
}

void okx_book::reset() {
  lose_sync();
}

template <class Map>
bool okx_book::apply(Map& side, const std::vector<okx_level>& levels) {
  for (auto& l : levels) {
    if (l.sz.is_zero())
      side.erase(l.px.raw);
    else
      side[l.px.raw] = l; // the wire strings replace the old ones: the checksum uses them
  }
  return side.size() <= max_levels_;
}

// The push's checksum against ours, then the crossed check.
okx_book_result okx_book::verified(const okx_book_msg& m, okx_book_result ok) {
  if (m.checksum && *m.checksum != checksum()) {
    ++checksum_failures_;
    lose_sync();
    return okx_book_result::checksum_mismatch;
  }
  bool now_crossed = crossed();
  if (now_crossed && !was_crossed_)
    ++crossed_;
  was_crossed_ = now_crossed;
  return ok;
}

okx_book_result okx_book::on_push(const okx_book_msg& m) {
  if (m.snapshot) {
    lose_sync();
    if (!apply(bids_, m.bids) || !apply(asks_, m.asks)) {
      ++overflows_;
      lose_sync();
      return okx_book_result::overflow;
    }
    seq_id_ = m.seq_id;
    synced_ = true;
    return verified(m, okx_book_result::synced);
  }
  if (!synced_)
    return okx_book_result::unsynced;
  if (m.prev_seq_id != seq_id_) {
    ++gaps_;
    lose_sync();
    return okx_book_result::gap;
  }
  if (!apply(bids_, m.bids) || !apply(asks_, m.asks)) {
    ++overflows_;
    lose_sync();
    return okx_book_result::overflow;
  }
  seq_id_ = m.seq_id;
  return verified(m, okx_book_result::applied);
}

namespace {

template <class Map>
std::vector<const okx_level*> top_levels(const Map& side, std::size_t n) {
  std::vector<const okx_level*> out;
  for (auto it = side.begin(); it != side.end() && out.size() < n; ++it)
    out.push_back(&it->second);
  return out;
}

// A side's entry as a depth level: the price and size parsed from the wire.
constexpr auto to_level = [](const auto& entry) { return depth_level{entry.second.px, entry.second.sz}; };

} // namespace

int32_t okx_book::checksum() const {
  return okx_book_checksum(top_levels(bids_, 25), top_levels(asks_, 25));
}

bool okx_book::crossed() const {
  return sides_crossed(bids_, asks_);
}

book_top okx_book::top(timestamp_ns ts_event, timestamp_ns received) const {
  return local_book_top(sym_, seq_id_, bids_, asks_, to_level, ts_event, received);
}

std::vector<depth_level> okx_book::bids(std::size_t n) const {
  return best_levels(bids_, n, to_level);
}

std::vector<depth_level> okx_book::asks(std::size_t n) const {
  return best_levels(asks_, n, to_level);
}

} // namespace cwts::connector::okx
