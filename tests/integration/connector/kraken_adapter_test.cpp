// The Kraken adapter (actors/connector/kraken) against a real cwts-venue
// speaking Kraken Spot on loopback: orders placed, amended and canceled over
// WebSocket v2 and over REST, a fill from the `executions` channel, the kill
// switch's cancel_all confirmed by the venue's own OpenOrders,
// CancelAllOrdersAfter armed, refreshed, left armed by stop() and fired by
// the venue's timer, an "EAPI:Invalid nonce" recovered, an unknown outcome
// resolved by cl_ord_id, the REST fallback while the WebSocket is down.
// Waits poll with a deadline.
#define CAF_SUITE connector_kraken_adapter_integration
#include "tests/support/unit_test.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "actors/connector/kraken/kraken_adapter.hpp"
#include "actors/connector/kraken/kraken_rest.hpp"
#include "tests/integration/connector/adapter_test_shell.hpp"
#include "tests/integration/venue/venue_client.hpp"

using namespace cwts;
using namespace cwts::connector;
using namespace cwts::connector::kraken;
using cwts::test::describe;
using cwts::test::fake_shell;
using cwts::test::order;
using cwts::test::wait_until;

namespace {

const auto second = std::chrono::seconds(5);

// A nonce file of its own for each adapter (removed at the end).
struct nonce_file {
  std::string path;
  nonce_file() {
    char tmpl[] = "/tmp/kraken_itest_nonce_XXXXXX";
    int fd = ::mkstemp(tmpl);
    ::close(fd);
    path = tmpl;
    std::remove(path.c_str());
  }
  ~nonce_file() {
    std::remove(path.c_str());
    std::remove((path + ".tmp").c_str());
  }
};

kraken_adapter_config config(int port, bool ws_orders, const nonce_file& n) {
  kraken_adapter_config c;
  c.port = static_cast<uint16_t>(port);
  c.api_key = api_key; // the demo account's (config/venue-demo-keys.ini)
  c.secret = secret;   // base64 as it is
  c.symbols = {*symbol::parse("USDCHF")};
  c.use_ws_orders = ws_orders;
  c.poll_interval = std::chrono::milliseconds(100);
  c.poll_interval_streaming = std::chrono::milliseconds(2000);
  c.jitter_seed = 7;
  c.nonce_path = n.path;
  return c;
}

// An outside client of the same key, as an operator would check the venue.
kraken_rest_config rest_config(int port) {
  kraken_rest_config r;
  r.port = static_cast<uint16_t>(port);
  r.credentials = kraken_credentials{api_key, secret};
  return r;
}

cancel_request cancel_of(const std::string& id) {
  return cancel_request{client_order_id{id}, *symbol::parse("USDCHF"), {}, {}};
}

int64_t counter(const venue_adapter& a, const std::string& name) {
  venue_adapter::counters k;
  a.add_counters(k);
  return k[name];
}

// A loopback port nothing listens on (bound, then released).
uint16_t unused_port() {
  asio::io_context ioc;
  tcp::acceptor acc(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return acc.local_endpoint().port();
}

} // namespace

CAF_TEST(orders_over_ws_fills_amend_and_cancel_all_confirmed) {
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2]);
  fake_shell shell;
  nonce_file nonces;
  auto cfg = config(venue.port, true, nonces);
  CAF_REQUIRE_EQUAL(validate(cfg), "");
  kraken_adapter a(cfg, shell.context());
  auto caps = a.capabilities();
  CAF_CHECK(caps.blocking_order_calls && caps.amend && caps.dead_mans_switch);
  CAF_CHECK_EQUAL(std::string(a.protocol()), "kraken");
  shell.on_worker([&] { a.start(); return 0; });
  CAF_CHECK(wait_until(second, [&] { return a.fill_stream_connected() == true; }));
  CAF_CHECK(a.may_probe());
  CAF_CHECK(shell.on_worker([&] { return a.probe(); }).answered);

  // Over WebSocket v2: a resting buy far under the market (~1.19), amended
  // to another price and a smaller size, canceled.
  auto placed = shell.on_worker([&] { return a.place(order("tr1-ws-1", side::buy, "0.6", "10"), true); });
  CAF_MESSAGE("place: " << describe(placed));
  CAF_REQUIRE(shell.await("tr1-ws-1", order_status::accepted, second));
  CAF_CHECK_EQUAL(counter(a, "orders.ws"), 1);
  auto amended = shell.on_worker(
    [&] { return a.amend(client_order_id{"tr1-ws-1"}, order("tr1-ws-2", side::buy, "0.61", "8")); });
  CAF_MESSAGE("amend: " << describe(amended));
  CAF_CHECK(shell.await("tr1-ws-1", order_status::canceled, second));
  CAF_REQUIRE(shell.await("tr1-ws-2", order_status::accepted, second));
  auto canceled = shell.on_worker([&] { return a.cancel(cancel_of("tr1-ws-2")); });
  CAF_MESSAGE("cancel: " << describe(canceled));
  CAF_CHECK(shell.await("tr1-ws-2", order_status::canceled, second));

  // A marketable buy fills; the fill comes from executions or a poll.
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
  kraken_rest outside(rest_config(venue.port));
  auto open = outside.open_orders();
  CAF_REQUIRE_EQUAL(open.detail, "");
  CAF_CHECK(open.value.empty());
  // Reconciliation sees no open order and the account's balances.
  reconcile_orders req;
  req.round = 1;
  auto snap = shell.on_worker([&] { return a.snapshot(req); });
  CAF_MESSAGE("snapshot: " << snap.error);
  CAF_CHECK(snap.complete);
  CAF_CHECK(snap.open_orders.empty());
  CAF_CHECK(!snap.balances.empty());
  a.stop();
}

CAF_TEST(orders_over_rest_when_ws_orders_are_off) {
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2]);
  fake_shell shell;
  nonce_file nonces;
  auto cfg = config(venue.port, false, nonces);
  cfg.use_private_stream = false; // fills from polls only
  kraken_adapter a(cfg, shell.context());
  shell.on_worker([&] { a.start(); return 0; });
  auto placed = shell.on_worker([&] { return a.place(order("tr2-r-1", side::buy, "0.6", "5"), true); });
  CAF_MESSAGE("place: " << describe(placed));
  CAF_REQUIRE(shell.await("tr2-r-1", order_status::accepted, second));
  CAF_CHECK_EQUAL(counter(a, "orders.rest"), 1);
  auto amended = shell.on_worker(
    [&] { return a.amend(client_order_id{"tr2-r-1"}, order("tr2-r-1b", side::buy, "0.61", "4")); });
  CAF_MESSAGE("amend: " << describe(amended));
  CAF_REQUIRE(shell.await("tr2-r-1b", order_status::accepted, second));
  {
    // Re-priced and resized in place, as the venue lists it.
    kraken_rest outside(rest_config(venue.port));
    auto open = outside.open_orders();
    CAF_REQUIRE(open.ok());
    CAF_REQUIRE_EQUAL(open.value.size(), 1u);
    CAF_CHECK(open.value.front().px == *price::parse("0.61"));
    CAF_CHECK(open.value.front().vol == *qty::parse("4"));
  }
  shell.on_worker([&] { return a.cancel(cancel_of("tr2-r-1b")); });
  CAF_CHECK(shell.await("tr2-r-1b", order_status::canceled, second));
  shell.on_worker([&] { return a.place(order("tr2-r-2", side::buy, "1.4", "1"), true); });
  CAF_CHECK(shell.await("tr2-r-2", order_status::filled, std::chrono::seconds(10)));
  a.stop();
}

CAF_TEST(cancel_all_orders_after_fires_once_nobody_renews_it) {
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2]);
  fake_shell shell;
  nonce_file nonces;
  auto cfg = config(venue.port, true, nonces);
  cfg.dead_mans_switch = std::chrono::seconds(10); // the shortest validate() allows
  kraken_adapter a(cfg, shell.context());
  shell.on_worker([&] { a.start(); return 0; }); // arms it
  CAF_CHECK_EQUAL(counter(a, "dead_man.refreshes"), 1);
  shell.on_worker([&] { return a.place(order("tr3-d-1", side::buy, "0.6", "10"), true); });
  CAF_REQUIRE(shell.await("tr3-d-1", order_status::accepted, second));
  // Refreshed every third of the timeout (3.3 s) by the adapter's timer.
  CAF_CHECK(wait_until(std::chrono::seconds(8), [&] { return counter(a, "dead_man.refreshes") >= 2; }));
  // A node that dies stops renewing; stop() leaves the switch armed.
  a.stop();
  kraken_rest outside(rest_config(venue.port));
  CAF_CHECK(wait_until(std::chrono::seconds(25), [&] {
    auto open = outside.open_orders();
    return open.ok() && open.value.empty();
  }));
}

// The call counter nearly spent when the kill starts. First by the
// adapter's own order work (snapshots): the kill's reserve is left, so
// CancelAll and the confirming OpenOrders go at once, without a wait. Then
// by another client of the key (the venue's counter full, ours not): the
// listing is answered "EAPI:Rate limit exceeded", waits once for the decay
// and confirms, a handful of requests, never a loop of local refusals.
CAF_TEST(cancel_all_confirms_at_once_with_the_call_counter_nearly_spent) {
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2]);
  fake_shell shell;
  nonce_file nonces;
  auto cfg = config(venue.port, true, nonces);
  cfg.call_counter_wait = std::chrono::milliseconds(0); // order work deferred, never waiting
  kraken_adapter a(cfg, shell.context());
  shell.on_worker([&] { a.start(); return 0; });
  CAF_REQUIRE(wait_until(second, [&] { return a.fill_stream_connected() == true; }));
  auto place_some = [&](const std::string& prefix) {
    for (int i = 0; i < 5; ++i) {
      auto id = prefix + std::to_string(i);
      shell.on_worker([&] { return a.place(order(id, side::buy, "0.6", "10"), true); });
      CAF_REQUIRE(shell.await(id, order_status::accepted, second));
    }
  };
  auto kill = [&](const std::string& name) {
    std::vector<adapter_output> out;
    return shell.on_worker([&] {
      return a.cancel_all(kill_id{name}, node_id{"tr8"}, {*symbol::parse("USDCHF")},
                          std::chrono::seconds(10), out);
    });
  };
  place_some("tr8-a-");
  // Snapshots (3 calls each) until order work has no room left.
  reconcile_orders req;
  for (int i = 0; i < 8; ++i) {
    req.round = i + 1;
    shell.on_worker([&] { return a.snapshot(req); });
  }
  CAF_CHECK_GREATER(counter(a, "requests_deferred"), 0);
  CAF_CHECK_EQUAL(counter(a, "rate_limited"), 0); // the model kept it under the venue's
  auto r = kill("kill-8a");
  CAF_MESSAGE("cancel_all: ok=" << r.ok << " retries=" << r.retries << " us=" << r.duration_ns / 1000
                                << " error=" << r.error);
  CAF_CHECK(r.ok);
  CAF_CHECK_EQUAL(r.orders_canceled, 5);
  CAF_CHECK_LESS_OR_EQUAL(r.retries, 1); // CancelAll, one listing
  CAF_CHECK_EQUAL(counter(a, "call_counter_waits"), 0);
  CAF_CHECK_LESS(r.duration_ns, 500'000'000);

  // Another client of the key fills the venue's counter.
  place_some("tr8-b-");
  auto outside_cfg = rest_config(venue.port);
  outside_cfg.call_limits.max = 1000; // no model of its own: it finds the limit
  outside_cfg.call_limits.decay_per_s = 1000;
  kraken_rest outside(outside_cfg);
  for (int i = 0; i < 40 && outside.rate_limited.load() == 0; ++i)
    outside.open_orders();
  CAF_REQUIRE_EQUAL(outside.rate_limited.load(), 1);
  auto requests_before = counter(a, "requests");
  r = kill("kill-8b");
  CAF_MESSAGE("cancel_all: ok=" << r.ok << " retries=" << r.retries << " us=" << r.duration_ns / 1000
                                << " error=" << r.error);
  CAF_CHECK(r.ok);
  CAF_CHECK_EQUAL(r.orders_canceled, 5);
  CAF_CHECK_LESS_OR_EQUAL(r.retries, 3); // CancelAll, a refused listing, one after the decay
  CAF_CHECK_LESS(r.duration_ns, 3'000'000'000);
  CAF_CHECK_LESS_OR_EQUAL(counter(a, "requests") - requests_before, 4);
  a.stop();
}

// Another client of the key used a nonce ahead of ours: the venue answers
// "EAPI:Invalid nonce", nothing ran; the adapter jumps ahead and sends it
// once more.
CAF_TEST(an_invalid_nonce_is_recovered) {
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2]);
  fake_shell shell;
  nonce_file nonces;
  auto cfg = config(venue.port, false, nonces);
  cfg.use_private_stream = false;
  kraken_adapter a(cfg, shell.context());
  shell.on_worker([&] { a.start(); return 0; });
  // The outside client's nonces start half a second ahead of the clock.
  nonce_file ahead;
  {
    auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
    std::ofstream(ahead.path) << (now_us + 500'000);
  }
  auto outside_cfg = rest_config(venue.port);
  outside_cfg.nonce_path = ahead.path;
  kraken_rest outside(outside_cfg);
  CAF_REQUIRE_EQUAL(outside.load_nonce(), "");
  CAF_REQUIRE(outside.balances().ok());
  auto placed = shell.on_worker([&] { return a.place(order("tr4-n-1", side::buy, "0.6", "10"), true); });
  CAF_MESSAGE("place: " << describe(placed));
  CAF_CHECK(shell.await("tr4-n-1", order_status::accepted, second));
  CAF_CHECK_EQUAL(counter(a, "nonce_errors"), 1);
  CAF_CHECK_EQUAL(counter(a, "nonce_resends"), 1);
  a.stop();
}

// The venue answers EService:Unavailable and may or may not have executed
// the order: the adapter looks it up by cl_ord_id, never sends it again.
CAF_TEST(unknown_outcomes_are_resolved_by_cl_ord_id_never_resent) {
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2]);
  fake_shell shell;
  nonce_file nonces;
  auto cfg = config(venue.port, true, nonces);
  cfg.use_private_stream = false; // the lookup alone settles it
  kraken_adapter a(cfg, shell.context());
  shell.on_worker([&] { a.start(); return 0; });
  CAF_REQUIRE_EQUAL(request(venue.port, http::verb::post,
                            "/venue/faults?ws-api-unavailable=1&unavailable-executes=true")
                      .status,
                    200);
  auto executed = shell.on_worker([&] { return a.place(order("tr5-u-1", side::buy, "0.6", "10"), true); });
  CAF_MESSAGE("executed: " << describe(executed));
  CAF_CHECK(shell.await("tr5-u-1", order_status::accepted, second));
  CAF_CHECK_EQUAL(counter(a, "unknown_outcomes"), 1);
  CAF_CHECK_EQUAL(counter(a, "unknown_outcomes_resolved"), 1);
  kraken_rest outside(rest_config(venue.port));
  auto open = outside.open_orders();
  CAF_REQUIRE(open.ok());
  CAF_CHECK_EQUAL(open.value.size(), 1u); // never resent
  a.stop();
}

// The WebSocket unreachable: orders go over REST (the fallback), counted.
CAF_TEST(orders_fall_back_to_rest_while_the_websocket_is_down) {
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2]);
  fake_shell shell;
  nonce_file nonces;
  auto cfg = config(venue.port, true, nonces);
  cfg.ws_port = unused_port();
  cfg.use_private_stream = false;
  kraken_adapter a(cfg, shell.context());
  shell.on_worker([&] { a.start(); return 0; });
  shell.on_worker([&] { return a.place(order("tr6-f-1", side::buy, "0.6", "10"), true); });
  CAF_CHECK(shell.await("tr6-f-1", order_status::accepted, second));
  shell.on_worker([&] { return a.cancel(cancel_of("tr6-f-1")); });
  CAF_CHECK(shell.await("tr6-f-1", order_status::canceled, second));
  CAF_CHECK_EQUAL(counter(a, "orders.ws_fallbacks"), 2);
  CAF_CHECK_EQUAL(counter(a, "orders.rest"), 2);
  CAF_CHECK_EQUAL(counter(a, "orders.ws"), 0);
  a.stop();
}

// The venue drops the executions connection: subscribed again with a fresh
// token, and the OMS asked to reconcile.
CAF_TEST(a_dropped_executions_connection_subscribes_again_and_reconciles) {
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2]);
  fake_shell shell;
  nonce_file nonces;
  kraken_adapter a(config(venue.port, true, nonces), shell.context());
  shell.on_worker([&] { a.start(); return 0; });
  CAF_REQUIRE(wait_until(second, [&] { return a.fill_stream_connected() == true; }));
  CAF_CHECK_EQUAL(shell.reconciles.load(), 0); // the first: the OMS reconciles on wiring
  auto drop = request(venue.port, http::verb::post, "/venue/faults?ws-api-drop=true");
  CAF_REQUIRE_EQUAL(drop.status, 200);
  CAF_CHECK(wait_until(second, [&] { return shell.reconciles.load() == 1; }));
  CAF_CHECK(wait_until(second, [&] { return a.fill_stream_connected() == true; }));
  CAF_CHECK_GREATER_OR_EQUAL(counter(a, "ws_reconnects"), 1);
  CAF_CHECK_GREATER_OR_EQUAL(counter(a, "token_refreshes"), 2);
  shell.on_worker([&] { return a.place(order("tr7-a-1", side::buy, "0.6", "10"), true); });
  CAF_CHECK(shell.await("tr7-a-1", order_status::accepted, second));
  a.stop();
}
