#pragma once
// Kraken Spot WebSocket v2 market data for the connector shell
// (market_source.hpp): one reconnecting WebSocket to /v2 on its own thread.
//
//   connect --> subscribe `instrument` --snapshot--> subscribe `book` (depth)
//                                                    and `trade` per pair
//
// - The pair of each symbol comes from the instrument snapshot: the pair
//   whose base and quote (common/kraken_names.hpp, BTC -> BTC, XBT -> BTC)
//   make our symbol (USD + CHF = USDCHF -> "USD/CHF"); its price_precision and
//   qty_precision are what the book checksum formats with, so the book is
//   subscribed only once they are known (and updated by instrument updates).
// - The book (kraken_book.hpp): snapshot, updates, truncation to the depth,
//   CRC32 checked after every message. A mismatch discards the book
//   (book.checksum_failures, book.resyncs) and resubscribes it (unsubscribe +
//   subscribe: Kraken answers with a fresh snapshot), at most once per
//   resubscribe_interval per pair; a book without a snapshot a ping_interval
//   after its subscribe (refused, lost) is resubscribed the same way.
// - Keepalive: Kraken sends `heartbeat` about once a second while subscribed;
//   with nothing received for ping_interval a {"method":"ping"} goes out,
//   with still nothing a ping_interval later the connection is dropped and
//   opened again (backoff, ws_reconnector.hpp); every book then starts again
//   from a snapshot.
// - Output: a market_batch per burst of frames (trades; the book's top after
//   each applied message), as the other sources (market_feed.hpp).
// - Malformed frames, refused subscriptions and messages of pairs not
//   configured are counted (last reason kept), never fatal.

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
#include "actors/connector/kraken/kraken_market_codec.hpp"
#include "messages/market_data.hpp"

namespace cwts::connector::kraken {

struct kraken_market_config {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  bool tls = false;
  std::string ca_file;
  std::string target = "/v2";
  std::vector<symbol> symbols;
  bool books = true;  // `book` and the local book
  bool trades = true; // `trade`
  // The subscribed book depth: one Kraken offers (10, 25, 100, 500, 1000).
  int depth = 10;
  std::size_t max_batch = 1024;
  // Our frame reader (ws_frame_reader.hpp): bytes per read, largest message.
  ws_reader_limits read_limits{};
  std::chrono::milliseconds resubscribe_interval{1000};
  std::chrono::milliseconds connect_timeout{2000};
  // Kraken heartbeats every second while subscribed: silence this long is
  // worth a ping, twice this long a dead connection.
  std::chrono::milliseconds ping_interval{10000};
  std::chrono::milliseconds max_connection_age{std::chrono::hours(23)};
  std::chrono::milliseconds backoff_initial{100};
  std::chrono::milliseconds backoff_max{5000};
  uint64_t jitter_seed = 0; // 0: random
};

// Empty when usable, else "<key>: <reason>".
std::string validate(const kraken_market_config& cfg);

class kraken_market_stream final : public book_channel_source {
public:
  using batch_callback = std::function<void(market_batch&&)>;

  kraken_market_stream(kraken_market_config cfg, batch_callback on_batch);
  ~kraken_market_stream() override;
  kraken_market_stream(const kraken_market_stream&) = delete;
  kraken_market_stream& operator=(const kraken_market_stream&) = delete;

  void start() override;
  void stop() override;

  bool keeps_books() const override;
  const std::vector<symbol>& symbols() const override;
  bool book_synced(std::size_t i) const override;
  int64_t last_frame_ns(std::size_t i) const override;
  std::optional<book_view> book(const symbol& sym, std::size_t depth,
                                std::chrono::milliseconds wait) override;
  void add_counters(counters& out) const override;

  uint64_t frames_of(kraken_frame_kind k) const {
    return by_kind_[static_cast<std::size_t>(k)].load();
  }

  struct impl;

private:
  friend struct impl;
  std::unique_ptr<impl> impl_;
  std::atomic<uint64_t> by_kind_[kraken_frame_kind_count]{};
};

} // namespace cwts::connector::kraken
