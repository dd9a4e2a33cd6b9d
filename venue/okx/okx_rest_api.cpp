#include "venue/okx/okx_rest_api.hpp"

#include "venue/okx/okx_auth.hpp"
#include "venue/okx/okx_json.hpp"

namespace cwts::venue {

okx_rest_api::okx_rest_api(rest_api& binance)
  : engine_(binance.engine()), keys_(binance.keys()), stats_(binance.stats()),
    faults_(binance.faults()), trade_(engine_, faults_, stats_) {
  engine_.on_trade([this](const public_trade& t) {
    market_.record(t);
    history_.record(t);
  });
}

http_reply okx_rest_api::error(const okx_error& e) {
  stats_.count_reject(e.code);
  return {e.http_status, okx_error_body(e), {}};
}

http_reply okx_rest_api::ok(std::string data_json) const {
  return {200, okx_envelope(okx_code::ok, "", data_json), {}};
}

http_reply okx_rest_api::handle(const http_request_view& req, int64_t now_ms) {
  ++stats_.requests;
  auto q = req.target.find('?');
  auto path = req.target.substr(0, q);
  auto query = q == std::string_view::npos ? std::string_view{} : req.target.substr(q + 1);
  // Fault plan: an injected outage is OKX's 50001 with HTTP 503; with
  // unavailable-executes the request still runs and only its reply is lost.
  const okx_error unavailable{okx_code::service_unavailable,
                              "Service temporarily unavailable. Please try again later.", 503};
  auto outage = faults_.take_unavailable();
  if (outage && !*outage) return error(unavailable);
  auto reply = route(req, path, query, now_ms);
  if (outage) reply = error(unavailable);
  return reply;
}

http_reply okx_rest_api::route(const http_request_view& req, std::string_view path,
                               std::string_view query, int64_t now_ms) {
  const auto& m = req.method;
  if (m == "GET") {
    if (path == "/api/v5/public/time") return public_get(path, query, &okx_rest_api::time, now_ms);
    if (path == "/api/v5/public/instruments")
      return public_get(path, query, &okx_rest_api::instruments, now_ms);
    if (path == "/api/v5/market/books") return public_get(path, query, &okx_rest_api::books, now_ms);
    if (path == "/api/v5/market/trades")
      return public_get(path, query, &okx_rest_api::trades, now_ms);
    if (path == "/api/v5/market/ticker")
      return public_get(path, query, &okx_rest_api::ticker, now_ms);
    if (path == "/api/v5/market/tickers")
      return public_get(path, query, &okx_rest_api::tickers, now_ms);
    if (path == "/api/v5/market/candles")
      return public_get(path, query, &okx_rest_api::candles, now_ms);
    if (path == "/api/v5/trade/order")
      return signed_get(req, path, query, &okx_rest_api::query_order, now_ms);
    if (path == "/api/v5/trade/orders-pending")
      return signed_get(req, path, query, &okx_rest_api::orders_pending, now_ms);
    if (path == "/api/v5/trade/orders-history")
      return signed_get(req, path, query, &okx_rest_api::orders_history, now_ms);
    if (path == "/api/v5/trade/fills")
      return signed_get(req, path, query, &okx_rest_api::fills, now_ms);
    if (path == "/api/v5/account/balance")
      return signed_get(req, path, query, &okx_rest_api::balance, now_ms);
  }
  if (m == "POST") {
    if (path == "/api/v5/trade/order") return signed_post(req, path, &okx_rest_api::place, now_ms);
    if (path == "/api/v5/trade/cancel-order")
      return signed_post(req, path, &okx_rest_api::cancel, now_ms);
    if (path == "/api/v5/trade/amend-order")
      return signed_post(req, path, &okx_rest_api::amend, now_ms);
    if (path == "/api/v5/trade/batch-orders")
      return signed_post(req, path, &okx_rest_api::place_batch, now_ms);
    if (path == "/api/v5/trade/cancel-batch-orders")
      return signed_post(req, path, &okx_rest_api::cancel_batch, now_ms);
    if (path == "/api/v5/trade/amend-batch-orders")
      return signed_post(req, path, &okx_rest_api::amend_batch, now_ms);
    if (path == "/api/v5/trade/cancel-all-after")
      return signed_post(req, path, &okx_rest_api::cancel_all_after, now_ms);
  }
  // A path this venue serves with another method: OKX's 50115.
  if (okx_rate_limit_of("GET", path) > 0 || okx_rate_limit_of("POST", path) > 0)
    return error({50115, "Invalid request method.", 405});
  return error({404, "Not Found", 404});
}

http_reply okx_rest_api::public_get(std::string_view path, std::string_view query,
                                    params_handler h, int64_t now_ms) {
  // Public endpoints are limited per IP; every client of this loopback
  // venue shares one.
  if (auto e = limits_.charge("GET", path, "", now_ms)) return error(*e);
  auto parsed = parse_params(query, {});
  if (auto e = std::get_if<venue_error>(&parsed))
    return error(okx_param_error("query", e->msg));
  return (this->*h)(std::get<request_params>(parsed), now_ms);
}

std::variant<const api_account*, okx_error>
okx_rest_api::authenticate(const http_request_view& req, int64_t now_ms) const {
  okx_credentials c;
  c.key = req.ok_access_key;
  c.sign = req.ok_access_sign;
  c.timestamp = req.ok_access_timestamp;
  c.passphrase = req.ok_access_passphrase;
  return okx_verify(keys_, c, req.method, req.target, req.body, now_ms);
}

http_reply okx_rest_api::signed_get(const http_request_view& req, std::string_view path,
                                    std::string_view query, private_get h, int64_t now_ms) {
  auto who = authenticate(req, now_ms);
  if (auto e = std::get_if<okx_error>(&who)) return error(*e);
  auto& account = std::get<const api_account*>(who)->name;
  if (auto e = limits_.charge("GET", path, account, now_ms)) return error(*e);
  auto parsed = parse_params(query, {});
  if (auto e = std::get_if<venue_error>(&parsed))
    return error(okx_param_error("query", e->msg));
  return (this->*h)(std::get<request_params>(parsed), account, now_ms);
}

http_reply okx_rest_api::signed_post(const http_request_view& req, std::string_view path,
                                     private_post h, int64_t now_ms) {
  auto who = authenticate(req, now_ms);
  if (auto e = std::get_if<okx_error>(&who)) return error(*e);
  auto& account = std::get<const api_account*>(who)->name;
  if (auto e = limits_.charge("POST", path, account, now_ms)) return error(*e);
  if (req.body.empty()) return error({50000, "Body can not be empty.", 400});
  auto parsed = parse_json(req.body);
  if (auto e = std::get_if<json_error>(&parsed))
    return error({okx_code::json_error,
                  "Json data format error (column " + std::to_string(e->column) + ").", 400});
  return (this->*h)(std::get<json_value>(parsed), account, now_ms);
}

http_reply okx_rest_api::batch_reply(const okx_batch& b, bool with_req_id) {
  if (b.error) return error(*b.error);
  json_writer w;
  w.begin_array();
  for (auto& r : b.results)
    write_okx_result(w, r, with_req_id);
  w.end_array();
  auto code = okx_batch_code(b.results);
  // Per-order failures were counted by sCode; the envelope's "1"/"2" is not
  // a further error.
  return {200, okx_envelope(code, okx_batch_msg(code), w.str_view()), {}};
}

std::vector<okx_rest_api::fired> okx_rest_api::tick(int64_t now_ms) {
  std::vector<fired> out;
  for (auto& account : dead_man_.expire(now_ms))
    out.push_back({account, trade_.cancel_everything(account, now_ms)});
  return out;
}

} // namespace cwts::venue
