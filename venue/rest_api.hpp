#pragma once
// The venue's Binance Spot REST surface, transport-free: the server hands it
// a request (method, target, X-MBX-APIKEY, body) and writes back the reply.
// Every error reply is counted by code in venue_stats.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "venue/fault_plan.hpp"
#include "venue/market_stats.hpp"
#include "venue/matching_engine.hpp"
#include "venue/request_auth.hpp"
#include "venue/order_json.hpp"
#include "venue/order_rate.hpp"
#include "venue/request_params.hpp"
#include "venue/request_weight.hpp"
#include "venue/trade_history.hpp"
#include "venue/venue_stats.hpp"

namespace cwts::venue {

struct http_request_view {
  std::string_view method;
  std::string_view target; // path and query, as received
  std::optional<std::string_view> api_key;
  std::string_view body;
  // OKX v5 signing headers (venue/okx/okx_auth.hpp), as received; the
  // Binance surface ignores them.
  std::optional<std::string_view> ok_access_key{};
  std::optional<std::string_view> ok_access_sign{};
  std::optional<std::string_view> ok_access_timestamp{};
  std::optional<std::string_view> ok_access_passphrase{};
};

struct http_reply {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers; // beyond Content-Type
};

class rest_api {
public:
  // Subscribes to the engine's trades (for /trades and the tickers).
  rest_api(matching_engine& engine, const key_store& keys, venue_stats& stats,
           int64_t request_weight_limit = default_request_weight_limit,
           order_limits orders = {});

  // Charges the request's weight, then routes it; every reply carries
  // X-MBX-USED-WEIGHT-1M.
  http_reply handle(const http_request_view& req, int64_t now_ms);
  matching_engine& engine() { return engine_; }
  const market_stats& market() const { return market_; }
  const key_store& keys() const { return keys_; }
  venue_stats& stats() { return stats_; }
  // Fault injection (docs/venue.md "Fault injection"): 503s and order
  // rejects are applied here, the rest by the server.
  fault_plan& faults() { return faults_; }

  // The REQUEST_WEIGHT counter every transport shares (one IP on Binance):
  // the -1003 error when this weight takes the minute over the limit.
  std::optional<venue_error> charge_weight(int64_t weight, int64_t now_ms) {
    return weights_.charge(weight, now_ms);
  }
  const weight_limiter& weights() const { return weights_; }
  // ORDERS limits per account (X-MBX-ORDER-COUNT-10S/1D, -1015).
  const order_rate& order_counts() const { return orders_; }
  // Counts the rejection by code and builds its {"code":…,"msg":…} reply.
  http_reply error(const venue_error& e);

  // Endpoint handlers, shared by the REST routes and the WebSocket API
  // (ws_api): validated parameters, the authenticated account, the time.
  using handler = http_reply (rest_api::*)(const request_params&, const std::string&,
                                           int64_t);
  using public_handler = http_reply (rest_api::*)(const request_params&, int64_t);
  http_reply ping() const { return {200, "{}", {}}; }
  http_reply server_time(int64_t now_ms) const;
  // `symbol` / `symbols` / neither (all), as the tickers read them.
  http_reply exchange_info(const request_params& p, int64_t now_ms);
  http_reply new_order(const request_params& p, const std::string& account, int64_t now);
  http_reply cancel_order(const request_params& p, const std::string& account, int64_t now);
  // POST /api/v3/order/cancelReplace (rest_replace.cpp).
  http_reply cancel_replace(const request_params& p, const std::string& account, int64_t now);
  // PUT /api/v3/order/amend/keepPriority (rest_replace.cpp).
  http_reply amend_keep_priority(const request_params& p, const std::string& account,
                                 int64_t now);
  http_reply query_order(const request_params& p, const std::string& account, int64_t now);
  http_reply open_orders(const request_params& p, const std::string& account, int64_t now);
  http_reply cancel_open_orders(const request_params& p, const std::string& account,
                                int64_t now);
  // Account endpoints (rest_account.cpp).
  http_reply account(const request_params& p, const std::string& account, int64_t now);
  http_reply all_orders(const request_params& p, const std::string& account, int64_t now);
  http_reply my_trades(const request_params& p, const std::string& account, int64_t now);
  // Market data (rest_market.cpp).
  http_reply depth(const request_params& p, int64_t now);
  http_reply trades(const request_params& p, int64_t now);
  http_reply ticker_price(const request_params& p, int64_t now);
  http_reply avg_price(const request_params& p, int64_t now);
  http_reply book_ticker(const request_params& p, int64_t now);
  http_reply ticker_24hr(const request_params& p, int64_t now);
  // Trade history (rest_history.cpp): historicalTrades, aggTrades, klines
  // (uiKlines serves the same bars).
  http_reply historical_trades(const request_params& p, int64_t now);
  http_reply agg_trades(const request_params& p, int64_t now);
  http_reply klines(const request_params& p, int64_t now);

private:
  http_reply route(const http_request_view& req, std::string_view path,
                   std::string_view query, int64_t now_ms);
  http_reply signed_call(const http_request_view& req, std::string_view query,
                         handler h, int64_t now_ms);
  http_reply public_call(std::string_view query, public_handler h, int64_t now_ms);
  // MARKET_DATA security (rest-api.md): X-MBX-APIKEY must name an account,
  // no signature.
  http_reply keyed_call(const http_request_view& req, std::string_view query, public_handler h,
                        int64_t now_ms);
  // GET /venue/faults shows the plan, POST arms it (query or form body).
  http_reply fault_admin(const http_request_view& req, std::string_view query);
  // A validated new order (rest_orders.cpp), shared by POST /api/v3/order
  // and cancelReplace.
  struct new_order_request {
    place_request req;
    new_order_resp_type resp_type = new_order_resp_type::full;
  };
  std::variant<new_order_request, venue_error> read_new_order(const request_params& p,
                                                              const std::string& account);
  // The order's reply JSON, or the engine's refusal (not counted here).
  std::variant<std::string, venue_error> place_new_order(const new_order_request& r,
                                                         int64_t now);
  // Adds X-MBX-ORDER-COUNT-10S and -1D (rest-api.md "Unfilled Order Count").
  http_reply with_order_counts(http_reply r, const std::string& account, int64_t now);
  http_reply exchange_info_json(int64_t now_ms, const std::vector<symbol>& only) const;

  matching_engine& engine_;
  const key_store& keys_;
  venue_stats& stats_;
  weight_limiter weights_;
  order_rate orders_;
  int64_t amend_executions_ = 0; // "executionId" of amend replies
  market_stats market_;
  trade_history history_;
  fault_plan faults_;
};

} // namespace cwts::venue
