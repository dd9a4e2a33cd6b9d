#pragma once
// Order entry over Binance's WebSocket API (web-socket-api.md): order.place,
// order.cancel and openOrders.cancelAll on one long-lived /ws-api/v3
// connection, the fast path; the REST gateway stays the fallback
// (venue_session decides). Blocking, one request at a time, on the
// connector's worker thread, each bounded by a deadline (a private
// io_context run for the time left).
//
// Failure semantics are the REST gateway's (binance_rest_gateway.hpp):
// `not_sent` only when no byte of the request can have left (no connection,
// connect or handshake failed), `unknown` once the write began and no answer
// came in time, the connection broke, the answer is a 5XX or -1007, or a
// 2XX we cannot read. An unknown outcome is never resent. After any failure
// the connection is dropped and the next call connects again.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "actors/connector/binance_rest_gateway.hpp"

namespace cwts::connector {

struct ws_api_config {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string target = "/ws-api/v3";
  // wss with the venue's certificate verified against ca_file (empty: the
  // system's default CA paths).
  bool tls = false;
  std::string ca_file;
  std::string api_key; // never logged
  std::string secret;  // never logged
  int64_t recv_window_ms = 5000;
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds request_timeout{2000};
  order_response_type response_type = order_response_type::full;
};

// Empty when usable, else "<key>: <reason>".
std::string validate(const ws_api_config& cfg);

// {"id":"x","method":m,"params":{...}} with apiKey, recvWindow, timestamp
// and the signature (web-socket-api.md, SIGNED: HMAC-SHA256 of the params
// but signature, sorted by name, name=value joined by '&'). Values go as
// JSON strings except timestamp and recvWindow (numbers).
std::string ws_api_signed_request(const std::string& id, const std::string& method,
                                  query_params params, const ws_api_config& cfg,
                                  int64_t timestamp_ms);

// One answer to order.place or order.cancel, read as ws_api_orders reads
// its own: `id` gets the answer's id (empty when it has none), and a
// rate-limit answer's data.retryAfter (ms since the epoch) goes to
// `retry_after_ms` (left alone when absent). For ws_api_pipeline, which
// matches answers to requests by that id.
void read_ws_api_order_answer(std::string_view text, std::string& id, venue_reply<venue_order>& out,
                              int64_t& retry_after_ms);

class ws_api_orders {
public:
  explicit ws_api_orders(ws_api_config cfg);
  ~ws_api_orders();
  ws_api_orders(const ws_api_orders&) = delete;
  ws_api_orders& operator=(const ws_api_orders&) = delete;

  venue_reply<venue_order> place_order(const order_request& req);
  venue_reply<venue_order> cancel_order(const symbol& sym, const client_order_id& id);
  // openOrders.cancelAll: the number of orders (or order lists) canceled.
  venue_reply<std::size_t> cancel_open_orders(const symbol& sym);

  // Connects now if not connected (bounded by connect_timeout); true when up.
  bool ensure_connected();
  bool connected() const;
  void set_time_offset_ms(int64_t offset) { time_offset_ms_ = offset; }
  uint64_t connections_opened() const { return connections_; }
  uint64_t requests() const { return requests_; }
  // Connection attempts that failed in the TLS handshake (a certificate
  // that did not verify, a name mismatch): nothing was sent on them.
  uint64_t tls_failures() const { return tls_failures_; }
  // Why the last connection attempt failed ("<step>: <reason>").
  const std::string& last_connect_error() const { return last_connect_error_; }

  struct impl;

private:
  template <class T, class Parse>
  venue_reply<T> call(const std::string& method, query_params params, Parse parse);

  ws_api_config cfg_;
  std::unique_ptr<impl> impl_;
  int64_t time_offset_ms_ = 0;
  uint64_t next_id_ = 1;
  uint64_t connections_ = 0;
  uint64_t requests_ = 0;
  uint64_t tls_failures_ = 0;
  std::string last_connect_error_;
};

} // namespace cwts::connector
