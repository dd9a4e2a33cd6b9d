#define CAF_SUITE connector_kraken_codec
#include "tests/support/unit_test.hpp"

#include "actors/connector/kraken/kraken_codec.hpp"

using namespace cwts;
using namespace cwts::connector::kraken;

CAF_TEST(envelope_errors_and_results) {
  auto ok = parse_envelope(R"({"error":[],"result":{"count":2}})");
  CAF_REQUIRE(ok);
  CAF_CHECK(ok.value().ok());
  auto bad = parse_envelope(R"({"error":["EOrder:Insufficient funds"]})");
  CAF_REQUIRE(bad);
  CAF_CHECK(!bad.value().ok());
  CAF_CHECK_EQUAL(bad.value().error_text(), "EOrder:Insufficient funds");
  CAF_CHECK(!parse_envelope("not json"));
  CAF_CHECK(!parse_envelope(R"({"result":{}})"));
  CAF_CHECK(!parse_envelope(R"({"error":[],"result":[]})"));
  CAF_CHECK(!parse_envelope(R"({"error":[{}]})"));
}

CAF_TEST(error_strings_decide_the_outcome) {
  CAF_CHECK(effect_of("EAPI:Invalid nonce") == error_effect::invalid_nonce);
  CAF_CHECK(effect_of("EAPI:Rate limit exceeded") == error_effect::rate_limited);
  CAF_CHECK(effect_of("EService:Unavailable") == error_effect::unknown);
  CAF_CHECK(effect_of("EService:Busy") == error_effect::unknown);
  CAF_CHECK(effect_of("EGeneral:Internal error") == error_effect::unknown);
  CAF_CHECK(effect_of("EOrder:Insufficient funds") == error_effect::rejected);
  CAF_CHECK(effect_of("EAPI:Invalid signature") == error_effect::rejected);
  CAF_CHECK(reason_of("EQuery:Unknown asset pair") == reject_reason::unknown_symbol);
  CAF_CHECK(reason_of("EOrder:Invalid price") == reject_reason::invalid_price);
  CAF_CHECK(reason_of("EOrder:Unknown order") == reject_reason::unknown_order);
  CAF_CHECK(reason_of("EOrder:Rate limit exceeded") == reject_reason::rate_throttled);
  CAF_CHECK(reason_of("EOrder:Insufficient funds") == reject_reason::venue_rejected);
  CAF_CHECK(unknown_order("EOrder:Unknown order"));
  CAF_CHECK(!unknown_order("EOrder:Insufficient funds"));
}

CAF_TEST(rest_orders_keyed_by_txid) {
  auto env = parse_envelope(R"({"error":[],"result":{"open":{
    "OQCLML-BW3P3-BUCMWZ":{"refid":null,"userref":0,"cl_ord_id":"tr1-a-1","status":"open",
      "opentm":1688666559.8974,"starttm":0,"expiretm":0,
      "descr":{"pair":"USDCHF","type":"buy","ordertype":"limit","price":"0.91230","price2":"0",
               "leverage":"none","order":"buy 10 USDCHF @ limit 0.9123","close":""},
      "vol":"10.00000000","vol_exec":"4.00000000","cost":"3.64920","fee":"0","price":"0.91230",
      "stopprice":"0","limitprice":"0","misc":"","oflags":"fciq"}}}})");
  CAF_REQUIRE(env);
  auto orders = parse_order_map(env.value().result->FindMember("open")->value);
  CAF_REQUIRE(orders);
  CAF_REQUIRE_EQUAL(orders.value().size(), 1u);
  auto& o = orders.value()[0];
  CAF_CHECK_EQUAL(o.txid, "OQCLML-BW3P3-BUCMWZ");
  CAF_CHECK_EQUAL(o.cl_ord_id, "tr1-a-1");
  CAF_CHECK_EQUAL(o.pair, "USDCHF");
  CAF_CHECK(o.order_side == side::buy);
  CAF_CHECK(o.status == order_status::partially_filled);
  CAF_CHECK(o.px == *price::parse("0.9123"));
  CAF_CHECK(o.vol == *qty::parse("10"));
  CAF_CHECK(o.vol_exec == *qty::parse("4"));
  CAF_CHECK_EQUAL(o.update_time.ns / 1'000'000'000, 1688666559);
  auto closed = parse_envelope(R"({"error":[],"result":{"closed":{"O1":{"status":"canceled",
      "descr":{"pair":"USDCHF","type":"sell","ordertype":"limit","price":"0.9"},
      "vol":"10","vol_exec":"0","cost":"0","price":"0","closetm":"1688666600.5"}},"count":1}})");
  CAF_REQUIRE(closed);
  auto c = parse_order_map(closed.value().result->FindMember("closed")->value);
  CAF_REQUIRE(c);
  CAF_CHECK(c.value()[0].status == order_status::canceled);
  CAF_CHECK(c.value()[0].order_side == side::sell);
  CAF_CHECK(!parse_order_map(closed.value().doc["result"]["count"]));
}

// WS v2 numbers are JSON numbers: read exactly from their text.
CAF_TEST(execution_items_of_the_v2_channel) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseNumbersAsStringsFlag>(R"({"order_id":"OAB-1","cl_ord_id":"tr1-a-1",
    "exec_type":"trade","exec_id":"TX-9","symbol":"USD/CHF","side":"buy","order_type":"limit",
    "order_qty":10,"limit_price":0.9123,"order_status":"partially_filled","cum_qty":4,
    "cum_cost":3.6492,"avg_price":0.9123,"last_qty":4,"last_price":0.9123,
    "timestamp":"2023-09-22T10:33:05.709993Z"})");
  auto e = parse_execution(doc);
  CAF_REQUIRE(e);
  CAF_CHECK_EQUAL(e.value().exec_type, "trade");
  CAF_CHECK_EQUAL(e.value().exec_id, "TX-9");
  CAF_CHECK_EQUAL(e.value().symbol, "USD/CHF");
  CAF_CHECK(e.value().has_details);
  CAF_CHECK(e.value().status == order_status::partially_filled);
  CAF_CHECK(e.value().last_qty == *qty::parse("4"));
  CAF_CHECK(e.value().last_price == *price::parse("0.9123"));
  CAF_CHECK(e.value().cum_cost == *notional::parse("3.6492"));
  CAF_CHECK_EQUAL(e.value().time.ns / 1'000'000'000, 1695378785);
  rapidjson::Document bad;
  bad.Parse<rapidjson::kParseNumbersAsStringsFlag>(
    R"({"order_id":"O","exec_type":"trade","symbol":"USD/CHF"})");
  CAF_CHECK(!parse_execution(bad)); // a trade without exec_id
  rapidjson::Document status;
  status.Parse<rapidjson::kParseNumbersAsStringsFlag>(
    R"({"order_id":"O","exec_type":"canceled","cl_ord_id":"x"})");
  auto s = parse_execution(status);
  CAF_REQUIRE(s);
  CAF_CHECK(s.value().status == order_status::canceled);
  CAF_CHECK(!s.value().has_details);
}

CAF_TEST(asset_pairs_balances_and_time) {
  auto pairs = parse_envelope(R"({"error":[],"result":{
    "USDCHF":{"altname":"USDCHF","wsname":"USD/CHF","base":"ZUSD","quote":"CHF",
              "pair_decimals":5,"lot_decimals":8,"tick_size":"0.00001"},
    "XXBTZUSD":{"altname":"XBTUSD","wsname":"XBT/USD","base":"XXBT","quote":"ZUSD",
                "pair_decimals":1,"lot_decimals":8}}})");
  CAF_REQUIRE(pairs);
  auto p = parse_asset_pairs(pairs.value());
  CAF_REQUIRE(p);
  CAF_REQUIRE_EQUAL(p.value().size(), 2u);
  CAF_CHECK_EQUAL(p.value()[0].our_base + p.value()[0].our_quote, "USDCHF");
  CAF_CHECK_EQUAL(p.value()[0].pair_decimals, 5);
  CAF_CHECK_EQUAL(p.value()[1].our_base, "BTC");
  auto bal = parse_envelope(
    R"({"error":[],"result":{"ZUSD":{"balance":"100.5","hold_trade":"0.5"},"CHF":{"balance":"7"}}})");
  CAF_REQUIRE(bal);
  auto b = parse_balances(bal.value());
  CAF_REQUIRE(b);
  CAF_CHECK_EQUAL(b.value()[0].asset, "USD");
  CAF_CHECK(b.value()[0].free == *qty::parse("100"));
  CAF_CHECK(b.value()[0].locked == *qty::parse("0.5"));
  auto t = parse_envelope(R"({"error":[],"result":{"unixtime":1688669448,"rfc1123":"x"}})");
  CAF_REQUIRE(t);
  auto secs = parse_server_time(t.value());
  CAF_REQUIRE(secs);
  int64_t unixtime = secs.value();
  CAF_CHECK_EQUAL(unixtime, 1688669448);
}

CAF_TEST(numbers_and_bodies_as_kraken_writes_them) {
  CAF_CHECK_EQUAL(kraken_decimal(qty::from_units(10).raw, 8), "10.00000000");
  CAF_CHECK_EQUAL(kraken_decimal(price::parse("0.91234567")->raw, 5), "0.91234");
  CAF_CHECK_EQUAL(kraken_decimal(price::parse("37500")->raw, 0), "37500");
  CAF_CHECK_EQUAL(form_body({{"nonce", "1"}, {"pair", "USD/CHF"}, {"cl_ord_id", "a b"}}),
                  "nonce=1&pair=USD%2FCHF&cl_ord_id=a%20b");
  CAF_CHECK_EQUAL(order_id_of("OQCLML-BW3P3-BUCMWZ").value, order_id_of("OQCLML-BW3P3-BUCMWZ").value);
  CAF_CHECK_GREATER(order_id_of("OQCLML-BW3P3-BUCMWZ").value, 0);
}
