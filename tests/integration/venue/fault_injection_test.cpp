// Fault injection through the admin endpoint (docs/venue.md "Fault
// injection") against the real cwts-venue process: each fault is armed with
// POST /venue/faults, seen by a client, and counted in /venue/stats. Latency
// is measured and reported, never asserted against a time.
#define CAF_SUITE venue_fault_injection
#include "tests/support/unit_test.hpp"

#include <string>

#include "venue_client.hpp"

namespace {

reply arm(int port, const std::string& settings) {
  return request(port, http::verb::post, "/venue/faults?" + settings);
}

int64_t fault_count(int port, const std::string& name) {
  auto stats = request(port, http::verb::get, "/venue/stats");
  CAF_REQUIRE_EQUAL(stats.status, 200);
  return int_field(stats.body, name);
}

using ws_stream = beast::websocket::stream<beast::tcp_stream>;

void open_stream(ws_stream& ws, int port, const std::string& target) {
  beast::get_lowest_layer(ws).connect(
    tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)));
  ws.handshake("127.0.0.1", target);
}

std::string read_frame(ws_stream& ws, beast::error_code& ec) {
  beast::flat_buffer buf;
  ws.read(buf, ec);
  return ec ? std::string{} : beast::buffers_to_string(buf.data());
}

} // namespace

CAF_TEST(rest_faults_are_armed_seen_and_counted) {
  // Arguments after "--": the cwts-venue binary and its config.
  CAF_REQUIRE(caf::test::engine::argc() >= 3);
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2]);
  auto shown = request(venue.port, http::verb::get, "/venue/faults");
  CAF_CHECK_EQUAL(shown.status, 200);
  CAF_CHECK(contains(shown.body, "\"latency-ms\":0"));

  // Added latency: the reply still arrives; the delay is only reported.
  CAF_CHECK_EQUAL(arm(venue.port, "latency-ms=40").status, 200);
  auto start = std::chrono::steady_clock::now();
  auto ping = request(venue.port, http::verb::get, "/api/v3/ping");
  auto took = std::chrono::steady_clock::now() - start;
  CAF_CHECK_EQUAL(ping.status, 200);
  CAF_CHECK_EQUAL(ping.body, "{}");
  CAF_MESSAGE("ping with latency-ms=40 took "
              << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
  CAF_CHECK_GREATER_OR_EQUAL(fault_count(venue.port, "delayedReplies"), 1);
  CAF_CHECK_EQUAL(arm(venue.port, "latency-ms=0").status, 200);

  // Order rejects with the chosen code and errors.md's words.
  const std::string order = "symbol=USDCHF&side=BUY&type=LIMIT&timeInForce=GTC"
                            "&quantity=100&price=0.5000";
  CAF_CHECK_EQUAL(arm(venue.port, "reject-orders=1&reject-code=-1003").status, 200);
  auto limited = signed_request(venue.port, http::verb::post, "/api/v3/order", order);
  CAF_CHECK_EQUAL(limited.status, 429);
  CAF_CHECK(contains(limited.body, "{\"code\":-1003,\"msg\":\"Too much request weight used;"));
  CAF_CHECK_EQUAL(arm(venue.port, "reject-orders=1&reject-code=-2010").status, 200);
  auto refused = signed_request(venue.port, http::verb::post, "/api/v3/order", order);
  CAF_CHECK_EQUAL(refused.status, 400);
  CAF_CHECK_EQUAL(refused.body, "{\"code\":-2010,\"msg\":\"Account has insufficient balance "
                                "for requested action.\"}");
  CAF_CHECK_EQUAL(fault_count(venue.port, "rejectedOrders"), 2);
  auto accepted = signed_request(venue.port, http::verb::post, "/api/v3/order", order);
  CAF_CHECK_EQUAL(accepted.status, 200);

  // HTTP 503, execution status unknown: once not executed, once executed.
  CAF_CHECK_EQUAL(arm(venue.port, "unavailable-requests=1").status, 200);
  auto down = request(venue.port, http::verb::get, "/api/v3/time");
  CAF_CHECK_EQUAL(down.status, 503);
  CAF_CHECK(contains(down.body, "{\"code\":-1007,"));
  CAF_CHECK_EQUAL(request(venue.port, http::verb::get, "/api/v3/time").status, 200);
  CAF_CHECK_EQUAL(arm(venue.port, "unavailable-requests=1&unavailable-executes=true").status, 200);
  auto lost = signed_request(venue.port, http::verb::post, "/api/v3/order",
                             order + "&newClientOrderId=fault503");
  CAF_CHECK_EQUAL(lost.status, 503);
  auto open = signed_request(venue.port, http::verb::get, "/api/v3/openOrders", "symbol=USDCHF");
  CAF_CHECK(contains(open.body, "\"clientOrderId\":\"fault503\""));
  CAF_CHECK_EQUAL(fault_count(venue.port, "unavailableReplies"), 2);

  // Bad values are refused with a reason and change nothing.
  auto bad = arm(venue.port, "latency-ms=soon");
  CAF_CHECK_EQUAL(bad.status, 400);
  CAF_CHECK_EQUAL(bad.body, "{\"code\":-1130,\"msg\":\"latency-ms: must be an integer in "
                            "[0, 60000], got 'soon'\"}");
  CAF_CHECK_EQUAL(arm(venue.port, "reject-code=-9").status, 400);
  CAF_CHECK_EQUAL(arm(venue.port, "").status, 400);
}

CAF_TEST(stream_faults_drop_stall_corrupt_and_gap) {
  CAF_REQUIRE(caf::test::engine::argc() >= 3);
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2]);
  asio::io_context ioc;
  beast::error_code ec;

  // A depth stream: an armed gap makes one event's U skip past u+1.
  ws_stream depth(ioc);
  open_stream(depth, venue.port, "/ws/usdchf@depth@100ms");
  // One event first, so the withheld one is not the first this client sees.
  int64_t last_u = int_field(read_frame(depth, ec), "u");
  CAF_REQUIRE(!ec);
  CAF_CHECK_EQUAL(arm(venue.port, "depth-gaps=1").status, 200);
  bool gap_seen = false;
  for (int n = 0; n < 50 && !gap_seen && !ec; ++n) {
    auto text = read_frame(depth, ec);
    auto first = int_field(text, "U"), last = int_field(text, "u");
    if (last_u >= 0 && first > last_u + 1) gap_seen = true;
    last_u = last;
  }
  CAF_CHECK(gap_seen);
  CAF_CHECK_EQUAL(fault_count(venue.port, "depthGaps"), 1);

  // A malformed frame: a truncated JSON object before an event.
  CAF_CHECK_EQUAL(arm(venue.port, "malformed-frames=1").status, 200);
  bool malformed_seen = false;
  for (int n = 0; n < 50 && !malformed_seen && !ec; ++n) {
    auto text = read_frame(depth, ec);
    malformed_seen = !ec && (text.empty() || text.back() != '}');
  }
  CAF_CHECK(malformed_seen);
  CAF_CHECK_EQUAL(fault_count(venue.port, "malformedFrames"), 1);

  // A stall holds the events, then sends them: the stream goes on.
  CAF_CHECK_EQUAL(arm(venue.port, "stall-ms=150").status, 200);
  CAF_CHECK_EQUAL(fault_count(venue.port, "stalls"), 1);
  auto after_stall = read_frame(depth, ec);
  CAF_CHECK(!ec);
  CAF_CHECK(contains(after_stall, "\"e\":\"depthUpdate\""));

  // ws-drop closes every market-stream connection: the client sees the close.
  CAF_CHECK_EQUAL(arm(venue.port, "ws-drop=true").status, 200);
  for (int n = 0; n < 100000 && !ec; ++n)
    read_frame(depth, ec);
  CAF_CHECK(ec);
  CAF_MESSAGE("stream closed: " << ec.message());
  CAF_CHECK_GREATER_OR_EQUAL(fault_count(venue.port, "wsDrops"), 1);
}

CAF_TEST(out_of_order_trade_events) {
  CAF_REQUIRE(caf::test::engine::argc() >= 3);
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2]);
  asio::io_context ioc;
  beast::error_code ec;
  ws_stream trades(ioc);
  open_stream(trades, venue.port, "/ws/usdchf@trade");
  int64_t last_t = int_field(read_frame(trades, ec), "t");
  CAF_REQUIRE(!ec);
  // One trade event is held back and sent after the next one: its trade id
  // goes backwards once.
  CAF_CHECK_EQUAL(arm(venue.port, "out-of-order=1").status, 200);
  bool backwards = false;
  for (int n = 0; n < 200 && !backwards && !ec; ++n) {
    auto t = int_field(read_frame(trades, ec), "t");
    backwards = t >= 0 && t < last_t;
    last_t = t;
  }
  CAF_CHECK(backwards);
  CAF_CHECK_EQUAL(fault_count(venue.port, "outOfOrder"), 1);
}

CAF_TEST(ws_api_faults_unavailable_latency_and_drop) {
  CAF_REQUIRE(caf::test::engine::argc() >= 3);
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2]);
  asio::io_context ioc;
  beast::error_code ec;
  ws_stream api(ioc);
  open_stream(api, venue.port, "/ws-api/v3?returnRateLimits=false");
  auto ping = [&](const std::string& id) {
    api.write(asio::buffer("{\"id\":" + id + ",\"method\":\"ping\"}"));
    return read_frame(api, ec);
  };
  // 503 -1007: execution status unknown, as REST answers it.
  CAF_CHECK_EQUAL(arm(venue.port, "ws-api-unavailable=1").status, 200);
  CAF_CHECK_EQUAL(ping("1"), "{\"id\":1,\"status\":503,\"error\":{\"code\":-1007,\"msg\":"
                             "\"Timeout waiting for response from backend server. Send status "
                             "unknown; execution status unknown.\"}}");
  CAF_CHECK_EQUAL(ping("2"), "{\"id\":2,\"status\":200,\"result\":{}}");
  CAF_CHECK_EQUAL(fault_count(venue.port, "wsApiUnavailable"), 1);

  // Added latency: measured and reported, never asserted against a time.
  CAF_CHECK_EQUAL(arm(venue.port, "ws-api-latency-ms=40").status, 200);
  auto start = std::chrono::steady_clock::now();
  CAF_CHECK_EQUAL(ping("3"), "{\"id\":3,\"status\":200,\"result\":{}}");
  auto took = std::chrono::steady_clock::now() - start;
  CAF_MESSAGE("ws-api ping with ws-api-latency-ms=40 took "
              << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
  CAF_CHECK_GREATER_OR_EQUAL(fault_count(venue.port, "wsApiDelayed"), 1);
  CAF_CHECK_EQUAL(arm(venue.port, "ws-api-latency-ms=0").status, 200);

  // ws-api-drop closes the WebSocket API connections; market streams stay.
  ws_stream trades(ioc);
  open_stream(trades, venue.port, "/ws/usdchf@trade");
  CAF_CHECK_EQUAL(arm(venue.port, "ws-api-drop=true").status, 200);
  read_frame(api, ec);
  CAF_CHECK(ec);
  beast::error_code trades_ec;
  read_frame(trades, trades_ec);
  CAF_CHECK(!trades_ec);
  CAF_CHECK_EQUAL(fault_count(venue.port, "wsApiDrops"), 1);
  CAF_CHECK_EQUAL(arm(venue.port, "ws-api-drop=maybe").status, 400);
}
