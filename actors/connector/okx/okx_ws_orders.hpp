#pragma once
// Order entry over OKX's private WebSocket (docs-v5 "WebSocket / Trade":
// ops `order`, `cancel-order`, `amend-order`): one long-lived /ws/v5/private
// connection, logged in when it opens (op login), then one request at a
// time on the worker, each bounded by a deadline; the answer is the frame
// that carries the request's id (a push or a pong in between is skipped).
//
// Failure semantics are REST's (okx_rest.hpp): `not_sent` only when no byte
// of the request can have left (no connection, connect or login failed),
// `unknown` once the write began and no answer came in time, the connection
// broke, the answer is unreadable or a 50001 / 50004 / 50013 / 50026. After any
// failure the connection is dropped and the next call connects (and logs
// in) again.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "actors/connector/okx/okx_rest.hpp"

namespace cwts::connector::okx {

struct okx_ws_config {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string target = "/ws/v5/private";
  bool tls = false;
  std::string ca_file;
  okx_credentials credentials;
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds login_timeout{5000};
  std::chrono::milliseconds request_timeout{2000};
  // After a failed connect or login, no new attempt for this long: REST
  // carries the orders meanwhile instead of each waiting for a connect.
  std::chrono::milliseconds retry_pause{1000};
  // OKX closes a connection silent for 30 s: one unused this long is
  // replaced before a request, so no order goes out on a connection the
  // venue may already have closed (its outcome would be unknown).
  std::chrono::milliseconds idle_reconnect{20000};
};

class okx_ws_orders {
public:
  explicit okx_ws_orders(okx_ws_config cfg);
  ~okx_ws_orders();
  okx_ws_orders(const okx_ws_orders&) = delete;
  okx_ws_orders& operator=(const okx_ws_orders&) = delete;

  okx_reply<okx_ack> place(const order_request& req, const std::string& inst_id,
                           const std::string& cl_ord_id);
  okx_reply<okx_ack> cancel(const std::string& inst_id, const std::string& cl_ord_id);
  okx_reply<okx_ack> amend(const std::string& inst_id, const std::string& cl_ord_id,
                           const qty& new_sz, const price& new_px);

  // Connects and logs in now if not up (bounded); true when up.
  bool ensure_connected();
  bool connected() const;
  void set_time_offset_ms(int64_t ms) { time_offset_ms_ = ms; }
  // Atomics: read from the actor for stats while the worker uses the connection.
  uint64_t connections() const { return connections_.load(); }
  uint64_t logins() const { return logins_.load(); }
  uint64_t requests() const { return requests_.load(); }
  const std::string& last_connect_error() const { return last_connect_error_; }

  struct impl;

private:
  okx_reply<okx_ack> call(const std::string& op, const std::string& args);

  okx_ws_config cfg_;
  std::unique_ptr<impl> impl_;
  int64_t time_offset_ms_ = 0;
  uint64_t next_id_ = 1;
  std::atomic<uint64_t> connections_{0};
  std::atomic<uint64_t> logins_{0};
  std::atomic<uint64_t> requests_{0};
  std::string last_connect_error_;
  std::chrono::steady_clock::time_point retry_at_{};
  std::chrono::steady_clock::time_point last_used_{};
};

} // namespace cwts::connector::okx
