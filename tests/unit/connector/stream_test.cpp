#define CAF_SUITE connector_stream
#include "tests/support/unit_test.hpp"

#include <atomic>
#include <mutex>
#include <thread>

#include "actors/connector/backoff.hpp"
#include "actors/connector/market_stream.hpp"
#include "tests/integration/support/wait_until.hpp"
#include "tests/unit/connector/test_server.hpp"

using namespace cwts;
using namespace cwts::connector;
using namespace std::chrono_literals;

namespace {

std::string trade_frame(int id) {
  return R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":)"
         + std::to_string(id) + R"(,"p":"100.5","q":"0.1","T":1672515782136,"m":false,"M":true}})";
}

// Waits for a condition; generous bound, not a timing assertion.
template <class Pred>
bool eventually(Pred pred) {
  return itest::wait_until(pred, 10s, 10ms);
}

market_stream_config config_for(uint16_t port) {
  market_stream_config cfg;
  cfg.port = port;
  cfg.symbols = {*symbol::parse("BTCUSDT"), *symbol::parse("ETHUSDT")};
  cfg.backoff_initial = 10ms;
  cfg.backoff_max = 50ms;
  cfg.jitter_seed = 7;
  // Trades only: no depth snapshot is fetched from the test server.
  cfg.agg_trades = cfg.book_ticker = cfg.depth = false;
  return cfg;
}

struct collected {
  std::mutex mtx;
  std::vector<trade> trades;
  std::size_t size() {
    std::lock_guard<std::mutex> g(mtx);
    return trades.size();
  }
};

} // namespace

CAF_TEST(builds_the_combined_stream_target) {
  market_stream_config cfg;
  cfg.symbols = {*symbol::parse("BTCUSDT"), *symbol::parse("ETHUSDT")};
  CAF_CHECK_EQUAL(stream_target(cfg),
                  "/stream?streams=btcusdt@trade/btcusdt@aggTrade/btcusdt@bookTicker/"
                  "btcusdt@depth@100ms/ethusdt@trade/ethusdt@aggTrade/ethusdt@bookTicker/"
                  "ethusdt@depth@100ms");
  cfg.agg_trades = cfg.book_ticker = cfg.depth = false;
  CAF_CHECK_EQUAL(stream_target(cfg), "/stream?streams=btcusdt@trade/ethusdt@trade");
  cfg.port = 1;
  CAF_CHECK_EQUAL(validate(cfg), "");
  cfg.trades = false;
  CAF_CHECK_EQUAL(validate(cfg), "streams: none selected");
}

CAF_TEST(backoff_grows_with_jitter_and_is_bounded) {
  backoff b(100ms, 400ms, 1);
  for (int i = 0; i < 10; ++i) {
    auto d = b.next();
    auto cap = std::min<int64_t>(100LL << std::min(i, 10), 400);
    CAF_CHECK(d.count() >= cap / 2 && d.count() <= cap);
  }
  b.reset();
  CAF_CHECK(b.next().count() <= 100);
}

CAF_TEST(delivers_trades_counts_errors_and_answers_pings) {
  cwts::test::ws_test_server server({trade_frame(1), "not json", trade_frame(2)}, false);
  collected got;
  market_stream stream(config_for(server.port()), [&got](market_batch&& b) {
    std::lock_guard<std::mutex> g(got.mtx);
    for (auto& t : b.trades)
      got.trades.push_back(t);
  });
  CAF_REQUIRE_EQUAL(validate(config_for(server.port())), "");
  stream.start();
  CAF_REQUIRE(eventually([&] { return stream.frames() == 3; }));
  CAF_CHECK(stream.connected());
  CAF_CHECK_EQUAL(got.size(), 2u);
  CAF_CHECK_EQUAL(stream.parse_errors(), 1u);
  CAF_CHECK(stream.last_parse_error().find("malformed JSON") == 0);
  CAF_CHECK(stream.last_frame_ns() > 0);
  CAF_CHECK_EQUAL(stream.frames_of(market_event_kind::trade), 2u);
  CAF_CHECK(stream.batches() >= 1u);
  CAF_CHECK(stream.last_frame_ns(0) > 0); // BTCUSDT
  CAF_CHECK_EQUAL(stream.last_frame_ns(1), 0); // nothing for ETHUSDT
  CAF_CHECK(eventually([&] { return server.pongs() >= 1; }));
  CAF_CHECK_EQUAL(server.last_target(), "/stream?streams=btcusdt@trade/ethusdt@trade");
  {
    std::lock_guard<std::mutex> g(got.mtx);
    CAF_CHECK_EQUAL(got.trades[1].id.value, 2);
    CAF_CHECK_EQUAL(got.trades[1].px.to_string(), "100.50000000");
  }
  stream.stop();
  CAF_CHECK(!stream.connected());
}

CAF_TEST(reconnects_after_the_server_closes) {
  cwts::test::ws_test_server server({trade_frame(1)}, true);
  market_stream stream(config_for(server.port()), [](market_batch&&) {});
  stream.start();
  CAF_CHECK(eventually([&] { return server.connections() >= 3; }));
  CAF_CHECK(stream.reconnects() >= 2u);
  CAF_CHECK(stream.frames() >= 2u);
  stream.stop();
}

CAF_TEST(stop_returns_while_nothing_listens) {
  market_stream stream(config_for(cwts::test::unused_port()), [](market_batch&&) {});
  stream.start();
  CAF_CHECK(eventually([&] { return stream.reconnects() >= 2u; }));
  CAF_CHECK(!stream.connected());
  stream.stop();
  stream.stop(); // idempotent
}

CAF_TEST(reconnects_on_its_own_before_the_maximum_connection_age) {
  cwts::test::ws_test_server server({trade_frame(1)}, false);
  auto cfg = config_for(server.port());
  cfg.max_connection_age = 200ms;
  std::atomic<uint64_t> trades{0};
  market_stream stream(cfg, [&trades](market_batch&& b) { trades += b.trades.size(); });
  stream.start();
  CAF_CHECK(eventually([&] { return stream.proactive_reconnects() >= 2u && server.connections() >= 3; }));
  // Each new connection is subscribed again and delivers.
  CAF_CHECK(eventually([&] { return trades.load() >= 3u; }));
  CAF_CHECK(stream.reconnects() >= stream.proactive_reconnects());
  stream.stop();
  auto bad = cfg;
  bad.max_connection_age = std::chrono::hours(25);
  CAF_CHECK_EQUAL(validate(bad), "max_connection_age: must be 1 ms .. 24 h (the venue's limit)");
}
