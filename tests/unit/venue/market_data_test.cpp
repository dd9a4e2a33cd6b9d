// Public market data and request weights through rest_api, without sockets:
// /depth lastUpdateId, /trades, the tickers, X-MBX-USED-WEIGHT-1M and 429.
#define CAF_SUITE venue_market_data
#include "tests/support/unit_test.hpp"

#include "tests/unit/venue/usdchf_rules.hpp"

#include <map>

#include "venue/market_feed.hpp"
#include "venue/market_stats.hpp"
#include "venue/request_weight.hpp"
#include "venue/rest_api.hpp"

using namespace cwts;
using namespace cwts::venue;
using namespace cwts::venue::testing;

namespace {

struct fixture {
  matching_engine engine;
  key_store keys;
  venue_stats stats;
  rest_api api{engine, keys, stats, 100};

  fixture() { engine.add_symbol(usdchf_rules()); }

  http_reply get(const std::string& target, int64_t now = 1'700'000'000'000) {
    return api.handle(http_request_view{"GET", target, std::nullopt, ""}, now);
  }

  std::string header(const http_reply& r, const std::string& name) {
    for (auto& [k, v] : r.headers)
      if (k == name) return v;
    return "";
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(market_data_tests, fixture)

CAF_TEST(depth_shows_levels_and_last_update_id) {
  engine.place(venue_limit(order_side::buy, "1.1000", "10"), 1);
  engine.place(venue_limit(order_side::buy, "1.1001", "5"), 2);
  engine.place(venue_limit(order_side::sell, "1.1003", "7"), 3);
  auto reply = get("/api/v3/depth?symbol=USDCHF&limit=1");
  CAF_CHECK_EQUAL(reply.status, 200);
  CAF_CHECK_EQUAL(reply.body, "{\"lastUpdateId\":3,\"bids\":[[\"1.10010000\",\"5.00000000\"]],"
                              "\"asks\":[[\"1.10030000\",\"7.00000000\"]]}");
  auto missing = get("/api/v3/depth");
  CAF_CHECK_EQUAL(missing.status, 400);
  CAF_CHECK_EQUAL(get("/api/v3/depth?symbol=EURUSD").body,
                  "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}");
}

CAF_TEST(each_level_change_increments_update_id_once) {
  std::vector<int64_t> ids;
  engine.on_book_change([&](symbol, order_side, price, int64_t id) { ids.push_back(id); });
  engine.place(venue_limit(order_side::sell, "1.1003", "7"), 1);
  engine.place(venue_limit(order_side::buy, "1.1003", "3"), 2); // trades 3, maker level shrinks
  CAF_CHECK_EQUAL(ids.size(), 2u);
  CAF_CHECK_EQUAL(engine.last_update_id(usdchf()), 2);
  auto left = engine.level_quantity(usdchf(), order_side::sell, *price::parse("1.1003"));
  CAF_CHECK_EQUAL(left.to_string(), "4.00000000");
}

CAF_TEST(trades_and_tickers_use_binance_field_names) {
  engine.place(venue_limit(order_side::sell, "1.1003", "7"), 1'700'000'000'000);
  engine.place(venue_limit(order_side::buy, "1.1003", "2"), 1'700'000'000'000);
  engine.place(venue_limit(order_side::buy, "1.1000", "9"), 1'700'000'000'000);
  CAF_CHECK_EQUAL(get("/api/v3/trades?symbol=USDCHF").body,
                  "[{\"id\":1,\"price\":\"1.10030000\",\"qty\":\"2.00000000\",\"quoteQty\":"
                  "\"2.20060000\",\"time\":1700000000000,\"isBuyerMaker\":false,"
                  "\"isBestMatch\":true}]");
  CAF_CHECK_EQUAL(get("/api/v3/ticker/price?symbol=USDCHF").body,
                  "{\"symbol\":\"USDCHF\",\"price\":\"1.10030000\"}");
  CAF_CHECK_EQUAL(get("/api/v3/ticker/price").body,
                  "[{\"symbol\":\"USDCHF\",\"price\":\"1.10030000\"}]");
  CAF_CHECK_EQUAL(get("/api/v3/ticker/bookTicker?symbol=USDCHF").body,
                  "{\"symbol\":\"USDCHF\",\"bidPrice\":\"1.10000000\",\"bidQty\":\"9.00000000\","
                  "\"askPrice\":\"1.10030000\",\"askQty\":\"5.00000000\"}");
  auto day = get("/api/v3/ticker/24hr?symbol=USDCHF", 1'700'000'030'000);
  CAF_CHECK(day.body.find("\"lastPrice\":\"1.10030000\",\"lastQty\":\"2.00000000\"")
            != std::string::npos);
  CAF_CHECK(day.body.find("\"volume\":\"2.00000000\",\"quoteVolume\":\"2.20060000\"")
            != std::string::npos);
  CAF_CHECK(day.body.find("\"firstId\":1,\"lastId\":1,\"count\":1") != std::string::npos);
  CAF_CHECK(day.body.find("\"priceChangePercent\":\"0.000\"") != std::string::npos);
  CAF_CHECK_EQUAL(get("/api/v3/trades?symbol=USDCHF&limit=0").status, 400);
  CAF_CHECK_EQUAL(get("/api/v3/avgPrice?symbol=USDCHF").body,
                  "{\"mins\":5,\"price\":\"1.10030000\",\"closeTime\":1700000000000}");
  // symbols=["USDCHF"] (URL-encoded) answers an array; MINI drops bid/ask.
  auto listed = get("/api/v3/ticker/price?symbols=%5B%22USDCHF%22%5D");
  CAF_CHECK_EQUAL(listed.body, "[{\"symbol\":\"USDCHF\",\"price\":\"1.10030000\"}]");
  auto mini = get("/api/v3/ticker/24hr?symbol=USDCHF&type=MINI", 1'700'000'030'000);
  CAF_CHECK_EQUAL(mini.body.rfind("{\"symbol\":\"USDCHF\",\"openPrice\":\"1.10030000\"", 0), 0u);
  CAF_CHECK(mini.body.find("bidPrice") == std::string::npos);
  CAF_CHECK_EQUAL(get("/api/v3/ticker/24hr?symbol=USDCHF&type=TINY").body,
                  "{\"code\":-1139,\"msg\":\"Invalid ticker type.\"}");
  CAF_CHECK_EQUAL(get("/api/v3/ticker/bookTicker?symbols=%5B%22EURUSD%22%5D").body,
                  "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}");
}

CAF_TEST(rolling_window_forgets_trades_older_than_a_day) {
  market_stats m;
  m.record(public_trade{usdchf(), 1, *price::parse("1.0"), *qty::parse("1"), 0, false, false, 0});
  m.record(public_trade{usdchf(), 2, *price::parse("1.5"), *qty::parse("2"), day_ms, false,
                        false, 0});
  auto s = m.rolling_24h(usdchf(), day_ms + 60'000);
  CAF_CHECK_EQUAL(s.count, 1);
  CAF_CHECK_EQUAL(s.first_id, 2);
  CAF_CHECK_EQUAL(s.prev_close.to_string(), "1.00000000");
  CAF_CHECK_EQUAL(s.open.to_string(), "1.50000000");
  auto none = m.rolling_24h(usdchf(), 3 * day_ms);
  CAF_CHECK_EQUAL(none.count, 0);
  CAF_CHECK_EQUAL(none.first_id, -1);
}

CAF_TEST(weights_follow_rest_api_table) {
  auto with = [](const char* q) {
    return std::get<request_params>(parse_params(q, {}));
  };
  CAF_CHECK_EQUAL(request_weight("GET", "/api/v3/depth", with("symbol=X")), 5);
  CAF_CHECK_EQUAL(request_weight("GET", "/api/v3/depth", with("limit=500")), 25);
  CAF_CHECK_EQUAL(request_weight("GET", "/api/v3/depth", with("limit=1000")), 50);
  CAF_CHECK_EQUAL(request_weight("GET", "/api/v3/depth", with("limit=5000")), 250);
  CAF_CHECK_EQUAL(request_weight("GET", "/api/v3/exchangeInfo", with("")), 20);
  CAF_CHECK_EQUAL(request_weight("GET", "/api/v3/openOrders", with("")), 80);
  CAF_CHECK_EQUAL(request_weight("GET", "/api/v3/openOrders", with("symbol=X")), 6);
  CAF_CHECK_EQUAL(request_weight("GET", "/api/v3/ticker/24hr", with("")), 80);
  CAF_CHECK_EQUAL(request_weight("GET", "/api/v3/order", with("")), 4);
  CAF_CHECK_EQUAL(request_weight("POST", "/api/v3/order", with("")), 1);
  CAF_CHECK_EQUAL(request_weight("GET", "/api/v3/ticker/24hr", with("symbols=%5B%22A%22%5D")), 2);
}

CAF_TEST(used_weight_header_and_429_when_over_the_limit) {
  // The fixture's limit is 100; exchangeInfo weighs 20.
  int64_t now = 1'700'000'010'000;
  for (int i = 1; i <= 5; ++i) {
    auto ok = get("/api/v3/exchangeInfo", now);
    CAF_CHECK_EQUAL(ok.status, 200);
    CAF_CHECK_EQUAL(header(ok, "X-MBX-USED-WEIGHT-1M"), std::to_string(20 * i));
  }
  auto over = get("/api/v3/ping", now);
  CAF_CHECK_EQUAL(over.status, 429);
  CAF_CHECK_EQUAL(over.body.rfind("{\"code\":-1003,\"msg\":\"Too much request weight used; "
                                  "current limit is 100 request weight per 1 MINUTE.", 0), 0u);
  CAF_CHECK_EQUAL(header(over, "X-MBX-USED-WEIGHT-1M"), "101");
  CAF_CHECK_EQUAL(header(over, "Retry-After"), "30");
  // The next clock minute starts a new window.
  auto next = get("/api/v3/ping", 1'700'000'040'000);
  CAF_CHECK_EQUAL(next.status, 200);
  CAF_CHECK_EQUAL(header(next, "X-MBX-USED-WEIGHT-1M"), "1");
}

CAF_TEST(book_ticker_event_only_when_the_top_changes) {
  market_feed feed(engine);
  engine.place(venue_limit(order_side::buy, "1.1000", "9"), 1);
  auto first = feed.book_ticker_changes();
  CAF_REQUIRE_EQUAL(first.size(), 1u);
  CAF_CHECK_EQUAL(first[0].data, "{\"u\":1,\"s\":\"USDCHF\",\"b\":\"1.10000000\",\"B\":"
                                 "\"9.00000000\",\"a\":\"0.00000000\",\"A\":\"0.00000000\"}");
  engine.place(venue_limit(order_side::buy, "1.0990", "9"), 2); // below the top
  CAF_CHECK(feed.book_ticker_changes().empty());
}

CAF_TEST(agg_trade_groups_one_takers_fills_per_price) {
  market_feed feed(engine);
  engine.place(venue_limit(order_side::sell, "1.1003", "2"), 1);
  engine.place(venue_limit(order_side::sell, "1.1003", "3"), 1);
  engine.place(venue_limit(order_side::sell, "1.1004", "4"), 1);
  engine.place(venue_limit(order_side::buy, "1.1004", "9"), 7);
  auto events = feed.agg_trades(8);
  CAF_REQUIRE_EQUAL(events.size(), 2u);
  CAF_CHECK_EQUAL(events[0].data, "{\"e\":\"aggTrade\",\"E\":8,\"s\":\"USDCHF\",\"a\":1,"
                                  "\"p\":\"1.10030000\",\"q\":\"5.00000000\",\"f\":1,\"l\":2,"
                                  "\"T\":7,\"m\":false,\"M\":true}");
  CAF_CHECK(events[1].data.find("\"a\":2,\"p\":\"1.10040000\",\"q\":\"4.00000000\",\"f\":3,"
                                "\"l\":3") != std::string::npos);
  CAF_CHECK(feed.agg_trades(9).empty());
}

CAF_TEST(snapshot_plus_diffs_rebuilds_the_book) {
  market_feed feed(engine);
  engine.place(venue_limit(order_side::buy, "1.1000", "10"), 1);
  engine.place(venue_limit(order_side::sell, "1.1005", "10"), 1);
  auto early = feed.flush_depth(stream_kind::depth_100ms, 1); // before the snapshot
  // The documented procedure: snapshot, then drop events with u <= lastUpdateId.
  auto snapshot_id = engine.last_update_id(usdchf());
  std::map<int64_t, int64_t> bids, asks;
  for (auto& l : engine.depth(usdchf(), order_side::buy)) bids[l.px.raw] = l.quantity.raw;
  for (auto& l : engine.depth(usdchf(), order_side::sell)) asks[l.px.raw] = l.quantity.raw;
  engine.place(venue_limit(order_side::buy, "1.1005", "4"), 2);   // takes 4 of the ask
  engine.place(venue_limit(order_side::sell, "1.1000", "10"), 2); // removes the bid level
  engine.place(venue_limit(order_side::buy, "1.0990", "3"), 2);
  auto events = feed.flush_depth(stream_kind::depth_100ms, 3);
  CAF_REQUIRE_EQUAL(early.size(), 1u);
  CAF_REQUIRE_EQUAL(events.size(), 1u);
  CAF_CHECK(early[0].data.find("\"U\":1,\"u\":2") != std::string::npos);
  // U of the next event is u+1 of the previous one.
  CAF_CHECK(events[0].data.find("\"U\":3,\"u\":" + std::to_string(engine.last_update_id(usdchf())))
            != std::string::npos);
  CAF_CHECK_EQUAL(snapshot_id, 2);
  // Apply the event: 1.1005 ask -> 6, 1.1000 bid removed ("0"), 1.0990 bid 3.
  CAF_CHECK(events[0].data.find("\"b\":[[\"1.10000000\",\"0.00000000\"],[\"1.09900000\","
                                "\"3.00000000\"]]") != std::string::npos);
  CAF_CHECK(events[0].data.find("\"a\":[[\"1.10050000\",\"6.00000000\"]]") != std::string::npos);
  bids.erase(price::parse("1.1000")->raw);
  bids[price::parse("1.0990")->raw] = qty::parse("3")->raw;
  asks[price::parse("1.1005")->raw] = qty::parse("6")->raw;
  std::map<int64_t, int64_t> live_bids, live_asks;
  for (auto& l : engine.depth(usdchf(), order_side::buy)) live_bids[l.px.raw] = l.quantity.raw;
  for (auto& l : engine.depth(usdchf(), order_side::sell)) live_asks[l.px.raw] = l.quantity.raw;
  CAF_CHECK(bids == live_bids);
  CAF_CHECK(asks == live_asks);
}

CAF_TEST_FIXTURE_SCOPE_END()
