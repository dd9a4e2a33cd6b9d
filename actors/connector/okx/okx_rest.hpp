#pragma once
// OKX v5 REST (docs-v5 Trading / Account / Public data) over one keep-alive
// HTTP(S) connection: every private request signed (okx_signer.hpp), every
// reply's envelope decoded (okx_codec.hpp). Not thread-safe: the worker owns it.
//
// Failure semantics (reply_kind, as the Binance gateway's): `ok`, `rejected`
// (the venue refused it with a code: nothing happened), `not_sent` (surely
// not delivered: no byte left, or refused locally during a rate-limit
// pause) and `unknown` (it may have been executed: a timeout or a broken
// connection after the write, an HTTP 5xx, an unreadable success, OKX 50001 / 50004
// / 50013 / 50026). An order whose outcome is unknown is never resent: the
// caller queries it by clOrdId.
//
// Rate limits: OKX answers 50011 (HTTP 429) "Too Many Requests" and sends no
// Retry-After; the client then sends nothing for `rate_limit_pause` (its
// limits are counted over 2 s windows) and refuses locally meanwhile.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "actors/connector/binance_rest_gateway.hpp"
#include "actors/connector/http_client.hpp"
#include "actors/connector/okx/okx_codec.hpp"
#include "actors/connector/okx/okx_signer.hpp"

namespace cwts::connector::okx {

struct okx_rest_config {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  bool tls = false;
  std::string ca_file;
  okx_credentials credentials;
  std::chrono::milliseconds request_timeout{2000};
  std::chrono::milliseconds rate_limit_pause{2000};
};

template <class T>
struct okx_reply {
  reply_kind kind = reply_kind::unknown;
  T value{};
  std::string code;   // rejected: OKX's code (the item's sCode for order calls)
  std::string msg;    // and its message
  unsigned http_status = 0;
  std::string detail; // what happened, for logs and rejects
  int64_t rtt_ns = 0;

  bool ok() const { return kind == reply_kind::ok; }
};

struct okx_time_sample {
  int64_t server_ms = 0;
  int64_t offset_ms = 0; // venue minus local wall clock at the midpoint
  int64_t rtt_ns = 0;
};

class okx_rest {
public:
  explicit okx_rest(okx_rest_config cfg);

  okx_reply<okx_time_sample> server_time();
  okx_reply<std::vector<okx_instrument>> instruments();
  okx_reply<okx_ack> place(const order_request& req, const std::string& inst_id,
                           const std::string& cl_ord_id);
  okx_reply<okx_ack> cancel(const std::string& inst_id, const std::string& cl_ord_id);
  okx_reply<okx_ack> amend(const std::string& inst_id, const std::string& cl_ord_id,
                           const qty& new_sz, const price& new_px);
  // Up to 20 orders; `ok` when the envelope was read (code 0, 1 or 2): each
  // ack's sCode says what became of its order.
  okx_reply<std::vector<okx_ack>>
  cancel_batch(const std::vector<std::pair<std::string, venue_order_id>>& orders,
               steady_deadline limit = steady_deadline::max());
  // One page (limit 100) of orders-pending, newest first; `after` an ordId
  // to page past (0: the first page).
  okx_reply<std::vector<okx_order>> orders_pending(const std::string& inst_id, int64_t after,
                                                   steady_deadline limit = steady_deadline::max());
  // Every page, until one is short.
  okx_reply<std::vector<okx_order>>
  all_orders_pending(const std::string& inst_id, steady_deadline limit = steady_deadline::max());
  okx_reply<okx_order> query(const std::string& inst_id, const std::string& cl_ord_id);
  okx_reply<std::vector<asset_balance>> balances();
  // POST trade/cancel-all-after; the venue's triggerTime (ms, 0 when disarmed).
  okx_reply<int64_t> cancel_all_after(int64_t seconds);

  void set_time_offset_ms(int64_t ms) { time_offset_ms_ = ms; }
  int64_t time_offset_ms() const { return time_offset_ms_; }
  std::chrono::milliseconds paused_for() const;

  // Atomics: read from other threads for stats.
  std::atomic<int64_t> requests{0};
  std::atomic<int64_t> rate_limited{0};  // 50011 / HTTP 429 answers
  std::atomic<int64_t> refused_paused{0}; // not sent during a pause

private:
  okx_reply<okx_envelope> call(boost::beast::http::verb method, const std::string& path,
                               const std::string& body, bool is_private, steady_deadline limit);
  // A single-order call: the envelope's first ack decides.
  okx_reply<okx_ack> order_call(const std::string& path, const std::string& body);

  okx_rest_config cfg_;
  http_client http_;
  int64_t time_offset_ms_ = 0;
  std::atomic<int64_t> paused_until_ns_{0}; // steady clock
};

} // namespace cwts::connector::okx
