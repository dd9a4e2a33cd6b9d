#pragma once
// OKX v5 (spot) behind the venue-adapter contract (venue_adapter.hpp): the
// order channel of an OKX venue.
//
// - Orders, cancels and amends over the private WebSocket (/ws/v5/private,
//   login op, then the `order` / `cancel-order` / `amend-order` ops, answers
//   matched by id; okx_ws_orders.hpp, blocking on the worker) when
//   use_ws_orders, with REST (POST /api/v5/trade/...) carrying them while
//   that connection is down. An unknown outcome (a timeout or a 5xx after
//   the bytes left, OKX 50001/50004/50013/50026) is resolved by GET
//   /api/v5/trade/order?clOrdId=..., never resent. Amend: unfilled limit
//   orders only (OKX keeps the order and its clOrdId; the OMS sees the
//   original canceled and the replacement accepted).
// - Fills from the private `orders` channel (a second /ws/v5/private
//   connection on its own thread: login, subscribe instType SPOT;
//   okx_private_stream.hpp), deduplicated by tradeId, with REST polls of
//   orders-pending as the fallback. Every login after the first asks the
//   OMS for a reconciliation round.
// - cancel_all: OKX spot has no single cancel-all: orders-pending pages
//   (limit 100) per symbol, cancel-batch-orders in chunks of 20, each
//   order's sCode handled, until the venue's own query shows none.
// - The venue's dead-man's switch: POST /api/v5/trade/cancel-all-after armed
//   with `dead_mans_switch` and refreshed every third of it from the
//   adapter's own timer. stop() leaves it armed (a killed node must leave it
//   running: that is the point); a cancel_all_after(0) disarms it.
// - probe: GET /api/v5/public/time; no probe while a 50011 pause lasts.
//
// Symbols are ours (USDCHF); OKX's instId ("USD-CHF") is taken from GET
// /api/v5/public/instruments?instType=SPOT at start(). Our client order ids
// ("tr1-kx2abc-1", up to 36 of [.A-Z:/a-z0-9_-]) do not fit OKX's clOrdId
// (1..32 alphanumerics): okx_client_id() maps them, the same way on every
// run, so a restarted node finds its orders again.
//
// REST blocks: place, cancel, amend and the probe run on the shell's worker.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "actors/connector/venue_adapter.hpp"
#include "messages/symbol.hpp"

namespace cwts {
class periodic_timer;
}

namespace cwts::connector::okx {

struct okx_adapter_config {
  // REST (https://host:port/api/v5/...).
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  // https / wss with the venue's certificate verified against ca_file
  // (empty: the system's default CA paths).
  bool tls = false;
  std::string ca_file;
  // The private WebSocket; empty host / port 0: the REST host and port.
  std::string ws_host;
  uint16_t ws_port = 0;
  std::string ws_private_target = "/ws/v5/private";
  // OK-ACCESS-KEY, the HMAC key and OK-ACCESS-PASSPHRASE: never logged.
  std::string api_key;
  std::string secret;
  std::string passphrase;
  std::vector<symbol> symbols;
  std::chrono::milliseconds request_timeout{2000};
  // Pause between cancel_all verification rounds.
  std::chrono::milliseconds cancel_all_pause{20};
  // Orders over the private WebSocket (REST while it is down); false: REST.
  bool use_ws_orders = true;
  // Fills from the private `orders` channel; polls are the fallback.
  bool use_private_stream = true;
  // cancel-all-after timeout: 0 = off, else 10 s .. 120 s (OKX's range).
  std::chrono::milliseconds dead_mans_switch{0};
  // Polls of orders-pending: every poll_interval, or every
  // poll_interval_streaming while the orders channel is subscribed.
  std::chrono::milliseconds poll_interval{200};
  std::chrono::milliseconds poll_interval_streaming{5000};
  // The private WebSocket connections (order entry and the orders channel).
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds login_timeout{5000};
  // OKX drops a connection silent for 30 s: a text "ping" every ping_interval.
  std::chrono::milliseconds ping_interval{20000};
  std::chrono::milliseconds idle_timeout{60000};
  std::chrono::milliseconds max_connection_age{std::chrono::hours(23)};
  std::chrono::milliseconds backoff_initial{100};
  std::chrono::milliseconds backoff_max{5000};
  uint64_t jitter_seed = 0; // 0: random
};

// Empty when usable, else "<key>: <reason>".
std::string validate(const okx_adapter_config& cfg);

class okx_session;
class okx_private_stream;

class okx_adapter final : public venue_adapter {
public:
  okx_adapter(okx_adapter_config cfg, adapter_context ctx);
  ~okx_adapter() override;

  const char* protocol() const override { return "okx"; }
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

  okx_adapter_config cfg_;
  adapter_context ctx_;
  std::unique_ptr<okx_session> session_;
  // What start() starts and stop() stops, from the worker and the actor.
  mutable std::mutex mtx_;
  std::unique_ptr<okx_private_stream> stream_;
  std::unique_ptr<periodic_timer> poll_timer_;
  std::unique_ptr<periodic_timer> dead_man_timer_;
  std::atomic<int64_t> dead_man_ms_{0}; // armed timeout, 0 when off
  std::atomic<bool> poll_queued_{false};
  std::atomic<bool> refresh_queued_{false};
  std::chrono::steady_clock::time_point last_poll_{}; // poll timer thread only
  uint64_t logged_stream_tls_ = 0;                   // actor only
};

} // namespace cwts::connector::okx
