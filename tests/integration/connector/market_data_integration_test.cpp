// The connector's market stream against a real cwts-venue: one combined
// WebSocket with @trade, @aggTrade, @bookTicker and @depth@100ms; the local
// order book built by the documented snapshot + diff procedure equals the
// venue's GET /api/v3/depth (same lastUpdateId) after orders changed and
// traded on the book; a depth gap injected by the venue (POST /venue/faults
// depth-gaps=1) makes the book resynchronise, and it is right again; so
// does a dropped connection (ws-drop=true) after the stream reconnects.
// Asserts outcomes, never timings; every loop is bounded.
#define CAF_SUITE connector_market_data_integration
#include "tests/support/unit_test.hpp"

#include <thread>

#include "actors/connector/market_codec.hpp"
#include "actors/connector/market_stream.hpp"
#include "tests/integration/support/wait_until.hpp"
#include "tests/integration/venue/venue_client.hpp"

using namespace cwts;
using namespace cwts::connector;
using namespace std::chrono_literals;

namespace {

symbol usdchf() {
  return *symbol::parse("USDCHF");
}

template <class Pred>
bool eventually(Pred pred, int tries = 600) {
  return itest::wait_until(pred, 25ms * tries, 25ms);
}

bool same_levels(const std::vector<depth_level>& a, const std::vector<depth_level>& b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].px != b[i].px || a[i].quantity != b[i].quantity)
      return false;
  return true;
}

// Polls until the connector's book and /api/v3/depth are at the same update
// id, then compares every level. False when that never happened or differed.
bool book_matches_rest(market_stream& stream, int port) {
  for (int n = 0; n < 200; ++n) {
    // limit=100 weighs 5 (5000 would weigh 250 and this loop would hit the
    // IP's 6000 per minute); the book has a handful of levels.
    auto view = stream.book(usdchf(), 100);
    auto rest = request(port, http::verb::get, "/api/v3/depth?symbol=USDCHF&limit=100");
    auto snap = parse_depth_snapshot(rest.body);
    if (view && view->synced && snap && snap.value().last_update_id == view->update_id) {
      bool ok = same_levels(view->bids, snap.value().bids) && same_levels(view->asks, snap.value().asks);
      CAF_MESSAGE("compared at update id " << view->update_id << ": " << view->bids.size()
                  << " bids, " << view->asks.size() << " asks, equal=" << ok);
      CAF_CHECK(!view->crossed);
      return ok;
    }
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

reply order(int port, const std::string& params) {
  return signed_request(port, http::verb::post, "/api/v3/order", "symbol=USDCHF&" + params);
}

} // namespace

CAF_TEST(local_book_equals_rest_depth_and_resyncs_after_an_injected_gap) {
  // Slow tape: quiet moments (no change pending) exist between prints.
  venue_process venue(CWTS_VENUE_BIN, CWTS_VENUE_CONFIG, "1");
  market_stream_config cfg;
  cfg.port = static_cast<uint16_t>(venue.port);
  cfg.symbols = {usdchf()};
  cfg.depth_limit = 1000;
  cfg.jitter_seed = 3;
  std::atomic<uint64_t> trades{0}, tops{0}, local_tops{0};
  market_stream stream(cfg, [&](market_batch&& b) {
    trades += b.trades.size();
    for (auto& t : b.tops)
      ++(t.from_local_book ? local_tops : tops);
  });
  CAF_REQUIRE_EQUAL(validate(cfg), "");
  stream.start();
  CAF_REQUIRE(eventually([&] { return stream.book_synced(0); }));
  CAF_MESSAGE("synced after " << stream.snapshots() << " snapshot(s)");

  // Change and trade on the book: two resting bids, a market buy that takes
  // liquidity (trade + aggTrade + bookTicker + depth), one cancel.
  CAF_CHECK_EQUAL(order(venue.port, "side=BUY&type=LIMIT&timeInForce=GTC&quantity=7&price=0.5000").status, 200);
  auto second = order(venue.port, "side=BUY&type=LIMIT&timeInForce=GTC&quantity=3&price=0.5001");
  CAF_CHECK_EQUAL(second.status, 200);
  CAF_CHECK_EQUAL(order(venue.port, "side=BUY&type=MARKET&quantity=1").status, 200);
  CAF_CHECK_EQUAL(signed_request(venue.port, http::verb::delete_, "/api/v3/order",
                                 "symbol=USDCHF&orderId="
                                   + std::to_string(int_field(second.body, "orderId"))).status, 200);
  CAF_CHECK(eventually([&] {
    return stream.frames_of(market_event_kind::trade) > 0 && stream.frames_of(market_event_kind::agg_trade) > 0
           && stream.frames_of(market_event_kind::book_ticker) > 0 && stream.frames_of(market_event_kind::depth_update) > 0;
  }));
  CAF_CHECK(book_matches_rest(stream, venue.port));
  CAF_CHECK_EQUAL(stream.book_gaps(), 0u);
  CAF_CHECK_EQUAL(stream.book_resyncs(), 0u);
  CAF_CHECK_EQUAL(stream.parse_errors(), 0u);
  CAF_CHECK(trades.load() > 0);
  CAF_CHECK(tops.load() > 0);
  CAF_CHECK(local_tops.load() > 0);

  // The venue withholds the next depthUpdate: the one after it does not
  // follow on, the book resynchronises from a new snapshot.
  auto armed = request(venue.port, http::verb::post, "/venue/faults?depth-gaps=1");
  CAF_REQUIRE_EQUAL(armed.status, 200);
  auto snapshots_before = stream.snapshots();
  for (int i = 0; i < 20 && stream.book_gaps() == 0; ++i) {
    CAF_CHECK_EQUAL(order(venue.port, "side=BUY&type=LIMIT&timeInForce=GTC&quantity=4&price=0.50"
                                      + std::to_string(10 + i)).status, 200);
    std::this_thread::sleep_for(150ms); // past one 100 ms depth interval
  }
  CAF_CHECK(eventually([&] { return stream.book_gaps() >= 1 && stream.book_resyncs() >= 1; }));
  CAF_CHECK(eventually([&] { return stream.book_synced(0) && stream.snapshots() > snapshots_before; }));
  CAF_CHECK(book_matches_rest(stream, venue.port));
  CAF_MESSAGE("gaps=" << stream.book_gaps() << " resyncs=" << stream.book_resyncs()
              << " snapshots=" << stream.snapshots() << " crossed=" << stream.book_crossed());
  CAF_CHECK_EQUAL(stream.book_crossed(), 0u);

  // The venue drops every market-stream connection: the stream reconnects,
  // the book is not trusted across the outage (a resync, counted) and is
  // rebuilt from a fresh snapshot: no silent gap.
  auto resyncs_before = stream.book_resyncs();
  auto reconnects_before = stream.reconnects();
  CAF_REQUIRE_EQUAL(request(venue.port, http::verb::post, "/venue/faults?ws-drop=true").status, 200);
  CAF_CHECK(eventually([&] { return stream.reconnects() > reconnects_before; }));
  CAF_CHECK(eventually([&] { return stream.book_resyncs() > resyncs_before && stream.book_synced(0); }));
  CAF_CHECK_EQUAL(order(venue.port, "side=BUY&type=LIMIT&timeInForce=GTC&quantity=4&price=0.5050").status, 200);
  CAF_CHECK(book_matches_rest(stream, venue.port));
  CAF_MESSAGE("after ws-drop: reconnects=" << stream.reconnects() << " resyncs=" << stream.book_resyncs()
              << " snapshots=" << stream.snapshots());
  stream.stop();
}
