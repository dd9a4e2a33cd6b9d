// Order entry over the WebSocket API against a real cwts-venue: order.place,
// order.cancel and openOrders.cancelAll; the session sends orders over it and
// falls back to REST when its connection is down; an unknown outcome on the
// REST fallback (503 -1007 with the order executed) is resolved by a query,
// never resent. Asserts outcomes, never timings.
#define CAF_SUITE connector_ws_api_orders_integration
#include "tests/support/unit_test.hpp"

#include "actors/connector/venue_session.hpp"
#include "actors/connector/ws_api_orders.hpp"
#include "tests/integration/venue/venue_client.hpp"

using namespace cwts;
using namespace cwts::connector;

namespace {

symbol usdchf() {
  return *symbol::parse("USDCHF");
}

order_request resting_buy(const std::string& id, const char* px = "0.5") {
  order_request req;
  req.id = client_order_id{id};
  req.sym = usdchf();
  req.order_side = side::buy;
  req.type = order_type::limit;
  req.tif = time_in_force::gtc;
  req.limit_price = *price::parse(px);
  req.quantity = *qty::parse("2");
  return req;
}

ws_api_config ws_config(uint16_t port) {
  ws_api_config w;
  w.port = port;
  w.api_key = api_key;
  w.secret = secret;
  return w;
}

gateway_config rest_config(uint16_t port) {
  gateway_config g;
  g.port = port;
  g.api_key = api_key;
  g.secret = secret;
  return g;
}

uint16_t unused_port() {
  asio::io_context ioc;
  tcp::acceptor a(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port(); // closed on return: nothing listens there
}

} // namespace

CAF_TEST(places_cancels_and_cancels_all_over_the_websocket_api) {
  venue_process venue(CWTS_VENUE_BIN, CWTS_VENUE_CONFIG, "1");
  auto port = static_cast<uint16_t>(venue.port);
  ws_api_orders ws(ws_config(port));
  CAF_REQUIRE_EQUAL(validate(ws_config(port)), "");
  auto placed = ws.place_order(resting_buy("wsa1"));
  CAF_REQUIRE(placed.ok());
  CAF_CHECK(placed.value.client_id == client_order_id{"wsa1"});
  CAF_CHECK(placed.value.status == order_status::accepted);
  CAF_CHECK_EQUAL(placed.http_status, 200u);
  auto canceled = ws.cancel_order(usdchf(), client_order_id{"wsa1"});
  CAF_REQUIRE(canceled.ok());
  CAF_CHECK(canceled.value.status == order_status::canceled);
  // A refusal carries the venue's code: canceling it again is -2011.
  auto again = ws.cancel_order(usdchf(), client_order_id{"wsa1"});
  CAF_CHECK(again.kind == reply_kind::rejected);
  CAF_CHECK_EQUAL(again.error.code, -2011);
  CAF_CHECK(ws.connected()); // a refusal keeps the connection
  CAF_REQUIRE(ws.place_order(resting_buy("wsa2")).ok());
  CAF_REQUIRE(ws.place_order(resting_buy("wsa3", "0.51")).ok());
  auto all = ws.cancel_open_orders(usdchf());
  CAF_REQUIRE(all.ok());
  CAF_CHECK_EQUAL(all.value, 2u);
  auto open = signed_request(venue.port, http::verb::get, "/api/v3/openOrders", "symbol=USDCHF");
  CAF_CHECK_EQUAL(open.body, "[]");
  CAF_CHECK_EQUAL(ws.connections_opened(), 1u);
}

CAF_TEST(the_session_uses_the_websocket_api_and_falls_back_to_rest) {
  venue_process venue(CWTS_VENUE_BIN, CWTS_VENUE_CONFIG, "1");
  auto port = static_cast<uint16_t>(venue.port);
  venue_session fast(rest_config(port), {usdchf()});
  fast.enable_ws_api(ws_config(port));
  CAF_REQUIRE(fast.sync_clock().ok());
  auto out = fast.place(resting_buy("wsb1"), true);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  CAF_CHECK(std::holds_alternative<execution_report>(out[0]));
  CAF_CHECK_EQUAL(fast.counters().orders_ws_api.load(), 1);
  CAF_CHECK_EQUAL(fast.counters().orders_rest.load(), 0);
  fast.cancel(cancel_request{client_order_id{"wsb1"}, usdchf(), {}});

  // The WebSocket API unreachable: REST carries the order.
  auto ws_down = ws_config(unused_port());
  venue_session fallback(rest_config(port), {usdchf()});
  fallback.enable_ws_api(ws_down);
  CAF_REQUIRE(fallback.sync_clock().ok());
  out = fallback.place(resting_buy("wsb2"), true);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  CAF_CHECK(std::holds_alternative<execution_report>(out[0]));
  CAF_CHECK_EQUAL(fallback.counters().orders_rest.load(), 1);
  CAF_CHECK_EQUAL(fallback.counters().ws_api_fallbacks.load(), 1);

  // Unknown outcome on that path: the venue executes the POST but answers
  // 503 -1007; the session queries the client order id (never resends) and
  // reports the order the venue has.
  CAF_REQUIRE_EQUAL(request(venue.port, http::verb::post,
                            "/venue/faults?unavailable-requests=1&unavailable-executes=true").status,
                    200);
  out = fallback.place(resting_buy("wsb3"), true);
  CAF_CHECK_EQUAL(fallback.counters().unknown_outcomes.load(), 1);
  // Resolved by the query: nothing left to resolve, no reject sent.
  CAF_CHECK_EQUAL(fallback.counters().unresolved.load(), 0);
  for (auto& o : out)
    CAF_CHECK(!std::holds_alternative<order_reject>(o));
  auto open = signed_request(venue.port, http::verb::get, "/api/v3/openOrders", "symbol=USDCHF");
  auto count = [](const std::string& s, const std::string& part) {
    std::size_t n = 0;
    for (auto at = s.find(part); at != std::string::npos; at = s.find(part, at + 1))
      ++n;
    return n;
  };
  CAF_CHECK_EQUAL(count(open.body, "\"clientOrderId\":\"wsb3\""), 1u); // placed once
}
