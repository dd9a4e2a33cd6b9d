#define CAF_SUITE connector_session_events
#include "tests/support/unit_test.hpp"

// venue_session with user-data events: the same tracker as replies and
// polls, and an event resolving an order whose placement outcome was
// unknown (never resent). The venue is a test HTTP server answering 503.

#include "actors/connector/venue_session.hpp"
#include "tests/unit/connector/session_outputs.hpp"
#include "tests/unit/connector/test_server.hpp"

using namespace cwts;
using namespace cwts::connector;

namespace {

const symbol usdchf = *symbol::parse("USDCHF");

// Every request: 503, "execution status unknown" (rest-api.md).
cwts::test::canned_reply unavailable(const cwts::test::recorded_request&) {
  return {503, R"({"code":-1007,"msg":"Timeout waiting for response from backend server."})"};
}

order_request buy(const std::string& id) {
  order_request req;
  req.id = client_order_id{id};
  req.sym = usdchf;
  req.order_side = side::buy;
  req.limit_price = *price::parse("0.9");
  req.quantity = *qty::parse("10");
  return req;
}

execution_event event(const std::string& id, order_status st, const char* cum, const char* quote,
                      const char* last) {
  execution_event e;
  e.sym = usdchf;
  e.client_id = client_order_id{id};
  e.order_id = venue_order_id{77};
  e.order_side = side::buy;
  e.orig_qty = *qty::parse("10");
  e.limit_price = *price::parse("0.9");
  e.status = st;
  e.exec = st == order_status::accepted ? execution_type::new_order : execution_type::trade;
  e.cum_qty = *qty::parse(cum);
  e.cum_quote = *notional::parse(quote);
  e.last_qty = *qty::parse(last);
  e.last_price = *price::parse("0.9");
  return e;
}

using cwts::test::only;

// The REST side of a session: the test server on `port`.
gateway_config gateway_at(uint16_t port) {
  gateway_config cfg;
  cfg.port = port;
  cfg.api_key = "key";
  cfg.secret = "secret";
  return cfg;
}

} // namespace

CAF_TEST(an_event_resolves_an_unknown_outcome_without_a_resend) {
  cwts::test::http_test_server server(unavailable);
  venue_session session(gateway_at(server.port()), {usdchf});
  CAF_CHECK(session.place(buy("u1"), true).empty());
  auto& c = session.counters();
  CAF_CHECK_EQUAL(c.unknown_outcomes.load(), 1);
  CAF_CHECK_EQUAL(c.unresolved.load(), 1);

  // The venue's NEW event proves the order exists.
  auto reports = only<execution_report>(
    session.on_execution(event("u1", order_status::accepted, "0", "0", "0")));
  CAF_REQUIRE_EQUAL(reports.size(), 1u);
  CAF_CHECK(reports[0].status == order_status::accepted);
  CAF_CHECK_EQUAL(reports[0].venue_id.value, 77);
  CAF_CHECK_EQUAL(c.unresolved.load(), 0);
  CAF_CHECK_EQUAL(c.stream_resolved.load(), 1);

  // Its fill follows through the tracker, once.
  auto fill = event("u1", order_status::filled, "10", "9", "10");
  reports = only<execution_report>(session.on_execution(fill));
  CAF_REQUIRE_EQUAL(reports.size(), 1u);
  CAF_CHECK(reports[0].status == order_status::filled);
  CAF_CHECK_EQUAL(reports[0].last_qty.to_string(), "10.00000000");
  CAF_CHECK_EQUAL(reports[0].last_price.to_string(), "0.90000000");
  CAF_CHECK(session.on_execution(fill).empty());
  CAF_CHECK_EQUAL(c.stream_settled_order.load(), 1);
  CAF_CHECK_EQUAL(c.stream_reports.load(), 2);

  // Only the one POST: an unknown outcome is never resent.
  int posts = 0;
  for (auto& r : server.requests())
    posts += r.method == "POST" ? 1 : 0;
  CAF_CHECK_EQUAL(posts, 1);
}

CAF_TEST(events_for_foreign_orders_and_balances_are_counted) {
  cwts::test::http_test_server server(unavailable);
  venue_session session(gateway_at(server.port()), {usdchf});
  CAF_CHECK(session.on_execution(event("not-ours", order_status::partially_filled, "1", "0.9", "1"))
              .empty());
  CAF_CHECK_EQUAL(session.counters().stream_unknown_order.load(), 1);
  CAF_CHECK_EQUAL(session.counters().stream_events.load(), 1);

  account_position p;
  p.balances = {{"USD", *qty::parse("5"), *qty::parse("1")}, {"CHF", *qty::parse("7"), qty{}}};
  session.on_balances(p);
  p.balances = {{"USD", *qty::parse("4"), *qty::parse("2")}};
  session.on_balances(p);
  CAF_CHECK_EQUAL(session.counters().balance_updates.load(), 2);
  CAF_CHECK_EQUAL(session.counters().balance_assets.load(), 2);
  CAF_CHECK_EQUAL(session.balances().at("USD").free.to_string(), "4.00000000");
  CAF_CHECK_EQUAL(session.balances().at("USD").locked.to_string(), "2.00000000");
  CAF_CHECK_EQUAL(session.balances().at("CHF").free.to_string(), "7.00000000");
}
