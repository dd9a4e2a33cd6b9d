#pragma once
// A local order book for one symbol, kept in step with the venue by
// Binance's documented procedure (web-socket-streams.md, "How to manage a
// local order book correctly"):
//
//   1. buffer the <sym>@depth events from the stream;
//   2. GET /api/v3/depth (a snapshot with lastUpdateId);
//   3. snapshot older than the first buffered event (lastUpdateId < its U):
//      get another one;
//   4. drop buffered events with u <= lastUpdateId;
//   5. the first event applied must have U <= lastUpdateId+1 <= u;
//   6. every later event must have U == previous u + 1.
//
// Any break of 5 or 6 is a gap: the book is discarded and rebuilt from a new
// snapshot (a resync, counted). After each applied event a crossed or locked
// book (best bid >= best ask) is flagged and counted: the venue never shows
// one, so it means our copy is wrong or the venue is. CAF-free; one thread.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <vector>

#include "actors/connector/market_codec.hpp"
#include "messages/market_data.hpp"

namespace cwts::connector {

enum class book_state : uint8_t {
  awaiting_snapshot, // buffering diffs until a snapshot arrives
  synced,            // applying diffs as they come
};

enum class depth_result : uint8_t {
  buffered,    // kept until the snapshot arrives
  stale,       // u <= the book's update id: already contained, ignored
  applied,     // the book moved to the event's u
  gap,         // U != previous u + 1: book discarded, resync needed
};

enum class snapshot_result : uint8_t {
  synced,    // snapshot plus buffered diffs: the book is live
  too_old,   // lastUpdateId < the first buffered U - 1: fetch another one
  gap,       // no buffered event spans lastUpdateId+1 and later ones broke: fetch again
  waiting,   // (unused since a snapshot newer than every diff makes the book live)
};

const char* to_string(depth_result r);
const char* to_string(snapshot_result r);

class order_book {
public:
  explicit order_book(symbol sym, std::size_t max_buffered = 10'000);

  const symbol& sym() const { return sym_; }
  book_state state() const { return state_; }
  bool synced() const { return state_ == book_state::synced; }
  // The venue update id the book is at (0 before the first sync).
  int64_t update_id() const { return update_id_; }

  depth_result on_update(const depth_update& d);
  snapshot_result on_snapshot(const depth_snapshot& s);
  // The stream was lost: whatever comes next may not follow on. Back to
  // buffering; counted as a resync when the book was synced.
  void reset();

  // Best bid below best ask is the only sane state.
  bool crossed() const;
  book_top top(timestamp_ns ts_event, timestamp_ns received) const;
  // The best `n` levels per side (bids high to low, asks low to high).
  std::vector<depth_level> bids(std::size_t n) const;
  std::vector<depth_level> asks(std::size_t n) const;
  std::size_t bid_levels() const { return bids_.size(); }
  std::size_t ask_levels() const { return asks_.size(); }
  std::size_t buffered() const { return buffer_.size(); }

  uint64_t resyncs() const { return resyncs_; }
  uint64_t gaps() const { return gaps_; }
  uint64_t crossed_count() const { return crossed_; }
  uint64_t buffer_overflows() const { return overflows_; }

private:
  void apply(const depth_update& d);
  void lose_sync();
  snapshot_result replay_buffer();
  snapshot_result live_from_snapshot();

  symbol sym_;
  std::size_t max_buffered_;
  book_state state_ = book_state::awaiting_snapshot;
  int64_t update_id_ = 0;
  // At the snapshot, no diff applied since: the next one must pass step 5
  // (U <= lastUpdateId+1 <= u) rather than step 6.
  bool have_snapshot_ = false;
  bool first_applied_ = false;
  bool was_crossed_ = false;
  std::map<int64_t, int64_t, std::greater<int64_t>> bids_; // raw price -> raw qty
  std::map<int64_t, int64_t> asks_;
  std::deque<depth_update> buffer_;
  uint64_t resyncs_ = 0;
  uint64_t gaps_ = 0;
  uint64_t crossed_ = 0;
  uint64_t overflows_ = 0;
};

} // namespace cwts::connector
