#pragma once
// Kraken WebSocket v2 `book` channel of one pair at one depth, without
// sockets ("Spot Websockets (v2) > Book"):
//   a "snapshot" message with the top `depth` levels of each side, then
//   "update" messages (the caller's 100 ms timer) with the levels that
//   changed within the top `depth` (qty 0: the level left it), each with
//   the checksum of the resulting top 10 (kraken_ws_format.hpp) and a
//   timestamp. Nothing is sent while nothing changed (the heartbeat
//   channel tells clients the connection is alive).
// A subscriber gets its snapshot at the next flush, taken after that
// flush's update, so the snapshot and the updates after it are of one
// state sequence.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "venue/kraken/kraken_ws_format.hpp"

namespace cwts::venue::kraken {

// "Book" subscribe param `depth`: 10 (default), 25, 100, 500, 1000.
bool valid_book_depth(int64_t depth);
inline constexpr int default_book_depth = 10;

class book_channel {
public:
  explicit book_channel(size_t depth) : depth_(depth) {}

  struct pushes {
    std::optional<std::string> update;   // for subscribers holding a snapshot
    std::optional<std::string> snapshot; // for subscribers waiting for one
  };
  // `corrupt` is asked once per update built (the kraken-bad-checksum
  // fault): true sends it with a wrong checksum.
  pushes flush(const matching_engine& engine, const pair_info& pair, int64_t now_ms,
               bool to_existing, bool to_fresh, const std::function<bool()>& corrupt);

private:
  // Keyed so that begin() is the best level: bids by -price, asks by +price.
  using view = std::map<int64_t, level>;
  std::string frame(std::string_view type, const pair_info& pair, const side_levels& bids,
                    const side_levels& asks, uint32_t checksum, int64_t now_ms) const;

  size_t depth_;
  view bids_, asks_;
};

} // namespace cwts::venue::kraken
