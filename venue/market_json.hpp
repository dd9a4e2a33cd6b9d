#pragma once
// Market-data shapes shared by REST and WebSocket (rest-api.md "Market Data
// endpoints", web-socket-streams.md): price levels as [["price","qty"]],
// decimals as strings with 8 decimals.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "venue/json_writer.hpp"
#include "venue/matching_engine.hpp"

namespace cwts::venue {

// [["4.00000000","431.00000000"], ...] under key `k`.
void write_levels(json_writer& w, std::string_view k, const std::vector<book_level>& levels);

// One side's best level as price and quantity strings; "0.00000000" for both
// when the side is empty.
struct top_of_book {
  std::optional<book_level> bid;
  std::optional<book_level> ask;
  bool operator==(const top_of_book& o) const;
};
top_of_book top_of(const matching_engine& engine, symbol sym);

// web-socket-streams.md "Individual Symbol Book Ticker Streams":
// {"u":…,"s":…,"b":…,"B":…,"a":…,"A":…}
std::string book_ticker_event_json(symbol sym, const top_of_book& top, int64_t update_id);

// rest-api.md "Symbol order book ticker": symbol, bidPrice, bidQty, askPrice, askQty.
void write_book_ticker(json_writer& w, symbol sym, const top_of_book& top);

// rest-api.md "Recent trades list" / "Old trade lookup": an array of
// {id, price, qty, quoteQty, time, isBuyerMaker, isBestMatch}.
void write_trades(json_writer& w, const std::vector<public_trade>& trades);

} // namespace cwts::venue
