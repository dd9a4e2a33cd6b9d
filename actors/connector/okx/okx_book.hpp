#pragma once
// A local order book for one OKX instrument, kept from the `books` channel
// as OKX documents it (WebSocket "Order book channel"):
//
//   - the first push after a subscribe is action "snapshot" (prevSeqId -1);
//   - every later push is action "update" whose prevSeqId is the seqId of
//     the push before it; a size of "0" deletes the level; an update with no
//     levels and seqId == prevSeqId is a heartbeat;
//   - a seqId smaller than prevSeqId (a sequence reset at maintenance) is
//     accepted: continuity is checked by prevSeqId alone;
//   - each push carries `checksum`: CRC32, as a signed 32-bit integer, of
//     the top 25 levels "bidPx:bidSz:askPx:askSz:..." over the price and
//     size strings as sent; the book keeps those strings for that reason.
//
// An update whose prevSeqId is not our seqId is a gap, a checksum that does
// not match ours is a corrupt book: either discards the book (a resync,
// counted) and the stream subscribes again for a fresh snapshot. Updates
// while no snapshot is held are dropped. A crossed or locked book after a
// push is flagged and counted. Each side is bounded (max_levels): a venue
// that outgrows it loses sync rather than our memory. CAF-free; one thread.

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "actors/connector/market_codec.hpp"
#include "actors/connector/okx/okx_market_codec.hpp"
#include "messages/market_data.hpp"

namespace cwts::connector::okx {

enum class okx_book_result : uint8_t {
  synced,            // a snapshot made the book live
  applied,           // an update (or a heartbeat) moved the book to its seqId
  unsynced,          // an update while no snapshot is held: dropped
  gap,               // prevSeqId != our seqId: book discarded
  checksum_mismatch, // our checksum differs from the venue's: book discarded
  overflow,          // a side outgrew max_levels: book discarded
};

const char* to_string(okx_book_result r);

class okx_book {
public:
  explicit okx_book(symbol sym, std::size_t max_levels = 5000);

  const symbol& sym() const { return sym_; }
  bool synced() const { return synced_; }
  // The seqId of the last push applied (0 before the first snapshot).
  int64_t seq_id() const { return seq_id_; }

  okx_book_result on_push(const okx_book_msg& m);
  // The stream was lost or resubscribes: whatever comes next starts from a
  // snapshot. Counted as a resync when the book was synced.
  void reset();

  // The checksum of the book as we hold it (okx_book_checksum).
  int32_t checksum() const;
  bool crossed() const;
  book_top top(timestamp_ns ts_event, timestamp_ns received) const;
  // The best `n` levels per side (bids high to low, asks low to high).
  std::vector<depth_level> bids(std::size_t n) const;
  std::vector<depth_level> asks(std::size_t n) const;

  uint64_t resyncs() const { return resyncs_; }
  uint64_t gaps() const { return gaps_; }
  uint64_t checksum_failures() const { return checksum_failures_; }
  uint64_t crossed_count() const { return crossed_; }
  uint64_t overflows() const { return overflows_; }

private:
  void lose_sync();
  // Applies one side's levels; false when it outgrew max_levels.
  template <class Map>
  bool apply(Map& side, const std::vector<okx_level>& levels);
  okx_book_result verified(const okx_book_msg& m, okx_book_result ok);

  symbol sym_;
  std::size_t max_levels_;
  bool synced_ = false;
  bool was_crossed_ = false;
  int64_t seq_id_ = 0;
  std::map<int64_t, okx_level, std::greater<int64_t>> bids_; // raw price -> level
  std::map<int64_t, okx_level> asks_;
  uint64_t resyncs_ = 0;
  uint64_t gaps_ = 0;
  uint64_t checksum_failures_ = 0;
  uint64_t crossed_ = 0;
  uint64_t overflows_ = 0;
};

} // namespace cwts::connector::okx
