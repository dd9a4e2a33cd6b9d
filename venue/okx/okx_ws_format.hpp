#pragma once
// Wire shapes the OKX v5 WebSocket channels share (venue side; instId and
// the order object are okx_json.hpp's): numbers as JSON strings in their
// shortest decimal form, order book levels [px, sz, "0", orders] and the books checksum.
//
// OKX "Order book channel" checksum: CRC32 of the first 25 bids and asks
// interleaved as "bidPx:bidSz:askPx:askSz:..." (a side with fewer levels
// simply stops contributing), over the price and size strings exactly as
// pushed, sent as a signed 32-bit integer. Every level is formatted by
// wire_decimal, so a level's strings never change between pushes and a
// client re-formatting parsed numbers (ccxt's numberToString) gets the same
// text: the shortest decimal, no trailing zeros ("1.0912", "100", "0.5").

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/decimal.hpp"
#include "venue/json_writer.hpp"
#include "venue/matching_engine.hpp"
#include "venue/okx/okx_json.hpp"

namespace cwts::venue::okx {

// Levels the books checksum covers (OKX: "the first 25 bids and asks").
inline constexpr size_t checksum_depth = 25;

// The shortest decimal text of an 8-decimal fixed value (okx_trim):
// "1.0912", "100", "0". Real OKX pushes book levels this way ("31685",
// "31685.1"), so ccxt's float round trip reproduces them for the checksum;
// tick-padded text ("1.0900") would not survive it.
template <class Tag>
std::string wire_decimal(fixed_decimal<Tag> v) {
  return okx_trim(v.raw);
}

// One price level as pushed: the strings are the checksum's input.
struct ws_level {
  std::string px;
  std::string sz;
  int64_t orders = 0;
};
using ws_side = std::vector<ws_level>; // best first

ws_level to_ws_level(const book_level& l);
// The top `depth` levels of one side of the engine's book, best first.
ws_side top_levels(const matching_engine& engine, symbol sym, order_side side, size_t depth);

// OKX's checksum over the first 25 levels of each side (signed CRC32).
int32_t book_checksum(const ws_side& bids, const ws_side& asks);
// The checksum's input string itself (tests and diagnostics).
std::string checksum_text(const ws_side& bids, const ws_side& asks);

// "bids":[["px","sz","0","orders"],...]: OKX's third element (liquidated
// orders) is deprecated and always "0".
void write_ws_levels(json_writer& w, std::string_view key, const ws_side& levels);

// A push frame's "arg" object: {"channel":…,"instId":…}.
void write_channel_arg(json_writer& w, std::string_view channel, std::string_view inst);

} // namespace cwts::venue::okx
