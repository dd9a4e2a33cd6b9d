// libFuzzer target for our WebSocket frame reader (ws_frame_reader.hpp) on
// venue bytes: the input is what a server sends after its 101, fed in
// reads whose sizes the first input bytes choose (so every split of a
// header or payload is reached), with a small message bound so the size
// checks are hit. Every message handed out goes through the market-frame
// decoder, as on the market streams' read path. Must never crash, hang,
// read outside the buffer or trip ASan/UBSan; and a reader that refused
// must stay refused, one that read a close must hand out nothing more.
//
//   cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCWTS_FUZZ=ON
//   cmake --build build-fuzz --target ws_frame_fuzz
//   build-fuzz/fuzz/ws_frame_fuzz -max_total_time=60 fuzz/corpus_ws

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "actors/connector/market_codec.hpp"
#include "actors/connector/ws_frame_reader.hpp"

using namespace cwts;
using namespace cwts::connector;

namespace {

struct decoding_sink final : ws_frame_sink {
  bool closed = false;
  market_event ev;
  void on_message(std::string_view p, bool) override {
    if (closed)
      __builtin_trap(); // nothing after a close
    (void)decode_market_frame(p, timestamp_ns{1'700'000'000'000'000'000}, ev);
  }
  void on_ping(std::string_view p) override {
    if (p.size() > 125)
      __builtin_trap();
  }
  void on_pong(std::string_view p) override {
    if (p.size() > 125)
      __builtin_trap();
  }
  void on_close(uint16_t, std::string_view) override { closed = true; }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2)
    return 0;
  // First byte: the read size (1..255; 256: as much as prepare() offers);
  // second: the message bound.
  std::size_t step = static_cast<std::size_t>(data[0]) + 1;
  ws_reader_limits l;
  l.read_bytes = 4096;
  l.max_message_bytes = 125 + static_cast<std::size_t>(data[1]) * 64;
  data += 2;
  size -= 2;
  ws_frame_reader r(l);
  decoding_sink sink;
  std::size_t at = 0;
  while (at < size) {
    // As the socket read does: one prepare(), the read may fill all of
    // the size it returned. The bytes past the input's are written too
    // (never committed, never parsed), so an area larger than the buffer
    // behind it trips ASan whatever the input's length.
    auto area = r.prepare();
    auto n = std::min(size - at, step >= 256 ? area.size : std::min(step, area.size));
    std::memcpy(area.data, data + at, n);
    std::memset(area.data + n, 0, area.size - n);
    if (!r.commit(n))
      __builtin_trap(); // commit refuses only more than prepare() offered
    at += n;
    auto e = r.parse(sink);
    if (e != ws_frame_error::none) {
      if (r.parse(sink) != e) // refusals are sticky
        __builtin_trap();
      break;
    }
  }
  return 0;
}
