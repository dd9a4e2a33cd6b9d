#pragma once
// Pieces both connector actor shells share (the Binance one,
// connector_actor.cpp, and the FIX one, actors/fix/fix_connector_actor.cpp):
// an actor handle other threads read, sending to the OMS as the connector
// from those threads, the typed status readiness reads (connector_status),
// and the order book snapshot the admin port asks for (book_atom), taken from
// the market stream they both run.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "caf/actor.hpp"
#include "caf/actor_addr.hpp"
#include "caf/actor_cast.hpp"
#include "caf/send.hpp"

#include "actors/connector/connector_actor.hpp"
#include "actors/connector/market_stream.hpp"
#include "messages/connector_status.hpp"

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

// Sends `msg` to the actor in `to` as the connector `me`, from any thread
// (the worker, the FIX engine's): the OMS accepts execution reports, rejects,
// snapshots and reconcile requests only from the connector its directory
// lists or an actor of its own node, never anonymously (issue 17 finding 6;
// docs/kill-switch.md "Safety messages and the actor layer"). `me` is weak,
// so a thread never keeps the actor alive; nothing is sent once either is
// gone.
template <class Message>
void send_as_connector(const caf::actor_addr& me, const actor_slot& to, Message&& msg) {
  auto dest = to.get();
  auto from = caf::actor_cast<caf::actor>(me);
  if (dest && from)
    caf::send_as(from, dest, std::forward<Message>(msg));
}

// Every output of a venue session (execution reports, order rejects), in
// order, as `send_as_connector`.
template <class Output>
void send_all_as_connector(const caf::actor_addr& me, const actor_slot& to,
                           const std::vector<Output>& out) {
  auto dest = to.get();
  auto from = caf::actor_cast<caf::actor>(me);
  if (!dest || !from)
    return;
  for (auto& o : out)
    std::visit([&](const auto& msg) { caf::send_as(from, dest, msg); }, o);
}

// (connector_status_atom): the venue link as /readyz and the health rules
// decide on it. `stream` null: not connected. A book counts as unsynced only
// where it is kept (`depth_on`).
connector_status make_connector_status(const market_stream* stream, bool depth_on,
                                       bool venue_lost, bool disconnected);

// (book_atom, symbol, depth): a copy of the symbol's local book. The copy is
// taken on the stream thread (market_stream::book); the caller waits for it at
// most 250 ms, which it only ever does when that thread is stuck. `stream`
// null or `depth_on` false: no book; `stopped_by`: a full-stop kill's id.
order_book_snapshot take_book_snapshot(market_stream* stream, bool depth_on,
                                       const std::vector<symbol>& symbols,
                                       const std::optional<kill_id>& stopped_by,
                                       const std::string& sym, uint32_t depth);

} // namespace cwts::connector
