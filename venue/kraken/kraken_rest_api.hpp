#pragma once
// cwts-venue's Kraken Spot REST surface (docs.kraken.com "Spot REST API"),
// over the same matching engine, accounts, balances, fault plan and stats
// as the Binance and OKX surfaces. Transport-free: the server routes every
// request whose path starts with /0/ to handle(), and calls tick()
// periodically so CancelAllOrdersAfter and GTD expiry fire without a
// request.
//
//   GET (or POST) /0/public/<Method>: Time, SystemStatus, Assets,
//     AssetPairs, Ticker, Depth, Trades, OHLC, Spread.
//   POST /0/private/<Method> (signed, kraken_auth.hpp): Balance, BalanceEx,
//     AddOrder, AddOrderBatch, AmendOrder, EditOrder, CancelOrder,
//     CancelOrderBatch, CancelAll, CancelAllOrdersAfter, OpenOrders, ClosedOrders,
//     QueryOrders, TradesHistory, GetWebSocketsToken.
//
// Replies use Kraken's envelope {"error":[],"result":{...}}, errors with
// HTTP 200 as Kraken answers them (an unknown method: 404 "EGeneral:Unknown
// method"); every error reply (and every failed order of a batch) is
// counted by its string (errors()). Rate limits: kraken_rate_limit.hpp.
// Fault plan: unavailable-requests -> "EService:Unavailable" (the request
// still runs when unavailable-executes is set: only its reply is lost);
// reject-orders -> the order's refusal in Kraken's terms (-2010 ->
// "EOrder:Insufficient funds", -1003 -> "EOrder:Rate limit exceeded",
// -1021 -> "EAPI:Invalid nonce"); latency-ms is applied by the server.

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "venue/kraken/kraken_auth.hpp"
#include "venue/kraken/kraken_errors.hpp"
#include "venue/kraken/kraken_params.hpp"
#include "venue/kraken/kraken_rate_limit.hpp"
#include "venue/kraken/kraken_tokens.hpp"
#include "venue/kraken/kraken_trade.hpp"
#include "venue/rest_api.hpp"
#include "venue/trade_history.hpp"

namespace cwts::venue {

// What the server hands over of an HTTP request.
struct kraken_http_request {
  std::string_view method;
  std::string_view target; // path and query, as received
  std::string_view body;
  std::optional<std::string_view> api_key{};      // API-Key
  std::optional<std::string_view> api_sign{};     // API-Sign
  std::optional<std::string_view> content_type{}; // Content-Type
};

class kraken_rest_api {
public:
  // Shares the Binance surface's engine, keys, stats and fault plan; its
  // rate limits scale with the venue's (kraken_limits_for).
  explicit kraken_rest_api(rest_api& binance);
  kraken_rest_api(rest_api& binance, kraken_limits limits);

  // True for the paths this surface serves (/0/...).
  static bool serves(std::string_view target) { return target.substr(0, 3) == "/0/"; }
  http_reply handle(const kraken_http_request& req, int64_t now_ms);

  // Fires the dead-man timers that ran out, expires GTD orders and samples
  // each pair's best bid/ask for Spread (the server calls it every 100 ms).
  kraken_trade::tick_result tick(int64_t now_ms);

  kraken_trade& trade() { return trade_; }
  kraken_tokens& tokens() { return tokens_; }
  kraken_error_counts& errors() { return errors_; }
  const kraken_call_limit& call_limits() const { return calls_; }
  const kraken_nonces& nonces() const { return nonces_; }
  matching_engine& engine() { return engine_; }
  // Accounts whose secret is not base64: they cannot sign Kraken requests.
  const std::vector<std::string>& unusable_accounts() const { return unusable_; }
  // Counts the error by its string and builds its reply.
  http_reply error(const kraken_error& e);

  // Spread history kept per pair (Kraken's Spread endpoint: recent
  // best-bid/best-ask changes).
  static constexpr size_t max_spreads = 1000;

private:
  using public_handler = http_reply (kraken_rest_api::*)(const request_params&, int64_t);
  using private_handler = http_reply (kraken_rest_api::*)(const kraken_args&, const std::string&,
                                                          int64_t);
  http_reply route(const kraken_http_request& req, std::string_view path, std::string_view query,
                   int64_t now_ms);
  http_reply public_call(const kraken_http_request& req, std::string_view query, public_handler h,
                         int64_t now_ms);
  http_reply private_call(const kraken_http_request& req, std::string_view path,
                          std::string_view method, private_handler h, int64_t now_ms);
  http_reply ok(std::string_view result_json) const;
  // The pair named by `pair` (any of Kraken's names); nullptr after an
  // error reply was stored in `err`.
  const symbol_rules* pair_param(const request_params& p, std::optional<kraken_error>& err) const;
  void record_spreads(int64_t now_ms);

  // Public endpoints (kraken_market.cpp).
  http_reply time(const request_params& p, int64_t now_ms);
  http_reply system_status(const request_params& p, int64_t now_ms);
  http_reply assets(const request_params& p, int64_t now_ms);
  http_reply asset_pairs(const request_params& p, int64_t now_ms);
  http_reply ticker(const request_params& p, int64_t now_ms);
  http_reply depth(const request_params& p, int64_t now_ms);
  http_reply trades(const request_params& p, int64_t now_ms);
  http_reply ohlc(const request_params& p, int64_t now_ms);
  http_reply spread(const request_params& p, int64_t now_ms);
  // Trading (kraken_rest_trade.cpp).
  http_reply add_order(const kraken_args& a, const std::string& account, int64_t now_ms);
  http_reply add_order_batch(const kraken_args& a, const std::string& account, int64_t now_ms);
  http_reply amend_order(const kraken_args& a, const std::string& account, int64_t now_ms);
  http_reply edit_order(const kraken_args& a, const std::string& account, int64_t now_ms);
  http_reply cancel_order(const kraken_args& a, const std::string& account, int64_t now_ms);
  http_reply cancel_order_batch(const kraken_args& a, const std::string& account,
                                int64_t now_ms);
  http_reply cancel_all(const kraken_args& a, const std::string& account, int64_t now_ms);
  http_reply cancel_all_after(const kraken_args& a, const std::string& account, int64_t now_ms);
  http_reply websockets_token(const kraken_args& a, const std::string& account, int64_t now_ms);
  // Account queries (kraken_rest_queries.cpp).
  http_reply balance(const kraken_args& a, const std::string& account, int64_t now_ms);
  http_reply balance_ex(const kraken_args& a, const std::string& account, int64_t now_ms);
  http_reply open_orders(const kraken_args& a, const std::string& account, int64_t now_ms);
  http_reply closed_orders(const kraken_args& a, const std::string& account, int64_t now_ms);
  http_reply query_orders(const kraken_args& a, const std::string& account, int64_t now_ms);
  http_reply trades_history(const kraken_args& a, const std::string& account, int64_t now_ms);

  struct spread_entry {
    int64_t time_s = 0;
    price bid, ask;
  };

  matching_engine& engine_;
  const key_store& keys_;
  venue_stats& stats_;
  fault_plan& faults_;
  kraken_error_counts& errors_; // the venue's stats (GET /venue/stats)
  kraken_trade trade_;
  kraken_call_limit calls_;
  kraken_nonces nonces_;
  kraken_tokens tokens_;
  const market_stats& market_;
  trade_history history_;
  std::map<symbol, std::deque<spread_entry>> spreads_;
  std::vector<std::string> unusable_;
};

// A limit order request read from AddOrder's (or one batch entry's)
// parameters; `pair` from the entry or the batch's top level.
std::variant<kraken_order_request, kraken_error>
read_kraken_order(const request_params& p, const symbol_rules* pair, int64_t now_ms);

} // namespace cwts::venue
