#pragma once
// Kraken Spot REST (docs.kraken.com Spot REST API) over one keep-alive
// HTTP(S) connection: public GET /0/public/<Method>, private POST
// /0/private/<Method> form-encoded with a nonce (kraken_nonce.hpp) and
// signed (kraken_signer.hpp); every reply's envelope decoded
// (kraken_codec.hpp). Not thread-safe: the worker owns it.
//
// Failure semantics (reply_kind, as the Binance gateway's): `ok`,
// `rejected` (Kraken's error string: nothing happened), `not_sent` (surely
// not delivered: no byte left, no nonce could be reserved, or refused
// locally during a rate-limit pause) and `unknown` (it may have been
// executed: a timeout or a broken connection after the write, an HTTP 5xx,
// an unreadable success, EService:Unavailable / Busy). An order whose
// outcome is unknown is never resent: the caller queries it by cl_ord_id.
//
// "EAPI:Invalid nonce" means the request was refused before it ran: the
// nonce jumps ahead and the request is sent once more (counted), never more.
// Kraken's call counter is modelled here (kraken_call_budget.hpp): a
// private call is sent only when its cost fits under its priority's
// ceiling; else it waits for the decay (order work, at most `order_wait`)
// or is not sent (`not_sent`, counted in `deferred`: the background asks
// again on its next round). The kill switch's calls are never refused
// here: they wait for the decay when it comes before their deadline, else
// go at once (counted in `kill_unheld`): the model is our guess of the
// venue's counter, and only the venue may refuse a kill.
// Trading calls (AddOrder, AmendOrder, CancelOrder, CancelAll,
// CancelAllOrdersAfter) cost nothing on that counter and always go.
// "EAPI:Rate limit exceeded" fills the model (kraken_call_budget backs off).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "actors/connector/binance_rest_gateway.hpp"
#include "actors/connector/http_client.hpp"
#include "actors/connector/kraken/kraken_call_budget.hpp"
#include "actors/connector/kraken/kraken_codec.hpp"
#include "actors/connector/kraken/kraken_nonce.hpp"
#include "actors/connector/kraken/kraken_signer.hpp"

namespace cwts::connector::kraken {

struct kraken_rest_config {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  bool tls = false;
  std::string ca_file;
  kraken_credentials credentials;
  std::chrono::milliseconds request_timeout{2000};
  kraken_call_limits call_limits;
  // The longest an order-priority call waits for room on the call counter.
  std::chrono::milliseconds order_wait{0};
  std::string nonce_path; // empty: nonces in memory only (tests)
  uint64_t nonce_block = 60'000'000;
};

template <class T>
struct kraken_reply {
  reply_kind kind = reply_kind::unknown;
  T value{};
  std::string error;  // rejected / unknown: Kraken's error string(s)
  unsigned http_status = 0;
  std::string detail; // what happened, for logs and rejects
  int64_t rtt_ns = 0;

  bool ok() const { return kind == reply_kind::ok; }
};

using kraken_fields = std::vector<std::pair<std::string, std::string>>;

struct kraken_token {
  std::string token;
  int64_t expires_s = 0;
};

class kraken_rest {
public:
  explicit kraken_rest(kraken_rest_config cfg);

  // Loads the nonce reservation; empty when done, else why.
  std::string load_nonce() { return nonce_.load(); }

  kraken_reply<int64_t> server_time(); // unixtime, seconds
  kraken_reply<std::vector<kraken_pair_info>> asset_pairs(steady_deadline limit = steady_deadline::max());
  // AddOrder: the txid.
  kraken_reply<std::string> add_order(const kraken_fields& fields);
  // AmendOrder: the amend_id.
  kraken_reply<std::string> amend_order(const kraken_fields& fields);
  // CancelOrder by txid or cl_ord_id ("txid" / "cl_ord_id" field): the count.
  kraken_reply<int64_t> cancel_order(const kraken_fields& fields,
                                     steady_deadline limit = steady_deadline::max());
  kraken_reply<int64_t> cancel_all(steady_deadline limit = steady_deadline::max());
  // CancelAllOrdersAfter: the triggerTime ("0" / empty when disarmed).
  kraken_reply<std::string> cancel_all_after(int64_t seconds);
  // The queries below cost the call counter 1 each and wait as `p` may.
  // OpenOrders, optionally only the order with `cl_ord_id`.
  kraken_reply<std::vector<kraken_order>> open_orders(const std::string& cl_ord_id = {},
                                                      steady_deadline limit = steady_deadline::max(),
                                                      call_priority p = call_priority::order);
  // ClosedOrders of `cl_ord_id` (Kraken filters closed orders by it too).
  kraken_reply<std::vector<kraken_order>> closed_orders(const std::string& cl_ord_id,
                                                        call_priority p = call_priority::order);
  // QueryOrders of up to 50 txids.
  kraken_reply<std::vector<kraken_order>> query_orders(const std::vector<std::string>& txids,
                                                       call_priority p = call_priority::order);
  kraken_reply<std::vector<asset_balance>> balances();
  kraken_reply<kraken_token> websockets_token();

  // How long until the venue's counter, as modelled, takes one call again
  // at the kill's priority: non-zero only after "EAPI:Rate limit exceeded".
  std::chrono::milliseconds paused_for() const;
  // Whether a call of cost 1 at `p` would go now, without a wait.
  bool room_for(call_priority p) const;
  // The modelled call counter now.
  double call_counter() const;

  // Atomics: read from other threads for stats.
  std::atomic<int64_t> requests{0};
  std::atomic<int64_t> rate_limited{0};   // EAPI:Rate limit exceeded answers
  std::atomic<int64_t> deferred{0};       // not sent: no room on the call counter
  std::atomic<int64_t> budget_waits{0};   // sent after waiting for the decay
  std::atomic<int64_t> budget_wait_us{0}; // how long those waits took, in all
  std::atomic<int64_t> kill_unheld{0};    // kill calls sent although the model was full
  std::atomic<int64_t> nonce_errors{0};   // EAPI:Invalid nonce answers
  std::atomic<int64_t> nonce_resends{0};  // requests sent again after one

private:
  kraken_reply<kraken_envelope> call(const std::string& method, const kraken_fields& fields,
                                     bool is_private, steady_deadline limit,
                                     call_priority p = call_priority::order);
  // Waits for room on the call counter as `p` may: false when it did not fit.
  bool admit(double cost, call_priority p, steady_deadline limit, std::string& why);
  kraken_reply<kraken_envelope> send_once(const std::string& path, const kraken_fields& fields,
                                          bool is_private, steady_deadline limit, double cost);

  kraken_rest_config cfg_;
  std::string key_; // the decoded secret
  http_client http_;
  kraken_nonce nonce_;
  kraken_call_budget budget_;
};

} // namespace cwts::connector::kraken
