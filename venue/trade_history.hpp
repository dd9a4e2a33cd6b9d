#pragma once
// Older public trades per symbol, for the history endpoints of rest-api.md
// "Market Data endpoints": "Old trade lookup" (GET /api/v3/historicalTrades,
// by fromId), "Compressed/Aggregate trades list" (GET /api/v3/aggTrades) and
// "Kline/Candlestick data" (GET /api/v3/klines, /api/v3/uiKlines).
//
// Aggregate trades use the rule of the <symbol>@aggTrade stream (market_feed):
// consecutive trades of one taker order at one price form one aggregate, and
// aggregate ids count from 1 per symbol, so REST and the stream agree.
// Klines are built from one-second and one-minute buckets (only those that
// hold trades are stored); an interval without trades is a kline whose
// open/high/low/close are the previous close and whose volume is zero.
// Memory is bounded: the newest `max_kept` trades, aggregates and buckets of
// each resolution per symbol are kept (older ones are forgotten).

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "venue/order_types.hpp"

namespace cwts::venue {

struct agg_trade_record {
  int64_t agg_id = 0;
  price px;
  qty quantity;
  int64_t first_id = 0, last_id = 0;
  int64_t time_ms = 0;
  bool buyer_is_maker = false;
  int64_t taker_order_id = 0;
};

// A kline interval of rest-api.md (1s 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h
// 1d 3d 1w 1M); months are calendar months, weeks start on Monday.
struct kline_interval {
  int64_t ms = 0;     // fixed length; 0 for 1M
  bool month = false;
  bool week = false;
};
std::optional<kline_interval> parse_kline_interval(std::string_view text);
// `timeZone` of rest-api.md: "-1:00", "05:45", "0", "8", "+8"; range
// [-12:00, +14:00]. The offset in ms.
std::optional<int64_t> parse_time_zone(std::string_view text);

struct kline {
  int64_t open_time = 0, close_time = 0;
  price open, high, low, close;
  qty volume;
  notional quote_volume;
  int64_t count = 0;
  qty taker_buy_volume;
  notional taker_buy_quote_volume;
};

struct kline_query {
  kline_interval interval;
  std::optional<int64_t> start_ms, end_ms; // open times within [start, end]
  int64_t tz_offset_ms = 0;
  size_t limit = 500;
};

class trade_history {
public:
  explicit trade_history(size_t max_kept = 100000) : max_kept_(max_kept) {}
  void record(const public_trade& t);

  // Trades with id >= from_id (oldest kept when from_id is older), at most
  // `limit`; the newest `limit` without from_id.
  std::vector<public_trade> trades(symbol sym, std::optional<int64_t> from_id,
                                   size_t limit) const;
  // rest-api.md aggTrades: from_id, or the time range [start, end], or the
  // newest `limit`.
  std::vector<agg_trade_record> agg_trades(symbol sym, std::optional<int64_t> from_id,
                                           std::optional<int64_t> start_ms,
                                           std::optional<int64_t> end_ms, size_t limit) const;
  // Klines from the symbol's first kept trade up to the interval holding now.
  std::vector<kline> klines(symbol sym, const kline_query& q, int64_t now_ms) const;

private:
  struct bucket {
    int64_t start_ms = 0;
    price open, high, low, close;
    qty volume, taker_buy_volume;
    notional quote_volume, taker_buy_quote_volume;
    int64_t count = 0;
  };
  struct history {
    std::deque<public_trade> trades;
    std::deque<agg_trade_record> aggs;
    std::deque<bucket> seconds, minutes;
  };
  void add_to(std::deque<bucket>& buckets, int64_t start_ms, const public_trade& t) const;

  size_t max_kept_;
  std::map<symbol, history> by_symbol_;
};

} // namespace cwts::venue
