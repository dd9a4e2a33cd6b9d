#pragma once
// What the WebSocket venue integration tests (okx_ws_test, kraken_ws_test)
// share: a blocking text WebSocket client to the venue on loopback, frames
// parsed as JSON, zlib's CRC-32 for the book checksums (written out so the
// tests do not share the venue's) and the fixture reading the venue binary
// and config from the test's arguments. Include it after
// caf/test/unit_test.hpp (it checks with CAF_REQUIRE).

#include <cstdint>
#include <string>
#include <variant>

#include "venue/json_reader.hpp"
#include "venue_client.hpp"

namespace {

// zlib's CRC-32 (reflected 0xEDB88320, init and final xor 0xFFFFFFFF).
uint32_t crc32_of(const std::string& s) {
  uint32_t c = 0xFFFFFFFFU;
  for (unsigned char b : s) {
    c ^= b;
    for (int k = 0; k < 8; ++k)
      c = (c >> 1) ^ (0xEDB88320U & (0U - (c & 1U)));
  }
  return ~c;
}

// One WebSocket connection to 127.0.0.1:`port` at `target`, read and
// written synchronously.
struct ws_text_client {
  asio::io_context ioc;
  beast::websocket::stream<beast::tcp_stream> ws{ioc};

  ws_text_client(int port, const std::string& target) {
    beast::get_lowest_layer(ws).connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)));
    ws.handshake("127.0.0.1", target);
  }
  void send(const std::string& text) { ws.write(asio::buffer(text)); }
  std::string next() {
    beast::flat_buffer buf;
    ws.read(buf);
    return beast::buffers_to_string(buf.data());
  }
  // The first frame holding `part` within `limit` frames ("" when none).
  std::string await(const std::string& part, int limit = 2000) {
    for (int i = 0; i < limit; ++i) {
      auto f = next();
      if (contains(f, part)) return f;
    }
    return {};
  }
};

// A frame as JSON; REQUIREs that it parses.
cwts::venue::json_value parse(const std::string& frame) {
  auto v = cwts::venue::parse_json(frame);
  CAF_REQUIRE(std::holds_alternative<cwts::venue::json_value>(v));
  return std::get<cwts::venue::json_value>(v);
}

// The venue binary and its config, the test's first two arguments.
struct venue_binary_fixture {
  std::string binary, config;
  venue_binary_fixture() {
    CAF_REQUIRE(caf::test::engine::argc() >= 3);
    binary = caf::test::engine::argv()[1];
    config = caf::test::engine::argv()[2];
  }
};

} // namespace
