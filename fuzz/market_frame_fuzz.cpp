// libFuzzer target for every venue frame decoder the connector runs on
// untrusted bytes: market-stream frames (trade, aggTrade, bookTicker,
// depthUpdate; the trade fast path and the DOM path), the REST depth
// snapshot, user-data frames (executionReport, account position, API
// responses) and REST order replies. Each must return a value or a reason,
// never crash, hang or trip ASan/UBSan. Differential check: whatever the
// fixed-layout trade scanner accepts, the DOM path accepts with the same
// fields.
//
//   cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCWTS_FUZZ=ON
//   cmake --build build-fuzz --target market_frame_fuzz
//   build-fuzz/fuzz/market_frame_fuzz -max_total_time=60 fuzz/corpus

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "actors/connector/binance_codec.hpp"
#include "actors/connector/market_codec.hpp"
#include "actors/connector/trade_scanner.hpp"
#include "actors/connector/user_data_codec.hpp"

using namespace cwts;
using namespace cwts::connector;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  timestamp_ns rx{1'700'000'000'000'000'000};
  market_event ev;
  (void)decode_market_frame(text, rx, ev);
  market_event dom;
  auto d = decode_market_frame_dom(text, rx, dom);
  trade fast{};
  if (scan_trade_frame(text, rx, fast)) {
    if (!d.ok() || d.value() != market_event_kind::trade || !(dom.tr.sym == fast.sym)
        || dom.tr.id.value != fast.id.value || dom.tr.px != fast.px
        || dom.tr.quantity != fast.quantity || dom.tr.ts_event.ns != fast.ts_event.ns
        || dom.tr.buyer_is_maker != fast.buyer_is_maker)
      __builtin_trap(); // the scanner accepted what the DOM reads differently
  }
  (void)parse_depth_snapshot(text);
  (void)parse_user_data_frame(text);
  (void)parse_trade_event(text, rx);
  (void)parse_order(text);
  return 0;
}
