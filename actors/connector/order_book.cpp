#include "actors/connector/order_book.hpp"

namespace cwts::connector {

const char* to_string(depth_result r) {
  switch (r) {
    case depth_result::buffered: return "buffered";
    case depth_result::stale: return "stale";
    case depth_result::applied: return "applied";
    case depth_result::gap: return "gap";
  }
  return "?";
}

const char* to_string(snapshot_result r) {
  switch (r) {
    case snapshot_result::synced: return "synced";
    case snapshot_result::too_old: return "too_old";
    case snapshot_result::gap: return "gap";
    case snapshot_result::waiting: return "waiting";
  }
  return "?";
}

order_book::order_book(symbol sym, std::size_t max_buffered)
  : sym_(sym), max_buffered_(max_buffered == 0 ? 1 : max_buffered) {}

void order_book::apply(const depth_update& d) {
  // Absolute quantities; zero removes the level (web-socket-streams.md).
  for (auto& l : d.bids) {
    if (l.quantity.is_zero())
      bids_.erase(l.px.raw);
    else
      bids_[l.px.raw] = l.quantity.raw;
  }
  for (auto& l : d.asks) {
    if (l.quantity.is_zero())
      asks_.erase(l.px.raw);
    else
      asks_[l.px.raw] = l.quantity.raw;
  }
  update_id_ = d.last_id;
  bool now_crossed = crossed();
  if (now_crossed && !was_crossed_)
    ++crossed_; // each time the book becomes crossed or locked
  was_crossed_ = now_crossed;
}

void order_book::lose_sync() {
  if (state_ == book_state::synced)
    ++resyncs_;
  state_ = book_state::awaiting_snapshot;
  have_snapshot_ = false;
  was_crossed_ = false;
  bids_.clear();
  asks_.clear();
}

void order_book::reset() {
  lose_sync();
  buffer_.clear();
}

depth_result order_book::on_update(const depth_update& d) {
  if (state_ == book_state::synced || have_snapshot_) {
    if (d.last_id <= update_id_)
      return depth_result::stale; // step 4 / "if u < local update id, ignore"
    bool follows = have_snapshot_
                     ? d.first_id <= update_id_ + 1 && update_id_ + 1 <= d.last_id    // step 5
                     : d.first_id == update_id_ + 1;                                  // step 6
    if (!follows) {
      ++gaps_;
      lose_sync();
      // Outside a replay the buffer is empty; inside one, the events after
      // `d` are still buffered and must stay behind it.
      buffer_.push_front(d);
      return depth_result::gap;
    }
    apply(d);
    state_ = book_state::synced;
    have_snapshot_ = false;
    return depth_result::applied;
  }
  if (buffer_.size() >= max_buffered_) {
    // The snapshot is late: the oldest diffs go. The replay then finds the
    // hole (a gap) if the snapshot turns out to be older than what is kept.
    buffer_.pop_front();
    ++overflows_;
  }
  buffer_.push_back(d);
  return depth_result::buffered;
}

// The snapshot is the venue's book as of lastUpdateId: with nothing newer
// buffered the book is live at once (a quiet book may send no diff for a
// long time); the next diff must still pass step 5, so a missed change is
// found then.
snapshot_result order_book::live_from_snapshot() {
  state_ = book_state::synced;
  return snapshot_result::synced;
}

snapshot_result order_book::replay_buffer() {
  if (buffer_.empty())
    return live_from_snapshot();
  if (buffer_.front().first_id > update_id_ + 1) {
    // Step 3: the snapshot predates everything buffered; keep the buffer.
    have_snapshot_ = false;
    bids_.clear();
    asks_.clear();
    return snapshot_result::too_old;
  }
  while (!buffer_.empty() && buffer_.front().last_id <= update_id_)
    buffer_.pop_front(); // step 4
  if (buffer_.empty())
    return live_from_snapshot();
  while (!buffer_.empty()) {
    auto d = std::move(buffer_.front());
    buffer_.pop_front();
    if (on_update(d) == depth_result::gap)
      return snapshot_result::gap; // the buffer now holds the breaking event
  }
  return snapshot_result::synced;
}

snapshot_result order_book::on_snapshot(const depth_snapshot& s) {
  if (state_ == book_state::synced)
    return snapshot_result::synced; // a late duplicate answer: already live
  bids_.clear();
  asks_.clear();
  for (auto& l : s.bids)
    if (!l.quantity.is_zero())
      bids_[l.px.raw] = l.quantity.raw;
  for (auto& l : s.asks)
    if (!l.quantity.is_zero())
      asks_[l.px.raw] = l.quantity.raw;
  update_id_ = s.last_update_id;
  have_snapshot_ = true;
  was_crossed_ = crossed();
  return replay_buffer();
}

bool order_book::crossed() const {
  if (bids_.empty() || asks_.empty())
    return false;
  return bids_.begin()->first >= asks_.begin()->first;
}

book_top order_book::top(timestamp_ns ts_event, timestamp_ns received) const {
  book_top t;
  t.sym = sym_;
  t.update_id = update_id_;
  if (!bids_.empty()) {
    t.bid_px = price::from_raw(bids_.begin()->first);
    t.bid_qty = qty::from_raw(bids_.begin()->second);
  }
  if (!asks_.empty()) {
    t.ask_px = price::from_raw(asks_.begin()->first);
    t.ask_qty = qty::from_raw(asks_.begin()->second);
  }
  t.from_local_book = true;
  t.ts_event = ts_event;
  t.ts_init = received;
  return t;
}

namespace {

template <class Map>
std::vector<depth_level> best(const Map& side, std::size_t n) {
  std::vector<depth_level> out;
  for (auto it = side.begin(); it != side.end() && out.size() < n; ++it)
    out.push_back(depth_level{price::from_raw(it->first), qty::from_raw(it->second)});
  return out;
}

} // namespace

std::vector<depth_level> order_book::bids(std::size_t n) const {
  return best(bids_, n);
}

std::vector<depth_level> order_book::asks(std::size_t n) const {
  return best(asks_, n);
}

} // namespace cwts::connector
