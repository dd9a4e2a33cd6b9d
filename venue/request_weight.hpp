#pragma once
// Request weights and the REQUEST_WEIGHT rate limit (rest-api.md "LIMITS":
// every request carries a weight; the weight used in the current minute is
// returned in the X-MBX-USED-WEIGHT-1M header; a request beyond the limit is
// answered HTTP 429 with -1003 and a Retry-After header). All loopback
// clients share one counter, as all requests from one IP do on Binance.

#include <cstdint>
#include <optional>
#include <string_view>

#include "venue/order_types.hpp"
#include "venue/request_params.hpp"

namespace cwts::venue {

// Binance's published REQUEST_WEIGHT limit for spot (exchangeInfo rateLimits).
inline constexpr int64_t default_request_weight_limit = 6000;

// The weight rest-api.md gives `method path` with these query parameters
// (depth: by limit; tickers and openOrders: with or without symbol; myTrades:
// with orderId). Unknown endpoints weigh 1.
int64_t request_weight(std::string_view method, std::string_view path,
                       const request_params& query);

// The weight of a WebSocket API method (web-socket-api.md): the weight of the
// REST endpoint it mirrors (order.place as POST /api/v3/order, openOrders.status
// as GET /api/v3/openOrders ...), 2 for session.* and userDataStream.*, 1 for
// anything else.
int64_t ws_api_request_weight(std::string_view method, const request_params& params);

// Fixed one-minute windows aligned on the clock minute, like Binance's
// X-MBX-USED-WEIGHT-1M counter.
class weight_limiter {
public:
  explicit weight_limiter(int64_t limit_per_minute = default_request_weight_limit)
    : limit_(limit_per_minute) {}

  // Adds `weight` to the current minute; the -1003 error when the minute's
  // total is now above the limit (the weight is still counted, as Binance does).
  std::optional<venue_error> charge(int64_t weight, int64_t now_ms);
  int64_t used(int64_t now_ms) const;
  int64_t limit() const { return limit_; }
  // Seconds until the current window ends (Retry-After), at least 1.
  int64_t retry_after_s(int64_t now_ms) const;

private:
  int64_t limit_;
  int64_t minute_ = -1;
  int64_t used_ = 0;
};

} // namespace cwts::venue
