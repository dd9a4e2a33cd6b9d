#define CAF_SUITE connector_codec
#include "tests/support/unit_test.hpp"

#include "actors/connector/binance_codec.hpp"

using namespace cwts;
using namespace cwts::connector;

namespace {

// web-socket-streams.md, Trade Streams payload.
constexpr const char* trade_json = R"({
  "e": "trade", "E": 1672515782136, "s": "BNBBTC", "t": 12345, "p": "0.001", "q": "100",
  "T": 1672515782136, "m": true, "M": true})";

// rest-api.md, New order, Response FULL.
constexpr const char* full_json = R"({
  "symbol": "BTCUSDT", "orderId": 28, "orderListId": -1,
  "clientOrderId": "6gCrw2kRUAF9CvJDGP16IP", "transactTime": 1507725176595,
  "price": "0.00000000", "origQty": "10.00000000", "executedQty": "10.00000000",
  "origQuoteOrderQty": "0.000000", "cummulativeQuoteQty": "10.00000000", "status": "FILLED",
  "timeInForce": "GTC", "type": "MARKET", "side": "SELL", "workingTime": 1507725176595,
  "selfTradePreventionMode": "NONE",
  "fills": [
    {"price": "4000.00000000", "qty": "1.00000000", "commission": "4.00000000",
     "commissionAsset": "USDT", "tradeId": 56},
    {"price": "3999.00000000", "qty": "5.00000000", "commission": "19.99500000",
     "commissionAsset": "USDT", "tradeId": 57}]})";

std::string parse_error_of(std::string_view text) {
  auto r = parse_trade_event(text, timestamp_ns{1});
  CAF_REQUIRE(!r);
  return r.error().reason;
}

} // namespace

CAF_TEST(parses_a_raw_trade_event) {
  auto r = parse_trade_event(trade_json, timestamp_ns{42});
  CAF_REQUIRE(r.ok());
  auto t = r.value();
  CAF_CHECK_EQUAL(t.sym.str(), "BNBBTC");
  CAF_CHECK_EQUAL(t.id.value, 12345);
  CAF_CHECK_EQUAL(t.px.raw, 100000);
  CAF_CHECK_EQUAL(t.quantity.raw, 10000000000);
  CAF_CHECK_EQUAL(t.ts_event.ns, 1672515782136000000);
  CAF_CHECK_EQUAL(t.ts_init.ns, 42);
  CAF_CHECK(t.buyer_is_maker);
}

CAF_TEST(parses_a_trade_in_the_combined_stream_envelope) {
  std::string wrapped = std::string(R"({"stream":"bnbbtc@trade","data":)") + trade_json + "}";
  auto r = parse_trade_event(wrapped, timestamp_ns{1});
  CAF_REQUIRE(r.ok());
  auto id = r.value().id.value;
  CAF_CHECK_EQUAL(id, 12345);
}

CAF_TEST(rejects_malformed_trades_with_a_reason) {
  CAF_CHECK(parse_error_of("{").find("malformed JSON") == 0);
  CAF_CHECK(parse_error_of("[]").find("not an object") != std::string::npos);
  CAF_CHECK_EQUAL(parse_error_of(R"({"e":"trade","s":"BNBBTC","t":1,"p":"1","q":"1","m":true})"),
                  R"(field "T": missing)");
  CAF_CHECK_EQUAL(
    parse_error_of(R"({"e":"trade","s":"BNBBTC","t":1,"p":1.5,"q":"1","T":1,"m":true})"),
    R"(field "p": not a string)");
  CAF_CHECK_EQUAL(
    parse_error_of(R"({"e":"trade","s":"BNBBTC","t":1,"p":"1e5","q":"1","T":1,"m":true})"),
    R"(field "p": not an exact decimal: "1e5")");
  CAF_CHECK_EQUAL(
    parse_error_of(R"({"e":"trade","s":"BNBBTC","t":"1","p":"1","q":"1","T":1,"m":true})"),
    R"(field "t": not an integer)");
  CAF_CHECK_EQUAL(
    parse_error_of(R"({"e":"aggTrade","s":"BNBBTC","t":1,"p":"1","q":"1","T":1,"m":true})"),
    R"(field "e": expected "trade", got "aggTrade")");
  CAF_CHECK_EQUAL(
    parse_error_of(R"({"e":"trade","s":"bnb btc","t":1,"p":"1","q":"1","T":1,"m":true})"),
    R"(field "s": not a symbol: "bnb btc")");
  CAF_CHECK(parse_error_of(std::string(trade_json) + "x").find("malformed JSON") == 0);
  CAF_CHECK(parse_error_of("").find("malformed JSON") == 0);
}

CAF_TEST(parses_a_full_order_response_with_fills) {
  auto r = parse_order(full_json);
  CAF_REQUIRE(r.ok());
  const auto& o = r.value();
  CAF_CHECK(o.has_details);
  CAF_CHECK_EQUAL(o.sym.str(), "BTCUSDT");
  CAF_CHECK_EQUAL(o.order_id.value, 28);
  CAF_CHECK_EQUAL(o.client_id.value, "6gCrw2kRUAF9CvJDGP16IP");
  CAF_CHECK(o.status == order_status::filled);
  CAF_CHECK(o.type == order_type::market);
  CAF_CHECK(o.order_side == side::sell);
  CAF_CHECK_EQUAL(o.executed_qty.raw, 1000000000);
  CAF_CHECK_EQUAL(o.cumulative_quote_qty.raw, 1000000000);
  CAF_CHECK_EQUAL(o.update_time.ns, 1507725176595000000);
  CAF_REQUIRE_EQUAL(o.fills.size(), 2u);
  CAF_CHECK_EQUAL(o.fills[1].px.raw, 399900000000);
  CAF_CHECK_EQUAL(o.fills[1].trade_id, 57);
}

CAF_TEST(parses_an_ack_response) {
  auto r = parse_order(R"({"symbol":"BTCUSDT","orderId":28,"orderListId":-1,
    "clientOrderId":"6gCrw2kRUAF9CvJDGP16IP","transactTime":1507725176595})");
  CAF_REQUIRE(r.ok());
  CAF_CHECK(!r.value().has_details);
}

CAF_TEST(a_cancel_reply_names_the_original_client_order_id) {
  // rest-api.md, Cancel order, Response.
  auto r = parse_order(R"({"symbol":"LTCBTC","origClientOrderId":"myOrder1","orderId":4,
    "orderListId":-1,"clientOrderId":"cancelMyOrder1","transactTime":1684804350068,
    "price":"2.00000000","origQty":"1.00000000","executedQty":"0.00000000",
    "cummulativeQuoteQty":"0.00000000","status":"CANCELED","timeInForce":"GTC",
    "type":"LIMIT","side":"BUY","selfTradePreventionMode":"NONE"})");
  CAF_REQUIRE(r.ok());
  CAF_CHECK_EQUAL(r.value().client_id.value, "myOrder1");
  CAF_CHECK(r.value().status == order_status::canceled);
}

CAF_TEST(parses_open_orders_and_rejects_bad_elements) {
  // rest-api.md, Current open orders: query-order elements with updateTime.
  std::string elem = R"({"symbol":"LTCBTC","orderId":1,"orderListId":-1,
    "clientOrderId":"myOrder1","price":"0.1","origQty":"1.0","executedQty":"0.0",
    "cummulativeQuoteQty":"0.0","status":"NEW","timeInForce":"GTC","type":"LIMIT",
    "side":"BUY","stopPrice":"0.0","icebergQty":"0.0","time":1499827319559,
    "updateTime":1499827319560,"isWorking":true,"origQuoteOrderQty":"0.000000"})";
  auto r = parse_order_list("[" + elem + "," + elem + "]");
  CAF_REQUIRE(r.ok());
  CAF_CHECK_EQUAL(r.value().size(), 2u);
  auto ts = r.value()[0].update_time.ns;
  CAF_CHECK_EQUAL(ts, 1499827320000000000 - 440000000);
  auto bad = parse_order_list(R"([{"symbol":"LTCBTC","orderId":1,"clientOrderId":"x",
    "transactTime":1,"status":"WEIRD","side":"BUY","type":"LIMIT","timeInForce":"GTC",
    "price":"1","origQty":"1","executedQty":"0","cummulativeQuoteQty":"0"}])");
  CAF_REQUIRE(!bad);
  CAF_CHECK_EQUAL(bad.error().reason, R"(element 0: field "status": unsupported value "WEIRD")");
  CAF_CHECK(!parse_order_list("{}"));
}

CAF_TEST(parses_errors_and_server_time) {
  auto e = parse_api_error(R"({"code":-2011,"msg":"Unknown order sent."})");
  CAF_REQUIRE(e.ok());
  CAF_CHECK_EQUAL(e.value().code, -2011);
  CAF_CHECK_EQUAL(e.value().msg, "Unknown order sent.");
  CAF_CHECK(!parse_api_error(R"({"code":"x","msg":"m"})"));
  auto t = parse_server_time(R"({"serverTime":1499827319559})");
  CAF_REQUIRE(t.ok());
  CAF_CHECK_EQUAL(t.value(), 1499827319559);
  auto n = parse_array_length("[{},{},{}]");
  CAF_REQUIRE(n.ok());
  CAF_CHECK_EQUAL(n.value(), 3u);
}

CAF_TEST(maps_every_documented_status) {
  CAF_CHECK(parse_order_status("NEW") == order_status::accepted);
  CAF_CHECK(parse_order_status("PARTIALLY_FILLED") == order_status::partially_filled);
  CAF_CHECK(parse_order_status("FILLED") == order_status::filled);
  CAF_CHECK(parse_order_status("CANCELED") == order_status::canceled);
  CAF_CHECK(parse_order_status("PENDING_CANCEL") == order_status::pending_cancel);
  CAF_CHECK(parse_order_status("REJECTED") == order_status::rejected);
  CAF_CHECK(parse_order_status("EXPIRED") == order_status::expired);
  CAF_CHECK(parse_order_status("EXPIRED_IN_MATCH") == order_status::expired);
  CAF_CHECK(!parse_order_status("new"));
}
