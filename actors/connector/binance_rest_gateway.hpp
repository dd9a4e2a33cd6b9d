#pragma once
// Binance Spot REST order entry (rest-api.md): place, cancel, query, list
// open orders, cancel all per symbol, server time. Plain C++: the actor shell
// calls it from a blocking context and turns the replies into messages.
// Not thread-safe (it owns one http_client).
//
// Failure semantics: a reply is `ok`, `rejected` (the venue refused it with
// a code and msg: nothing happened), `not_sent` (surely not delivered) or
// `unknown` (may have been executed). An order with an unknown outcome is
// never resent: the caller reconciles with query_order.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "actors/connector/http_client.hpp"
#include "actors/connector/request_signer.hpp"
#include "actors/connector/venue_order.hpp"
#include "messages/orders.hpp"
#include "messages/reconciliation.hpp"

namespace cwts::connector {

enum class order_response_type : uint8_t { result, full };

struct gateway_config {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string api_key; // sent as X-MBX-APIKEY; never logged
  std::string secret;  // HMAC key; never logged
  int64_t recv_window_ms = 5000;
  std::chrono::milliseconds request_timeout{2000};
  order_response_type response_type = order_response_type::full;
  // Pause between cancel_all verification rounds.
  std::chrono::milliseconds cancel_all_pause{20};
  // https with the venue's certificate verified ([venue] tls, ca-file; an
  // empty ca_file uses the system's default CA paths).
  bool tls = false;
  std::string ca_file;
};

// Empty when the config is usable, else "<key>: <reason>".
std::string validate(const gateway_config& cfg);

enum class reply_kind : uint8_t { ok, rejected, not_sent, unknown };
const char* to_string(reply_kind k);

template <class T>
struct venue_reply {
  reply_kind kind = reply_kind::unknown;
  T value{};
  api_error error;      // rejected: the venue's code and msg
  unsigned http_status = 0;
  std::string detail;   // not_sent / unknown: what happened
  int64_t rtt_ns = 0;   // measured by http_client
  std::optional<int64_t> used_weight_1m;

  bool ok() const { return kind == reply_kind::ok; }
};

struct cancel_all_result {
  symbol sym;
  int64_t canceled = 0;              // orders the venue confirmed canceled
  std::optional<int64_t> remaining;  // open orders as last queried; none if never queried
  int cancel_requests = 0;           // DELETE /api/v3/openOrders sent
  int query_requests = 0;            // GET /api/v3/openOrders sent
  int retries = 0;                   // rounds after the first
  int64_t duration_ns = 0;           // steady clock, whole call
  std::string error;                 // last failure; empty when verified empty

  bool verified_empty() const { return remaining && *remaining == 0; }
};

struct server_time_sample {
  int64_t server_ms = 0;
  // server time minus the local wall clock at the request's midpoint.
  int64_t offset_ms = 0;
  int64_t rtt_ns = 0;
};

// Local checks before an order is sent (REST or WebSocket API); empty when fine.
std::string check_order(const order_request& req);
// rest-api.md, New order (TRADE) parameters; the WebSocket API's order.place
// takes the same ones.
query_params order_params(const order_request& req, order_response_type resp);

class binance_rest_gateway {
public:
  explicit binance_rest_gateway(gateway_config cfg);

  venue_reply<venue_order> place_order(const order_request& req);
  venue_reply<venue_order> cancel_order(const symbol& sym, const client_order_id& id);
  venue_reply<venue_order> query_order(const symbol& sym, const client_order_id& id);
  venue_reply<std::vector<venue_order>> open_orders(const symbol& sym);
  // GET /api/v3/allOrders: up to `limit` (max 1000) most recent orders of
  // `sym`; with start_ms > 0, the oldest `limit` from that time (startTime).
  venue_reply<std::vector<venue_order>> all_orders(const symbol& sym, int limit = 1000,
                                                   int64_t start_ms = 0);
  cancel_all_result cancel_all(const symbol& sym, steady_deadline deadline);
  venue_reply<server_time_sample> server_time();
  // GET /api/v3/account: every balance of the account (signed, weight 20).
  venue_reply<std::vector<asset_balance>> account_balances();
  // GET /api/v3/exchangeInfo?symbol=SYM: the symbol's base and quote asset.
  venue_reply<symbol_assets> assets_of(const symbol& sym);

  // rest-api.md, LIMITS: after HTTP 429 the client must back off for
  // Retry-After seconds, or the IP is banned (HTTP 418, also with
  // Retry-After). Until then no request is sent: each is refused locally
  // (not_sent, http_failure::rate_limited) and counted.
  // Atomics: the owner's other threads read them for stats and logs.
  struct rate_limit_counters {
    std::atomic<int64_t> http_429{0};
    std::atomic<int64_t> http_418{0};
    std::atomic<int64_t> refused{0}; // requests not sent during a pause
  };
  const rate_limit_counters& rate_limits() const { return limits_; }
  // Time left of the current pause (zero when none); banned after a 418.
  std::chrono::milliseconds paused_for() const;
  bool banned() const { return banned_.load(); }

  // Venue time minus local time, added to every request's timestamp.
  void set_time_offset_ms(int64_t offset) { time_offset_ms_ = offset; }
  int64_t time_offset_ms() const { return time_offset_ms_; }
  const gateway_config& config() const { return cfg_; }

private:
  outcome<http_reply, http_error> signed_request(boost::beast::http::verb method,
                                                 const char* path, const query_params& params,
                                                 steady_deadline deadline);
  void cancel_all_round(cancel_all_result& out, steady_deadline deadline);
  steady_deadline request_deadline(steady_deadline limit) const;
  // Every request goes through here: refused while paused; a 429 or 418
  // reply starts a pause.
  outcome<http_reply, http_error> send(const http_request& req, steady_deadline deadline);

  gateway_config cfg_;
  request_signer signer_;
  http_client http_;
  int64_t time_offset_ms_ = 0;
  rate_limit_counters limits_;
  std::atomic<int64_t> paused_until_ns_{0}; // steady clock
  std::atomic<bool> banned_{false};
};

} // namespace cwts::connector
