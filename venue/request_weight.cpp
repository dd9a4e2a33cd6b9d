#include "venue/request_weight.hpp"

#include <algorithm>
#include <charconv>
#include <string>

namespace cwts::venue {

namespace {

constexpr int64_t minute_ms = 60 * 1000;

// rest-api.md "Order book": weight adjusted by limit (default 100).
int64_t depth_weight(const request_params& query) {
  int64_t limit = 100;
  if (auto text = query.get("limit")) {
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec == std::errc() && ptr == text->data() + text->size()) limit = v;
  }
  if (limit <= 100) return 5;
  if (limit <= 500) return 25;
  if (limit <= 1000) return 50;
  return 250;
}

} // namespace

int64_t request_weight(std::string_view method, std::string_view path,
                       const request_params& query) {
  bool one_symbol = query.has("symbol");
  bool listed = query.has("symbols");
  if (path == "/api/v3/ping" || path == "/api/v3/time") return 1;
  if (path == "/api/v3/exchangeInfo") return 20;
  if (path == "/api/v3/depth") return depth_weight(query);
  if (path == "/api/v3/trades") return 25;
  if (path == "/api/v3/avgPrice") return 2;
  // rest-api.md: aggTrades 4, historicalTrades 25, klines and uiKlines 2.
  if (path == "/api/v3/aggTrades") return 4;
  if (path == "/api/v3/historicalTrades") return 25;
  if (path == "/api/v3/klines" || path == "/api/v3/uiKlines") return 2;
  if (path == "/api/v3/ticker/price" || path == "/api/v3/ticker/bookTicker")
    return one_symbol ? 2 : 4;
  if (path == "/api/v3/ticker/24hr") {
    if (one_symbol) return 2;
    if (!listed) return 80;
    // 1-20 symbols: 2, 21-100: 40, 101 or more: 80 (counted by their commas).
    auto n = 1 + std::count(query.get("symbols")->begin(), query.get("symbols")->end(), ',');
    return n <= 20 ? 2 : n <= 100 ? 40 : 80;
  }
  if (path == "/api/v3/order") return method == "GET" ? 4 : 1;
  if (path == "/api/v3/order/cancelReplace") return 1;
  if (path == "/api/v3/order/amend/keepPriority") return 4;
  if (path == "/api/v3/openOrders") {
    if (method == "DELETE") return 1;
    return one_symbol ? 6 : 80;
  }
  if (path == "/api/v3/allOrders" || path == "/api/v3/account") return 20;
  if (path == "/api/v3/myTrades") return query.has("orderId") ? 5 : 20;
  return 1;
}

int64_t ws_api_request_weight(std::string_view method, const request_params& params) {
  struct mirror {
    std::string_view ws_method, http_method, path;
  };
  static constexpr mirror mirrors[] = {
    {"ping", "GET", "/api/v3/ping"},
    {"time", "GET", "/api/v3/time"},
    {"exchangeInfo", "GET", "/api/v3/exchangeInfo"},
    {"depth", "GET", "/api/v3/depth"},
    {"trades.recent", "GET", "/api/v3/trades"},
    {"trades.historical", "GET", "/api/v3/historicalTrades"},
    {"trades.aggregate", "GET", "/api/v3/aggTrades"},
    {"klines", "GET", "/api/v3/klines"},
    {"uiKlines", "GET", "/api/v3/uiKlines"},
    {"avgPrice", "GET", "/api/v3/avgPrice"},
    {"ticker.price", "GET", "/api/v3/ticker/price"},
    {"ticker.book", "GET", "/api/v3/ticker/bookTicker"},
    {"ticker.24hr", "GET", "/api/v3/ticker/24hr"},
    {"order.place", "POST", "/api/v3/order"},
    {"order.cancel", "DELETE", "/api/v3/order"},
    {"order.status", "GET", "/api/v3/order"},
    {"order.cancelReplace", "POST", "/api/v3/order/cancelReplace"},
    {"order.amend.keepPriority", "PUT", "/api/v3/order/amend/keepPriority"},
    {"openOrders.status", "GET", "/api/v3/openOrders"},
    {"openOrders.cancelAll", "DELETE", "/api/v3/openOrders"},
    {"allOrders", "GET", "/api/v3/allOrders"},
    {"myTrades", "GET", "/api/v3/myTrades"},
    {"account.status", "GET", "/api/v3/account"},
  };
  for (auto& m : mirrors)
    if (m.ws_method == method) return request_weight(m.http_method, m.path, params);
  if (method.substr(0, 8) == "session." || method.substr(0, 15) == "userDataStream.") return 2;
  return 1;
}

std::optional<venue_error> weight_limiter::charge(int64_t weight, int64_t now_ms) {
  auto minute = now_ms / minute_ms;
  if (minute != minute_) {
    minute_ = minute;
    used_ = 0;
  }
  used_ += weight;
  if (used_ <= limit_) return std::nullopt;
  // errors.md -1003 TOO_MANY_REQUESTS; HTTP 429 (rest-api.md "LIMITS").
  return venue_error{-1003,
                     "Too much request weight used; current limit is " + std::to_string(limit_)
                       + " request weight per 1 MINUTE. Please use WebSocket Streams for live "
                         "updates to avoid polling the API.",
                     429};
}

int64_t weight_limiter::used(int64_t now_ms) const {
  return now_ms / minute_ms == minute_ ? used_ : 0;
}

int64_t weight_limiter::retry_after_s(int64_t now_ms) const {
  auto left_ms = minute_ms - now_ms % minute_ms;
  return (left_ms + 999) / 1000;
}

} // namespace cwts::venue
