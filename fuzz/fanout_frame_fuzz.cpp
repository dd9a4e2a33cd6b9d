// libFuzzer target for the kill fan-out's wire format
// (actors/kill/fanout_codec.hpp): the bytes a fan-out server reads from any
// peer that connects, before and after the handshake, and that end in a kill
// (a change of safety state). The input is a byte stream fed to the framer in
// reads whose size the first input byte chooses; every body it hands out is
// decoded. Must never crash, hang, read outside the input or trip
// ASan/UBSan, and:
//   - the framer never holds more than it was fed, refuses a length over
//     max_frame before buffering its body, and stays refused;
//   - whatever decodes is re-encoded to exactly the same frame (one
//     encoding per value: a signature checked over the decoded kill is one
//     over the bytes that were sent), and for a kill, kill_encoded_size
//     (messages/kill.cpp, the caps every other path checks) agrees.
// Seeds: fanout_seed_writer writes frames made by the codec's own encoder.
//
//   cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCWTS_FUZZ=ON -DCWTS_BUILD_TESTS=OFF
//   ninja -C build-fuzz fanout_frame_fuzz fanout_seed_writer
//   build-fuzz/fuzz/fanout_seed_writer <dir> && build-fuzz/fuzz/fanout_frame_fuzz <dir>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "actors/kill/fanout_codec.hpp"
#include "messages/kill.hpp"

using namespace cwts;
using namespace cwts::fanout;

namespace {

std::string reencode(const frame& f) {
  switch (f.type) {
    case frame_type::hello: return encode(f.h);
    case frame_type::hello_back: return encode(f.hb);
    case frame_type::challenge: return encode(f.ch);
    case frame_type::auth: return encode(f.a);
    case frame_type::kill: return encode(f.k);
  }
  __builtin_trap(); // decode handed out a type it does not know
}

void check_body(std::string_view body) {
  std::string error;
  auto f = decode(body, error);
  if (!f) {
    if (error.empty())
      __builtin_trap(); // a refusal always says why
    return;
  }
  auto again = reencode(*f);
  if (again.size() != body.size() + 4 || std::string_view(again).substr(4) != body)
    __builtin_trap(); // two encodings of one value
  if (f->type == frame_type::kill
      && (kill_encoded_size(f->k) != body.size() || !fits(f->k).empty()))
    __builtin_trap(); // the caps disagree with the codec
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1)
    return 0;
  std::size_t step = static_cast<std::size_t>(data[0]) + 1; // 256: all at once
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  // The whole input as one body, too: decode is also reached without a
  // well-formed length prefix.
  check_body(in);
  framer fr;
  std::size_t at = 0, fed = 0;
  while (at < in.size()) {
    auto n = step >= 256 ? in.size() - at : std::min(step, in.size() - at);
    fr.feed(in.substr(at, n));
    at += n;
    fed += n;
    for (;;) {
      std::string error;
      auto body = fr.next(error);
      if (fr.buffered() > fed)
        __builtin_trap();
      if (!body) {
        if (!error.empty()) {
          std::string again;
          if (fr.next(again) || again != error) // refusals are sticky
            __builtin_trap();
          return 0;
        }
        break;
      }
      if (body->empty() || body->size() > max_frame)
        __builtin_trap();
      check_body(*body);
    }
  }
  return 0;
}
