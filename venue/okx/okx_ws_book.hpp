#pragma once
// The depth channels of OKX v5 "Order book channel", per instrument, without
// sockets:
//   books    a "snapshot" push of 400 levels per side, then "update" pushes
//            (at most every 100 ms: the caller's timer) with the levels that
//            changed (size "0": gone from the 400), seqId / prevSeqId and
//            the checksum of the top 25. An update's prevSeqId is the
//            previous push's seqId; the snapshot's is -1. With no change for
//            `keepalive_ms`, an update with no levels and seqId == prevSeqId
//            tells clients the feed is alive (OKX documents the same).
//   books5   the top 5 of each side, pushed whole when it changed.
//   bbo-tbt  the best level of each side, pushed whole when it changed.
//
// A books subscriber gets its snapshot at the next flush, taken after that
// flush's update: every subscriber's chain continues from one seqId, and the
// snapshot and the updates after it are of the same state sequence. seqIds
// are the engine's book update ids (one per level change), so they only grow.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "venue/matching_engine.hpp"
#include "venue/okx/okx_ws_format.hpp"

namespace cwts::venue::okx {

inline constexpr size_t books_depth = 400;
inline constexpr int64_t books_keepalive_ms = 1000;

class books_channel {
public:
  struct pushes {
    std::optional<std::string> update;   // for subscribers holding a snapshot
    std::optional<std::string> snapshot; // for subscribers waiting for one
  };
  // `corrupt` is asked once per update built (the okx-bad-checksum fault):
  // true sends it with a wrong checksum.
  pushes flush(const matching_engine& engine, symbol sym, const std::string& inst,
               int64_t now_ms, bool to_existing, bool to_fresh,
               const std::function<bool()>& corrupt);
  // The seqId of the latest push (-1 before the first).
  int64_t seq_id() const { return seq_id_; }

private:
  // Keyed so that begin() is the best level: bids by -price, asks by +price.
  using view = std::map<int64_t, ws_level>;
  std::string frame(std::string_view action, const ws_side& bids, const ws_side& asks,
                    int32_t checksum, int64_t prev, int64_t now_ms,
                    const std::string& inst) const;

  view bids_, asks_;
  int64_t seq_id_ = -1;
  int64_t last_push_ms_ = 0;
};

// books5 (depth 5) and bbo-tbt (depth 1): whole tops, no checksum.
class top_channel {
public:
  top_channel(std::string channel, size_t depth) : channel_(std::move(channel)), depth_(depth) {}
  // The push when the top differs from the previous call's (the first call
  // always pushes).
  std::optional<std::string> changed(const matching_engine& engine, symbol sym,
                                     const std::string& inst, int64_t now_ms);
  // The current top, for a new subscriber's first push.
  std::string current(const matching_engine& engine, symbol sym, const std::string& inst,
                      int64_t now_ms) const;

private:
  std::string frame(const ws_side& bids, const ws_side& asks, int64_t seq,
                    const std::string& inst, int64_t now_ms) const;

  std::string channel_;
  size_t depth_;
  bool pushed_ = false;
  ws_side bids_, asks_;
};

} // namespace cwts::venue::okx
