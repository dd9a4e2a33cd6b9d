// The connector's Kraken market data (kraken_market_stream) against a real
// cwts-venue speaking Kraken's WebSocket v2 (/v2): the pair and its
// precisions from the `instrument` channel, the `book` kept with every
// checksum verified while the venue's tape trades, trades delivered; the
// venue's kraken-bad-checksum fault (3 corrupted updates) makes the stream
// discard the book, resubscribe and sync again each time; a dropped
// connection (ws-drop) is reconnected and the book rebuilt; malformed frames
// (malformed-frames) are counted, never fatal. Asserts outcomes, never
// timings; every wait is bounded.
#define CAF_SUITE connector_kraken_market_data_integration
#include "tests/support/unit_test.hpp"

#include <atomic>

#include "actors/connector/kraken/kraken_market_stream.hpp"
#include "tests/integration/venue/venue_client.hpp"
#include "tests/integration/connector/venue_book_stream.hpp"

using namespace cwts;
using namespace cwts::connector;
using namespace cwts::connector::kraken;
using namespace std::chrono_literals;

namespace {

uint64_t books(const kraken_market_stream& s) {
  return s.frames_of(kraken_frame_kind::book);
}

std::string state(const kraken_market_stream& s) {
  return "connected=" + std::to_string(s.connected()) + " synced=" + std::to_string(s.book_synced(0))
         + " frames=" + std::to_string(s.frames()) + " books=" + std::to_string(books(s))
         + " instrument=" + std::to_string(s.frames_of(kraken_frame_kind::instrument))
         + " checksum_failures=" + std::to_string(s.checksum_failures())
         + " resubscribes=" + std::to_string(s.resubscribes()) + " resyncs="
         + std::to_string(s.book_resyncs()) + " parse_errors=" + std::to_string(s.parse_errors())
         + " last_parse=" + s.last_parse_error() + " last_event=" + s.last_error_event()
         + " connect=" + s.last_connect_error();
}

} // namespace

CAF_TEST(book_checksums_hold_and_corrupted_checksums_resync) {
  venue_process venue(CWTS_VENUE_BIN, CWTS_VENUE_CONFIG, "200");
  kraken_market_config cfg;
  cfg.port = static_cast<uint16_t>(venue.port);
  cfg.symbols = {symbol::parse("USDCHF").value()};
  cfg.resubscribe_interval = 0ms;
  cfg.jitter_seed = 5;
  std::atomic<uint64_t> trades{0}, tops{0};
  kraken_market_stream stream(cfg, [&](market_batch&& b) {
    trades += b.trades.size();
    tops += b.tops.size();
  });
  stream.start();
  bool synced = eventually([&] { return stream.book_synced(0); });
  if (!synced)
    CAF_MESSAGE("not synced: " << state(stream));
  CAF_REQUIRE(synced);
  // The venue's tape moves the book: many verified updates, no failure.
  auto start_books = books(stream);
  CAF_CHECK(eventually([&] { return books(stream) >= start_books + 30; }));
  CAF_CHECK(eventually([&] { return trades.load() > 0 && tops.load() > 0; }));
  CAF_MESSAGE("steady: " << state(stream));
  CAF_CHECK_EQUAL(stream.checksum_failures(), 0u);
  CAF_CHECK_EQUAL(stream.parse_errors(), 0u);
  CAF_CHECK_EQUAL(stream.unknown_symbol_frames(), 0u);
  CAF_CHECK(stream.book_synced(0));
  check_the_book_view(stream, 10);

  // Three corrupted checksums: each discards the book (a resync), which is
  // resubscribed and synced again.
  auto resyncs = stream.book_resyncs();
  CAF_REQUIRE_EQUAL(request(venue.port, http::verb::post, "/venue/faults?kraken-bad-checksum=3").status, 200);
  CAF_CHECK(eventually([&] { return stream.checksum_failures() == 3 && stream.resubscribes() >= 3; }));
  CAF_CHECK(eventually([&] { return stream.book_synced(0); }));
  auto after = books(stream);
  CAF_CHECK(eventually([&] { return books(stream) >= after + 10; }));
  CAF_MESSAGE("after the fault: " << state(stream));
  CAF_CHECK_EQUAL(stream.checksum_failures(), 3u);
  CAF_CHECK_EQUAL(stream.book_resyncs(), resyncs + 3);
  CAF_CHECK(stream.book_synced(0));
  market_source::counters k;
  stream.add_counters(k);
  CAF_CHECK_EQUAL(k["book.checksum_failures"], 3);

  // A dropped connection, then malformed frames.
  check_a_drop_and_malformed_frames(stream, venue.port, [&] { return books(stream); });
  CAF_MESSAGE("end: " << state(stream));
  CAF_CHECK(stream.connected());
  CAF_CHECK_EQUAL(stream.checksum_failures(), 3u);
  stream.stop();
}
