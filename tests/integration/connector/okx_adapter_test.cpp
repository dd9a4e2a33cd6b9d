// The OKX adapter (actors/connector/okx) against a real cwts-venue speaking
// OKX v5 on loopback: orders placed, amended and canceled over the private
// WebSocket and over REST, a fill reported from the `orders` channel, the
// kill switch's cancel_all confirmed by the venue's own orders-pending, and
// cancel-all-after: armed by the adapter, left armed by stop(), and fired by
// the venue's timer once nobody renews it. Waits poll with a deadline.
#define CAF_SUITE connector_okx_adapter_integration
#include "tests/support/unit_test.hpp"

#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "actors/connector/okx/okx_adapter.hpp"
#include "actors/connector/okx/okx_rest.hpp"
#include "tests/integration/connector/adapter_test_shell.hpp"
#include "tests/integration/venue/venue_client.hpp"

using namespace cwts;
using namespace cwts::connector;
using namespace cwts::connector::okx;
using cwts::test::describe;
using cwts::test::fake_shell;
using cwts::test::order;
using cwts::test::wait_until;

namespace {

const std::string passphrase = "cwtsDemoPassAlpha1"; // config/venue-demo-keys.ini

okx_adapter_config config(int port, bool ws_orders) {
  okx_adapter_config c;
  c.port = static_cast<uint16_t>(port);
  c.api_key = api_key;
  c.secret = secret;
  c.passphrase = passphrase;
  c.symbols = {*symbol::parse("USDCHF")};
  c.use_ws_orders = ws_orders;
  c.poll_interval = std::chrono::milliseconds(100);
  c.poll_interval_streaming = std::chrono::milliseconds(2000);
  c.jitter_seed = 7;
  return c;
}

okx_rest_config rest_config(int port) {
  okx_rest_config r;
  r.port = static_cast<uint16_t>(port);
  r.credentials = okx_credentials{api_key, secret, passphrase};
  return r;
}

} // namespace

namespace cwts::test {
// A loopback port nothing listens on (bound, then released).
uint16_t unused_port_for_okx() {
  asio::io_context ioc;
  tcp::acceptor a(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}
} // namespace cwts::test

CAF_TEST(orders_over_ws_and_rest_fills_cancel_all) {
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2]);
  fake_shell shell;
  auto cfg = config(venue.port, true);
  CAF_REQUIRE_EQUAL(validate(cfg), "");
  okx_adapter a(cfg, shell.context());
  auto caps = a.capabilities();
  CAF_CHECK(caps.blocking_order_calls && caps.amend && caps.dead_mans_switch);
  CAF_CHECK_EQUAL(std::string(a.protocol()), "okx");
  shell.on_worker([&] { a.start(); return 0; });
  CAF_CHECK(wait_until(std::chrono::seconds(5), [&] { return a.fill_stream_connected() == true; }));
  CAF_CHECK(a.may_probe());
  CAF_CHECK(shell.on_worker([&] { return a.probe(); }).answered);
  const auto second = std::chrono::seconds(5);

  // Over the private WebSocket: a resting buy far under the market (~1.19),
  // amended to a smaller size (cwts-venue amends sizes only), canceled.
  auto placed = shell.on_worker([&] { return a.place(order("tr1-ws-1", side::buy, "0.6", "10"), true); });
  CAF_MESSAGE("place: " << describe(placed));
  CAF_REQUIRE(shell.await("tr1-ws-1", order_status::accepted, second));
  venue_adapter::counters k;
  a.add_counters(k);
  CAF_CHECK_EQUAL(k["orders.ws"], 1);
  auto amended = shell.on_worker(
    [&] { return a.amend(client_order_id{"tr1-ws-1"}, order("tr1-ws-2", side::buy, "0.6", "8")); });
  CAF_MESSAGE("amend: " << describe(amended));
  CAF_CHECK(shell.await("tr1-ws-1", order_status::canceled, second));
  CAF_REQUIRE(shell.await("tr1-ws-2", order_status::accepted, second));
  auto canceled = shell.on_worker([&] {
    return a.cancel(cancel_request{client_order_id{"tr1-ws-2"}, *symbol::parse("USDCHF"), {}, {}});
  });
  CAF_MESSAGE("cancel: " << describe(canceled));
  CAF_CHECK(shell.await("tr1-ws-2", order_status::canceled, second));

  // A marketable buy fills; the fill comes from the orders channel or a poll.
  auto taker = shell.on_worker([&] { return a.place(order("tr1-ws-3", side::buy, "1.4", "1"), true); });
  CAF_MESSAGE("taker: " << describe(taker));
  auto filled = shell.await("tr1-ws-3", order_status::filled, std::chrono::seconds(10));
  CAF_REQUIRE(filled.has_value());
  CAF_CHECK(filled->cum_qty == *qty::parse("1"));

  // Kill switch level 2: 30 resting orders, all canceled, confirmed by query.
  for (int i = 0; i < 30; ++i) {
    auto id = "tr1-k-" + std::to_string(i);
    auto one = shell.on_worker([&] { return a.place(order(id, side::buy, "0.6", "10"), true); });
    if (!shell.await(id, order_status::accepted, second))
      CAF_FAIL("not accepted: " << describe(one));
  }
  std::vector<adapter_output> out;
  auto r = shell.on_worker([&] {
    return a.cancel_all(kill_id{"kill-1"}, node_id{"tr1"}, {*symbol::parse("USDCHF")},
                        std::chrono::seconds(10), out);
  });
  CAF_MESSAGE("cancel_all: ok=" << r.ok << " canceled=" << r.orders_canceled << " error=" << r.error);
  CAF_CHECK(r.ok);
  CAF_CHECK_EQUAL(r.orders_canceled, 30);
  CAF_CHECK_EQUAL(r.open_orders_after, 0);
  okx_rest probe(rest_config(venue.port));
  auto pending = probe.orders_pending("USD-CHF", 0);
  CAF_REQUIRE(pending.ok());
  CAF_CHECK(pending.value.empty());
  // Reconciliation sees no open order and the account's balances.
  reconcile_orders req;
  req.round = 1;
  auto snap = shell.on_worker([&] { return a.snapshot(req); });
  CAF_CHECK(snap.complete);
  CAF_CHECK(snap.open_orders.empty());
  CAF_CHECK(!snap.balances.empty());
  a.stop();
}

CAF_TEST(orders_over_rest_when_ws_orders_are_off) {
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2]);
  fake_shell shell;
  auto cfg = config(venue.port, false);
  cfg.use_private_stream = false; // fills from polls only
  okx_adapter a(cfg, shell.context());
  const auto second = std::chrono::seconds(5);
  shell.on_worker([&] { a.start(); return 0; });
  auto placed = shell.on_worker([&] { return a.place(order("tr2-r-1", side::buy, "0.6", "5"), true); });
  CAF_MESSAGE("place: " << describe(placed));
  CAF_REQUIRE(shell.await("tr2-r-1", order_status::accepted, second));
  venue_adapter::counters k;
  a.add_counters(k);
  CAF_CHECK_EQUAL(k["orders.rest"], 1);
  shell.on_worker([&] {
    return a.cancel(cancel_request{client_order_id{"tr2-r-1"}, *symbol::parse("USDCHF"), {}, {}});
  });
  CAF_CHECK(shell.await("tr2-r-1", order_status::canceled, second));
  shell.on_worker([&] { return a.place(order("tr2-r-2", side::buy, "1.4", "1"), true); });
  CAF_CHECK(shell.await("tr2-r-2", order_status::filled, std::chrono::seconds(10)));
  a.stop();
}

CAF_TEST(cancel_all_after_fires_once_nobody_renews_it) {
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2]);
  fake_shell shell;
  auto cfg = config(venue.port, true);
  cfg.dead_mans_switch = std::chrono::seconds(10);
  okx_adapter a(cfg, shell.context());
  shell.on_worker([&] { a.start(); return 0; }); // arms it
  venue_adapter::counters k;
  a.add_counters(k);
  CAF_CHECK_EQUAL(k["dead_man.refreshes"], 1);
  shell.on_worker([&] { return a.place(order("tr3-d-1", side::buy, "0.6", "10"), true); });
  CAF_REQUIRE(shell.await("tr3-d-1", order_status::accepted, std::chrono::seconds(5)));
  // Refreshed every third of the timeout (3.3 s) by the adapter's timer.
  CAF_CHECK(wait_until(std::chrono::seconds(8), [&] {
    venue_adapter::counters now;
    a.add_counters(now);
    return now["dead_man.refreshes"] >= 2;
  }));
  // A node that dies stops renewing; stop() leaves the switch armed.
  a.stop();
  okx_rest probe(rest_config(venue.port));
  auto gone = wait_until(std::chrono::seconds(20), [&] {
    auto p = probe.orders_pending("USD-CHF", 0);
    return p.ok() && p.value.empty();
  });
  CAF_CHECK(gone);
}

CAF_TEST(a_dropped_private_connection_logs_in_again_and_reconciles) {
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2]);
  fake_shell shell;
  okx_adapter a(config(venue.port, true), shell.context());
  const auto second = std::chrono::seconds(5);
  shell.on_worker([&] { a.start(); return 0; });
  CAF_REQUIRE(wait_until(second, [&] { return a.fill_stream_connected() == true; }));
  shell.on_worker([&] { return a.place(order("tr4-a-1", side::buy, "0.6", "10"), true); });
  CAF_REQUIRE(shell.await("tr4-a-1", order_status::accepted, second));
  CAF_CHECK_EQUAL(shell.reconciles.load(), 0); // the first login: the OMS reconciles on wiring
  // The venue closes every /ws/v5/private connection: the orders channel's
  // and the order entry's.
  auto drop = request(venue.port, http::verb::post, "/venue/faults?ws-api-drop=true");
  CAF_REQUIRE_EQUAL(drop.status, 200);
  CAF_CHECK(wait_until(second, [&] { return shell.reconciles.load() == 1; }));
  CAF_CHECK(wait_until(second, [&] { return a.fill_stream_connected() == true; }));
  venue_adapter::counters k;
  a.add_counters(k);
  CAF_CHECK_GREATER_OR_EQUAL(k["ws_reconnects"], 1);
  CAF_CHECK_GREATER_OR_EQUAL(k["ws_logins"], 2);
  // The order connection was closed too: replaced before the next order,
  // which goes out over the WebSocket again, not into an unknown outcome.
  auto placed = shell.on_worker([&] { return a.place(order("tr4-a-2", side::buy, "0.6", "10"), true); });
  CAF_MESSAGE("after the drop: " << describe(placed));
  CAF_CHECK(shell.await("tr4-a-2", order_status::accepted, second));
  k.clear();
  a.add_counters(k);
  CAF_CHECK_EQUAL(k["unknown_outcomes"], 0);
  CAF_CHECK_EQUAL(k["orders.ws"], 2);
  a.stop();
}

// The venue answers 50001 "Service temporarily unavailable" and may or may
// not have executed the order: the adapter queries it by clOrdId, never
// sends it again.
CAF_TEST(unknown_outcomes_are_resolved_by_query_never_resent) {
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2]);
  fake_shell shell;
  auto cfg = config(venue.port, true);
  cfg.use_private_stream = false; // the query alone settles it
  okx_adapter a(cfg, shell.context());
  const auto second = std::chrono::seconds(5);
  shell.on_worker([&] { a.start(); return 0; });
  // Executed although the answer was 50001: resolved as accepted.
  CAF_REQUIRE_EQUAL(request(venue.port, http::verb::post,
                            "/venue/faults?ws-api-unavailable=1&unavailable-executes=true")
                      .status,
                    200);
  auto executed = shell.on_worker([&] { return a.place(order("tr5-u-1", side::buy, "0.6", "10"), true); });
  CAF_MESSAGE("executed: " << describe(executed));
  CAF_CHECK(shell.await("tr5-u-1", order_status::accepted, second));
  // Not executed: the venue has no such order. Not refused at once (it
  // could still be on its way); the polls ask again, and after the grace
  // (5 s) the OMS gets a reject.
  CAF_REQUIRE_EQUAL(request(venue.port, http::verb::post,
                            "/venue/faults?ws-api-unavailable=1&unavailable-executes=false")
                      .status,
                    200);
  auto lost = shell.on_worker([&] { return a.place(order("tr5-u-2", side::buy, "0.6", "10"), true); });
  CAF_MESSAGE("not executed: " << describe(lost));
  CAF_CHECK(lost.empty());
  auto rej = shell.await_reject("tr5-u-2", std::chrono::seconds(30));
  CAF_REQUIRE(rej.has_value());
  CAF_CHECK(rej->reason == reject_reason::venue_unreachable);
  venue_adapter::counters k;
  a.add_counters(k);
  CAF_CHECK_EQUAL(k["unknown_outcomes"], 2);
  CAF_CHECK_EQUAL(k["unknown_outcomes_resolved"], 2);
  CAF_CHECK_EQUAL(k["unresolved"], 0);
  // Never resent: the venue holds exactly the one executed order.
  okx_rest probe(rest_config(venue.port));
  auto pending = probe.orders_pending("USD-CHF", 0);
  CAF_REQUIRE(pending.ok());
  CAF_CHECK_EQUAL(pending.value.size(), 1u);
  a.stop();
}

// The private WebSocket unreachable: orders go over REST (the fallback),
// each counted.
CAF_TEST(orders_fall_back_to_rest_while_the_websocket_is_down) {
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2]);
  fake_shell shell;
  auto cfg = config(venue.port, true);
  cfg.ws_port = cwts::test::unused_port_for_okx();
  cfg.use_private_stream = false;
  okx_adapter a(cfg, shell.context());
  shell.on_worker([&] { a.start(); return 0; });
  shell.on_worker([&] { return a.place(order("tr6-f-1", side::buy, "0.6", "10"), true); });
  CAF_CHECK(shell.await("tr6-f-1", order_status::accepted, std::chrono::seconds(5)));
  shell.on_worker([&] {
    return a.cancel(cancel_request{client_order_id{"tr6-f-1"}, *symbol::parse("USDCHF"), {}, {}});
  });
  CAF_CHECK(shell.await("tr6-f-1", order_status::canceled, std::chrono::seconds(5)));
  venue_adapter::counters k;
  a.add_counters(k);
  CAF_CHECK_EQUAL(k["orders.ws_fallbacks"], 2);
  CAF_CHECK_EQUAL(k["orders.rest"], 2);
  CAF_CHECK_EQUAL(k["orders.ws"], 0);
  a.stop();
}
