#pragma once
// OKX v5 rate limits: each endpoint allows N requests per 2 seconds, per
// account (private endpoints, keyed by the account) or per IP (public ones,
// keyed by ""); past it the request gets HTTP 429 with code 50011. Fixed
// 2-second windows. The map is bounded: endpoints are a fixed table and
// accounts come from the key store.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "venue/okx/okx_errors.hpp"

namespace cwts::venue {

inline constexpr int64_t okx_rate_window_ms = 2000;

// Requests per 2 s OKX publishes for `path` (method-specific for
// /api/v5/trade/order); 0 for a path not in the table.
int64_t okx_rate_limit_of(std::string_view method, std::string_view path);

class okx_rate_limit {
public:
  // Counts one request of `who` to `path`; 50011 (not counted) past the limit.
  std::optional<okx_error> charge(std::string_view method, std::string_view path,
                                  const std::string& who, int64_t now_ms);

private:
  struct window {
    int64_t index = -1;
    int64_t count = 0;
  };
  std::map<std::pair<std::string, std::string>, window> windows_;
};

} // namespace cwts::venue
