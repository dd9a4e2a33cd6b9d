#include "venue/rest_api.hpp"

#include <algorithm>

#include "venue/json_writer.hpp"
#include "venue/rest_params.hpp"

namespace cwts::venue {

namespace {

void write_filters(json_writer& w, const symbol_rules& r) {
  // filters.md shapes; NOTIONAL's applyMinToMarket/applyMaxToMarket tell a
  // client how MARKET orders are checked (see check_filters).
  w.key("filters").begin_array()
    .begin_object().field("filterType", "PRICE_FILTER")
    .field("minPrice", r.min_price.to_string()).field("maxPrice", r.max_price.to_string())
    .field("tickSize", r.tick_size.to_string()).end_object()
    .begin_object().field("filterType", "LOT_SIZE")
    .field("minQty", r.min_qty.to_string()).field("maxQty", r.max_qty.to_string())
    .field("stepSize", r.step_size.to_string()).end_object()
    .begin_object().field("filterType", "PERCENT_PRICE_BY_SIDE")
    .field("bidMultiplierUp", r.bid_multiplier_up.to_string())
    .field("bidMultiplierDown", r.bid_multiplier_down.to_string())
    .field("askMultiplierUp", r.ask_multiplier_up.to_string())
    .field("askMultiplierDown", r.ask_multiplier_down.to_string())
    .field_num("avgPriceMins", 0).end_object()
    .begin_object().field("filterType", "NOTIONAL")
    .field("minNotional", r.min_notional.to_string()).field_bool("applyMinToMarket", true)
    .field("maxNotional", r.max_notional.to_string()).field_bool("applyMaxToMarket", false)
    .field_num("avgPriceMins", 0).end_object()
    .begin_object().field("filterType", "MAX_NUM_ORDERS")
    .field_num("maxNumOrders", r.max_num_orders).end_object()
    .end_array();
}

void write_symbol(json_writer& w, const symbol_rules& r) {
  w.begin_object()
    .field("symbol", r.sym.view()).field("status", "TRADING")
    .field("baseAsset", r.base_asset).field_num("baseAssetPrecision", 8)
    .field("quoteAsset", r.quote_asset).field_num("quotePrecision", 8)
    .field_num("quoteAssetPrecision", 8).field_num("baseCommissionPrecision", 8)
    .field_num("quoteCommissionPrecision", 8)
    .key("orderTypes").begin_array().str("LIMIT").str("LIMIT_MAKER").str("MARKET").end_array()
    .field_bool("icebergAllowed", false).field_bool("ocoAllowed", false)
    .field_bool("otoAllowed", false).field_bool("quoteOrderQtyMarketAllowed", false)
    .field_bool("allowTrailingStop", false).field_bool("cancelReplaceAllowed", true)
    .field_bool("isSpotTradingAllowed", true).field_bool("isMarginTradingAllowed", false)
    .field_bool("amendAllowed", true);
  write_filters(w, r);
  w.key("permissions").begin_array().end_array()
    .key("permissionSets").begin_array().begin_array().str("SPOT").end_array().end_array()
    .field("defaultSelfTradePreventionMode", "NONE")
    .key("allowedSelfTradePreventionModes").begin_array().str("NONE").str("EXPIRE_TAKER")
    .str("EXPIRE_MAKER").str("EXPIRE_BOTH").end_array()
    .end_object();
}

} // namespace

http_reply rest_api::error(const venue_error& e) {
  stats_.count_reject(e.code);
  json_writer w;
  w.begin_object().field_num("code", e.code).field("msg", e.msg).end_object();
  return http_reply{e.http_status, w.take(), {}};
}

http_reply rest_api::server_time(int64_t now_ms) const {
  return {200, "{\"serverTime\":" + std::to_string(now_ms) + "}", {}};
}

http_reply rest_api::exchange_info(const request_params& p, int64_t now_ms) {
  auto syms = requested_symbols(p, engine_);
  if (auto e = std::get_if<venue_error>(&syms)) return error(*e);
  return exchange_info_json(now_ms, std::get<std::vector<symbol>>(syms));
}

http_reply rest_api::exchange_info_json(int64_t now_ms, const std::vector<symbol>& only) const {
  json_writer w;
  w.begin_object().field("timezone", "UTC").field_num("serverTime", now_ms)
    .key("rateLimits").begin_array()
    .begin_object().field("rateLimitType", "REQUEST_WEIGHT").field("interval", "MINUTE")
    .field_num("intervalNum", 1).field_num("limit", weights_.limit()).end_object()
    .begin_object().field("rateLimitType", "ORDERS").field("interval", "SECOND")
    .field_num("intervalNum", 10).field_num("limit", orders_.limits().per_10s).end_object()
    .begin_object().field("rateLimitType", "ORDERS").field("interval", "DAY")
    .field_num("intervalNum", 1).field_num("limit", orders_.limits().per_day).end_object()
    .end_array()
    .key("exchangeFilters").begin_array().end_array()
    .key("symbols").begin_array();
  for (auto& r : engine_.all_rules())
    if (std::find(only.begin(), only.end(), r.sym) != only.end())
      write_symbol(w, r);
  w.end_array().end_object();
  return http_reply{200, w.take(), {}};
}

rest_api::rest_api(matching_engine& engine, const key_store& keys, venue_stats& stats,
                   int64_t request_weight_limit, order_limits orders)
  : engine_(engine), keys_(keys), stats_(stats), weights_(request_weight_limit), orders_(orders) {
  engine_.on_trade([this](const public_trade& t) {
    market_.record(t);
    history_.record(t);
  });
}

http_reply rest_api::handle(const http_request_view& req, int64_t now_ms) {
  ++stats_.requests;
  auto q = req.target.find('?');
  auto path = req.target.substr(0, q);
  auto query = q == std::string_view::npos ? std::string_view{} : req.target.substr(q + 1);
  // The weight depends on query parameters only (depth limit, symbol,
  // orderId); a query that does not parse weighs as if it had none.
  auto parsed = parse_params(query, {});
  auto* params = std::get_if<request_params>(&parsed);
  auto weight = request_weight(req.method, path, params ? *params : request_params{});
  http_reply reply;
  // Injected 503s spare the venue's own admin endpoints, so faults can be
  // turned off again.
  auto unavailable = path.substr(0, 7) == "/venue/" ? std::nullopt : faults_.take_unavailable();
  if (auto e = weights_.charge(weight, now_ms)) {
    reply = error(*e);
    reply.headers.emplace_back("Retry-After", std::to_string(weights_.retry_after_s(now_ms)));
  } else if (unavailable && !*unavailable) {
    reply = error(unavailable_error());
  } else {
    reply = route(req, path, query, now_ms);
    // Executed, but the client only learns that its status is unknown.
    if (unavailable) reply = error(unavailable_error());
  }
  reply.headers.emplace_back("X-MBX-USED-WEIGHT-1M", std::to_string(weights_.used(now_ms)));
  return reply;
}

http_reply rest_api::route(const http_request_view& req, std::string_view path,
                           std::string_view query, int64_t now_ms) {
  const auto& m = req.method;
  if (path == "/api/v3/ping" && m == "GET") return ping();
  if (path == "/api/v3/time" && m == "GET") return server_time(now_ms);
  if (path == "/api/v3/exchangeInfo" && m == "GET")
    return public_call(query, &rest_api::exchange_info, now_ms);
  if (path == "/venue/stats" && m == "GET") return {200, stats_.to_json(faults_.counters()), {}};
  if (path == "/venue/faults") return fault_admin(req, query);
  if (m == "GET") {
    if (path == "/api/v3/depth") return public_call(query, &rest_api::depth, now_ms);
    if (path == "/api/v3/trades") return public_call(query, &rest_api::trades, now_ms);
    if (path == "/api/v3/avgPrice") return public_call(query, &rest_api::avg_price, now_ms);
    if (path == "/api/v3/ticker/price")
      return public_call(query, &rest_api::ticker_price, now_ms);
    if (path == "/api/v3/ticker/bookTicker")
      return public_call(query, &rest_api::book_ticker, now_ms);
    if (path == "/api/v3/ticker/24hr") return public_call(query, &rest_api::ticker_24hr, now_ms);
    if (path == "/api/v3/aggTrades") return public_call(query, &rest_api::agg_trades, now_ms);
    if (path == "/api/v3/klines" || path == "/api/v3/uiKlines")
      return public_call(query, &rest_api::klines, now_ms);
    if (path == "/api/v3/historicalTrades")
      return keyed_call(req, query, &rest_api::historical_trades, now_ms);
  }
  if (path == "/api/v3/order/amend/keepPriority" && m == "PUT")
    return signed_call(req, query, &rest_api::amend_keep_priority, now_ms);
  if (path == "/api/v3/order/cancelReplace" && m == "POST")
    return signed_call(req, query, &rest_api::cancel_replace, now_ms);
  if (path == "/api/v3/order") {
    if (m == "POST") return signed_call(req, query, &rest_api::new_order, now_ms);
    if (m == "DELETE") return signed_call(req, query, &rest_api::cancel_order, now_ms);
    if (m == "GET") return signed_call(req, query, &rest_api::query_order, now_ms);
  }
  if (m == "GET") {
    if (path == "/api/v3/account") return signed_call(req, query, &rest_api::account, now_ms);
    if (path == "/api/v3/allOrders")
      return signed_call(req, query, &rest_api::all_orders, now_ms);
    if (path == "/api/v3/myTrades") return signed_call(req, query, &rest_api::my_trades, now_ms);
  }
  if (path == "/api/v3/openOrders") {
    if (m == "GET") return signed_call(req, query, &rest_api::open_orders, now_ms);
    if (m == "DELETE") return signed_call(req, query, &rest_api::cancel_open_orders, now_ms);
  }
  // Not an endpoint this venue serves (errors.md has no code for it; Binance
  // answers an HTTP 404 too).
  ++stats_.rejects[0];
  return {404, "{\"code\":-1000,\"msg\":\"Unknown endpoint or method.\"}", {}};
}

http_reply rest_api::fault_admin(const http_request_view& req, std::string_view query) {
  if (req.method == "GET") return {200, faults_.to_json(), {}};
  if (req.method != "POST") return {405, "{\"code\":-1000,\"msg\":\"Use GET or POST.\"}", {}};
  auto parsed = parse_params(query, req.body);
  auto bad = [](const std::string& reason) {
    // Not a Binance endpoint: -1130 with the reason, not counted as a reject.
    json_writer w;
    w.begin_object().field_num("code", -1130).field("msg", reason).end_object();
    return http_reply{400, w.take(), {}};
  };
  if (auto e = std::get_if<venue_error>(&parsed)) return bad(e->msg);
  auto& params = std::get<request_params>(parsed);
  if (params.size() == 0) return bad("no fault given (see docs/venue.md \"Fault injection\")");
  if (auto e = faults_.apply(params.items(), fault_source::admin)) return bad(*e);
  return {200, faults_.to_json(), {}};
}

http_reply rest_api::public_call(std::string_view query, public_handler h, int64_t now_ms) {
  // rest-api.md: GET parameters come only from the query string.
  auto parsed = parse_params(query, {});
  if (auto e = std::get_if<venue_error>(&parsed)) return error(*e);
  return (this->*h)(std::get<request_params>(parsed), now_ms);
}

http_reply rest_api::keyed_call(const http_request_view& req, std::string_view query,
                                public_handler h, int64_t now_ms) {
  if (auto e = check_api_key(keys_, req.api_key)) return error(*e);
  return public_call(query, h, now_ms);
}

http_reply rest_api::signed_call(const http_request_view& req, std::string_view query,
                                 handler h, int64_t now_ms) {
  // rest-api.md: GET parameters come only from the query string.
  auto body = req.method == "GET" ? std::string_view{} : req.body;
  auto parsed = parse_params(query, body);
  if (auto e = std::get_if<venue_error>(&parsed)) return error(*e);
  auto& params = std::get<request_params>(parsed);
  auto who = authenticate(keys_, req.api_key, query, body, params, now_ms);
  if (auto e = std::get_if<venue_error>(&who)) return error(*e);
  return (this->*h)(params, std::get<std::string>(who), now_ms);
}

} // namespace cwts::venue
