#pragma once
// Pieces both connector actor shells share (the Binance one,
// connector_actor.cpp, and the FIX one, actors/fix/fix_connector_actor.cpp):
// an actor handle other threads read, and the order book snapshot the admin
// port asks for (book_atom), taken from the market stream they both run.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "caf/actor.hpp"

#include "actors/connector/connector_actor.hpp"
#include "actors/connector/market_stream.hpp"

namespace cwts::connector {

// An actor handle that I/O threads (the stream's, the FIX engine's, a
// worker's) read while the actor rewires it.
class actor_slot {
public:
  void set(caf::actor a) {
    std::lock_guard<std::mutex> guard(mtx_);
    actor_ = std::move(a);
  }
  caf::actor get() const {
    std::lock_guard<std::mutex> guard(mtx_);
    return actor_;
  }

private:
  mutable std::mutex mtx_;
  caf::actor actor_;
};

// (book_atom, symbol, depth): a copy of the symbol's local book. The copy is
// taken on the stream thread (market_stream::book); the caller waits for it at
// most 250 ms, which it only ever does when that thread is stuck. `stream`
// null or `depth_on` false: no book; `stopped_by`: a full-stop kill's id.
order_book_snapshot take_book_snapshot(market_stream* stream, bool depth_on,
                                       const std::vector<symbol>& symbols,
                                       const std::optional<kill_id>& stopped_by,
                                       const std::string& sym, uint32_t depth);

} // namespace cwts::connector
