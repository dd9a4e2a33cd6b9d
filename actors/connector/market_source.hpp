#pragma once
// The connector shell's market data, whatever the venue speaks: one
// reconnecting feed per connector producing market_batch (trades and book
// tops) for the validator, with a local order book per symbol. Binance's
// combined stream (market_stream.hpp: snapshot over REST + diffs) and OKX's
// public WebSocket (okx/okx_market_stream.hpp: books with seqId/prevSeqId
// and CRC32 checksums) implement it; the shell (connector_actor.cpp,
// connector_shell.hpp) sees only this: the link for liveness, the books for
// readiness and /api/book, and the counters for stats.
//
// Counter names are shared by every source where they mean the same thing
// (the metrics exporter, nodes/admin/exposition.cpp, reads stream_frames,
// stream_parse_errors, book.resyncs, book.gaps, book.crossed,
// md.frames.<stream>, book.synced.<SYM> and md.feed_age_ms.<SYM>); a source
// adds its own beside them.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "actors/connector/market_codec.hpp"
#include "actors/connector/ws_link_counters.hpp"
#include "messages/symbol.hpp"
#include "messages/time.hpp"

namespace cwts::connector {

// A copy of one symbol's local book, for tests and introspection.
struct book_view {
  bool synced = false;
  int64_t update_id = 0; // Binance: lastUpdateId / u; OKX: seqId
  bool crossed = false;
  std::vector<depth_level> bids;
  std::vector<depth_level> asks;
};

class market_source {
public:
  using counters = std::map<std::string, int64_t>;

  virtual ~market_source() = default;

  // Opens the feed on the source's own thread; reconnects until stop().
  virtual void start() = 0;
  // Closes it and joins the thread. Idempotent.
  virtual void stop() = 0;

  // The feed's connection is up (venue_liveness samples it).
  virtual bool connected() const = 0;
  // Connection attempts refused in the TLS handshake, and why the last
  // attempt failed (logged by the shell when the count moves).
  virtual uint64_t tls_failures() const = 0;
  virtual std::string last_connect_error() const = 0;

  // Whether local books are kept at all (a feed of trades only has none:
  // readiness then never waits for a synced book).
  virtual bool keeps_books() const = 0;
  // The configured symbols, and per index into them: book synced, wall-clock
  // receive time of the last frame (ns since epoch; 0 if none).
  virtual const std::vector<symbol>& symbols() const = 0;
  virtual bool book_synced(std::size_t i) const = 0;
  virtual int64_t last_frame_ns(std::size_t i) const = 0;

  // The symbol's book as the source's thread has it now; nullopt when the
  // symbol is not configured or that thread did not answer in `wait`.
  virtual std::optional<book_view> book(const symbol& sym, std::size_t depth,
                                        std::chrono::milliseconds wait) = 0;

  // The source's counters for the shell's stats.
  virtual void add_counters(counters& out) const = 0;
};

// Per symbol, the counters every source reports alike: book.synced.<SYM>
// (1/0) and md.feed_age_ms.<SYM> (-1: nothing received yet).
inline void add_symbol_counters(const market_source& s, market_source::counters& k) {
  auto now = wall_clock_now().ns;
  for (std::size_t i = 0; i < s.symbols().size(); ++i) {
    auto name = s.symbols()[i].str();
    k["book.synced." + name] = s.book_synced(i) ? 1 : 0;
    auto last = s.last_frame_ns(i);
    k["md.feed_age_ms." + name] = last == 0 ? -1 : (now - last) / 1'000'000;
  }
}

// The counters every source keeps alike: atomics the stream thread writes
// and any thread may read.
struct market_feed_counters {
  std::atomic<uint64_t> frames{0};
  std::atomic<uint64_t> parse_errors{0};
  std::atomic<uint64_t> batches{0};
  std::atomic<uint64_t> resyncs{0};
  std::atomic<uint64_t> gaps{0};
  std::atomic<uint64_t> crossed{0};
  std::atomic<uint64_t> unknown_symbol{0};
  std::atomic<int64_t> last_frame_ns{0}; // wall clock, ns since epoch; 0 if none

  // stream_*, md.batches, md.proactive_reconnects, md.unknown_symbol_frames,
  // md.tls_failures and book.resyncs/gaps/crossed, with the link's own.
  void add_to(market_source::counters& k, const ws_link_counters& link) const {
    k["stream_connected"] = link.connected.load() ? 1 : 0;
    k["stream_frames"] = static_cast<int64_t>(frames.load());
    k["stream_parse_errors"] = static_cast<int64_t>(parse_errors.load());
    k["stream_reconnects"] = static_cast<int64_t>(link.reconnects.load());
    k["md.batches"] = static_cast<int64_t>(batches.load());
    k["md.proactive_reconnects"] = static_cast<int64_t>(link.proactive_reconnects.load());
    k["md.unknown_symbol_frames"] = static_cast<int64_t>(unknown_symbol.load());
    // Connections refused in the TLS handshake (wrong CA, name mismatch).
    k["md.tls_failures"] = static_cast<int64_t>(link.tls_failures.load());
    k["book.resyncs"] = static_cast<int64_t>(resyncs.load());
    k["book.gaps"] = static_cast<int64_t>(gaps.load());
    k["book.crossed"] = static_cast<int64_t>(crossed.load());
  }
};

// A market source over one venue WebSocket (market_stream.hpp,
// okx/okx_market_stream.hpp): its link and the counters every source keeps
// alike, with their accessors.
class ws_market_source : public market_source {
public:
  bool connected() const override { return link_.connected.load(); }
  // Connection attempts that failed in the TLS handshake (a certificate
  // that did not verify, a name mismatch): nothing was sent on them.
  uint64_t tls_failures() const override { return link_.tls_failures.load(); }
  uint64_t reconnects() const { return link_.reconnects.load(); }
  uint64_t frames() const { return md_.frames.load(); }
  uint64_t parse_errors() const { return md_.parse_errors.load(); }
  // Local books: resyncs (a synced book discarded), gaps (sequence breaks
  // seen); frames of a symbol not configured.
  uint64_t book_resyncs() const { return md_.resyncs.load(); }
  uint64_t book_gaps() const { return md_.gaps.load(); }
  uint64_t unknown_symbol_frames() const { return md_.unknown_symbol.load(); }

protected:
  ws_link_counters link_;
  market_feed_counters md_;
};

} // namespace cwts::connector
