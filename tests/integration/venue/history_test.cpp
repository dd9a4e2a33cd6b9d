// The trade-history endpoints and ORDERS limits against the real cwts-venue
// (REST and the WebSocket API): /api/v3/aggTrades, /historicalTrades,
// /klines, /uiKlines and trades.aggregate / trades.historical / klines, each
// with a success and an error shape; X-MBX-ORDER-COUNT-10S/1D on order
// replies and ORDERS entries in the WebSocket API's rateLimits; PUT
// order/amend/keepPriority and POST order/cancelReplace over HTTP.
#define CAF_SUITE venue_history_integration
#include "tests/support/unit_test.hpp"

#include <climits>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "venue_client.hpp"

namespace {

// The replay prints trades at speed 2000; wait (bounded) until some exist.
void await_trades(int port) {
  for (int n = 0; n < 100; ++n) {
    auto r = request(port, http::verb::get, "/api/v3/aggTrades?symbol=USDCHF&limit=2");
    if (r.status == 200 && contains(r.body, "},{")) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CAF_FAIL("no trades printed");
}

// config/venue.ini with Binance's ORDERS limits (100 per 10 s, 200000 per
// day), in a temporary file.
std::string binance_limits_config(const std::string& config) {
  return venue_config_copy(config, {{"orders-per-10s", "100"}, {"orders-per-day", "200000"}});
}

std::string ws_call(int port, const std::string& frame) {
  asio::io_context ioc;
  beast::websocket::stream<beast::tcp_stream> ws{ioc};
  beast::get_lowest_layer(ws).connect(
    tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)));
  ws.handshake("127.0.0.1", "/ws-api/v3");
  ws.write(asio::buffer(frame));
  beast::flat_buffer buf;
  ws.read(buf);
  return beast::buffers_to_string(buf.data());
}

} // namespace

CAF_TEST(history_endpoints_over_rest_and_ws_api) {
  CAF_REQUIRE(caf::test::engine::argc() >= 3);
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2]);
  await_trades(venue.port);

  auto aggs = request(venue.port, http::verb::get, "/api/v3/aggTrades?symbol=USDCHF&limit=3");
  CAF_CHECK_EQUAL(aggs.status, 200);
  CAF_CHECK(aggs.body.rfind("[{\"a\":", 0) == 0);
  CAF_CHECK(contains(aggs.body, "\"M\":true}"));
  auto first = int_field(aggs.body, "a");
  auto from = request(venue.port, http::verb::get,
                      "/api/v3/aggTrades?symbol=USDCHF&limit=1&fromId=" + std::to_string(first));
  CAF_CHECK(from.body.rfind("[{\"a\":" + std::to_string(first) + ",", 0) == 0);
  CAF_CHECK_EQUAL(request(venue.port, http::verb::get, "/api/v3/aggTrades?symbol=USDCHF&limit=x")
                    .status, 400);

  auto no_key = request(venue.port, http::verb::get, "/api/v3/historicalTrades?symbol=USDCHF");
  CAF_CHECK_EQUAL(no_key.status, 401);
  CAF_CHECK_EQUAL(no_key.body, "{\"code\":-2014,\"msg\":\"API-key format invalid.\"}");
  auto old = request(venue.port, http::verb::get,
                     "/api/v3/historicalTrades?symbol=USDCHF&fromId=1&limit=2", true);
  CAF_CHECK_EQUAL(old.status, 200);
  CAF_CHECK(old.body.rfind("[{\"id\":1,\"price\":", 0) == 0);

  auto bars = request(venue.port, http::verb::get, "/api/v3/klines?symbol=USDCHF&interval=1s");
  CAF_CHECK_EQUAL(bars.status, 200);
  CAF_CHECK(bars.body.rfind("[[", 0) == 0);
  CAF_CHECK(contains(bars.body, "\",\"0\"]"));
  auto ui = request(venue.port, http::verb::get, "/api/v3/uiKlines?symbol=USDCHF&interval=1M");
  CAF_CHECK_EQUAL(ui.status, 200);
  auto bad = request(venue.port, http::verb::get, "/api/v3/klines?symbol=USDCHF&interval=7m");
  CAF_CHECK_EQUAL(bad.status, 400);
  CAF_CHECK_EQUAL(bad.body, "{\"code\":-1120,\"msg\":\"Invalid interval.\"}");

  // WebSocket API equivalents share the handlers.
  auto ws_aggs = ws_call(venue.port, R"({"id":1,"method":"trades.aggregate","params":{"symbol":"USDCHF","limit":1}})");
  CAF_CHECK(ws_aggs.rfind("{\"id\":1,\"status\":200,\"result\":[{\"a\":", 0) == 0);
  auto ws_hist = ws_call(venue.port, R"({"id":2,"method":"trades.historical","params":{"symbol":"USDCHF","fromId":1,"limit":1}})");
  CAF_CHECK(ws_hist.rfind("{\"id\":2,\"status\":200,\"result\":[{\"id\":1,", 0) == 0);
  auto ws_bars = ws_call(venue.port, R"({"id":3,"method":"klines","params":{"symbol":"USDCHF","interval":"1m","limit":1}})");
  CAF_CHECK(ws_bars.rfind("{\"id\":3,\"status\":200,\"result\":[[", 0) == 0);
  auto ws_bad = ws_call(venue.port, R"({"id":4,"method":"klines","params":{"symbol":"USDCHF"}})");
  CAF_CHECK(ws_bad.rfind("{\"id\":4,\"status\":400,\"error\":{\"code\":-1102,", 0) == 0);
}

CAF_TEST(order_replies_carry_order_counts) {
  CAF_REQUIRE(caf::test::engine::argc() >= 3);
  auto config = binance_limits_config(caf::test::engine::argv()[2]);
  venue_process venue(caf::test::engine::argv()[1], config);
  unlink(config.c_str()); // read at start
  auto info = request(venue.port, http::verb::get, "/api/v3/exchangeInfo");
  CAF_CHECK(contains(info.body, "{\"rateLimitType\":\"ORDERS\",\"interval\":\"SECOND\","
                                "\"intervalNum\":10,\"limit\":100}"));
  CAF_CHECK(contains(info.body, "{\"rateLimitType\":\"ORDERS\",\"interval\":\"DAY\","
                                "\"intervalNum\":1,\"limit\":200000}"));
  const std::string order = "symbol=USDCHF&side=BUY&type=LIMIT&timeInForce=GTC"
                            "&quantity=100&price=0.5000";
  auto placed = signed_request(venue.port, http::verb::post, "/api/v3/order", order);
  CAF_CHECK_EQUAL(placed.status, 200);
  CAF_CHECK(!placed.order_count_10s.empty());
  CAF_CHECK_EQUAL(placed.order_count_1d, "1");
  // Over the 10 s limit (100): HTTP 429 and -1015. Bounded: 250 tries cover one 10 s window change.
  reply last;
  for (int n = 0; n < 250; ++n) {
    last = signed_request(venue.port, http::verb::post, "/api/v3/order", order);
    if (last.status != 200) break;
  }
  CAF_CHECK_EQUAL(last.status, 429);
  CAF_CHECK_EQUAL(last.body, "{\"code\":-1015,\"msg\":\"Too many new orders; current limit "
                             "is 100 orders per 10 SECOND.\"}");
  CAF_CHECK_EQUAL(last.order_count_10s, "100");
}

CAF_TEST(cancel_replace_and_amend_over_http) {
  CAF_REQUIRE(caf::test::engine::argc() >= 3);
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2]);
  auto placed = signed_request(venue.port, http::verb::post, "/api/v3/order",
                               "symbol=USDCHF&side=BUY&type=LIMIT&timeInForce=GTC"
                               "&quantity=100&price=0.5000&newClientOrderId=itamend1");
  CAF_REQUIRE_EQUAL(placed.status, 200);
  auto amended = signed_request(venue.port, http::verb::put, "/api/v3/order/amend/keepPriority",
                                "symbol=USDCHF&origClientOrderId=itamend1&newQty=40");
  CAF_CHECK_EQUAL(amended.status, 200);
  CAF_CHECK(contains(amended.body, "\"qty\":\"40.00000000\""));
  auto refused = signed_request(venue.port, http::verb::put, "/api/v3/order/amend/keepPriority",
                                "symbol=USDCHF&orderId=999999&newQty=1");
  CAF_CHECK_EQUAL(refused.status, 400);
  CAF_CHECK_EQUAL(refused.body, "{\"code\":-2013,\"msg\":\"Order does not exist.\"}");
  auto id = int_field(amended.body, "orderId");
  auto replaced = signed_request(venue.port, http::verb::post, "/api/v3/order/cancelReplace",
                                 "symbol=USDCHF&cancelReplaceMode=STOP_ON_FAILURE&cancelOrderId="
                                   + std::to_string(id)
                                   + "&side=BUY&type=LIMIT&timeInForce=GTC&quantity=50"
                                     "&price=0.5100");
  CAF_CHECK_EQUAL(replaced.status, 200);
  CAF_CHECK(replaced.body.rfind("{\"cancelResult\":\"SUCCESS\",\"newOrderResult\":\"SUCCESS\"", 0)
            == 0);
  CAF_CHECK(!replaced.order_count_10s.empty());
  auto failed = signed_request(venue.port, http::verb::post, "/api/v3/order/cancelReplace",
                               "symbol=USDCHF&cancelReplaceMode=STOP_ON_FAILURE&cancelOrderId="
                                 + std::to_string(id)
                                 + "&side=BUY&type=LIMIT&timeInForce=GTC&quantity=50"
                                   "&price=0.5100");
  CAF_CHECK_EQUAL(failed.status, 400);
  CAF_CHECK(contains(failed.body, "{\"code\":-2022,\"msg\":\"Order cancel-replace failed.\","
                                  "\"data\":{\"cancelResult\":\"FAILURE\","
                                  "\"newOrderResult\":\"NOT_ATTEMPTED\""));
}
