#pragma once
// Public trade history per symbol, for the market-data endpoints of
// rest-api.md: "Recent trades list" (GET /api/v3/trades, at most 1000 kept)
// and "24hr ticker price change statistics" (GET /api/v3/ticker/24hr, a
// rolling 24 h window). The window is kept in one-minute buckets, so the
// statistics lag a true rolling window by less than a minute (Binance
// documents the same granularity for its rolling-window ticker).

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "venue/order_types.hpp"

namespace cwts::venue {

inline constexpr size_t max_recent_trades = 1000; // GET /api/v3/trades limit max
inline constexpr int64_t day_ms = 24 * 60 * 60 * 1000;

struct rolling_stats {
  price open;          // first trade in the window
  price high;
  price low;
  price last;          // last trade (may be older than the window)
  qty last_qty;
  price prev_close;    // last trade before the window (zero when none)
  qty volume;
  notional quote_volume;
  int64_t first_id = -1; // Binance sends -1 when the window holds no trade
  int64_t last_id = -1;
  int64_t count = 0;
};

class market_stats {
public:
  void record(const public_trade& t);
  // Newest last, at most `limit` trades.
  std::vector<public_trade> recent(symbol sym, size_t limit) const;
  // Statistics over (now - 24h, now].
  rolling_stats rolling_24h(symbol sym, int64_t now_ms) const;
  std::optional<price> last_price(symbol sym) const;
  // rest-api.md "Current average price": volume-weighted price of the trades
  // in the last `minutes` whole minutes up to now, and the time of the last
  // trade among them; the last trade price when none traded in the window.
  struct average {
    price px;
    int64_t close_time = 0;
  };
  average average_price(symbol sym, int64_t now_ms, int minutes) const;

private:
  struct minute_bucket {
    int64_t minute = 0; // time_ms / 60000
    price open, high, low, close;
    qty volume;
    notional quote_volume;
    int64_t first_id = 0, last_id = 0, count = 0;
  };
  struct history {
    std::deque<public_trade> recent;
    std::deque<minute_bucket> minutes;
    std::optional<public_trade> last;
  };

  std::map<symbol, history> by_symbol_;
};

} // namespace cwts::venue
