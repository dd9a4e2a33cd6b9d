#pragma once
// The public Kraken WebSocket v2 channels of every listed pair, without
// sockets ("Spot Websockets (v2) > Market Data"):
//   book        snapshot + 100 ms updates with the top-10 checksum, one state
//               per (pair, depth) (kraken_ws_book.hpp)
//   trade       every trade, after the engine operation that made it; the
//               last 50 as a "snapshot" on subscribe
//   ticker      best bid/ask, last trade and the rolling 24 h statistics: a
//               "snapshot" on subscribe, an "update" when they changed (on
//               the 100 ms timer)
//   ohlc        the bars of `interval` minutes (trade_history's, as Binance
//               klines and OKX candles): the recent ones as a "snapshot", the
//               current one as an "update" whenever it changed (100 ms timer)
//   instrument  the listed pairs and their assets with precisions and
//               increments, as a "snapshot" on subscribe
// Frames are built only for subscribed channels.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "venue/kraken/kraken_ws_book.hpp"
#include "venue/market_stats.hpp"
#include "venue/trade_history.hpp"

namespace cwts::venue::kraken {

// A public subscription. `param` is the book depth or the ohlc interval in
// minutes (0 otherwise); instrument has no symbol.
struct sub_key {
  std::string channel;
  std::string symbol;
  int64_t param = 0;
  bool operator==(const sub_key& o) const {
    return channel == o.channel && symbol == o.symbol && param == o.param;
  }
  bool operator<(const sub_key& o) const {
    if (channel != o.channel) return channel < o.channel;
    if (symbol != o.symbol) return symbol < o.symbol;
    return param < o.param;
  }
};

struct market_push {
  sub_key key;
  std::string frame;
};

// "OHLC" subscribe param `interval` (minutes): 1, 5, 15, 30, 60, 240, 1440,
// 10080, 21600.
bool valid_ohlc_interval(int64_t minutes);
// Trades a trade snapshot holds (Kraken: the most recent 50).
inline constexpr size_t trade_snapshot_size = 50;
// Bars an ohlc snapshot holds.
inline constexpr size_t ohlc_snapshot_size = 60;

class market_channels {
public:
  using subscribed_set = std::set<sub_key>;

  // Follows the engine's trades and orders; construct it before any trade.
  market_channels(matching_engine& engine, const market_stats& stats);

  // After each engine operation: the trades.
  std::vector<market_push> settled(int64_t now_ms, const subscribed_set& subscribed);
  // On the 100 ms timer: ticker and ohlc changes.
  std::vector<market_push> tick(int64_t now_ms, const subscribed_set& subscribed);
  // The book pushes of one (pair, depth) (see book_channel::flush).
  book_channel::pushes flush_book(const sub_key& key, int64_t now_ms, bool to_existing,
                                  bool to_fresh, const std::function<bool()>& corrupt);
  // A new subscription's snapshot: trades, ticker, ohlc bars, instruments;
  // nullopt for book (its snapshot comes with the next flush).
  std::optional<std::string> initial(const sub_key& key, int64_t now_ms) const;
  // Drops the state of book and ohlc subscriptions nobody holds any more.
  void forget_unsubscribed(const subscribed_set& subscribed);

private:
  void write_ticker(json_writer& w, const pair_info& pair, int64_t now_ms) const;
  std::string ticker_frame(const pair_info& pair, std::string_view type, int64_t now_ms) const;
  std::vector<kline> bars(symbol sym, int64_t minutes, size_t n, int64_t now_ms) const;
  std::string ohlc_frame(const pair_info& pair, std::string_view type,
                         const std::vector<kline>& bars, int64_t minutes, int64_t now_ms) const;
  std::string instrument_frame() const;
  std::string_view taker_order_type(int64_t order_id) const;
  // One element of a trade message's data.
  void write_trade(json_writer& w, const public_trade& t, const pair_info& pair) const;

  matching_engine& engine_;
  const market_stats& stats_;
  trade_history history_;
  std::vector<public_trade> pending_trades_;
  // Books and ohlc states per subscribed key; tickers' last pushed state.
  // Bounded by the subscriptions that exist (pairs x depths / intervals).
  std::map<sub_key, book_channel> books_;
  std::map<sub_key, std::string> last_pushed_;
  // Ids of recent market orders, so a trade says its taker's ord_type.
  std::deque<int64_t> market_orders_;
};

} // namespace cwts::venue::kraken
