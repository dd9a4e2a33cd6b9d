// okx_market_stream against a scripted OKX public WebSocket on loopback:
// instruments over REST, subscribe, snapshot and updates, a seqId gap and a
// corrupted checksum each answered by unsubscribe + subscribe and a fresh
// snapshot, trades to the batch, malformed and unknown-instrument frames
// counted, the text ping/pong keepalive, and a silent venue dropped and
// reconnected.
#define CAF_SUITE connector_okx_market_stream
#include "tests/support/unit_test.hpp"

#include <algorithm>
#include <atomic>
#include <functional>
#include <mutex>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "actors/connector/okx/okx_market_stream.hpp"
#include "tests/unit/connector/test_server.hpp"
#include "tests/unit/connector/scripted_market_stream.hpp"
#include "tests/unit/connector/ws_script_server.hpp"

using namespace cwts;
using namespace cwts::connector;
using namespace cwts::connector::okx;
using namespace std::chrono_literals;

namespace {

using test::eventually;
using test::peer;

// HTTP: the instruments; WebSocket: the script.
class okx_script_server : public test::ws_script_server {
public:
  okx_script_server(std::string instruments, script s)
    : ws_script_server(
        [instruments](const std::string& target) {
          return target == "/api/v5/public/instruments?instType=SPOT"
                   ? instruments
                   : R"({"code":"51001","msg":"Instrument ID does not exist","data":[]})";
        },
        std::move(s)) {}
};

const std::string instruments_body
  = R"({"code":"0","msg":"","data":[{"instId":"USD-CHF","baseCcy":"USD","quoteCcy":"CHF","instType":"SPOT","tickSz":"0.0001","lotSz":"1","minSz":"1","state":"live"}]})";

// Checksums computed apart with Python's zlib.crc32 (as signed int32):
//   "3366.1:7:3366.8:9:3366:6:3368:8"        -> -1881014294
//   "3366.1:7:3366.8:9:3366:6:3368:8:3365:2" ->   202671967
std::string books(const char* action, const std::string& bids, const std::string& asks, int64_t prev,
                  int64_t seq, int64_t checksum, const char* inst = "USD-CHF") {
  return std::string(R"({"arg":{"channel":"books","instId":")") + inst + R"("},"action":")" + action
         + R"(","data":[{"asks":[)" + asks + R"(],"bids":[)" + bids
         + R"(],"ts":"1597026383085","checksum":)" + std::to_string(checksum)
         + R"(,"prevSeqId":)" + std::to_string(prev) + R"(,"seqId":)" + std::to_string(seq) + "}]}";
}

std::string snapshot(int64_t seq) {
  return books("snapshot", R"(["3366.1","7","0","1"],["3366","6","0","2"])",
               R"(["3366.8","9","0","1"],["3368","8","0","3"])", -1, seq, -1881014294);
}

const std::string trade_frame
  = R"({"arg":{"channel":"trades","instId":"USD-CHF"},"data":[{"instId":"USD-CHF","tradeId":"42","px":"3366.5","sz":"2","side":"buy","ts":"1630048897897","count":"1"}]})";

okx_market_config config_for(uint16_t port) {
  return test::scripted_stream_config<okx_market_config>(port);
}

} // namespace

CAF_TEST(validate_names_the_key) {
  auto cfg = config_for(1);
  CAF_CHECK_EQUAL(validate(cfg), "");
  cfg.ping_interval = 30s;
  CAF_CHECK(validate(cfg).rfind("ping_interval:", 0) == 0);
  cfg = config_for(1);
  cfg.inst_ids = {"USD-CHF", "BTC-USDT"};
  CAF_CHECK(validate(cfg).rfind("inst_ids:", 0) == 0);
  cfg = config_for(1);
  cfg.books = cfg.trades = false;
  CAF_CHECK_EQUAL(validate(cfg), "channels: none selected");
}

CAF_TEST(books_resync_on_gap_and_checksum_trades_pings_and_reconnects) {
  std::atomic<bool> second_ready{false};
  std::string first_ping; // written by the script before second_ready

  okx_script_server server(instruments_body, [&](peer& p, int conn) {
    p.read_until(R"("channel":"books","instId":"USD-CHF")");
    p.read_until(R"("channel":"trades","instId":"USD-CHF")");
    if (conn > 0) {
      p.send(snapshot(500));
      second_ready = true;
      for (;;) // this connection stays: its pings are answered
        if (p.read() == "ping")
          p.send("pong");
    }
    p.send(snapshot(100));
    // A new bid level, checksum right.
    p.send(books("update", R"(["3365","2","0","1"])", "", 100, 101, 202671967));
    p.send(trade_frame);
    p.send("{not json");
    p.send(books("update", "", "", 1, 1, 0, "BTC-USDT")); // not subscribed
    // A gap: prevSeqId 7 is not 101.
    p.send(books("update", R"(["3364","1","0","1"])", "", 7, 102, 0));
    p.read_until(R"("op":"unsubscribe")");
    p.read_until(R"("op":"subscribe")");
    p.send(snapshot(200));
    // A corrupted checksum.
    p.send(books("update", R"(["3365","2","0","1"])", "", 200, 201, 202671967 + 1));
    p.read_until(R"("op":"unsubscribe")");
    p.read_until(R"("op":"subscribe")");
    p.send(snapshot(300));
    // Quiet now: the client pings; the first is answered, the second is not,
    // so the client drops the connection and comes back.
    first_ping = p.read();
    p.send("pong");
    p.read_until("ping");
  });
  test::collected_batches got;
  okx_market_stream stream(config_for(server.port()), [&](market_batch&& b) { got.add(std::move(b)); });
  stream.start();
  bool ready = eventually([&] { return second_ready.load() && stream.book_synced(0); });
  if (!ready) {
    CAF_MESSAGE("ws=" << server.ws_connections() << " http=" << server.http_requests()
                << " frames=" << stream.frames() << " gaps=" << stream.book_gaps()
                << " checksum=" << stream.checksum_failures() << " parse=" << stream.last_parse_error()
                << " connect=" << stream.last_connect_error() << " received: " << test::received_frames(server));
  }
  CAF_REQUIRE(ready);
  CAF_CHECK_EQUAL(first_ping, "ping");
  CAF_CHECK_EQUAL(server.http_requests(), 1);
  CAF_CHECK_EQUAL(server.ws_connections(), 2);
  CAF_CHECK_EQUAL(stream.book_gaps(), 1u);
  CAF_CHECK_EQUAL(stream.checksum_failures(), 1u);
  CAF_CHECK_EQUAL(stream.resubscribes(), 2u);
  // Gap, checksum, then the silent connection's loss: each discarded a synced book.
  CAF_CHECK_EQUAL(stream.book_resyncs(), 3u);
  CAF_CHECK_EQUAL(stream.parse_errors(), 1u);
  CAF_CHECK_EQUAL(stream.unknown_symbol_frames(), 1u);
  CAF_CHECK(stream.pongs() >= 1u);
  CAF_CHECK(stream.pings() >= 2u);
  CAF_CHECK(stream.reconnects() >= 1u);
  CAF_CHECK(stream.last_parse_error().find("malformed JSON") != std::string::npos);
  CAF_CHECK_EQUAL(server.count_received(R"("op":"unsubscribe")"), 2u);
  test::check_the_scripted_trade(got);
  auto view = stream.book(symbol::parse("USDCHF").value(), 10, 2000ms);
  CAF_REQUIRE(view.has_value());
  CAF_CHECK(view->synced);
  CAF_CHECK_EQUAL(view->update_id, 500);
  CAF_CHECK_EQUAL(view->bids.size(), 2u);
  market_source::counters k;
  stream.add_counters(k);
  CAF_CHECK_EQUAL(k["book.checksum_failures"], 1);
  CAF_CHECK_EQUAL(k["book.gaps"], 1);
  CAF_CHECK_EQUAL(k["book.synced.USDCHF"], 1);
  CAF_CHECK(k["md.frames.books"] >= 7);
  CAF_CHECK_EQUAL(k["md.frames.trades"], 1);
  CAF_CHECK(k["md.feed_age_ms.USDCHF"] >= 0);
  stream.stop();
  CAF_CHECK(!stream.connected());
}

CAF_TEST(error_events_and_refused_instruments_are_counted) {
  okx_script_server server(R"({"code":"50011","msg":"Too Many Requests","data":[]})",
                           [](peer&, int) {});
  auto cfg = config_for(server.port());
  cfg.instruments_retry = 20ms;
  okx_market_stream retrying(cfg, [](market_batch&&) {});
  retrying.start();
  CAF_CHECK(eventually([&] { return retrying.instrument_failures() >= 2; }));
  CAF_CHECK(retrying.last_connect_error().find("OKX code 50011") != std::string::npos);
  CAF_CHECK(!retrying.connected());
  retrying.stop();

  // Configured instIds: no REST; an error event is counted, not fatal.
  okx_script_server ws_server("", [](peer& p, int) {
    p.read_until(R"("op":"subscribe")");
    p.send(R"({"event":"error","code":"60018","msg":"Wrong URL or channel","connId":"a4d3ae55"})");
    p.send(snapshot(9));
  });
  auto c2 = config_for(ws_server.port());
  c2.inst_ids = {"USD-CHF"};
  c2.trades = false;
  okx_market_stream direct(c2, [](market_batch&&) {});
  direct.start();
  CAF_CHECK(eventually([&] { return direct.book_synced(0); }));
  CAF_CHECK_EQUAL(direct.error_events(), 1u);
  CAF_CHECK(direct.last_error_event().find("60018") != std::string::npos);
  CAF_CHECK_EQUAL(ws_server.http_requests(), 0);
  direct.stop();
}

CAF_TEST(a_book_without_its_snapshot_is_subscribed_again) {
  okx_script_server server("", [](peer& p, int) {
    p.read_until(R"("op":"subscribe")");
    // Acknowledged, but the snapshot never comes (a lost push).
    p.send(R"({"event":"subscribe","arg":{"channel":"books","instId":"USD-CHF"},"connId":"c1"})");
    p.read_until(R"("op":"unsubscribe")");
    p.read_until(R"("op":"subscribe")");
    p.send(snapshot(77));
    for (;;)
      if (p.read() == "ping")
        p.send("pong");
  });
  auto cfg = config_for(server.port());
  cfg.inst_ids = {"USD-CHF"};
  cfg.trades = false;
  okx_market_stream stream(cfg, [](market_batch&&) {});
  stream.start();
  CAF_CHECK(eventually([&] { return stream.book_synced(0); }));
  CAF_CHECK_EQUAL(stream.resubscribes(), 1u);
  CAF_CHECK_EQUAL(stream.frames_of(okx_frame_kind::event), 1u);
  CAF_CHECK_EQUAL(stream.error_events(), 0u);
  stream.stop();
}

CAF_TEST(stop_does_not_wait_for_a_hanging_instruments_request) {
  test::http_test_server rest([](const test::recorded_request&) { return test::canned_reply{}; });
  rest.set_mode(test::server_mode::hang);
  auto cfg = config_for(rest.port());
  cfg.request_timeout = 6s; // the destructor still joins the REST thread: it waits this long
  okx_market_stream stream(cfg, [](market_batch&&) {});
  stream.start();
  CAF_REQUIRE(eventually([&] { return rest.requests().size() == 1; }));
  auto before = std::chrono::steady_clock::now();
  stream.stop();
  // Bounded by the stream's own shutdown, not by the request's 6 s.
  CAF_CHECK(std::chrono::steady_clock::now() - before < 4s);
  CAF_CHECK(!stream.connected());
}
