// Public market data and request weights through rest_api, without sockets:
// /depth lastUpdateId, /trades, the tickers, X-MBX-USED-WEIGHT-1M and 429.
#define CAF_SUITE venue_market_data
#include "caf/test/unit_test_impl.hpp"

#include "venue/market_stats.hpp"
#include "venue/request_weight.hpp"
#include "venue/rest_api.hpp"

using namespace cwts;
using namespace cwts::venue;

namespace {

symbol usdchf() { return *symbol::parse("USDCHF"); }

symbol_rules rules() {
  symbol_rules r;
  r.sym = usdchf();
  r.base_asset = "USD";
  r.quote_asset = "CHF";
  r.min_price = *price::parse("0.0001");
  r.max_price = *price::parse("100");
  r.tick_size = *price::parse("0.0001");
  r.min_qty = *qty::parse("1");
  r.max_qty = *qty::parse("1000000");
  r.step_size = *qty::parse("1");
  r.min_notional = *notional::parse("1");
  r.max_notional = *notional::parse("100000000");
  return r;
}

place_request venue_limit(order_side side, const char* px, const char* q) {
  place_request r;
  r.account = "@venue";
  r.sym = usdchf();
  r.side = side;
  r.px = *price::parse(px);
  r.quantity = *qty::parse(q);
  r.venue_owned = true;
  return r;
}

struct fixture {
  matching_engine engine;
  key_store keys;
  venue_stats stats;
  rest_api api{engine, keys, stats, 100};

  fixture() { engine.add_symbol(rules()); }

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
}

CAF_TEST(rolling_window_forgets_trades_older_than_a_day) {
  market_stats m;
  m.record(public_trade{usdchf(), 1, *price::parse("1.0"), *qty::parse("1"), 0, false, false});
  m.record(public_trade{usdchf(), 2, *price::parse("1.5"), *qty::parse("2"), day_ms, false,
                        false});
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

CAF_TEST_FIXTURE_SCOPE_END()
