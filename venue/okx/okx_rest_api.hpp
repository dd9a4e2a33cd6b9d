#pragma once
// cwts-venue's OKX v5 REST surface (docs: OKX API v5 "REST API"), over the
// same matching engine, accounts, balances, fault plan and stats as the
// Binance surface (rest_api). Transport-free: the server routes every
// request whose path starts with /api/v5/ to handle(), and calls tick()
// periodically so cancel-all-after fires without a request.
//
// Replies use OKX's envelope {"code":"0","msg":"","data":[...]}; every
// error reply (and every failed order of a batch, by sCode) is counted in
// venue_stats' per-code rejects (OKX codes are positive, Binance's negative).
// Rate limits are OKX's per-endpoint limits over 2 s windows (per account
// for private endpoints, per client IP for public ones: the venue listens
// on loopback, so all public requests share one IP); past one: HTTP 429,
// code 50011. Fault plan: unavailable-requests -> HTTP 503 code 50001
// (executed or not as unavailable-executes says), reject-orders -> the
// order's sCode (-2010 -> 51008, -1003 -> 50011, -1021 -> 50102); latency-ms
// is applied by the server as for the Binance surface.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "venue/okx/okx_dead_man.hpp"
#include "venue/okx/okx_errors.hpp"
#include "venue/okx/okx_rate_limit.hpp"
#include "venue/okx/okx_trade.hpp"
#include "venue/rest_api.hpp"
#include "venue/trade_history.hpp"

namespace cwts::venue {

class okx_rest_api {
public:
  // Shares the Binance surface's engine, keys, stats and fault plan;
  // subscribes to the engine's trades (market/trades, ticker, candles).
  explicit okx_rest_api(rest_api& binance);

  // True for the paths this surface serves (/api/v5/...).
  static bool serves(std::string_view target) { return target.substr(0, 8) == "/api/v5/"; }
  http_reply handle(const http_request_view& req, int64_t now_ms);

  // Fires the cancel-all-after timers that ran out by now: every open order
  // of those accounts is canceled. Returns one entry per fired account.
  struct fired {
    std::string account;
    size_t canceled = 0;
  };
  std::vector<fired> tick(int64_t now_ms);

  okx_trade& trade() { return trade_; }
  // Per-endpoint request counts, shared with the WebSocket order ops.
  okx_rate_limit& rate_limits() { return limits_; }
  const okx_dead_man& dead_man() const { return dead_man_; }
  matching_engine& engine() { return engine_; }
  const key_store& keys() const { return keys_; }
  // Counts an OKX error by code and builds its reply.
  http_reply error(const okx_error& e);

private:
  http_reply route(const http_request_view& req, std::string_view path, std::string_view query,
                   int64_t now_ms);
  // The query parameters; an error reply when the query does not parse.
  using params_handler = http_reply (okx_rest_api::*)(const request_params&, int64_t);
  using private_get = http_reply (okx_rest_api::*)(const request_params&, const std::string&,
                                                   int64_t);
  using private_post = http_reply (okx_rest_api::*)(const json_value&, const std::string&,
                                                    int64_t);
  http_reply public_get(std::string_view path, std::string_view query, params_handler h,
                        int64_t now_ms);
  http_reply signed_get(const http_request_view& req, std::string_view path,
                        std::string_view query, private_get h, int64_t now_ms);
  http_reply signed_post(const http_request_view& req, std::string_view path, private_post h,
                         int64_t now_ms);
  std::variant<const api_account*, okx_error> authenticate(const http_request_view& req,
                                                           int64_t now_ms) const;
  http_reply ok(std::string data_json) const;
  http_reply batch_reply(const okx_batch& b, bool with_req_id);

  // Public endpoints (okx_public.cpp, okx_market.cpp).
  http_reply time(const request_params& p, int64_t now_ms);
  http_reply instruments(const request_params& p, int64_t now_ms);
  http_reply books(const request_params& p, int64_t now_ms);
  http_reply trades(const request_params& p, int64_t now_ms);
  http_reply ticker(const request_params& p, int64_t now_ms);
  http_reply tickers(const request_params& p, int64_t now_ms);
  http_reply candles(const request_params& p, int64_t now_ms);
  // Trade endpoints (okx_rest_trade.cpp).
  http_reply place(const json_value& body, const std::string& account, int64_t now_ms);
  http_reply cancel(const json_value& body, const std::string& account, int64_t now_ms);
  http_reply amend(const json_value& body, const std::string& account, int64_t now_ms);
  http_reply place_batch(const json_value& body, const std::string& account, int64_t now_ms);
  http_reply cancel_batch(const json_value& body, const std::string& account, int64_t now_ms);
  http_reply amend_batch(const json_value& body, const std::string& account, int64_t now_ms);
  http_reply cancel_all_after(const json_value& body, const std::string& account,
                              int64_t now_ms);
  // Queries (okx_rest_queries.cpp).
  http_reply query_order(const request_params& p, const std::string& account, int64_t now_ms);
  http_reply orders_pending(const request_params& p, const std::string& account,
                            int64_t now_ms);
  http_reply orders_history(const request_params& p, const std::string& account,
                            int64_t now_ms);
  http_reply fills(const request_params& p, const std::string& account, int64_t now_ms);
  http_reply balance(const request_params& p, const std::string& account, int64_t now_ms);

  matching_engine& engine_;
  const key_store& keys_;
  venue_stats& stats_;
  fault_plan& faults_;
  okx_trade trade_;
  okx_rate_limit limits_;
  okx_dead_man dead_man_;
  market_stats market_;
  trade_history history_;
};

} // namespace cwts::venue
