#pragma once
// Binance market stream client (web-socket-streams.md): one WebSocket to
// /stream?streams=<sym>@trade/... (symbols lower-case), on its own thread.
// Answers pings (Beast replies to every ping with a pong carrying the same
// payload, as the docs require), parses each frame with the codec, calls
// `on_trade` on the stream thread, and reconnects with jittered exponential
// backoff until stop(). The counters are atomics any thread may read.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "messages/market_data.hpp"

namespace cwts::connector {

struct market_stream_config {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::vector<symbol> symbols;
  // Bounds connect + WebSocket handshake, and the closing handshake.
  std::chrono::milliseconds connect_timeout{2000};
  // No frame and no pong for this long: the connection is dropped (Beast
  // pings once at half of it).
  std::chrono::milliseconds idle_timeout{60000};
  std::chrono::milliseconds backoff_initial{100};
  std::chrono::milliseconds backoff_max{5000};
  uint64_t jitter_seed = 0; // 0: seeded from std::random_device
};

// Empty when usable, else "<key>: <reason>".
std::string validate(const market_stream_config& cfg);

// "/stream?streams=btcusdt@trade/ethusdt@trade"
std::string stream_target(const std::vector<symbol>& symbols);

class market_stream {
public:
  using trade_callback = std::function<void(const trade&)>;

  market_stream(market_stream_config cfg, trade_callback on_trade);
  ~market_stream();
  market_stream(const market_stream&) = delete;
  market_stream& operator=(const market_stream&) = delete;

  void start();
  // Closes the socket from the stream's own thread (posted to its
  // io_context) and joins it. Idempotent.
  void stop();

  bool connected() const { return connected_.load(); }
  uint64_t frames() const { return frames_.load(); }
  uint64_t parse_errors() const { return parse_errors_.load(); }
  uint64_t reconnects() const { return reconnects_.load(); }
  uint64_t pings() const { return pings_.load(); }
  // Wall-clock receive time of the last frame (ns since epoch; 0 if none).
  int64_t last_frame_ns() const { return last_frame_ns_.load(); }
  std::string last_parse_error() const;

  struct impl;

private:
  std::unique_ptr<impl> impl_;
  std::atomic<bool> connected_{false};
  std::atomic<uint64_t> frames_{0};
  std::atomic<uint64_t> parse_errors_{0};
  std::atomic<uint64_t> reconnects_{0};
  std::atomic<uint64_t> pings_{0};
  std::atomic<int64_t> last_frame_ns_{0};
};

} // namespace cwts::connector
