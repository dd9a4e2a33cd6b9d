#pragma once
// Binance market-stream frames (web-socket-streams.md) -> typed events.
// One entry point for every stream the connector subscribes to over the
// combined stream ({"stream":"<name>","data":{...}}): <sym>@trade,
// <sym>@aggTrade, <sym>@bookTicker and <sym>@depth@100ms, plus the REST
// depth snapshot (GET /api/v3/depth). Every failure is a codec_error with a
// reason; nothing throws. Decimals are exact (price::parse / qty::parse).
//
// decode_market_frame() reuses the vectors inside `out`, so steady-state
// decoding allocates nothing.

#include <cstdint>
#include <string_view>
#include <vector>

#include "actors/connector/outcome.hpp"
#include "messages/market_data.hpp"

namespace cwts::connector {

enum class market_event_kind : uint8_t { trade, agg_trade, book_ticker, depth_update };

inline constexpr std::size_t market_event_kind_count = 4;

// "trade", "aggTrade", "bookTicker", "depth" (the md.frames.<kind> names).
const char* to_string(market_event_kind k);

struct depth_level {
  price px{};
  qty quantity{}; // absolute; zero removes the level
};

// "depthUpdate": the book changes with update ids first_id (U) .. last_id (u).
struct depth_update {
  symbol sym{};
  int64_t first_id = 0;
  int64_t last_id = 0;
  timestamp_ns ts_event{}; // E
  std::vector<depth_level> bids{};
  std::vector<depth_level> asks{};
};

// "aggTrade": the fills of one taker order at one price.
struct agg_trade_event {
  symbol sym{};
  int64_t agg_id = 0;         // a
  int64_t first_trade_id = 0; // f
  int64_t last_trade_id = 0;  // l
  price px{};
  qty quantity{};
  bool buyer_is_maker = false;
  timestamp_ns ts_event{}; // T
};

struct market_event {
  market_event_kind kind = market_event_kind::trade;
  trade tr{};
  agg_trade_event agg{};
  book_top top{};
  depth_update depth{};
};

// GET /api/v3/depth: {"lastUpdateId":N,"bids":[["p","q"],..],"asks":[..]}.
struct depth_snapshot {
  int64_t last_update_id = 0;
  std::vector<depth_level> bids{};
  std::vector<depth_level> asks{};
};

// A combined-stream frame, or a raw event (the kind then comes from "e", or
// the bookTicker shape). On success `out.kind` names the member filled in.
outcome<market_event_kind> decode_market_frame(std::string_view text, timestamp_ns received,
                                               market_event& out);

// The same without the trade fast path (trade_scanner): RapidJSON's DOM for
// every frame. For tests and the decode bench.
outcome<market_event_kind> decode_market_frame_dom(std::string_view text, timestamp_ns received,
                                                   market_event& out);

outcome<depth_snapshot> parse_depth_snapshot(std::string_view text);

namespace detail {
class field_reader;
// The fields of one "trade" event ("e" must be "trade"), shared by the stream
// decoder and binance_codec's parse_trade_event; failures are left in `r`.
void read_trade_fields(field_reader& r, timestamp_ns received, trade& t);
} // namespace detail

} // namespace cwts::connector
