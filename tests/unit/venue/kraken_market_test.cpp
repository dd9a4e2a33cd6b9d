// Kraken public market data through kraken_rest_api, without sockets:
// Time, SystemStatus, Assets, AssetPairs (Kraken's names and precisions),
// Ticker, Depth, Trades, OHLC, Spread; unknown pairs and methods.
#define CAF_SUITE venue_kraken_market
#include "tests/support/unit_test.hpp"

#include "tests/unit/venue/kraken_test_fixture.hpp"

using namespace cwts;
using namespace cwts::venue;
using namespace cwts::venue::testing;

namespace {

const json_value* at(const json_value& v, std::initializer_list<std::string> path) {
  const json_value* cur = &v;
  for (auto& p : path) {
    cur = cur ? cur->member(p) : nullptr;
  }
  return cur;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(kraken_market_tests, kraken_fixture)

CAF_TEST(time_and_system_status) {
  auto t = kraken_result(get("/0/public/Time"));
  CAF_CHECK_EQUAL(kraken_at(t, {"unixtime"}), "1700000000");
  CAF_CHECK_EQUAL(kraken_at(t, {"rfc1123"}), "Tue, 14 Nov 23 22:13:20 +0000");
  auto s = kraken_result(get("/0/public/SystemStatus"));
  CAF_CHECK_EQUAL(kraken_at(s, {"status"}), "online");
  CAF_CHECK_EQUAL(kraken_at(s, {"timestamp"}), "2023-11-14T22:13:20Z");
}

CAF_TEST(assets_carry_krakens_keys_and_altnames) {
  auto a = kraken_result(get("/0/public/Assets"));
  CAF_CHECK_EQUAL(kraken_at(a, {"XXBT", "altname"}), "XBT");
  CAF_CHECK_EQUAL(kraken_at(a, {"ZUSD", "altname"}), "USD");
  CAF_CHECK_EQUAL(kraken_at(a, {"CHF", "altname"}), "CHF");
  CAF_CHECK_EQUAL(kraken_at(a, {"CHF", "aclass"}), "currency");
  CAF_CHECK_EQUAL(a.members.size(), 3u);
  auto only = kraken_result(get("/0/public/Assets?asset=XBT,ZUSD"));
  CAF_CHECK_EQUAL(only.members.size(), 2u);
  CAF_CHECK_EQUAL(kraken_error_of(get("/0/public/Assets?asset=DOT")), "EQuery:Unknown asset");
}

CAF_TEST(asset_pairs_name_and_size_each_pair_as_kraken_does) {
  auto p = kraken_result(get("/0/public/AssetPairs"));
  CAF_CHECK_EQUAL(kraken_at(p, {"USDCHF", "altname"}), "USDCHF");
  CAF_CHECK_EQUAL(kraken_at(p, {"USDCHF", "wsname"}), "USD/CHF");
  CAF_CHECK_EQUAL(kraken_at(p, {"USDCHF", "base"}), "ZUSD");
  CAF_CHECK_EQUAL(kraken_at(p, {"USDCHF", "quote"}), "CHF");
  CAF_CHECK_EQUAL(kraken_at(p, {"USDCHF", "pair_decimals"}), "4");
  CAF_CHECK_EQUAL(kraken_at(p, {"USDCHF", "lot_decimals"}), "0");
  CAF_CHECK_EQUAL(kraken_at(p, {"USDCHF", "cost_decimals"}), "4");
  CAF_CHECK_EQUAL(kraken_at(p, {"USDCHF", "ordermin"}), "1");
  CAF_CHECK_EQUAL(kraken_at(p, {"USDCHF", "costmin"}), "1");
  CAF_CHECK_EQUAL(kraken_at(p, {"USDCHF", "tick_size"}), "0.0001");
  CAF_CHECK_EQUAL(kraken_at(p, {"USDCHF", "status"}), "online");
  CAF_CHECK_EQUAL(kraken_at(p, {"XXBTZUSD", "altname"}), "XBTUSD");
  CAF_CHECK_EQUAL(kraken_at(p, {"XXBTZUSD", "wsname"}), "XBT/USD");
  CAF_CHECK_EQUAL(kraken_at(p, {"XXBTZUSD", "base"}), "XXBT");
  CAF_CHECK_EQUAL(kraken_at(p, {"XXBTZUSD", "pair_decimals"}), "1");
  CAF_CHECK_EQUAL(kraken_at(p, {"XXBTZUSD", "lot_decimals"}), "8");
  CAF_CHECK_EQUAL(kraken_at(p, {"XXBTZUSD", "ordermin"}), "0.00010000");
  CAF_CHECK_EQUAL(kraken_at(p, {"XXBTZUSD", "tick_size"}), "0.1");
  // Any of Kraken's names selects a pair; the result is keyed by the key.
  for (auto name : {"XBTUSD", "XXBTZUSD", "XBT/USD", "BTC/USD"}) {
    auto one = kraken_result(get(std::string("/0/public/AssetPairs?pair=") + name));
    CAF_CHECK_EQUAL(one.members.size(), 1u);
    CAF_CHECK_EQUAL(kraken_at(one, {"XXBTZUSD", "altname"}), "XBTUSD");
  }
  CAF_CHECK_EQUAL(kraken_error_of(get("/0/public/AssetPairs?pair=XBTEUR")),
                  "EQuery:Unknown asset pair");
  CAF_CHECK_EQUAL(kraken_error_of(get("/0/public/AssetPairs?info=weird")),
                  "EGeneral:Invalid arguments:info");
}

CAF_TEST(unknown_methods_are_404) {
  auto r = get("/0/public/Nope");
  CAF_CHECK_EQUAL(r.status, 404);
  CAF_CHECK_EQUAL(kraken_error_of(r), "EGeneral:Unknown method");
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "Withdraw")), "EGeneral:Unknown method");
  CAF_CHECK_EQUAL(kraken.errors().by_text().at("EGeneral:Unknown method"), 2u);
}

CAF_TEST(depth_ticker_trades_ohlc_and_spread_follow_the_book) {
  auto sell = limit("bob", order_side::sell, "0.9", "10");
  CAF_REQUIRE(std::holds_alternative<order>(engine.place(sell, now)));
  CAF_REQUIRE(std::holds_alternative<order>(
    engine.place(limit("bob", order_side::sell, "0.9100", "5"), now)));
  CAF_REQUIRE(std::holds_alternative<order>(
    engine.place(limit("bob", order_side::buy, "0.8", "7"), now)));
  kraken.tick(now); // a spread sample
  now += 61'000;
  CAF_REQUIRE(std::holds_alternative<order>(
    engine.place(limit("alice", order_side::buy, "0.9", "4"), now)));

  auto d = kraken_result(get("/0/public/Depth?pair=USDCHF&count=1"));
  auto* asks = at(d, {"USDCHF", "asks"});
  CAF_REQUIRE(asks);
  CAF_REQUIRE_EQUAL(asks->items.size(), 1u);
  CAF_CHECK_EQUAL(asks->items[0].items[0].text, "0.9000");
  CAF_CHECK_EQUAL(asks->items[0].items[1].text, "6");
  auto* bids = at(d, {"USDCHF", "bids"});
  CAF_REQUIRE(bids);
  CAF_CHECK_EQUAL(bids->items[0].items[0].text, "0.8000");
  CAF_CHECK_EQUAL(kraken_error_of(get("/0/public/Depth?pair=USDCHF&count=501")),
                  "EGeneral:Invalid arguments:count");
  CAF_CHECK_EQUAL(kraken_error_of(get("/0/public/Depth")), "EGeneral:Invalid arguments:pair");

  auto t = kraken_result(get("/0/public/Ticker?pair=USDCHF"));
  auto* a = at(t, {"USDCHF", "a"});
  CAF_REQUIRE(a);
  CAF_CHECK_EQUAL(a->items[0].text, "0.9000");
  CAF_CHECK_EQUAL(a->items[1].text, "6");
  auto* c = at(t, {"USDCHF", "c"});
  CAF_REQUIRE(c);
  CAF_CHECK_EQUAL(c->items[0].text, "0.9000");
  CAF_CHECK_EQUAL(c->items[1].text, "4");
  CAF_CHECK_EQUAL(at(t, {"USDCHF", "t"})->items[1].text, "1");
  CAF_CHECK_EQUAL(kraken_at(t, {"USDCHF", "o"}), "0.9000");

  auto tr = get("/0/public/Trades?pair=USD/CHF");
  auto tres = kraken_result(tr);
  auto* list = at(tres, {"USDCHF"});
  CAF_REQUIRE(list);
  CAF_REQUIRE_EQUAL(list->items.size(), 1u);
  auto& row = list->items[0].items;
  CAF_CHECK_EQUAL(row[0].text, "0.9000");
  CAF_CHECK_EQUAL(row[1].text, "4");
  CAF_CHECK_EQUAL(row[2].text, "1700000061.0000");
  CAF_CHECK_EQUAL(row[3].text, "b"); // the taker bought
  auto last = kraken_at(tres, {"last"});
  CAF_CHECK_EQUAL(last, "1700000061000000000");
  // Polling with `last` gives nothing new.
  auto again = kraken_result(get("/0/public/Trades?pair=USDCHF&since=" + last));
  CAF_CHECK_EQUAL(at(again, {"USDCHF"})->items.size(), 0u);

  auto o = kraken_result(get("/0/public/OHLC?pair=USDCHF&interval=1"));
  auto* bars = at(o, {"USDCHF"});
  CAF_REQUIRE(bars);
  CAF_REQUIRE(!bars->items.empty());
  auto& bar = bars->items.back().items;
  CAF_CHECK_EQUAL(bar[0].text, "1700000040"); // the minute of the trade
  CAF_CHECK_EQUAL(bar[1].text, "0.9000");
  CAF_CHECK_EQUAL(bar[6].text, "4");
  CAF_CHECK_EQUAL(bar[7].text, "1");
  CAF_CHECK_EQUAL(kraken_error_of(get("/0/public/OHLC?pair=USDCHF&interval=2")),
                  "EGeneral:Invalid arguments:interval");

  kraken.tick(now); // the ask level shrank but the top price did not move
  auto s = kraken_result(get("/0/public/Spread?pair=USDCHF"));
  auto* spreads = at(s, {"USDCHF"});
  CAF_REQUIRE(spreads);
  CAF_REQUIRE_EQUAL(spreads->items.size(), 1u);
  CAF_CHECK_EQUAL(spreads->items[0].items[0].text, "1700000000");
  CAF_CHECK_EQUAL(spreads->items[0].items[1].text, "0.8000");
  CAF_CHECK_EQUAL(spreads->items[0].items[2].text, "0.9000");
  CAF_CHECK_EQUAL(kraken_at(s, {"last"}), "1700000000");
}

CAF_TEST_FIXTURE_SCOPE_END()
