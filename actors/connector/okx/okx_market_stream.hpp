#pragma once
// OKX v5 market data for the connector shell (market_source.hpp): one
// reconnecting WebSocket to /ws/v5/public on its own thread, subscribed per
// instrument to `books` (the local book: snapshot, then updates chained by
// seqId/prevSeqId and verified by their CRC32 checksum, okx_book.hpp),
// `trades` and optionally `bbo-tbt`.
//
// - instId per symbol: from the config (inst_ids) or, when that is empty,
//   from GET /api/v5/public/instruments?instType=SPOT (baseCcy + quoteCcy =
//   our symbol) fetched before the first connection, retried until it works.
// - A book that breaks (a seqId gap, a checksum mismatch, a side past
//   max_levels) is discarded and resubscribed (unsubscribe + subscribe: the
//   venue sends a fresh snapshot), at most once per resubscribe_interval
//   per instrument (OKX limits subscribe requests per connection). A book
//   still without a snapshot a ping_interval after its subscribe (refused,
//   lost) is resubscribed the same way.
// - Keepalive as OKX asks: a connection silent for 30 s is closed by the
//   venue, so with nothing received for ping_interval a text "ping" goes
//   out; with still nothing (no "pong") a ping_interval later the connection
//   is dropped and opened again (backoff, ws_reconnector.hpp). After any
//   reconnect every book starts again from the venue's snapshot.
// - Output: a market_batch per burst of frames (trades; the book's top after
//   each applied push; bbo-tbt tops), handed to `on_batch` on the stream
//   thread, flushed as soon as no further frame is ready (as market_stream).
// - Malformed frames, error events and frames of unknown instruments are
//   counted (last reason kept), never fatal.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/connector/book_channel_source.hpp"
#include "actors/connector/ws_frame_reader.hpp"
#include "actors/connector/okx/okx_market_codec.hpp"
#include "messages/market_data.hpp"

namespace cwts::connector::okx {

struct okx_market_config {
  // The venue (WebSocket and, for the instruments, REST).
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  bool tls = false;
  std::string ca_file;
  std::string target = "/ws/v5/public";
  std::vector<symbol> symbols;
  // instId per symbol (same order); empty: asked of the venue's instruments.
  std::vector<std::string> inst_ids;
  bool books = true;  // `books` and the local book
  bool trades = true; // `trades`
  bool bbo = false;   // `bbo-tbt` tops (the book's own tops come with books)
  std::size_t max_levels = 5000; // per side of one book
  std::size_t max_batch = 1024;
  // Our frame reader (ws_frame_reader.hpp): bytes per read, largest message.
  ws_reader_limits read_limits{};
  std::chrono::milliseconds request_timeout{2000};  // the instruments request
  std::chrono::milliseconds instruments_retry{1000}; // after a failed one
  std::chrono::milliseconds resubscribe_interval{1000};
  std::chrono::milliseconds connect_timeout{2000};
  // OKX closes a connection idle for 30 s: below that.
  std::chrono::milliseconds ping_interval{20000};
  std::chrono::milliseconds max_connection_age{std::chrono::hours(23)};
  std::chrono::milliseconds backoff_initial{100};
  std::chrono::milliseconds backoff_max{5000};
  uint64_t jitter_seed = 0; // 0: random
};

// Empty when usable, else "<key>: <reason>".
std::string validate(const okx_market_config& cfg);

class okx_market_stream final : public book_channel_source {
public:
  using batch_callback = std::function<void(market_batch&&)>;

  okx_market_stream(okx_market_config cfg, batch_callback on_batch);
  ~okx_market_stream() override;
  okx_market_stream(const okx_market_stream&) = delete;
  okx_market_stream& operator=(const okx_market_stream&) = delete;

  void start() override;
  void stop() override;

  bool keeps_books() const override;
  const std::vector<symbol>& symbols() const override;
  bool book_synced(std::size_t i) const override;
  int64_t last_frame_ns(std::size_t i) const override;
  std::optional<book_view> book(const symbol& sym, std::size_t depth,
                                std::chrono::milliseconds wait) override;
  void add_counters(counters& out) const override;

  uint64_t frames_of(okx_frame_kind k) const { return by_kind_[static_cast<std::size_t>(k)].load(); }
  uint64_t pongs() const { return pongs_.load(); }
  uint64_t instrument_failures() const { return instrument_failures_.load(); }

  struct impl;

private:
  friend struct impl;
  std::unique_ptr<impl> impl_;
  std::atomic<uint64_t> by_kind_[okx_frame_kind_count]{};
  std::atomic<uint64_t> overflows_{0};
  std::atomic<uint64_t> pongs_{0};
  std::atomic<uint64_t> instrument_failures_{0};
};

} // namespace cwts::connector::okx
