#pragma once
// A local order book for one Kraken pair, kept from the WebSocket v2 `book`
// channel as Kraken documents it ("Spot WebSocket v2 book checksum"):
//
//   - a subscribe is answered with a "snapshot", then "update"s follow;
//   - an update's level with qty 0 removes that price; all levels of one
//     message are applied before the checksum is computed;
//   - after every message the book is truncated to the subscribed depth
//     (Kraken sends no qty 0 for levels that fall out of scope);
//   - every message carries `checksum`: CRC32 of the top 10 asks then the
//     top 10 bids, prices and quantities formatted with the pair's
//     price_precision / qty_precision (instrument channel),
//     kraken_book_checksum. A message without one is malformed: the codec
//     refuses it (kraken_frame::broken_books) and the stream discards and
//     resubscribes the book as on a mismatch, never applying it unchecked.
//
// v2 has no sequence numbers: the checksum is the only continuity check. A
// mismatch discards the book (a resync, counted) and the stream subscribes
// again for a fresh snapshot. Updates while no snapshot is held are dropped.
// A crossed or locked book after a message is flagged and counted. Bounded by
// the depth. CAF-free; one thread.

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "actors/connector/kraken/kraken_market_codec.hpp"
#include "actors/connector/market_codec.hpp"
#include "messages/market_data.hpp"

namespace cwts::connector::kraken {

enum class kraken_book_result : uint8_t {
  synced,            // a snapshot made the book live
  applied,           // an update moved it
  unsynced,          // an update while no snapshot is held: dropped
  checksum_mismatch, // our checksum differs from the venue's: book discarded
};

const char* to_string(kraken_book_result r);

class kraken_book {
public:
  // `depth`: the subscribed depth (10, 25, 100, 500 or 1000).
  kraken_book(symbol sym, std::size_t depth);

  const symbol& sym() const { return sym_; }
  bool synced() const { return synced_; }
  // The pair's precisions (instrument channel) the checksum formats with.
  void set_precision(int price_precision, int qty_precision);
  // Messages applied over the book's life, never reset (the tops'
  // update_id: v2 has no sequence number of its own, and the validator
  // refuses a top whose id does not increase, resyncs and reconnects included).
  int64_t update_id() const { return updates_; }

  kraken_book_result on_message(const kraken_book_msg& m);
  // The stream was lost or resubscribes: whatever comes next starts from a
  // snapshot. Counted as a resync when the book was synced.
  void reset();

  uint32_t checksum() const;
  bool crossed() const;
  book_top top(timestamp_ns ts_event, timestamp_ns received) const;
  // The best `n` levels per side (bids high to low, asks low to high).
  std::vector<depth_level> bids(std::size_t n) const;
  std::vector<depth_level> asks(std::size_t n) const;

  uint64_t resyncs() const { return resyncs_; }
  // v2 has no sequence to break: always 0 (mirror_book reads it).
  uint64_t gaps() const { return 0; }
  uint64_t checksum_failures() const { return checksum_failures_; }
  uint64_t crossed_count() const { return crossed_; }

private:
  void lose_sync();
  template <class Map>
  void apply(Map& side, const std::vector<kraken_level>& levels);

  symbol sym_;
  std::size_t depth_;
  int price_precision_ = 8;
  int qty_precision_ = 8;
  bool synced_ = false;
  bool was_crossed_ = false;
  int64_t updates_ = 0;
  std::map<int64_t, qty, std::greater<int64_t>> bids_; // raw price -> qty
  std::map<int64_t, qty> asks_;
  uint64_t resyncs_ = 0;
  uint64_t checksum_failures_ = 0;
  uint64_t crossed_ = 0;
};

} // namespace cwts::connector::kraken
