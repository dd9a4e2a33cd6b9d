#pragma once
// Binance market stream client (web-socket-streams.md): one combined
// WebSocket to /stream?streams=<sym>@trade/<sym>@aggTrade/<sym>@bookTicker/
// <sym>@depth@100ms/... (symbols lower-case), on its own thread.
// Reads with our own frame reader (ws_client.hpp, ws_frame_reader.hpp: one
// large read, every complete frame in it parsed in one handler; protocol
// errors counted with their reason, the connection then closed and
// reopened), answers pings (a pong carrying the same payload, as the docs
// require), decodes each frame (market_codec), keeps a
// local order book per symbol (order_book: snapshot + diffs, the snapshot
// fetched with GET /api/v3/depth on a helper thread), and reconnects with
// jittered exponential backoff until stop(); after a reconnect every book
// is rebuilt (nothing sent while we were away is trusted).
//
// Output: a market_batch per read (trades; bookTicker tops and the local
// book's top after each applied diff), handed to `on_batch` on the stream
// thread once every frame of the read is decoded (or at max_batch), so
// batching adds no latency when the feed is quiet and amortises the
// hand-off under load (market_read_loop.hpp).
// The counters are atomics any thread may read.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/connector/market_codec.hpp"
#include "actors/connector/market_source.hpp"
#include "actors/connector/ws_frame_reader.hpp"
#include "messages/market_data.hpp"

namespace cwts::connector {

struct market_stream_config {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  // wss (and https for the depth snapshots) with the venue's certificate
  // verified against ca_file (empty: the system's default CA paths).
  bool tls = false;
  std::string ca_file;
  std::vector<symbol> symbols;
  // Which streams to subscribe per symbol.
  bool trades = true;
  bool agg_trades = true;
  bool book_ticker = true;
  bool depth = true; // <sym>@depth@100ms plus the local order book
  // GET /api/v3/depth limit (Binance: 1..5000; weight 5/25/50/250).
  int32_t depth_limit = 1000;
  std::chrono::milliseconds snapshot_timeout{5000};
  // A failed snapshot is not asked again sooner than this.
  std::chrono::milliseconds snapshot_retry{500};
  // Diffs buffered per symbol while a snapshot is on its way.
  std::size_t max_buffered_diffs = 10'000;
  std::size_t max_batch = 1024;
  // Our frame reader: bytes per read, and the largest message accepted
  // (a larger one is refused from its header and the connection closed).
  ws_reader_limits read_limits{};
  // Bounds connect + WebSocket handshake, and the closing handshake.
  std::chrono::milliseconds connect_timeout{2000};
  // No message and no ping or pong for this long: the connection is
  // dropped (our idle watchdog pings once at half of it). Pings and pongs
  // inside an unfinished fragmented message do not count.
  std::chrono::milliseconds idle_timeout{60000};
  // web-socket-streams.md: "A single connection to stream.binance.com is
  // only valid for 24 hours; expect to be disconnected at the 24 hour mark."
  // Reconnected on our terms before that (at once, no backoff; the books
  // resync from fresh snapshots).
  std::chrono::milliseconds max_connection_age{std::chrono::hours(23)};
  std::chrono::milliseconds backoff_initial{100};
  std::chrono::milliseconds backoff_max{5000};
  uint64_t jitter_seed = 0; // 0: seeded from std::random_device
};

// Empty when usable, else "<key>: <reason>".
std::string validate(const market_stream_config& cfg);

// "/stream?streams=btcusdt@trade/btcusdt@aggTrade/btcusdt@bookTicker/btcusdt@depth@100ms/..."
std::string stream_target(const market_stream_config& cfg);

// The shell's market source for Binance (and FIX venues, whose market data
// is Binance-shaped): market_source.hpp.
class market_stream final : public ws_market_source {
public:
  using batch_callback = std::function<void(market_batch&&)>;

  market_stream(market_stream_config cfg, batch_callback on_batch);
  ~market_stream() override;
  market_stream(const market_stream&) = delete;
  market_stream& operator=(const market_stream&) = delete;

  void start() override;
  // Closes the socket from the stream's own thread (posted to its
  // io_context) and joins it. Idempotent.
  void stop() override;

  uint64_t frames_of(market_event_kind k) const { return by_kind_[static_cast<std::size_t>(k)].load(); }
  uint64_t pings() const { return pings_.load(); }
  // Why the last connection attempt failed ("<step>: <reason>").
  std::string last_connect_error() const override;
  uint64_t batches() const { return md_.batches.load(); }
  // Connections closed by us at max_connection_age (also in reconnects()).
  uint64_t proactive_reconnects() const { return link_.proactive_reconnects.load(); }
  // Local books: crossed (times a book became crossed or locked), snapshots
  // fetched and failed.
  uint64_t book_crossed() const { return md_.crossed.load(); }
  uint64_t snapshots() const { return snapshots_.load(); }
  uint64_t snapshot_failures() const { return snapshot_failures_.load(); }
  // The local books are kept only with the depth streams on.
  bool keeps_books() const override;
  // Per configured symbol (index into cfg.symbols).
  bool book_synced(std::size_t i) const override;
  // Wall-clock receive time of the last frame for that symbol (0 if none).
  int64_t last_frame_ns(std::size_t i) const override;
  const std::vector<symbol>& symbols() const override;
  // Wall-clock receive time of the last frame (ns since epoch; 0 if none).
  int64_t last_frame_ns() const { return md_.last_frame_ns.load(); }
  std::string last_parse_error() const;
  // The last frame our reader refused, with its reason (RFC 6455).
  std::string last_protocol_error() const;
  std::string last_snapshot_error() const;

  // The symbol's book as the stream thread has it now; nullopt when the
  // symbol is not configured or the stream thread did not answer in `wait`.
  std::optional<book_view> book(const symbol& sym, std::size_t depth,
                                std::chrono::milliseconds wait = std::chrono::milliseconds(2000)) override;

  // stream_*, md.* and book.* (names the metrics exporter reads).
  void add_counters(counters& out) const override;

  struct impl;

private:
  friend struct impl;
  std::unique_ptr<impl> impl_;
  std::atomic<uint64_t> by_kind_[market_event_kind_count]{};
  std::atomic<uint64_t> pings_{0};
  std::atomic<uint64_t> snapshots_{0};
  std::atomic<uint64_t> snapshot_failures_{0};
};

} // namespace cwts::connector
