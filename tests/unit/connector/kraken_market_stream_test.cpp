// kraken_market_stream against a scripted Kraken WebSocket v2 on loopback:
// instrument first, then book and trade for the pair it names; snapshot and
// updates; a corrupted checksum answered by unsubscribe + subscribe and a
// fresh snapshot; trades to the batch; malformed and unknown-pair frames and
// refused subscriptions counted; a book message without checksum counted as
// malformed and its book resubscribed; the {"method":"ping"} keepalive, and a
// silent venue dropped and reconnected.
#define CAF_SUITE connector_kraken_market_stream
#include "tests/support/unit_test.hpp"

#include "actors/connector/kraken/kraken_market_stream.hpp"
#include "tests/unit/connector/scripted_market_stream.hpp"
#include "tests/unit/connector/ws_script_server.hpp"

using namespace cwts;
using namespace cwts::connector;
using namespace cwts::connector::kraken;
using namespace std::chrono_literals;

namespace {

using test::eventually;
using test::peer;

test::ws_script_server::rest_body no_rest = [](const std::string&) { return std::string("{}"); };

const std::string instrument_frame
  = R"({"channel":"instrument","type":"snapshot","data":{"assets":[{"id":"USD","status":"enabled","precision":4}],"pairs":[)"
    R"({"symbol":"BTC/USD","base":"BTC","quote":"USD","status":"online","price_precision":1,"qty_precision":8},)"
    R"({"symbol":"USD/CHF","base":"USD","quote":"CHF","status":"online","price_precision":5,"qty_precision":8}]}})";

// Checksums computed apart with Python's zlib.crc32 (kraken_book_test.cpp):
//   asks 0.9125x1 0.913x3, bids 0.9123x1.5 0.9122x2 -> 3290671848
//   then a bid 0.9121x4 added (0.9122 deleted)      -> 786150755
std::string book(const char* type, const std::string& bids, const std::string& asks, uint32_t checksum,
                 const char* sym = "USD/CHF") {
  return std::string(R"({"channel":"book","type":")") + type + R"(","data":[{"symbol":")" + sym
         + R"(","bids":[)" + bids + R"(],"asks":[)" + asks + R"(],"checksum":)" + std::to_string(checksum)
         + "}]}";
}

std::string snapshot() {
  return book("snapshot", R"({"price":0.9123,"qty":1.5},{"price":0.9122,"qty":2})",
              R"({"price":0.9125,"qty":1},{"price":0.913,"qty":3})", 3290671848u);
}

const std::string added = book("update", R"({"price":0.9122,"qty":0},{"price":0.9121,"qty":4})", "", 786150755u);

const std::string trade_frame
  = R"({"channel":"trade","type":"update","data":[{"symbol":"USD/CHF","side":"buy","price":0.9124,"qty":2,"ord_type":"limit","trade_id":42,"timestamp":"2026-12-06T15:00:00.000001Z"}]})";

kraken_market_config config_for(uint16_t port) {
  return test::scripted_stream_config<kraken_market_config>(port);
}

// The subscriptions a connection opens with: instrument, then (answered)
// book and trade for USD/CHF.
void open_subscriptions(peer& p) {
  p.read_until(R"("channel":"instrument")");
  p.send(instrument_frame);
  p.read_until(R"("channel":"book","symbol":["USD/CHF"],"depth":10)");
  p.read_until(R"("channel":"trade","symbol":["USD/CHF"])");
}

} // namespace

CAF_TEST(validate_names_the_key) {
  auto cfg = config_for(1);
  CAF_CHECK_EQUAL(validate(cfg), "");
  cfg.depth = 20;
  CAF_CHECK(validate(cfg).rfind("depth:", 0) == 0);
  cfg = config_for(1);
  cfg.books = cfg.trades = false;
  CAF_CHECK_EQUAL(validate(cfg), "channels: none selected");
  cfg = config_for(0);
  CAF_CHECK(validate(cfg).rfind("port:", 0) == 0);
}

CAF_TEST(book_resyncs_on_checksum_trades_pings_and_reconnects) {
  std::atomic<bool> second_ready{false};
  std::string first_ping; // written by the script before second_ready

  test::ws_script_server server(no_rest, [&](peer& p, int conn) {
    open_subscriptions(p);
    if (conn > 0) {
      p.send(snapshot());
      second_ready = true;
      for (;;) // this connection stays: its pings are answered
        if (p.read().find(R"("method":"ping")") != std::string::npos)
          p.send(R"({"method":"pong","req_id":1})");
    }
    p.send(R"({"method":"subscribe","result":{"channel":"book","symbol":"USD/CHF","depth":10},"success":true})");
    // The trade subscribe's snapshot: history, not passed on.
    p.send(R"({"channel":"trade","type":"snapshot","data":[{"symbol":"USD/CHF","side":"sell","price":0.912,"qty":1,"ord_type":"limit","trade_id":41,"timestamp":"2026-12-06T14:00:00.000001Z"}]})");
    p.send(snapshot());
    p.send(added);
    p.send(trade_frame);
    p.send("{not json");
    p.send(book("update", "", "", 0, "ETH/USD")); // not subscribed
    p.send(R"({"method":"subscribe","error":"Currency pair not supported","success":false,"symbol":"XYZ/USD"})");
    // A corrupted checksum.
    p.send(book("update", R"({"price":0.912,"qty":1})", "", 12345));
    p.read_until(R"("method":"unsubscribe")");
    p.read_until(R"("method":"subscribe")");
    p.send(snapshot());
    p.send(R"({"channel":"heartbeat"})");
    // Quiet now: the client pings; the first is answered, the second is not,
    // so the client drops the connection and comes back.
    first_ping = p.read_until(R"("method":"ping")");
    p.send(R"({"method":"pong","req_id":2})");
    p.read_until(R"("method":"ping")");
  });
  test::collected_batches got;
  kraken_market_stream stream(config_for(server.port()), [&](market_batch&& b) { got.add(std::move(b)); });
  stream.start();
  bool ready = eventually([&] { return second_ready.load() && stream.book_synced(0); });
  if (!ready) {
    CAF_MESSAGE("ws=" << server.ws_connections() << " frames=" << stream.frames()
                << " checksum=" << stream.checksum_failures() << " parse=" << stream.last_parse_error()
                << " connect=" << stream.last_connect_error() << " received: " << test::received_frames(server));
  }
  CAF_REQUIRE(ready);
  CAF_CHECK(first_ping.find(R"("method":"ping")") != std::string::npos);
  CAF_CHECK_EQUAL(server.ws_connections(), 2);
  CAF_CHECK_EQUAL(stream.checksum_failures(), 1u);
  CAF_CHECK_EQUAL(stream.resubscribes(), 1u);
  // The checksum, then the silent connection's loss: each discarded a synced book.
  CAF_CHECK_EQUAL(stream.book_resyncs(), 2u);
  CAF_CHECK_EQUAL(stream.book_gaps(), 0u);
  CAF_CHECK_EQUAL(stream.parse_errors(), 1u);
  CAF_CHECK_EQUAL(stream.unknown_symbol_frames(), 1u);
  CAF_CHECK_EQUAL(stream.error_events(), 1u);
  CAF_CHECK(stream.last_error_event().find("Currency pair not supported") != std::string::npos);
  CAF_CHECK(stream.pings() >= 2u);
  CAF_CHECK(stream.reconnects() >= 1u);
  CAF_CHECK(stream.last_parse_error().find("malformed JSON") != std::string::npos);
  CAF_CHECK_EQUAL(server.count_received(R"("method":"unsubscribe")"), 1u);
  test::check_the_scripted_trade(got);
  auto view = stream.book(symbol::parse("USDCHF").value(), 10, 2000ms);
  CAF_REQUIRE(view.has_value());
  CAF_CHECK(view->synced);
  CAF_CHECK_EQUAL(view->bids.size(), 2u);
  CAF_CHECK_EQUAL(view->asks.size(), 2u);
  market_source::counters k;
  stream.add_counters(k);
  CAF_CHECK_EQUAL(k["book.checksum_failures"], 1);
  CAF_CHECK_EQUAL(k["book.synced.USDCHF"], 1);
  CAF_CHECK(k["md.frames.book"] >= 5);
  CAF_CHECK_EQUAL(k["md.frames.trade"], 2); // the snapshot and the live trade
  CAF_CHECK(k["md.frames.instrument"] >= 2);
  CAF_CHECK(k["md.feed_age_ms.USDCHF"] >= 0);
  stream.stop();
  CAF_CHECK(!stream.connected());
}

CAF_TEST(an_unlisted_symbol_is_counted_and_a_lost_snapshot_is_asked_again) {
  test::ws_script_server server(no_rest, [](peer& p, int) {
    open_subscriptions(p);
    // Subscribed, but the snapshot never comes (a lost message).
    p.read_until(R"("method":"unsubscribe")");
    p.read_until(R"("method":"subscribe")");
    p.send(snapshot());
    for (;;)
      if (p.read().find(R"("method":"ping")") != std::string::npos)
        p.send(R"({"method":"pong"})");
  });
  auto cfg = config_for(server.port());
  cfg.symbols.push_back(symbol::parse("EURJPY").value());
  kraken_market_stream stream(cfg, [](market_batch&&) {});
  stream.start();
  CAF_CHECK(eventually([&] { return stream.book_synced(0); }));
  CAF_CHECK(!stream.book_synced(1));
  CAF_CHECK_EQUAL(stream.resubscribes(), 1u);
  market_source::counters k;
  stream.add_counters(k);
  CAF_CHECK_EQUAL(k["md.unlisted_symbols"], 1);
  CAF_CHECK(stream.last_error_event().find("EURJPY") != std::string::npos);
  stream.stop();
}

// Kraken sends a checksum with every book message: an update without one is
// malformed (counted with its reason), not applied unchecked, and the book is
// discarded and subscribed again as on a checksum mismatch.
CAF_TEST(a_book_update_without_checksum_resubscribes_the_book) {
  std::atomic<bool> resynced{false};
  test::ws_script_server server(no_rest, [&](peer& p, int) {
    open_subscriptions(p);
    p.send(snapshot());
    p.send(R"({"channel":"book","type":"update","data":[{"symbol":"USD/CHF","bids":[{"price":0.9121,"qty":4}],"asks":[]}]})");
    p.read_until(R"("method":"unsubscribe")");
    p.read_until(R"("method":"subscribe")");
    p.send(snapshot());
    p.send(added); // applies on the fresh snapshot: its checksum holds
    resynced = true;
    for (;;)
      if (p.read().find(R"("method":"ping")") != std::string::npos)
        p.send(R"({"method":"pong"})");
  });
  kraken_market_stream stream(config_for(server.port()), [](market_batch&&) {});
  stream.start();
  CAF_REQUIRE(eventually([&] {
    auto view = stream.book(symbol::parse("USDCHF").value(), 10, 2000ms);
    // The fresh snapshot's 0.9123 and the update's 0.9121 (0.9122 deleted).
    return resynced.load() && view && view->synced && view->bids.size() == 2
           && view->bids[1].px == price::parse("0.9121").value();
  }));
  CAF_CHECK_EQUAL(stream.parse_errors(), 1u);
  CAF_CHECK_EQUAL(stream.last_parse_error(), "book: field \"checksum\": missing");
  CAF_CHECK_EQUAL(stream.resubscribes(), 1u);
  CAF_CHECK_EQUAL(stream.book_resyncs(), 1u);
  CAF_CHECK_EQUAL(stream.checksum_failures(), 0u);
  CAF_CHECK_EQUAL(server.count_received(R"("method":"unsubscribe")"), 1u);
  stream.stop();
}
