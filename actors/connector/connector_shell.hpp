#pragma once
// Pieces of the connector shell (connector_actor.cpp) that talk CAF from
// other threads or read the market stream: an actor handle other threads
// read, sending to the OMS as the connector from those threads (the worker,
// an adapter's I/O threads), the typed status readiness reads
// (connector_status), and the order book snapshot the admin port asks for
// (book_atom), taken from the market source the shell runs for every adapter
// (market_source.hpp: Binance's market_stream, OKX's okx_market_stream).

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
#include "actors/connector/market_source.hpp"
#include "actors/connector/order_fence.hpp"
#include "actors/connector/venue_adapter.hpp"
#include "common/kill_gate.hpp"
#include "messages/connector_status.hpp"
#include "messages/orders.hpp"
#include "messages/reconciliation.hpp"

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

// The OMS a connector reports to, and the venue it stamps on every report,
// reject and snapshot: the OMS routes by venue and takes a venue's reports
// only from that venue's connector.
class oms_outbox : public actor_slot {
public:
  void set_venue(venue_name v) { venue_ = std::move(v); }
  const venue_name& venue() const { return venue_; }
  // Orders and cancels refused for naming another venue (refused_foreign_venue).
  int64_t foreign_refused = 0;

private:
  venue_name venue_;
};

template <class Message>
void stamp_venue(Message&, const venue_name&) {}
inline void stamp_venue(execution_report& m, const venue_name& v) { m.venue = v; }
inline void stamp_venue(order_reject& m, const venue_name& v) { m.venue = v; }
inline void stamp_venue(venue_snapshot& m, const venue_name& v) { m.venue = v; }
inline void stamp_venue(order_history_answer& m, const venue_name& v) { m.venue = v; }

// Sends `msg` to the OMS in `to` as the connector `me`, from any thread
// (the worker, the FIX engine's): the OMS accepts execution reports, rejects,
// snapshots and reconcile requests only from the connector its directory
// lists for that venue or an actor of its own node, never anonymously (issue
// 17 finding 6; docs/kill-switch.md "Safety messages and the actor layer").
// `me` is weak, so a thread never keeps the actor alive; nothing is sent once
// either is gone.
template <class Message>
void send_as_connector(const caf::actor_addr& me, const oms_outbox& to, Message msg) {
  auto dest = to.get();
  auto from = caf::actor_cast<caf::actor>(me);
  stamp_venue(msg, to.venue());
  if (dest && from)
    caf::send_as(from, dest, std::move(msg));
}

// Every output of a venue session (execution reports, order rejects), in
// order, as `send_as_connector`.
template <class Output>
void send_all_as_connector(const caf::actor_addr& me, const oms_outbox& to,
                           std::vector<Output> out) {
  auto dest = to.get();
  auto from = caf::actor_cast<caf::actor>(me);
  if (!dest || !from)
    return;
  for (auto& o : out)
    std::visit(
      [&](auto& msg) {
        stamp_venue(msg, to.venue());
        caf::send_as(from, dest, std::move(msg));
      },
      o);
}

// An order or cancel for another venue than `to`'s is answered with a
// venue_not_connected reject and not sent: the OMS routes by venue, so one
// arriving here was misrouted or forged. True when refused.
bool refused_foreign_venue(const caf::actor_addr& me, oms_outbox& to, const order_request& req);
bool refused_foreign_venue(const caf::actor_addr& me, oms_outbox& to, const cancel_request& c);

// The order path's last step, on the thread that sends (the worker for
// blocking adapters): the trading lease and the epoch fence first
// (order_fence.hpp: refused no_trading_lease / fenced_epoch, counted, the
// first of a stretch logged), then the adapter with the kill gate read now.
std::vector<adapter_output> place_fenced(venue_adapter& adapter, order_fence& fence,
                                         const kill_gate* gate, const order_request& req);

// (connector_status_atom): the venue link as /readyz and the health rules
// decide on it. `stream` null: not connected. A book counts as unsynced only
// where the source keeps books (market_source::keeps_books).
connector_status make_connector_status(const market_source* stream, bool venue_lost,
                                       bool disconnected);

// (book_atom, symbol, depth): a copy of the symbol's local book. The copy is
// taken on the source's thread (market_source::book); the caller waits for it
// at most 250 ms, which it only ever does when that thread is stuck. `stream`
// null or keeping no books: no book; `stopped_by`: a full-stop kill's id.
order_book_snapshot take_book_snapshot(market_source* stream, const std::vector<symbol>& symbols,
                                       const std::optional<kill_id>& stopped_by,
                                       const std::string& sym, uint32_t depth);

} // namespace cwts::connector
