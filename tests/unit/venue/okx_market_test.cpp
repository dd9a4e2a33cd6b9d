// OKX v5 public endpoints through okx_rest_api: time, instruments, books,
// trades, ticker(s), candles, and their parameter errors.
#define CAF_SUITE venue_okx_market
#include "tests/support/unit_test.hpp"

#include "tests/unit/venue/okx_test_fixture.hpp"

using namespace cwts;
using namespace cwts::venue;
using namespace cwts::venue::testing;

namespace {

const json_value& data0(const json_value& v) { return v.member("data")->items.at(0); }

} // namespace

CAF_TEST_FIXTURE_SCOPE(okx_market_tests, okx_fixture)

CAF_TEST(public_time) {
  auto r = get("/api/v5/public/time");
  CAF_CHECK_EQUAL(r.status, 200);
  CAF_CHECK_EQUAL(r.body, "{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"ts\":\"1700000000000\"}]}");
}

CAF_TEST(instruments_spot) {
  auto r = get("/api/v5/public/instruments?instType=SPOT");
  CAF_CHECK_EQUAL(okx_code_of(r), "0");
  CAF_CHECK_EQUAL(okx_data(r, 0, "instId"), "USD-CHF");
  CAF_CHECK_EQUAL(okx_data(r, 0, "baseCcy"), "USD");
  CAF_CHECK_EQUAL(okx_data(r, 0, "quoteCcy"), "CHF");
  CAF_CHECK_EQUAL(okx_data(r, 0, "tickSz"), "0.0001");
  CAF_CHECK_EQUAL(okx_data(r, 0, "lotSz"), "1");
  CAF_CHECK_EQUAL(okx_data(r, 0, "minSz"), "1");
  CAF_CHECK_EQUAL(okx_data(r, 0, "maxLmtSz"), "1000000");
  CAF_CHECK_EQUAL(okx_data(r, 0, "state"), "live");
  CAF_CHECK_EQUAL(okx_data_size(get("/api/v5/public/instruments?instType=SPOT&instId=USD-CHF")),
                  1u);
  CAF_CHECK_EQUAL(okx_code_of(get("/api/v5/public/instruments")), "50014");
  // A valid type this venue has none of: an empty list (ccxt loads every type).
  auto swap = get("/api/v5/public/instruments?instType=SWAP");
  CAF_CHECK_EQUAL(okx_code_of(swap), "0");
  CAF_CHECK_EQUAL(okx_data_size(swap), 0u);
  CAF_CHECK_EQUAL(okx_code_of(get("/api/v5/public/instruments?instType=BOND")), "51000");
  CAF_CHECK_EQUAL(okx_code_of(get("/api/v5/public/instruments?instType=SPOT&instId=X-Y")),
                  "51001");
  CAF_CHECK_EQUAL(stats.rejects[50014], 1u);
}

CAF_TEST(books_levels_as_four_strings) {
  call("alice", "POST", "/api/v5/trade/order",
       R"({"instId":"USD-CHF","tdMode":"cash","side":"buy","ordType":"limit","px":"0.9","sz":"5"})");
  call("bob", "POST", "/api/v5/trade/order",
       R"({"instId":"USD-CHF","tdMode":"cash","side":"buy","ordType":"limit","px":"0.9","sz":"3"})");
  call("bob", "POST", "/api/v5/trade/order",
       R"({"instId":"USD-CHF","tdMode":"cash","side":"sell","ordType":"post_only","px":"0.95","sz":"2"})");
  call("bob", "POST", "/api/v5/trade/order",
       R"({"instId":"USD-CHF","tdMode":"cash","side":"sell","ordType":"limit","px":"0.96","sz":"2"})");
  auto r = get("/api/v5/market/books?instId=USD-CHF&sz=5");
  CAF_CHECK_EQUAL(okx_code_of(r), "0");
  auto b = okx_parse(r.body);
  auto& d = data0(b);
  CAF_REQUIRE_EQUAL(d.member("bids")->items.size(), 1u);
  auto& bid = d.member("bids")->items[0];
  CAF_CHECK_EQUAL(bid.items[0].text, "0.9");
  CAF_CHECK_EQUAL(bid.items[1].text, "8");
  CAF_CHECK_EQUAL(bid.items[2].text, "0");
  CAF_CHECK_EQUAL(bid.items[3].text, "2");
  CAF_REQUIRE_EQUAL(d.member("asks")->items.size(), 2u);
  CAF_CHECK_EQUAL(d.member("asks")->items[0].items[0].text, "0.95"); // best ask first
  CAF_CHECK_EQUAL(d.member("ts")->text, "1700000000000");
  auto top = okx_parse(get("/api/v5/market/books?instId=USD-CHF").body);
  CAF_CHECK_EQUAL(data0(top).member("asks")->items.size(), 1u); // sz defaults to 1
  CAF_CHECK_EQUAL(okx_code_of(get("/api/v5/market/books?instId=USD-CHF&sz=401")), "51000");
  CAF_CHECK_EQUAL(okx_code_of(get("/api/v5/market/books")), "50014");
  CAF_CHECK_EQUAL(okx_code_of(get("/api/v5/market/books?instId=BTC-USDT")), "51001");
  // A post_only order that would take is refused.
  auto take = call("alice", "POST", "/api/v5/trade/order",
                   R"({"instId":"USD-CHF","tdMode":"cash","side":"buy","ordType":"post_only","px":"0.95","sz":"2"})");
  CAF_CHECK_EQUAL(okx_data(take, 0, "sCode"), "51000");
}

CAF_TEST(trades_ticker_and_candles_after_a_trade) {
  call("bob", "POST", "/api/v5/trade/order",
       R"({"instId":"USD-CHF","tdMode":"cash","side":"sell","ordType":"limit","px":"0.9","sz":"10"})");
  call("alice", "POST", "/api/v5/trade/order",
       R"({"instId":"USD-CHF","tdMode":"cash","side":"buy","ordType":"ioc","px":"0.9","sz":"3"})");
  now += 1000;
  call("alice", "POST", "/api/v5/trade/order",
       R"({"instId":"USD-CHF","tdMode":"cash","side":"buy","ordType":"fok","px":"0.9","sz":"2"})");
  auto t = get("/api/v5/market/trades?instId=USD-CHF");
  CAF_CHECK_EQUAL(okx_code_of(t), "0");
  CAF_REQUIRE_EQUAL(okx_data_size(t), 2u);
  CAF_CHECK_EQUAL(okx_data(t, 0, "sz"), "2"); // newest first
  CAF_CHECK_EQUAL(okx_data(t, 0, "side"), "buy");
  CAF_CHECK_EQUAL(okx_data(t, 0, "px"), "0.9");
  CAF_CHECK_EQUAL(okx_data(t, 1, "sz"), "3");
  CAF_CHECK_EQUAL(okx_data_size(get("/api/v5/market/trades?instId=USD-CHF&limit=1")), 1u);
  CAF_CHECK_EQUAL(okx_code_of(get("/api/v5/market/trades?instId=USD-CHF&limit=501")), "51000");
  auto k = get("/api/v5/market/ticker?instId=USD-CHF");
  CAF_CHECK_EQUAL(okx_data(k, 0, "last"), "0.9");
  CAF_CHECK_EQUAL(okx_data(k, 0, "lastSz"), "2");
  CAF_CHECK_EQUAL(okx_data(k, 0, "askPx"), "0.9");
  CAF_CHECK_EQUAL(okx_data(k, 0, "askSz"), "5");
  CAF_CHECK_EQUAL(okx_data(k, 0, "bidPx"), "");
  CAF_CHECK_EQUAL(okx_data(k, 0, "vol24h"), "5");
  CAF_CHECK_EQUAL(okx_data(k, 0, "volCcy24h"), "4.5");
  CAF_CHECK_EQUAL(okx_data(k, 0, "open24h"), "0.9");
  CAF_CHECK_EQUAL(okx_data(k, 0, "sodUtc0"), "0.9");
  auto all = get("/api/v5/market/tickers?instType=SPOT");
  CAF_CHECK_EQUAL(okx_data_size(all), 1u);
  CAF_CHECK_EQUAL(okx_code_of(get("/api/v5/market/tickers")), "50014");
  auto c = okx_parse(get("/api/v5/market/candles?instId=USD-CHF&bar=1m").body);
  auto& rows = c.member("data")->items;
  CAF_REQUIRE_EQUAL(rows.size(), 1u);
  CAF_CHECK_EQUAL(rows[0].items.size(), 9u);
  CAF_CHECK_EQUAL(rows[0].items[0].text, "1699999980000"); // the minute's open
  CAF_CHECK_EQUAL(rows[0].items[1].text, "0.9");
  CAF_CHECK_EQUAL(rows[0].items[5].text, "5");
  CAF_CHECK_EQUAL(rows[0].items[8].text, "0"); // still open
  CAF_CHECK_EQUAL(okx_code_of(get("/api/v5/market/candles?instId=USD-CHF&bar=7m")), "51000");
  CAF_CHECK_EQUAL(okx_data_size(get("/api/v5/market/candles?instId=USD-CHF&bar=1m&after=1699999980000")),
                  0u);
}

CAF_TEST(public_rate_limit_per_ip) {
  for (int i = 0; i < 10; ++i) CAF_CHECK_EQUAL(get("/api/v5/public/time").status, 200);
  auto over = get("/api/v5/public/time");
  CAF_CHECK_EQUAL(over.status, 429);
  CAF_CHECK_EQUAL(okx_code_of(over), "50011");
}

CAF_TEST_FIXTURE_SCOPE_END()
