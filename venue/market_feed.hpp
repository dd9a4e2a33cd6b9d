#pragma once
// The book-driven WebSocket streams of web-socket-streams.md, without
// sockets: "Diff. Depth Stream" (<symbol>@depth every 1000 ms,
// <symbol>@depth@100ms every 100 ms) and "Individual Symbol Book Ticker
// Streams" (<symbol>@bookTicker) and "Aggregate Trade Streams"
// (<symbol>@aggTrade: the trades of one taker order at one price).
//
// Diff depth: every level change has its own update id (matching_engine
// on_book_change); an event covers the ids U..u changed since the previous
// event of the same cadence and carries the absolute quantity of each level
// touched ("0" removes it). U of one event is u+1 of the previous, so the
// documented local-book procedure (buffer, GET /depth, drop u <= lastUpdateId,
// first event has U <= lastUpdateId+1 <= u, then apply) rebuilds the book.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "venue/market_json.hpp"
#include "venue/matching_engine.hpp"
#include "venue/stream_path.hpp"

namespace cwts::venue {

struct stream_event {
  stream_id id;
  std::string data; // the event JSON, as sent on /ws/<stream>
};

// The level changes of one symbol since the last event of one cadence.
class depth_diff {
public:
  void record(order_side side, price px, int64_t update_id);
  bool empty() const { return first_id_ == 0; }
  // The depthUpdate event for the recorded range; clears the range.
  std::string flush(const matching_engine& engine, symbol sym, int64_t event_ms);

private:
  int64_t first_id_ = 0; // U; 0 while nothing is recorded
  int64_t last_id_ = 0;  // u
  std::set<int64_t> bids_, asks_; // raw prices touched
};

class market_feed {
public:
  // Subscribes to the engine's book changes; construct it before the engine
  // changes any book, so no update id is missed.
  explicit market_feed(matching_engine& engine);

  // depthUpdate events of one cadence (depth_1000ms or depth_100ms), one per
  // symbol whose book changed since that cadence's previous flush.
  std::vector<stream_event> flush_depth(stream_kind cadence, int64_t now_ms);
  // bookTicker events for symbols whose best bid or ask (price or quantity)
  // changed since the previous call; call it after each engine operation, so
  // transient states inside one operation are never published.
  std::vector<stream_event> book_ticker_changes();
  // aggTrade events for the trades since the previous call; call it at the
  // same points as book_ticker_changes, when no aggregate can still grow.
  std::vector<stream_event> agg_trades(int64_t now_ms);

private:
  matching_engine& engine_;
  std::map<symbol, depth_diff> slow_, fast_;
  std::map<symbol, top_of_book> tops_;
  struct agg_trade {
    public_trade first;
    int64_t last_id = 0;
    qty quantity;
  };
  std::vector<agg_trade> pending_aggs_;
  std::map<symbol, int64_t> next_agg_id_;
};

} // namespace cwts::venue
