#pragma once
// Wire shapes the Kraken WebSocket v2 channels share (venue side, path /v2):
// JSON numbers, RFC 3339 timestamps, a pair's v2 symbol and precisions, and
// the book checksum.
//
// Kraken "Spot Websockets (v2) Book Checksum": the CRC32 (zlib's, unsigned)
// of the top 10 asks (price low to high) then the top 10 bids (high to
// low); each level contributes its price then its qty, each formatted with
// the pair's precision (price_precision / qty_precision, REST pair_decimals
// / lot_decimals), '.' removed and leading zeros removed ("0.05005" ->
// "5005"). A side with fewer levels contributes fewer.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/decimal.hpp"
#include "venue/json_writer.hpp"
#include "venue/matching_engine.hpp"

namespace cwts::venue::kraken {

// Levels the checksum covers, whatever the subscribed depth.
inline constexpr size_t checksum_depth = 10;

// Decimals of an 8-decimal fixed value: 0.0001 -> 4, 1 -> 0, 0.5 -> 1.
int decimals_of(int64_t raw);
// The value with exactly `decimals` decimals (cut, never rounded: venue
// values are multiples of the tick / step): (109000000, 4) -> "1.0900".
std::string fixed_text(int64_t raw, int decimals);
// A JSON number in its shortest decimal form ("1.09", "100", "0"): Kraken v2
// sends prices and quantities as numbers.
std::string json_number(int64_t raw);
template <class Tag>
std::string json_number(fixed_decimal<Tag> v) {
  return json_number(v.raw);
}
// RFC 3339 with microseconds, as Kraken v2 stamps: "2023-09-25T07:48:36.925000Z".
std::string rfc3339(int64_t unix_ms);

// A listed pair as WebSocket v2 names and formats it.
struct pair_info {
  symbol sym;
  std::string v2_symbol; // "USD/CHF", "BTC/USD"
  std::string base;      // v2 asset names: "USD", "BTC"
  std::string quote;
  int price_decimals = 0; // of the tick size
  int qty_decimals = 0;   // of the step size
};
pair_info pair_of(const symbol_rules& r);
// The listed pair a v2 symbol names; nullopt when none.
std::optional<pair_info> find_pair(const matching_engine& engine, std::string_view v2_symbol);

// One aggregated price level.
struct level {
  price px;
  qty quantity;
  bool operator==(const level& o) const { return px == o.px && quantity == o.quantity; }
};
using side_levels = std::vector<level>; // best first

// The top `depth` levels of one side of the engine's book, best first.
side_levels top_levels(const matching_engine& engine, symbol sym, order_side side, size_t depth);

// The checksum input of one value: fixed_text without '.' and leading zeros.
std::string checksum_field(int64_t raw, int decimals);
// The checksum's input string (tests and diagnostics) and the CRC32 of it.
std::string checksum_text(const side_levels& asks, const side_levels& bids,
                          const pair_info& pair);
uint32_t book_checksum(const side_levels& asks, const side_levels& bids, const pair_info& pair);

// "bids":[{"price":1.09,"qty":5},...]
void write_levels(json_writer& w, std::string_view key, const side_levels& levels);

} // namespace cwts::venue::kraken
