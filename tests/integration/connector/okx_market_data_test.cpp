// The connector's OKX market data (okx_market_stream) against a real
// cwts-venue speaking OKX v5: instIds from GET /api/v5/public/instruments,
// the `books` channel kept with every checksum verified while the venue's
// tape trades, trades delivered; the venue's okx-bad-checksum fault makes
// the stream discard the book, resubscribe and sync again; a dropped
// connection (ws-drop) is reconnected and the book rebuilt; malformed frames
// (malformed-frames) are counted, never fatal. Asserts outcomes, never
// timings; every wait is bounded.
#define CAF_SUITE connector_okx_market_data_integration
#include "tests/support/unit_test.hpp"

#include <atomic>

#include "actors/connector/okx/okx_market_stream.hpp"
#include "tests/integration/venue/venue_client.hpp"
#include "tests/integration/connector/venue_book_stream.hpp"

using namespace cwts;
using namespace cwts::connector;
using namespace cwts::connector::okx;
using namespace std::chrono_literals;

namespace {

std::string state(const okx_market_stream& s) {
  return "connected=" + std::to_string(s.connected()) + " synced=" + std::to_string(s.book_synced(0))
         + " frames=" + std::to_string(s.frames()) + " books=" + std::to_string(s.frames_of(okx_frame_kind::books))
         + " checksum_failures=" + std::to_string(s.checksum_failures()) + " gaps="
         + std::to_string(s.book_gaps()) + " resubscribes=" + std::to_string(s.resubscribes())
         + " parse_errors=" + std::to_string(s.parse_errors()) + " last_parse=" + s.last_parse_error()
         + " last_event=" + s.last_error_event() + " connect=" + s.last_connect_error();
}

} // namespace

CAF_TEST(books_checksums_hold_and_a_corrupted_checksum_resyncs) {
  venue_process venue(CWTS_VENUE_BIN, CWTS_VENUE_CONFIG, "200");
  okx_market_config cfg;
  cfg.port = static_cast<uint16_t>(venue.port);
  cfg.symbols = {symbol::parse("USDCHF").value()};
  cfg.bbo = true;
  cfg.resubscribe_interval = 0ms;
  cfg.jitter_seed = 5;
  std::atomic<uint64_t> trades{0}, tops{0};
  okx_market_stream stream(cfg, [&](market_batch&& b) {
    trades += b.trades.size();
    tops += b.tops.size();
  });
  stream.start();
  CAF_REQUIRE(eventually([&] { return stream.book_synced(0); }));
  // The venue's tape moves the book: many verified updates, no failure.
  auto start_books = stream.frames_of(okx_frame_kind::books);
  CAF_CHECK(eventually([&] { return stream.frames_of(okx_frame_kind::books) >= start_books + 30; }));
  CAF_CHECK(eventually([&] { return trades.load() > 0 && tops.load() > 0; }));
  CAF_MESSAGE("steady: " << state(stream));
  CAF_CHECK_EQUAL(stream.checksum_failures(), 0u);
  CAF_CHECK_EQUAL(stream.book_gaps(), 0u);
  CAF_CHECK_EQUAL(stream.parse_errors(), 0u);
  CAF_CHECK(stream.book_synced(0));
  check_the_book_view(stream, 25);

  // One corrupted checksum: discarded, resubscribed, synced again.
  CAF_REQUIRE_EQUAL(request(venue.port, http::verb::post, "/venue/faults?okx-bad-checksum=1").status, 200);
  CAF_CHECK(eventually([&] { return stream.checksum_failures() == 1 && stream.resubscribes() >= 1; }));
  CAF_CHECK(eventually([&] { return stream.book_synced(0); }));
  auto after = stream.frames_of(okx_frame_kind::books);
  CAF_CHECK(eventually([&] { return stream.frames_of(okx_frame_kind::books) >= after + 10; }));
  CAF_MESSAGE("after the fault: " << state(stream));
  CAF_CHECK_EQUAL(stream.checksum_failures(), 1u);
  CAF_CHECK(stream.book_resyncs() >= 1u);
  CAF_CHECK(stream.book_synced(0));

  // A dropped connection, then malformed frames.
  check_a_drop_and_malformed_frames(stream, venue.port, [&] { return stream.frames_of(okx_frame_kind::books); });
  CAF_MESSAGE("end: " << state(stream));
  CAF_CHECK(stream.connected());
  CAF_CHECK_EQUAL(stream.checksum_failures(), 1u);
  stream.stop();
}
