#include "venue/okx/okx_rate_limit.hpp"

namespace cwts::venue {

namespace {

struct limit_row {
  std::string_view method;
  std::string_view path;
  int64_t per_2s;
};

// OKX v5 API docs, "Rate Limit" of each endpoint (requests per 2 s).
constexpr limit_row rows[] = {
  {"GET", "/api/v5/public/time", 10},
  {"GET", "/api/v5/public/instruments", 20},
  {"GET", "/api/v5/market/books", 40},
  {"GET", "/api/v5/market/trades", 100},
  {"GET", "/api/v5/market/ticker", 20},
  {"GET", "/api/v5/market/tickers", 20},
  {"GET", "/api/v5/market/candles", 40},
  {"POST", "/api/v5/trade/order", 60},
  {"POST", "/api/v5/trade/cancel-order", 60},
  {"POST", "/api/v5/trade/amend-order", 60},
  {"POST", "/api/v5/trade/batch-orders", 300},
  {"POST", "/api/v5/trade/cancel-batch-orders", 300},
  {"POST", "/api/v5/trade/amend-batch-orders", 300},
  // 1 request per second: 2 per 2 s window.
  {"POST", "/api/v5/trade/cancel-all-after", 2},
  {"GET", "/api/v5/trade/order", 60},
  {"GET", "/api/v5/trade/orders-pending", 60},
  {"GET", "/api/v5/trade/orders-history", 40},
  {"GET", "/api/v5/trade/fills", 60},
  {"GET", "/api/v5/account/balance", 10},
};

} // namespace

int64_t okx_rate_limit_of(std::string_view method, std::string_view path) {
  for (auto& r : rows)
    if (r.method == method && r.path == path) return r.per_2s;
  return 0;
}

std::optional<okx_error> okx_rate_limit::charge(std::string_view method, std::string_view path,
                                                const std::string& who, int64_t now_ms) {
  auto limit = okx_rate_limit_of(method, path);
  if (limit <= 0) return std::nullopt; // not an endpoint: answered 404 elsewhere
  auto& w = windows_[{std::string(method) + " " + std::string(path), who}];
  auto index = now_ms / okx_rate_window_ms;
  if (w.index != index) w = window{index, 0};
  if (w.count >= limit) return okx_rate_limited();
  ++w.count;
  return std::nullopt;
}

} // namespace cwts::venue
