// The kill gate and the kill's cancel-all against orders on the WebSocket
// API pipeline (venue_session over a scripted venue on loopback): a place
// whose connection failed after the gate closed never goes over REST; a
// place in flight when the cancel-all starts is answered before the DELETE
// goes out; a cancel the WebSocket API did not carry goes again over REST.
// Asserts outcomes and the venue's view, never timings.
#define CAF_SUITE connector_ws_api_kill
#include "tests/support/unit_test.hpp"

#include <atomic>
#include <future>
#include <mutex>
#include <regex>

#include "actors/connector/venue_session.hpp"
#include "tests/unit/connector/session_outputs.hpp"
#include "tests/unit/connector/ws_api_test_support.hpp"
#include "tests/unit/connector/ws_script_server.hpp"

using namespace cwts;
using namespace cwts::connector;
using test::ioc_buy;
using test::script_detail::eventually;
using test::script_detail::peer;

namespace {

const symbol usdchf = *symbol::parse("USDCHF");

gateway_config rest_at(uint16_t port) {
  gateway_config g;
  g.port = port;
  g.api_key = "key";
  g.secret = "secret";
  return g;
}

ws_api_config ws_at(uint16_t port) {
  return test::ws_api_at(port);
}

std::string field(const std::string& text, const char* name) {
  std::regex re(std::string("\"") + name + "\":\"([^\"]+)\"");
  std::smatch m;
  return std::regex_search(text, m, re) ? std::string(m[1]) : std::string{};
}

std::string answer_new(const std::string& text) {
  return test::place_answer(field(text, "id"), field(text, "newClientOrderId"), "NEW", "GTC");
}

using ends = test::ws_api_ends;

using cwts::test::only;

} // namespace

CAF_TEST(a_connect_failure_after_the_gate_closed_sends_nothing_over_rest) {
  test::ws_script_server venue([](const std::string&) { return std::string("{}"); },
                               [](peer&, int) {});
  venue_session session(rest_at(venue.port()), {usdchf});
  session.set_admission([](const order_request&) { return false; }); // the kill closed it
  ends done;
  session.enable_ws_api_pipeline(ws_at(venue.port()), {}, done.fn());
  ws_api_completion c;
  c.call = ws_api_call::place;
  c.order = ioc_buy("f1");
  c.reply.kind = reply_kind::not_sent;
  c.reply.detail = "WebSocket API connection down: connect: refused";
  c.connect_failed = true;
  auto out = session.on_ws_api_done(c);
  auto rejects = only<order_reject>(out);
  CAF_REQUIRE_EQUAL(rejects.size(), 1u);
  CAF_CHECK(rejects.front().reason == reject_reason::kill_gate_closed);
  CAF_CHECK_EQUAL(venue.http_requests(), 0);
  CAF_CHECK_EQUAL(session.counters().orders_rest.load(), 0);
  CAF_CHECK_EQUAL(session.counters().gate_refused_late.load(), 1);
}

// The lease lapsed while the order waited (a failover, not a kill): the
// reject says so, with the fence's detail, and nothing goes over REST.
CAF_TEST(a_late_refusal_keeps_the_lease_reason_the_shell_gives) {
  test::ws_script_server venue([](const std::string&) { return std::string("{}"); },
                               [](peer&, int) {});
  venue_session session(rest_at(venue.port()), {usdchf});
  session.set_admission([](const order_request&) { return false; });
  session.set_refusal_reason([](const order_request&) {
    return late_refusal{reject_reason::no_trading_lease,
                        "this node does not hold the trading lease of role 'connector.binance'"};
  });
  ends done;
  session.enable_ws_api_pipeline(ws_at(venue.port()), {}, done.fn());
  ws_api_completion c;
  c.call = ws_api_call::place;
  c.order = ioc_buy("f2");
  c.reply.kind = reply_kind::not_sent;
  c.connect_failed = true;
  auto rest = only<order_reject>(session.on_ws_api_done(c));
  CAF_REQUIRE_EQUAL(rest.size(), 1u);
  CAF_CHECK(rest.front().reason == reject_reason::no_trading_lease);
  CAF_CHECK_EQUAL(rest.front().detail, "this node does not hold the trading lease of role "
                                     "'connector.binance' (before the REST fallback)");
  // Refused inside the pipeline's queue: the reason the pipeline asked for
  // at the refusal (a kill's there, though the lease is what fails now).
  ws_api_completion q;
  q.call = ws_api_call::place;
  q.order = ioc_buy("f3");
  q.gate_closed = true;
  auto queued = only<order_reject>(session.on_ws_api_done(q));
  CAF_REQUIRE_EQUAL(queued.size(), 1u);
  CAF_CHECK(queued.front().reason == reject_reason::kill_gate_closed);
  CAF_CHECK_EQUAL(queued.front().detail, "kill gate closed while queued for the WebSocket API");
  CAF_CHECK_EQUAL(venue.http_requests(), 0);
  CAF_CHECK_EQUAL(session.counters().gate_refused_late.load(), 2);
}

CAF_TEST(a_cancel_the_ws_api_did_not_carry_goes_again_over_rest) {
  std::atomic<int> deletes{0};
  test::ws_script_server venue(
    [&](const std::string& target) {
      if (target.find("/api/v3/order") == 0)
        ++deletes;
      return std::string("{\"code\":-2011,\"msg\":\"Unknown order sent.\"}");
    },
    [](peer&, int) {});
  venue_session session(rest_at(venue.port()), {usdchf});
  ends done;
  session.enable_ws_api_pipeline(ws_at(venue.port()), {}, done.fn());
  ws_api_completion c;
  c.call = ws_api_call::cancel;
  c.cancel.id = client_order_id{"c1"};
  c.cancel.sym = usdchf;
  c.reply.kind = reply_kind::unknown;
  session.on_ws_api_done(c);
  CAF_CHECK_EQUAL(deletes.load(), 1);
  CAF_CHECK_EQUAL(session.counters().cancels_retried_rest.load(), 1);
  // A stop (a level-4 cut) sends nothing more.
  c.stopped = true;
  session.on_ws_api_done(c);
  CAF_CHECK_EQUAL(deletes.load(), 1);
}

CAF_TEST(a_place_in_flight_when_the_cancel_all_starts_is_answered_before_the_delete) {
  std::atomic<bool> release{false};
  std::atomic<bool> answered{false};
  std::atomic<int> deletes_before_answer{0};
  std::atomic<int> deletes{0};
  test::ws_script_server venue(
    [&](const std::string& target) {
      if (target.find("/api/v3/openOrders") == 0) {
        ++deletes;
        if (!answered)
          ++deletes_before_answer;
      }
      return std::string("[]");
    },
    [&](peer& p, int) {
      auto req = p.read();
      eventually([&] { return release.load(); });
      answered = true;
      p.send(answer_new(req));
    });
  venue_session session(rest_at(venue.port()), {usdchf});
  ends done;
  session.enable_ws_api_pipeline(ws_at(venue.port()), {}, done.fn());
  session.start_ws_api();
  CAF_CHECK(session.place(ioc_buy("k1"), true).empty());
  CAF_REQUIRE(eventually([&] { return session.pipeline()->counters().requests.load() == 1; }));
  std::vector<session_output> out;
  auto result = std::async(std::launch::async, [&] {
    return session.cancel_all(kill_id{"kill-1"}, node_id{"n1"}, {usdchf},
                              std::chrono::milliseconds(20'000), out);
  });
  // The cancel-all waits for the answer: no DELETE yet.
  CAF_CHECK(result.wait_for(std::chrono::seconds(0)) != std::future_status::ready);
  release = true;
  auto r = result.get();
  CAF_CHECK(r.ok);
  CAF_CHECK(deletes.load() >= 1);
  CAF_CHECK_EQUAL(deletes_before_answer.load(), 0);
  CAF_CHECK(eventually([&] { return done.size() == 1; }));
  // Orders of the scope are placed again once the cancel-all is over.
  session.stop_ws_api();
}
