#pragma once
// The venue-adapter contract (DESIGN.md §3, issue 18): what one connector
// actor shell (connector_actor.cpp) asks of a venue, CAF-free. Binance Spot
// (binance_adapter.hpp: venue_session, cancel_all.cpp, the user-data stream)
// and FIX 4.4 (actors/fix/fix_adapter.hpp: fix_order_session) implement it;
// OKX and Kraken will be more adapters behind the same shell.
//
// What the shell keeps for every adapter: the market stream (market_stream,
// its reconnecting WebSocket), the worker thread where an adapter's calls
// block, the OMS and validator handles, liveness timer and venue_liveness,
// the kill channels, stats, status and book queries, and the lifecycle
// (connecting -> live <-> cut). The adapter is the order channel only.
//
// Threads: calls marked (worker) may block and run in order on the shell's
// worker thread; calls marked (actor) must not block. place/cancel and the
// order-channel probe run on the worker when `blocking_order_calls` says so,
// on the actor otherwise (a FIX send never blocks).

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "actors/connector/late_refusal.hpp"
#include "messages/kill.hpp"
#include "messages/order_history.hpp"
#include "messages/orders.hpp"
#include "messages/reconciliation.hpp"

namespace cwts::connector {

// What an adapter tells the OMS (the connector stamps its venue on each).
using adapter_output = std::variant<execution_report, order_reject>;

// What the shell lends an adapter, callable from any thread.
struct adapter_context {
  // Runs `job` on the shell's worker thread, after what is queued.
  std::function<void(std::function<void()>)> post;
  // Reports and rejects to the OMS, in order, as the connector.
  std::function<void(std::vector<adapter_output>)> report;
  // The order channel came back after a loss (a re-subscription, a logon
  // after the first): events may be missed, the OMS reconciles.
  std::function<void()> request_reconcile;
  // Whether the kill gate admits an order now (gate_admits; empty: always).
  // For adapters whose orders wait after the shell's check (a queue, a
  // reconnect, a REST fallback): asked again right before they go out.
  std::function<bool(const order_request&)> admits;
  // Why `admits` said no, asked right after it did: the kill gate's
  // (kill_gate_closed), or the trading lease's (no_trading_lease,
  // fenced_epoch, with the fence's detail). Empty: the gate's.
  std::function<late_refusal(const order_request&)> why_refused;
};

// What the venue offers beyond the required calls.
struct adapter_capabilities {
  // place/cancel/probe block (REST): the shell runs them on the worker.
  bool blocking_order_calls = false;
  // place/cancel only hand the request to a thread of the adapter's own
  // (Binance's WebSocket API pipeline): the shell calls them on the actor
  // even where the other calls block.
  bool orders_without_blocking = false;
  // amend() changes an order in place (FIX 35=G).
  bool amend = false;
  // cancel_all_after(): a venue-side dead-man's switch that cancels
  // everything when the connector stops renewing it.
  bool dead_mans_switch = false;
  // cancel_own(): the orders this session placed, each by its id. Where it
  // is missing, a kill without the lease falls back to the account-wide
  // cancel-all (stopping trading comes before sparing a successor's orders).
  bool cancel_own = false;
};

// One answer of the order channel's liveness probe (venue_liveness::on_rest).
struct channel_probe {
  bool answered = false; // any reply, even an error, is an answer
  std::string detail;    // why not, when not
};

class venue_adapter {
public:
  using counters = std::map<std::string, int64_t>;

  virtual ~venue_adapter() = default;

  // "binance", "fix": log lines and stats name it.
  virtual const char* protocol() const = 0;
  virtual adapter_capabilities capabilities() const = 0;

  // (worker) Opens the order channel and whatever feeds fills (clock sync,
  // user-data stream, polls; a FIX logon follows asynchronously). Called at
  // spawn and again when a reset ends a level-4 cut.
  virtual void start() = 0;
  // (actor) Closes all of it: nothing of the adapter posts to the worker or
  // reports afterwards until start(). Idempotent; the shell calls it on a
  // level-4 cut and before it goes.
  virtual void stop() = 0;

  // Orders: a closed gate (read right before the send) refuses locally.
  virtual std::vector<adapter_output> place(const order_request& req, bool gate_open) = 0;
  virtual std::vector<adapter_output> cancel(const cancel_request& c) = 0;
  // Where capabilities().amend; otherwise refused with venue_rejected.
  virtual std::vector<adapter_output> amend(const client_order_id& orig,
                                            const order_request& replacement);

  // (worker) Kill switch level 2: everything of `which` canceled, then the
  // open orders queried until none are left or `deadline` passes. The
  // channel_result says ok, canceled, open_after, retries (requests) and the
  // error; `out` gets the reports of the orders it settled.
  virtual channel_result cancel_all(const kill_id& id, const node_id& self,
                                    const std::vector<symbol>& which,
                                    std::chrono::milliseconds deadline,
                                    std::vector<adapter_output>& out) = 0;
  // (worker) Kill switch level 2 on a node that does not hold the trading
  // lease (cancel_scope.hpp): only the orders of `which` this session placed
  // and still tracks as open, each canceled by its id; never the venue's
  // account-wide cancel-all, which would cancel the lease holder's orders.
  // The channel_result ("venue_cancel_own") counts them and names each in
  // its error text when one could not be canceled. An adapter that does not
  // track its orders refuses (ok false, nothing canceled).
  virtual channel_result cancel_own(const kill_id& id, const node_id& self,
                                    const std::vector<symbol>& which,
                                    std::chrono::milliseconds deadline,
                                    std::vector<adapter_output>& out);
  // (actor, must not block) A kill's first step, before its cancel_all
  // job waits on the worker: orders of `which` still queued inside the
  // adapter, not yet sent, are dropped (each refused to the OMS).
  virtual void drop_queued(const std::vector<symbol>& which, const std::string& why);
  // (worker) Reconciliation: open orders, each live order of the OMS not
  // among them, balances and assets where the venue has them.
  virtual venue_snapshot snapshot(const reconcile_orders& req) = 0;
  // (worker) A takeover's catch-up (issue 24): the account's orders updated
  // since q.since. Unsupported (answered so) where the protocol has no
  // order history query.
  virtual order_history_answer order_history(const order_history_query& q);
  // (worker) The account's balances as last known (empty where the venue
  // protocol has none, e.g. FIX 4.4).
  virtual std::vector<asset_balance> balances() = 0;

  // Liveness of the order channel (venue_liveness): whether a probe may be
  // sent now (a rate-limit pause says no) and the probe itself (it blocks
  // where capabilities().blocking_order_calls).
  virtual bool may_probe() const = 0;
  virtual channel_probe probe() = 0;
  // (actor) The fill stream's link, where the adapter keeps one apart from
  // the order channel (Binance's user-data stream): sampled with the market
  // stream on every liveness tick. Logs what the operator should see now.
  virtual std::optional<bool> fill_stream_connected() = 0;

  // The venue's dead-man's switch: every order canceled when not renewed
  // within `after` (0 disarms). False where capabilities() lacks it.
  virtual bool cancel_all_after(std::chrono::milliseconds after);

  // (actor) The adapter's own counters, added to the shell's stats.
  virtual void add_counters(counters& out) const = 0;
};

inline std::vector<adapter_output> venue_adapter::amend(const client_order_id&,
                                                        const order_request& replacement) {
  return {order_reject{replacement.id, replacement.sym, reject_reason::venue_rejected,
                       std::string("amend is not offered by ") + protocol(), wall_clock_now(),
                       replacement.venue}};
}

inline bool venue_adapter::cancel_all_after(std::chrono::milliseconds) {
  return false;
}

inline channel_result venue_adapter::cancel_own(const kill_id& id, const node_id& self,
                                                const std::vector<symbol>&,
                                                std::chrono::milliseconds,
                                                std::vector<adapter_output>&) {
  return channel_result{id, self, "venue_cancel_own", false, 0, 0, 0, -1,
                        std::string("cancel by own order id is not offered by ") + protocol()
                          + ": nothing canceled (the account-wide cancel-all would cancel "
                            "the lease holder's orders)"};
}

inline void venue_adapter::drop_queued(const std::vector<symbol>&, const std::string&) {}

inline order_history_answer venue_adapter::order_history(const order_history_query& q) {
  order_history_answer a;
  a.round = q.round;
  a.error = std::string("no order history query in ") + protocol();
  return a;
}

} // namespace cwts::connector
