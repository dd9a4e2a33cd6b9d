#pragma once
// The hot path of market data: a Binance trade event in the exact layout
// Binance sends (web-socket-streams.md, Trade Streams), combined or raw,
//
//   {"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":12,
//    "p":"0.001","q":"100","T":1,"m":true,"M":true}}
//
// read by a fixed-layout scanner: every key and separator is checked in
// order, integers and decimals are parsed in place (exact, 8 decimals), and
// anything else (another key order, whitespace, escapes, a longer number,
// a missing or extra field) makes it answer false so the caller falls back
// to the DOM parser, which accepts any valid shape and names the reason for
// a bad one. The scanner never accepts what the DOM path would reject.

#include <string_view>

#include "messages/market_data.hpp"

namespace cwts::connector {

// True when `text` is a trade event in the fixed layout with valid values;
// `out` is then filled (ts_init = received). False: nothing can be
// concluded, use the DOM path.
bool scan_trade_frame(std::string_view text, timestamp_ns received, trade& out);

} // namespace cwts::connector
