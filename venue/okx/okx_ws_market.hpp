#pragma once
// The public OKX v5 channels of every listed instrument, without sockets
// (venue side of "Order book trading > Market data > WS"):
//   trades    every trade, pushed after the engine operation that made it
//   bbo-tbt   the best bid/ask whenever it changed, after every operation
//   books     snapshot + 100 ms updates with seqId chain and checksum
//             (okx_ws_book.hpp)
//   books5    the top 5 whenever it changed, on the 100 ms timer
//   tickers   last trade, best bid/ask and the rolling 24 h statistics
//             whenever they changed, on the 100 ms timer
//   candle<bar>[utc] (business endpoint) the current bar whenever it
//             changed, on the 100 ms timer; a bar that closed is pushed
//             once more with confirm "1"
// Frames are built only for channels somebody subscribes to.
// Candles reuse trade_history's bars (the same as Binance klines).

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "venue/market_stats.hpp"
#include "venue/matching_engine.hpp"
#include "venue/okx/okx_ws_book.hpp"
#include "venue/trade_history.hpp"

namespace cwts::venue::okx {

// A public subscription: channel name and instId, as the client sent them.
struct channel_key {
  std::string channel;
  std::string inst;
  bool operator==(const channel_key& o) const { return channel == o.channel && inst == o.inst; }
  bool operator<(const channel_key& o) const {
    return channel != o.channel ? channel < o.channel : inst < o.inst;
  }
};

struct market_push {
  channel_key key;
  std::string frame;
};

// Which endpoint serves a public channel (OKX moved candles to business).
enum class ws_endpoint { public_, private_, business };
// nullopt: no such public channel; otherwise the endpoint that serves it.
std::optional<ws_endpoint> market_channel_endpoint(std::string_view channel);

// An OKX candle channel's bar ("1m", "1H", "1Dutc"...) as a kline interval
// and time-zone offset (bars of 6H and longer are in UTC+8 unless "utc").
struct candle_bar {
  kline_interval interval;
  int64_t tz_offset_ms = 0;
};
std::optional<candle_bar> parse_candle_channel(std::string_view channel);

class market_channels {
public:
  // Every public subscription of every connection (each key once).
  using subscribed_set = std::set<channel_key>;

  // Subscribes to the engine's trades; construct it before any trade.
  market_channels(matching_engine& engine, const market_stats& stats);

  // After each engine operation: trades and bbo-tbt changes.
  std::vector<market_push> settled(int64_t now_ms, const subscribed_set& subscribed);
  // On the 100 ms timer: books5, tickers and candle changes.
  std::vector<market_push> tick(int64_t now_ms, const subscribed_set& subscribed);
  // The books pushes of one instrument (see books_channel::flush).
  books_channel::pushes flush_books(symbol sym, int64_t now_ms, bool to_existing,
                                    bool to_fresh, const std::function<bool()>& corrupt);
  // A new subscription's first push: the current top, ticker or bar;
  // nullopt for books (its snapshot comes at the next flush) and trades.
  std::optional<std::string> initial(const channel_key& key, int64_t now_ms) const;

private:
  struct instrument {
    symbol sym;
    std::string inst;
    books_channel books;
    top_channel books5{"books5", 5};
    top_channel bbo{"bbo-tbt", 1};
    std::string last_ticker; // ticker_state of the previous push
  };
  struct candle_state {
    int64_t open_time = -1;
    std::string row; // the last pushed bar without confirm
  };
  // Instruments listed since the last call get their channel state.
  void sync();
  instrument* find(std::string_view inst);
  const instrument* find(std::string_view inst) const;
  // The tickers fields but ts; ticker_state is them as one object, to tell
  // whether anything changed.
  void write_ticker(json_writer& w, const instrument& i, int64_t now_ms) const;
  std::string ticker_state(const instrument& i, int64_t now_ms) const;
  std::string ticker_frame(const instrument& i, int64_t now_ms) const;
  std::vector<kline> bars(symbol sym, const candle_bar& bar, size_t n, int64_t now_ms) const;
  void candle_pushes(const channel_key& key, const instrument& i, int64_t now_ms,
                     std::vector<market_push>& out);

  matching_engine& engine_;
  const market_stats& stats_;
  trade_history history_;
  std::vector<instrument> instruments_;
  std::vector<public_trade> pending_trades_;
  // Subscribed candle channels' last pushes; bounded by the channels that
  // exist (instruments x bars).
  std::map<channel_key, candle_state> candles_;
};

// One candle row [ts,o,h,l,c,vol,volCcy,volCcyQuote,confirm].
std::string candle_row(const kline& k, bool confirmed);

} // namespace cwts::venue::okx
