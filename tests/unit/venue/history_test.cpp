// Trade history and ORDERS limits through rest_api, without sockets:
// /api/v3/klines and /uiKlines (array layout, empty intervals, timeZone,
// week and month boundaries, startTime/endTime/limit), /aggTrades (one taker
// at one price aggregates; fromId, time range), /historicalTrades (API key
// required, fromId), and X-MBX-ORDER-COUNT-10S/1D with -1015.
#define CAF_SUITE venue_history
#include "tests/support/unit_test.hpp"

#include "common/hmac.hpp"
#include "tests/unit/venue/usdchf_rules.hpp"
#include "venue/rest_api.hpp"
#include "venue/trade_history.hpp"

using namespace cwts;
using namespace cwts::venue;
using namespace cwts::venue::testing;

namespace {

// 2023-11-14T22:14:00Z, a minute boundary.
constexpr int64_t t0 = 1'700'000'040'000;

struct fixture {
  matching_engine engine;
  key_store keys;
  venue_stats stats;
  rest_api api{engine, keys, stats, 6000, order_limits{2, 3}};

  fixture() {
    engine.add_symbol(usdchf_rules());
    keys.add(api_account{"alice", "ka", "sa", {}});
    engine.fund("alice", "CHF", *qty::parse("1000"));
  }

  // Trades 1 and 2 (one taker buying 3 at 1.1000 from two resting orders,
  // one aggregate) at t0+1s, trade 3 (a taker selling 2 at 1.0990) at
  // t0+2s, trade 4 (buying 1 at 1.1010) two minutes later.
  void trade_tape() {
    engine.place(venue_limit(order_side::sell, "1.1000", "1"), t0);
    engine.place(venue_limit(order_side::sell, "1.1000", "2"), t0);
    engine.place(venue_limit(order_side::buy, "1.1000", "3", time_in_force::ioc), t0 + 1000);
    engine.place(venue_limit(order_side::buy, "1.0990", "2"), t0 + 1500);
    engine.place(venue_limit(order_side::sell, "1.0990", "2", time_in_force::ioc), t0 + 2000);
    engine.place(venue_limit(order_side::sell, "1.1010", "1"), t0 + 120'000);
    engine.place(venue_limit(order_side::buy, "1.1010", "1", time_in_force::ioc), t0 + 125'000);
  }

  http_reply get(const std::string& target, int64_t now = t0 + 150'000,
                 std::optional<std::string_view> key = std::nullopt) {
    return api.handle(http_request_view{"GET", target, key, ""}, now);
  }

  http_reply order(int64_t now) {
    std::string params = "symbol=USDCHF&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1"
                         "&price=1.0000&timestamp=" + std::to_string(now);
    auto target = "/api/v3/order?" + params + "&signature=" + hmac_sha256_hex("sa", params);
    return api.handle(http_request_view{"POST", target, std::string_view("ka"), ""}, now);
  }

  static std::string header(const http_reply& r, const std::string& name) {
    for (auto& [k, v] : r.headers)
      if (k == name) return v;
    return "";
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(history_tests, fixture)

CAF_TEST(klines_have_binance_layout_and_fill_empty_intervals) {
  trade_tape();
  auto r = get("/api/v3/klines?symbol=USDCHF&interval=1m");
  CAF_CHECK_EQUAL(r.status, 200);
  CAF_CHECK_EQUAL(header(r, "X-MBX-USED-WEIGHT-1M"), "2");
  // open time, OHLC, volume, close time, quote volume, trades, taker buy
  // base and quote volume, "0"; the middle minute had no trade.
  CAF_CHECK_EQUAL(r.body,
                  "[[1700000040000,\"1.10000000\",\"1.10000000\",\"1.09900000\",\"1.09900000\","
                  "\"5.00000000\",1700000099999,\"5.49800000\",3,\"3.00000000\",\"3.30000000\",\"0\"],"
                  "[1700000100000,\"1.09900000\",\"1.09900000\",\"1.09900000\",\"1.09900000\","
                  "\"0.00000000\",1700000159999,\"0.00000000\",0,\"0.00000000\",\"0.00000000\",\"0\"],"
                  "[1700000160000,\"1.10100000\",\"1.10100000\",\"1.10100000\",\"1.10100000\","
                  "\"1.00000000\",1700000219999,\"1.10100000\",1,\"1.00000000\",\"1.10100000\",\"0\"]]");
  CAF_CHECK_EQUAL(get("/api/v3/uiKlines?symbol=USDCHF&interval=1m").body, r.body);
  // limit keeps the newest; startTime the first from there; endTime caps.
  auto newest = get("/api/v3/klines?symbol=USDCHF&interval=1m&limit=1");
  CAF_CHECK(newest.body.rfind("[[1700000160000,", 0) == 0);
  auto from = get("/api/v3/klines?symbol=USDCHF&interval=1m&startTime=1700000040001&limit=1");
  CAF_CHECK(from.body.rfind("[[1700000100000,", 0) == 0);
  auto until = get("/api/v3/klines?symbol=USDCHF&interval=1m&endTime=1700000040000");
  CAF_CHECK(until.body.rfind("[[1700000040000,", 0) == 0);
  CAF_CHECK_EQUAL(until.body.find("],["), std::string::npos);
  // Seconds: three one-second bars with trades among empty ones.
  auto seconds = get("/api/v3/klines?symbol=USDCHF&interval=1s&startTime=1700000041000&limit=2");
  CAF_CHECK(seconds.body.rfind("[[1700000041000,\"1.10000000\"", 0) == 0);
  CAF_CHECK(seconds.body.find("[1700000042000,\"1.09900000\"") != std::string::npos);
}

CAF_TEST(kline_boundaries_follow_time_zone_weeks_and_months) {
  trade_tape();
  // +05:30: hourly bars open at half past the UTC hour.
  auto hour = get("/api/v3/klines?symbol=USDCHF&interval=1h&timeZone=05:30");
  CAF_CHECK(hour.body.rfind("[[1699997400000,", 0) == 0);
  // +8: the day opens at 16:00 UTC the day before.
  auto day = get("/api/v3/klines?symbol=USDCHF&interval=1d&timeZone=8");
  CAF_CHECK(day.body.rfind("[[1699977600000,", 0) == 0);
  // Weeks open on Monday 00:00 UTC; months on the 1st.
  auto week = get("/api/v3/klines?symbol=USDCHF&interval=1w");
  CAF_CHECK(week.body.rfind("[[1699833600000,", 0) == 0);
  auto month = get("/api/v3/klines?symbol=USDCHF&interval=1M");
  CAF_CHECK(month.body.rfind("[[1698796800000,", 0) == 0);
  CAF_CHECK(month.body.find(",1701388799999,") != std::string::npos);
  CAF_CHECK_EQUAL(parse_time_zone("-12:00").value_or(0), -12 * 3600 * 1000);
  CAF_CHECK(!parse_time_zone("14:01"));
  CAF_CHECK(!parse_time_zone("5:3"));
}

CAF_TEST(klines_reject_bad_parameters) {
  CAF_CHECK_EQUAL(get("/api/v3/klines?symbol=USDCHF&interval=2m").body,
                  "{\"code\":-1120,\"msg\":\"Invalid interval.\"}");
  CAF_CHECK_EQUAL(get("/api/v3/klines?symbol=USDCHF&interval=1H").status, 400);
  CAF_CHECK_EQUAL(get("/api/v3/klines?symbol=USDCHF").body,
                  "{\"code\":-1102,\"msg\":\"Mandatory parameter 'interval' was not sent, was "
                  "empty/null, or malformed.\"}");
  CAF_CHECK_EQUAL(get("/api/v3/klines?symbol=USDCHF&interval=1m&timeZone=15").body,
                  "{\"code\":-1130,\"msg\":\"Data sent for parameter 'timeZone' is not valid.\"}");
  CAF_CHECK_EQUAL(get("/api/v3/klines?symbol=NOPE&interval=1m").body,
                  "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}");
  CAF_CHECK_EQUAL(get("/api/v3/klines?symbol=USDCHF&interval=1m&limit=0").status, 400);
  CAF_CHECK_EQUAL(get("/api/v3/klines?symbol=USDCHF&interval=1m&foo=1").status, 400);
  // No trade yet: an empty list.
  CAF_CHECK_EQUAL(get("/api/v3/klines?symbol=USDCHF&interval=1m").body, "[]");
}

CAF_TEST(agg_trades_aggregate_one_taker_at_one_price) {
  trade_tape();
  auto r = get("/api/v3/aggTrades?symbol=USDCHF");
  CAF_CHECK_EQUAL(r.status, 200);
  CAF_CHECK_EQUAL(header(r, "X-MBX-USED-WEIGHT-1M"), "4");
  CAF_CHECK_EQUAL(r.body,
                  "[{\"a\":1,\"p\":\"1.10000000\",\"q\":\"3.00000000\",\"f\":1,\"l\":2,"
                  "\"T\":1700000041000,\"m\":false,\"M\":true},"
                  "{\"a\":2,\"p\":\"1.09900000\",\"q\":\"2.00000000\",\"f\":3,\"l\":3,"
                  "\"T\":1700000042000,\"m\":true,\"M\":true},"
                  "{\"a\":3,\"p\":\"1.10100000\",\"q\":\"1.00000000\",\"f\":4,\"l\":4,"
                  "\"T\":1700000165000,\"m\":false,\"M\":true}]");
  auto from = get("/api/v3/aggTrades?symbol=USDCHF&fromId=2&limit=1");
  CAF_CHECK(from.body.rfind("[{\"a\":2,", 0) == 0);
  CAF_CHECK_EQUAL(from.body.find("\"a\":3"), std::string::npos);
  auto range = get("/api/v3/aggTrades?symbol=USDCHF&startTime=1700000042000&endTime=1700000100000");
  CAF_CHECK(range.body.rfind("[{\"a\":2,", 0) == 0);
  CAF_CHECK_EQUAL(range.body.find("\"a\":3"), std::string::npos);
  CAF_CHECK_EQUAL(get("/api/v3/aggTrades?symbol=USDCHF&fromId=x").status, 400);
  CAF_CHECK_EQUAL(get("/api/v3/aggTrades").status, 400);
}

CAF_TEST(historical_trades_need_an_api_key) {
  trade_tape();
  auto none = get("/api/v3/historicalTrades?symbol=USDCHF");
  CAF_CHECK_EQUAL(none.status, 401);
  CAF_CHECK_EQUAL(none.body, "{\"code\":-2014,\"msg\":\"API-key format invalid.\"}");
  auto unknown = get("/api/v3/historicalTrades?symbol=USDCHF", t0, std::string_view("nobody"));
  CAF_CHECK_EQUAL(unknown.status, 401);
  CAF_CHECK_EQUAL(unknown.body,
                  "{\"code\":-2015,\"msg\":\"Invalid API-key, IP, or permissions for action.\"}");
  auto r = get("/api/v3/historicalTrades?symbol=USDCHF&fromId=3&limit=1", t0,
               std::string_view("ka"));
  CAF_CHECK_EQUAL(r.status, 200);
  // Weight 25 each; the refused -2015 request in the same minute counted too.
  CAF_CHECK_EQUAL(header(r, "X-MBX-USED-WEIGHT-1M"), "50");
  CAF_CHECK_EQUAL(r.body, "[{\"id\":3,\"price\":\"1.09900000\",\"qty\":\"2.00000000\","
                          "\"quoteQty\":\"2.19800000\",\"time\":1700000042000,"
                          "\"isBuyerMaker\":true,\"isBestMatch\":true}]");
  auto newest = get("/api/v3/historicalTrades?symbol=USDCHF&limit=2", t0, std::string_view("ka"));
  CAF_CHECK(newest.body.rfind("[{\"id\":3,", 0) == 0);
  CAF_CHECK(newest.body.find("{\"id\":4,") != std::string::npos);
  CAF_CHECK_EQUAL(get("/api/v3/historicalTrades?symbol=USDCHF&fromId=-1", t0,
                      std::string_view("ka")).status, 400);
}

CAF_TEST(orders_limits_count_per_account_and_refuse_with_1015) {
  // order_limits{2, 3}: 2 per 10 s, 3 per day.
  auto first = order(t0);
  CAF_CHECK_EQUAL(first.status, 200);
  CAF_CHECK_EQUAL(header(first, "X-MBX-ORDER-COUNT-10S"), "1");
  CAF_CHECK_EQUAL(header(first, "X-MBX-ORDER-COUNT-1D"), "1");
  CAF_CHECK_EQUAL(order(t0 + 1).status, 200);
  auto over = order(t0 + 2);
  CAF_CHECK_EQUAL(over.status, 429);
  CAF_CHECK_EQUAL(over.body, "{\"code\":-1015,\"msg\":\"Too many new orders; current limit is "
                             "2 orders per 10 SECOND.\"}");
  CAF_CHECK_EQUAL(header(over, "X-MBX-ORDER-COUNT-10S"), "2");
  // The next 10 s window: one more, then the day is full.
  auto next = order(t0 + 10'000);
  CAF_CHECK_EQUAL(next.status, 200);
  CAF_CHECK_EQUAL(header(next, "X-MBX-ORDER-COUNT-10S"), "1");
  CAF_CHECK_EQUAL(header(next, "X-MBX-ORDER-COUNT-1D"), "3");
  auto day = order(t0 + 20'000);
  CAF_CHECK_EQUAL(day.status, 429);
  CAF_CHECK_EQUAL(day.body, "{\"code\":-1015,\"msg\":\"Too many new orders; current limit is "
                            "3 orders per 1 DAY.\"}");
  auto info = get("/api/v3/exchangeInfo", t0 + 20'000);
  CAF_CHECK(info.body.find("{\"rateLimitType\":\"ORDERS\",\"interval\":\"SECOND\","
                           "\"intervalNum\":10,\"limit\":2},{\"rateLimitType\":\"ORDERS\","
                           "\"interval\":\"DAY\",\"intervalNum\":1,\"limit\":3}")
            != std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()
