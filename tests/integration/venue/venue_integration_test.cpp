// Starts the real cwts-venue process (--port 0), reads its port from the
// "listening" line, then drives it like a Binance client: market data and
// weight headers; signed orders, account, allOrders, myTrades and errors;
// trade, aggTrade, bookTicker and depth streams; and the documented
// local-order-book procedure against /depth. Asserts outcomes, never timings.
#define CAF_SUITE venue_integration
#include "tests/support/unit_test.hpp"

#include <map>
#include <string>

#include "venue_client.hpp"

namespace {

// The [["price","qty"],...] array under "key", read as price -> qty strings.
std::map<std::string, std::string> levels(const std::string& s, const std::string& key) {
  std::map<std::string, std::string> out;
  auto at = s.find("\"" + key + "\":[");
  if (at == std::string::npos) return out;
  auto open = at + key.size() + 3; // the array's '['
  if (s.compare(open, 2, "[]") == 0) return out; // no level
  auto end = s.find("]]", open);
  if (end == std::string::npos) return out;
  auto pos = at;
  for (int n = 0; n < 10000; ++n) { // bounded: at most 5000 levels per side
    auto p0 = s.find("[\"", pos);
    if (p0 == std::string::npos || p0 > end) break;
    auto p1 = s.find('"', p0 + 2);
    auto q0 = s.find('"', p1 + 1);
    auto q1 = s.find('"', q0 + 1);
    out[s.substr(p0 + 2, p1 - p0 - 2)] = s.substr(q0 + 1, q1 - q0 - 1);
    pos = q1;
  }
  return out;
}

// web-socket-streams.md "How to manage a local order book correctly", step 6/7:
// absolute quantities; "0" removes the level.
void apply_levels(std::map<std::string, std::string>& book,
                  const std::map<std::string, std::string>& diff) {
  for (auto& [px, q] : diff) {
    if (q == "0.00000000") book.erase(px);
    else book[px] = q;
  }
}

} // namespace

CAF_TEST(venue_serves_market_data_with_weights) {
  // Arguments after "--": the cwts-venue binary and its config.
  CAF_REQUIRE(caf::test::engine::argc() >= 3);
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2]);
  auto info = request(venue.port, http::verb::get, "/api/v3/exchangeInfo");
  CAF_CHECK_EQUAL(info.status, 200);
  CAF_CHECK(contains(info.body, "\"symbol\":\"USDCHF\""));
  CAF_CHECK(contains(info.body, "\"filterType\":\"PRICE_FILTER\""));
  CAF_CHECK(contains(info.body, "\"rateLimitType\":\"REQUEST_WEIGHT\""));
  CAF_CHECK(contains(info.body, "\"filterType\":\"PERCENT_PRICE_BY_SIDE\""));
  CAF_CHECK(contains(info.body, "{\"filterType\":\"MAX_NUM_ORDERS\",\"maxNumOrders\":200}"));
  CAF_CHECK(!info.used_weight.empty());

  // Public market data (rest-api.md "Market Data endpoints").
  auto book = request(venue.port, http::verb::get, "/api/v3/depth?symbol=USDCHF&limit=5");
  CAF_CHECK_EQUAL(book.status, 200);
  CAF_CHECK(contains(book.body, "{\"lastUpdateId\":"));
  CAF_CHECK(contains(book.body, "\"bids\":[[\""));
  auto ticker = request(venue.port, http::verb::get, "/api/v3/ticker/bookTicker?symbol=USDCHF");
  CAF_CHECK_EQUAL(ticker.status, 200);
  CAF_CHECK(contains(ticker.body, "\"bidPrice\":\""));
  auto day = request(venue.port, http::verb::get, "/api/v3/ticker/24hr?symbol=USDCHF");
  CAF_CHECK_EQUAL(day.status, 200);
  CAF_CHECK(contains(day.body, "\"weightedAvgPrice\":\""));
  auto recent = request(venue.port, http::verb::get, "/api/v3/trades?symbol=USDCHF&limit=3");
  CAF_CHECK_EQUAL(recent.status, 200);
  CAF_CHECK(contains(recent.body, "\"isBestMatch\":true"));
}

CAF_TEST(venue_serves_signed_orders_and_account_endpoints) {
  // Arguments after "--": the cwts-venue binary and its config.
  CAF_REQUIRE(caf::test::engine::argc() >= 3);
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2]);
  // A bid far below the market rests (the tape trades near 1.19).
  auto placed = signed_request(venue.port, http::verb::post, "/api/v3/order",
                               "symbol=USDCHF&side=BUY&type=LIMIT&timeInForce=GTC"
                               "&quantity=100&price=0.5000&newClientOrderId=itest1");
  CAF_CHECK_EQUAL(placed.status, 200);
  CAF_CHECK(contains(placed.body, "\"status\":\"NEW\""));
  CAF_CHECK(contains(placed.body, "\"clientOrderId\":\"itest1\""));

  // 100 @ 0.5 locks 50 CHF of the demo account's 10,000,000.
  auto acct = signed_request(venue.port, http::verb::get, "/api/v3/account", "omitZeroBalances=true");
  CAF_CHECK_EQUAL(acct.status, 200);
  CAF_CHECK(contains(acct.body, "{\"asset\":\"CHF\",\"free\":\"9999950.00000000\","
                                "\"locked\":\"50.00000000\"}"));
  CAF_CHECK(contains(acct.body, "\"accountType\":\"SPOT\""));
  auto too_big = signed_request(venue.port, http::verb::post, "/api/v3/order",
                                "symbol=USDCHF&side=BUY&type=LIMIT&timeInForce=GTC"
                                "&quantity=9000000&price=1.5000");
  CAF_CHECK_EQUAL(too_big.status, 400);
  CAF_CHECK_EQUAL(too_big.body, "{\"code\":-2010,\"msg\":\"Account has insufficient balance "
                                "for requested action.\"}");

  auto open = signed_request(venue.port, http::verb::get, "/api/v3/openOrders", "symbol=USDCHF");
  CAF_CHECK_EQUAL(open.status, 200);
  CAF_CHECK(contains(open.body, "\"clientOrderId\":\"itest1\""));

  auto canceled = signed_request(venue.port, http::verb::delete_, "/api/v3/openOrders",
                                 "symbol=USDCHF");
  CAF_CHECK_EQUAL(canceled.status, 200);
  CAF_CHECK(contains(canceled.body, "\"status\":\"CANCELED\""));

  auto empty = signed_request(venue.port, http::verb::get, "/api/v3/openOrders", "symbol=USDCHF");
  CAF_CHECK_EQUAL(empty.status, 200);
  CAF_CHECK_EQUAL(empty.body, "[]");
  auto history = signed_request(venue.port, http::verb::get, "/api/v3/allOrders", "symbol=USDCHF");
  CAF_CHECK_EQUAL(history.status, 200);
  CAF_CHECK(contains(history.body, "\"clientOrderId\":\"itest1\""));
  CAF_CHECK(contains(history.body, "\"status\":\"CANCELED\""));
  auto fills = signed_request(venue.port, http::verb::get, "/api/v3/myTrades", "symbol=USDCHF");
  CAF_CHECK_EQUAL(fills.status, 200);
  CAF_CHECK_EQUAL(fills.body, "[]");

  auto bad = signed_request(venue.port, http::verb::get, "/api/v3/openOrders", "symbol=USDCHF",
                            true);
  CAF_CHECK_EQUAL(bad.status, 400);
  CAF_CHECK_EQUAL(bad.body, "{\"code\":-1022,\"msg\":\"Signature for this request is not valid.\"}");
}

CAF_TEST(venue_serves_market_streams) {
  // Arguments after "--": the cwts-venue binary and its config.
  CAF_REQUIRE(caf::test::engine::argc() >= 3);
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2]);
  asio::io_context ioc;
  beast::websocket::stream<beast::tcp_stream> ws(ioc);
  beast::get_lowest_layer(ws).connect(
    tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(venue.port)));
  ws.handshake("127.0.0.1", "/stream?streams=usdchf@trade");
  beast::flat_buffer buf;
  ws.read(buf);
  auto event = beast::buffers_to_string(buf.data());
  CAF_CHECK(contains(event, "{\"stream\":\"usdchf@trade\",\"data\":{\"e\":\"trade\""));
  CAF_CHECK(contains(event, "\"s\":\"USDCHF\""));
  beast::error_code ec;
  ws.close(beast::websocket::close_code::normal, ec);

  // Book streams on one combined connection: both kinds arrive while the
  // tape moves the book.
  beast::websocket::stream<beast::tcp_stream> book_ws(ioc);
  beast::get_lowest_layer(book_ws).connect(
    tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(venue.port)));
  book_ws.handshake("127.0.0.1", "/stream?streams=usdchf@bookTicker/usdchf@depth/usdchf@aggTrade");
  bool ticker_seen = false, depth_seen = false, agg_seen = false;
  for (int n = 0; n < 1000 && !(ticker_seen && depth_seen && agg_seen); ++n) {
    beast::flat_buffer frame;
    book_ws.read(frame);
    auto text = beast::buffers_to_string(frame.data());
    if (contains(text, "{\"stream\":\"usdchf@bookTicker\",\"data\":{\"u\":")) ticker_seen = true;
    if (contains(text, "{\"stream\":\"usdchf@depth\",\"data\":{\"e\":\"depthUpdate\"")) depth_seen = true;
    if (contains(text, "{\"stream\":\"usdchf@aggTrade\",\"data\":{\"e\":\"aggTrade\"")) agg_seen = true;
  }
  CAF_CHECK(agg_seen);

  // A bare /ws connection, and one named as a client library names it
  // (Binance accepts /ws/<any name>), subscribe live and get raw events.
  for (std::string target : {"/ws", "/ws/my-client-7", "/ws/btcusdt@trade"}) {
    CAF_MESSAGE("live SUBSCRIBE on " << target);
    beast::websocket::stream<beast::tcp_stream> live(ioc);
    beast::get_lowest_layer(live).connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(venue.port)));
    live.handshake("127.0.0.1", target);
    live.write(asio::buffer(std::string(R"({"method":"SUBSCRIBE","params":["usdchf@trade"],"id":1})")));
    bool acked = false, trade_seen = false;
    for (int n = 0; n < 1000 && !trade_seen; ++n) {
      beast::flat_buffer frame;
      live.read(frame);
      auto text = beast::buffers_to_string(frame.data());
      if (text == "{\"result\":null,\"id\":1}") acked = true;
      if (contains(text, "{\"e\":\"trade\"")) trade_seen = acked;
    }
    CAF_CHECK(acked);
    CAF_CHECK(trade_seen);
    live.close(beast::websocket::close_code::normal, ec);
  }
  CAF_CHECK(ticker_seen);
  CAF_CHECK(depth_seen);
  book_ws.close(beast::websocket::close_code::normal, ec);
}

// web-socket-streams.md "How to manage a local order book correctly": buffer
// @depth@100ms events, take a /depth snapshot, drop events with u <=
// lastUpdateId, check the first applied one spans lastUpdateId+1, apply the
// rest; the local book must equal a later /depth with the same lastUpdateId.
CAF_TEST(depth_stream_rebuilds_the_rest_snapshot) {
  CAF_REQUIRE(caf::test::engine::argc() >= 3);
  // Slow tape, so quiet moments (no change pending) exist between prints.
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2], "1");
  asio::io_context ioc;
  beast::websocket::stream<beast::tcp_stream> ws(ioc);
  beast::get_lowest_layer(ws).connect(
    tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(venue.port)));
  ws.handshake("127.0.0.1", "/ws/usdchf@depth@100ms");
  auto snap = request(venue.port, http::verb::get, "/api/v3/depth?symbol=USDCHF&limit=5000");
  CAF_REQUIRE_EQUAL(snap.status, 200);
  auto last_id = int_field(snap.body, "lastUpdateId");
  auto bids = levels(snap.body, "bids");
  auto asks = levels(snap.body, "asks");
  // Change the book after the snapshot: rest two bids, cancel one.
  for (auto* px : {"0.5000", "0.5001"})
    CAF_CHECK_EQUAL(signed_request(venue.port, http::verb::post, "/api/v3/order",
                                   std::string("symbol=USDCHF&side=BUY&type=LIMIT&timeInForce=GTC"
                                               "&quantity=7&price=") + px).status, 200);
  CAF_CHECK_EQUAL(signed_request(venue.port, http::verb::delete_, "/api/v3/openOrders",
                                 "symbol=USDCHF").status, 200);
  bool first = true, synced = false;
  for (int n = 0; n < 500 && !synced; ++n) {
    beast::flat_buffer frame;
    ws.read(frame);
    auto text = beast::buffers_to_string(frame.data());
    auto U = int_field(text, "U");
    auto u = int_field(text, "u");
    if (u <= last_id) continue;
    if (first) CAF_CHECK(U <= last_id + 1 && last_id + 1 <= u);
    else CAF_CHECK_EQUAL(U, last_id + 1);
    first = false;
    apply_levels(bids, levels(text, "b"));
    apply_levels(asks, levels(text, "a"));
    last_id = u;
    // Compare once the venue's book is exactly at u; otherwise the change
    // that moved it on arrives in a later event.
    auto later = request(venue.port, http::verb::get, "/api/v3/depth?symbol=USDCHF&limit=5000");
    if (int_field(later.body, "lastUpdateId") != u) continue;
    CAF_CHECK(bids == levels(later.body, "bids"));
    CAF_CHECK(asks == levels(later.body, "asks"));
    synced = true;
  }
  CAF_CHECK(synced);
  beast::error_code ec;
  ws.close(beast::websocket::close_code::normal, ec);
}
