#pragma once
// Kraken Spot behind the venue-adapter contract (venue_adapter.hpp): the
// order channel of a Kraken venue.
//
// - Private REST (POST /0/private/<Method>, form-encoded with `nonce`,
//   API-Key / API-Sign: kraken_signer.hpp). Nonces strictly increase per
//   key, at least the wall clock in microseconds and never below the last
//   one used, reserved in blocks written ahead to `nonce_path` so a restart
//   (even with the clock stepped back) never reuses one (kraken_nonce.hpp).
//   "EAPI:Invalid nonce" means nothing was executed: the nonce is bumped and
//   the request sent once more (counted), never in a loop.
// - Orders, cancels and amends over the private WebSocket v2 (/v2, token
//   from GetWebSocketsToken; add_order / cancel_order / amend_order matched
//   by req_id) when use_ws_orders, with REST (AddOrder, CancelOrder,
//   AmendOrder) carrying them while that connection is down. An unknown
//   outcome (a timeout, EService:Unavailable / Busy or a 5xx after the bytes
//   left) is resolved by a query by cl_ord_id, never resent.
// - Fills from the `executions` channel (a second /v2 connection on its own
//   thread, snap_orders), deduplicated by exec_id, with OpenOrders polls as
//   the fallback. Every subscription after the first asks the OMS to reconcile.
// - cancel_all: CancelAll, then OpenOrders until none of the symbols in scope
//   is left (CancelOrder by txid for stragglers) or the deadline passes.
// - The venue's dead-man's switch: CancelAllOrdersAfter(dead_mans_switch)
//   armed at start and refreshed every third of it from the adapter's own
//   timer. stop() leaves it armed; cancel_all_after(0) disarms.
// - Kraken's REST call counter modelled on our side (kraken_call_budget.hpp,
//   `call_limits`, Pro tier by default): the kill's confirming OpenOrders
//   may spend all of it (CancelAll costs nothing), order work leaves it a
//   reserve, polls and their lookups use only what is left and are deferred
//   (counted) when there is none; "EAPI:Rate limit exceeded" fills the model
//   and backs off.
// - probe: public Time; no probe while the venue's counter, after
//   "EAPI:Rate limit exceeded", has no room even for the kill.
//
// Symbols are ours (USDCHF); Kraken's pair key, altname, wsname and v2
// symbol and its decimals come from public AssetPairs at start()
// (common/kraken_names.hpp gives the expected names). Our client order ids
// (up to 36 characters) do not all fit Kraken's cl_ord_id (a UUID or free
// text up to 18 characters): kraken_client_id() maps them, the same way on
// every run, so a restarted node finds its orders again.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "actors/connector/kraken/kraken_call_budget.hpp"
#include "actors/connector/venue_adapter.hpp"
#include "messages/symbol.hpp"

namespace cwts {
class periodic_timer;
}

namespace cwts::connector::kraken {

// The shortest dead-man's switch (why: kraken_adapter_config::dead_mans_switch).
inline constexpr std::chrono::seconds min_dead_mans_switch{10};

struct kraken_adapter_config {
  // REST (https://host:port/0/...).
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  // https / wss with the venue's certificate verified against ca_file
  // (empty: the system's default CA paths).
  bool tls = false;
  std::string ca_file;
  // The private WebSocket v2; empty host / port 0: the REST host and port.
  std::string ws_host;
  uint16_t ws_port = 0;
  std::string ws_target = "/v2";
  // API-Key and the base64 secret (decoded for the HMAC): never logged.
  std::string api_key;
  std::string secret;
  std::vector<symbol> symbols;
  std::chrono::milliseconds request_timeout{2000};
  // Pause between cancel_all verification rounds.
  std::chrono::milliseconds cancel_all_pause{20};
  // Kraken's call counter of the account's tier (max 20, decay 1/s: Pro;
  // Intermediate 20 @ 0.5/s; Starter 15 @ 0.33/s) and what of it is kept
  // for the kill switch and for order work.
  kraken_call_limits call_limits;
  // The longest an order lookup, amend check, snapshot or token request
  // waits for room on the call counter before it is not sent. 0: never (the
  // worker that would wait also carries the kill switch; each of these has
  // a later chance: the next poll, reconciliation's next round, the
  // stream's reconnect).
  std::chrono::milliseconds call_counter_wait{0};
  // Orders over the private WebSocket (REST while it is down); false: REST.
  bool use_ws_orders = true;
  // Fills from the `executions` channel; polls are the fallback.
  bool use_private_stream = true;
  // CancelAllOrdersAfter timeout: 0 = off, else whole seconds, 10 s ..
  // 86400 s (Kraken recommends 60 s refreshed every 15-30 s: we refresh
  // every third). At least 10 s because the refresh runs on the worker that
  // also carries blocking REST calls (each up to request_timeout, a kill's
  // rounds up to its deadline): with a shorter switch one slow call delays
  // the refresh past the timeout and the venue cancels the whole account
  // of a live node. The node config requires the same minimum.
  std::chrono::milliseconds dead_mans_switch{0};
  // Polls of OpenOrders: every poll_interval, or every
  // poll_interval_streaming while the executions channel is subscribed.
  std::chrono::milliseconds poll_interval{200};
  std::chrono::milliseconds poll_interval_streaming{5000};
  // The private WebSocket connections (order entry and executions).
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds login_timeout{5000}; // subscribe answered within
  std::chrono::milliseconds ping_interval{20000};
  std::chrono::milliseconds idle_timeout{60000};
  std::chrono::milliseconds max_connection_age{std::chrono::hours(23)};
  std::chrono::milliseconds backoff_initial{100};
  std::chrono::milliseconds backoff_max{5000};
  uint64_t jitter_seed = 0; // 0: random
  // The last nonce reserved, written ahead of use; must be writable.
  std::string nonce_path;
  // How far ahead one write reserves nonces, in microseconds of the clock
  // (one write a minute at most; a restart starts above the reservation).
  uint64_t nonce_block = 60'000'000;
};

// Empty when usable, else "<key>: <reason>".
std::string validate(const kraken_adapter_config& cfg);

class kraken_session;
class kraken_private_stream;

class kraken_adapter final : public venue_adapter {
public:
  kraken_adapter(kraken_adapter_config cfg, adapter_context ctx);
  ~kraken_adapter() override;

  const char* protocol() const override { return "kraken"; }
  adapter_capabilities capabilities() const override;
  void start() override;
  void stop() override;
  std::vector<adapter_output> place(const order_request& req, bool gate_open) override;
  std::vector<adapter_output> cancel(const cancel_request& c) override;
  std::vector<adapter_output> amend(const client_order_id& orig,
                                    const order_request& replacement) override;
  channel_result cancel_all(const kill_id& id, const node_id& self, const std::vector<symbol>& which,
                            std::chrono::milliseconds deadline,
                            std::vector<adapter_output>& out) override;
  venue_snapshot snapshot(const reconcile_orders& req) override;
  std::vector<asset_balance> balances() override;
  bool may_probe() const override;
  channel_probe probe() override;
  std::optional<bool> fill_stream_connected() override;
  bool cancel_all_after(std::chrono::milliseconds after) override;
  void add_counters(counters& out) const override;

private:
  void start_stream();
  void on_poll_timer();
  void on_dead_man_timer();

  kraken_adapter_config cfg_;
  adapter_context ctx_;
  std::unique_ptr<kraken_session> session_;
  // What start() starts and stop() stops, from the worker and the actor.
  mutable std::mutex mtx_;
  std::unique_ptr<kraken_private_stream> stream_;
  std::unique_ptr<periodic_timer> poll_timer_;
  std::unique_ptr<periodic_timer> dead_man_timer_;
  std::atomic<int64_t> dead_man_ms_{0}; // armed timeout, 0 when off
  std::atomic<bool> poll_queued_{false};
  std::atomic<bool> refresh_queued_{false};
  std::chrono::steady_clock::time_point last_poll_{}; // poll timer thread only
  uint64_t logged_stream_tls_ = 0;                   // actor only
};

} // namespace cwts::connector::kraken
