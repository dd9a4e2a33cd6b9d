#pragma once
// Order entry over Kraken's WebSocket v2 (docs.kraken.com Spot WebSocket v2
// "add_order", "amend_order", "cancel_order"): one long-lived /v2
// connection; every request carries the session token (GetWebSocketsToken,
// fetched through the session's REST client on each new connection and
// again before it is `token_refresh` old), one request at a time on the
// worker, each bounded by a deadline; the answer is the frame with the
// request's method and req_id (status, heartbeat and pong frames between
// are skipped).
//
// A request refused with "ESession:Invalid session" (the token lapsed) ran
// nowhere: it is sent once more with a fresh token.
//
// Failure semantics are REST's (kraken_rest.hpp): `not_sent` only when no
// byte of the request can have left (no connection, connect or token
// failed), `unknown` once the write began and no answer came in time, the
// connection broke, the answer is unreadable or an EService:Unavailable /
// Busy. After any failure the connection is dropped and the next call
// connects again.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "actors/connector/kraken/kraken_rest.hpp"
#include "actors/connector/kraken/kraken_session.hpp"

namespace cwts::connector::kraken {

struct kraken_ws_config {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string target = "/v2";
  bool tls = false;
  std::string ca_file;
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds request_timeout{2000};
  // After a failed connect, no new attempt for this long: REST carries the
  // orders meanwhile instead of each waiting for a connect.
  std::chrono::milliseconds retry_pause{1000};
  // A connection unused this long is replaced before a request, so no order
  // goes out on a connection the venue may already have closed.
  std::chrono::milliseconds idle_reconnect{20000};
  // Kraken's token must be used within 15 minutes of its creation.
  std::chrono::milliseconds token_refresh{std::chrono::minutes(10)};
};

class kraken_ws_orders {
public:
  using token_source = std::function<kraken_reply<kraken_token>()>;
  kraken_ws_orders(kraken_ws_config cfg, token_source tokens);
  ~kraken_ws_orders();
  kraken_ws_orders(const kraken_ws_orders&) = delete;
  kraken_ws_orders& operator=(const kraken_ws_orders&) = delete;

  // The txid (order_id) on success.
  kraken_reply<std::string> add_order(const order_request& req, const kraken_pair& p,
                                      const std::string& cl_ord_id);
  kraken_reply<std::string> cancel_order(const std::string& cl_ord_id);
  // order_qty always; limit_price where positive.
  kraken_reply<std::string> amend_order(const kraken_pair& p, const std::string& cl_ord_id,
                                        const qty& order_qty, const price& limit_price);

  // Connects (and fetches a token) now if not up (bounded); true when up.
  bool ensure_connected();
  bool connected() const;
  // Atomics: read from the actor for stats while the worker uses the connection.
  uint64_t connections() const { return connections_.load(); }
  uint64_t token_refreshes() const { return token_refreshes_.load(); }
  uint64_t requests() const { return requests_.load(); }
  const std::string& last_connect_error() const { return last_connect_error_; }

  struct impl;

private:
  kraken_reply<std::string> call(const std::string& method, const std::string& params);
  kraken_reply<std::string> request(const std::string& method,
                                    const std::function<std::string(const std::string&)>& params);
  bool fresh_token();

  kraken_ws_config cfg_;
  token_source tokens_;
  std::unique_ptr<impl> impl_;
  std::string token_;
  std::chrono::steady_clock::time_point token_at_{};
  uint64_t next_id_ = 1;
  std::atomic<uint64_t> connections_{0};
  std::atomic<uint64_t> token_refreshes_{0};
  std::atomic<uint64_t> requests_{0};
  std::string last_connect_error_;
  std::chrono::steady_clock::time_point retry_at_{};
  std::chrono::steady_clock::time_point last_used_{};
};

// JSON builders of the v2 requests' params (numbers as JSON numbers with
// the pair's decimals); `token` included.
std::string add_order_params(const order_request& req, const kraken_pair& p,
                             const std::string& cl_ord_id, const std::string& token);
std::string cancel_order_params(const std::string& cl_ord_id, const std::string& token);
std::string amend_order_params(const kraken_pair& p, const std::string& cl_ord_id,
                               const qty& order_qty, const price& limit_price,
                               const std::string& token);

} // namespace cwts::connector::kraken
