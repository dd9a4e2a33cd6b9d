#pragma once
// ORDERS rate limits (rest-api.md "LIMITS" / "Unfilled Order Count"): new
// orders per account in fixed windows of 10 seconds and of one UTC day, as
// exchangeInfo's `rateLimits` list them (ORDERS SECOND 10, ORDERS DAY 1).
// Order placement replies carry X-MBX-ORDER-COUNT-10S and
// X-MBX-ORDER-COUNT-1D; past a limit the order is refused with HTTP 429 and
// -1015 "Too many new orders; current limit is %s orders per %s." (errors.md)
// and is not counted.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "venue/order_types.hpp"

namespace cwts::venue {

struct order_limits {
  // Binance spot's exchangeInfo: 100 per 10 SECOND, 200000 per 1 DAY.
  int64_t per_10s = 100;
  int64_t per_day = 200000;
};

class order_rate {
public:
  explicit order_rate(order_limits limits = {}) : limits_(limits) {}

  // Counts `n` new orders of `account` now; the -1015 error (nothing
  // counted) when that would pass a limit.
  std::optional<venue_error> charge(const std::string& account, int64_t now_ms, int64_t n = 1);
  struct counts {
    int64_t ten_seconds = 0;
    int64_t day = 0;
  };
  counts of(const std::string& account, int64_t now_ms) const;
  const order_limits& limits() const { return limits_; }
  // The two X-MBX-ORDER-COUNT-* headers for `account` now.
  std::vector<std::pair<std::string, std::string>> headers(const std::string& account,
                                                           int64_t now_ms) const;

private:
  struct window {
    int64_t index = -1; // now / window length
    int64_t count = 0;
  };
  struct account_windows {
    window ten_seconds, day;
  };
  order_limits limits_;
  std::map<std::string, account_windows> accounts_;
};

} // namespace cwts::venue
