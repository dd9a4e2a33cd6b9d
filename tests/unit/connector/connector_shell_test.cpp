// The one connector shell (connector_actor.cpp) over a test adapter that
// implements the venue-adapter contract (venue_adapter.hpp): orders, cancels
// and reconcile snapshots are routed to the adapter and its answers reach
// the OMS as the connector; cancel-all answers with the adapter's confirmed
// result; a level-4 cut refuses orders with venue_unreachable until a reset
// starts the adapter again; orders wait behind the adapter's start. Both
// kinds of adapter: blocking calls (on the worker, as Binance REST) and
// non-blocking ones (on the actor, as FIX sends). The scoped actor plays the
// OMS and the kill coordinator. No sleeps: every step waits for a message.
#define CAF_SUITE connector_shell
#include "tests/support/unit_test.hpp"

#include <atomic>
#include <chrono>
#include <future>
#include <memory>

#include "caf/all.hpp"

#include "actors/connector/connector_actor.hpp"
#include "actors/connector/venue_adapter.hpp"
#include "messages/connector_status.hpp"
#include "messages/registry.hpp"
#include "tests/unit/actor_test_system.hpp"

using namespace cwts;
using namespace std::chrono_literals;

namespace {

const venue_name test_venue{"testex"};

symbol sym(const char* s) {
  return *symbol::parse(s);
}

// Answers every call at once; counts what reached it.
class test_adapter final : public connector::venue_adapter {
public:
  explicit test_adapter(bool blocking) : blocking_(blocking) {}

  connector::adapter_context ctx;
  std::atomic<int> starts{0};
  std::atomic<int> stops{0};
  std::atomic<int> places{0};
  std::atomic<int> cancels{0};
  std::atomic<int> cancel_alls{0}; // account-wide
  std::atomic<int> cancel_owns{0}; // this node's own orders only
  // Set before the shell starts: start() waits for it.
  std::shared_future<void> start_released;
  std::atomic<bool> offers_cancel_own{true}; // cancel by own order id (Binance does)

  const char* protocol() const override { return "test"; }
  connector::adapter_capabilities capabilities() const override {
    connector::adapter_capabilities c;
    c.blocking_order_calls = blocking_;
    c.cancel_own = offers_cancel_own.load();
    return c;
  }
  void start() override {
    if (start_released.valid())
      start_released.wait();
    ++starts;
  }
  void stop() override { ++stops; }
  std::vector<connector::adapter_output> place(const order_request& req, bool gate_open) override {
    ++places;
    if (!gate_open)
      return {order_reject{req.id, req.sym, reject_reason::kill_gate_closed, "gate", wall_clock_now(), {}}};
    return {report(req.id, req.sym, order_status::accepted)};
  }
  std::vector<connector::adapter_output> cancel(const cancel_request& c) override {
    ++cancels;
    return {report(c.id, c.sym, order_status::canceled)};
  }
  channel_result cancel_all(const kill_id& id, const node_id& self, const std::vector<symbol>& which,
                            std::chrono::milliseconds, std::vector<connector::adapter_output>& out) override {
    ++cancel_alls;
    out.push_back(report(client_order_id{"open-1"}, which.front(), order_status::canceled));
    return channel_result{id, self, "venue_cancel_all", true, 1234, 2, 3, 0, ""};
  }
  channel_result cancel_own(const kill_id& id, const node_id& self, const std::vector<symbol>& which,
                            std::chrono::milliseconds, std::vector<connector::adapter_output>& out) override {
    ++cancel_owns;
    out.push_back(report(client_order_id{"own-1"}, which.front(), order_status::canceled));
    return channel_result{id, self, "venue_cancel_own", true, 99, 0, 1, 0, ""};
  }
  venue_snapshot snapshot(const reconcile_orders& req) override {
    venue_snapshot s;
    s.round = req.round;
    s.complete = true;
    return s;
  }
  std::vector<asset_balance> balances() override { return {}; }
  bool may_probe() const override { return true; }
  connector::channel_probe probe() override { return {true, ""}; }
  std::optional<bool> fill_stream_connected() override { return std::nullopt; }
  void add_counters(counters& out) const override { out["test.places"] = places.load(); }

private:
  static execution_report report(const client_order_id& id, const symbol& s, order_status st) {
    execution_report r;
    r.id = id;
    r.sym = s;
    r.status = st;
    r.ts_init = wall_clock_now();
    return r;
  }

  bool blocking_;
};

struct fixture : testing::actor_test_system {
  kill_gate gate;
  // The trading lease (issue 24): no roles unless a test configures them
  // before start(), so nothing is leased and every order passes.
  lease_gate lease;
  std::shared_ptr<test_adapter> adapter;
  caf::actor connector;
  int next_order = 0;

  ~fixture() {
    if (connector)
      (*self)->send_exit(connector, caf::exit_reason::kill);
    shutdown();
  }

  void start(bool blocking, std::shared_future<void> released = {},
             connector_actor_config::protocol_kind protocol = connector_actor_config::protocol_kind::binance) {
    adapter = std::make_shared<test_adapter>(blocking);
    adapter->start_released = std::move(released);
    connector_actor_config cfg;
    cfg.self = node_id{"n1"};
    cfg.venue = test_venue;
    cfg.gate = &gate;
    cfg.lease = &lease;
    cfg.account = account_id{"acct"};
    cfg.symbols = {sym("BTCUSDT")};
    // Lost-venue probe off (connector_tuning defaults it on, 5 s): there is
    // no venue, so it would send a node kill to the test's "kill" role.
    cfg.lost_halt = std::chrono::milliseconds(0);
    cfg.stream.depth = false; // no venue to stream from: the stream keeps retrying
    cfg.protocol = protocol;
    cfg.okx_stream.symbols = cfg.symbols; // okx: its instruments request keeps failing
    auto a = adapter;
    connector = spawn_connector(*sys, cfg, [a](const connector::adapter_context& ctx) {
      a->ctx = ctx;
      return a;
    });
    caf::actor me = *self;
    (*self)->send(connector, wire_atom::value, role_directory{{"oms", me}, {"kill", me}});
  }

  order_request order_of_epoch(int64_t epoch) {
    auto o = order();
    o.lease_epoch = epoch;
    return o;
  }

  // Leases this connector's role until 10 s from now, the OMS's at `granted`.
  void hold_lease(int64_t granted) {
    lease.hold(connector_role(test_venue), 1, lease_clock_ns() + 10'000'000'000);
    lease.granted("oms", granted);
  }

  void refuses_orders_without_its_lease_but_not_cancels() {
    auto o = order();
    (*self)->send(connector, o);
    auto refused = expect_reject();
    CAF_CHECK_EQUAL(refused.id, o.id);
    CAF_CHECK(refused.reason == reject_reason::no_trading_lease);
    CAF_CHECK(refused.venue == test_venue);
    CAF_CHECK(refused.detail.find("connector.testex") != std::string::npos);
    CAF_CHECK_EQUAL(adapter->places.load(), 0);
    // A cancel only lowers risk: it goes out without a lease.
    (*self)->send(connector, cancel_request{o.id, o.sym, wall_clock_now(), test_venue});
    CAF_CHECK(expect_report().status == order_status::canceled);
    CAF_CHECK_EQUAL(adapter->cancels.load(), 1);
    auto s = stats();
    CAF_CHECK_EQUAL(s.counters["rejected.no_trading_lease"], 1);
    CAF_CHECK_EQUAL(s.counters["rejected.fenced_epoch"], 0);
  }

  void fences_older_epochs_and_raises_the_bar() {
    hold_lease(3);
    auto current = order_of_epoch(3);
    (*self)->send(connector, current);
    CAF_CHECK_EQUAL(expect_report().id, current.id);
    // An older holder's order: fenced by the epoch this node granted.
    (*self)->send(connector, order_of_epoch(2));
    auto fenced = expect_reject();
    CAF_CHECK(fenced.reason == reject_reason::fenced_epoch);
    CAF_CHECK(fenced.detail.find("epoch 2 is older than epoch 3") != std::string::npos);
    // A newer holder (granted by another majority): admitted, and from now
    // on the bar is its epoch.
    auto newer = order_of_epoch(5);
    (*self)->send(connector, newer);
    CAF_CHECK_EQUAL(expect_report().id, newer.id);
    (*self)->send(connector, order_of_epoch(4));
    CAF_CHECK(expect_reject().reason == reject_reason::fenced_epoch);
    CAF_CHECK_EQUAL(adapter->places.load(), 2);
    auto s = stats();
    CAF_CHECK_EQUAL(s.counters["rejected.fenced_epoch"], 2);
    CAF_CHECK_EQUAL(s.counters["rejected.no_trading_lease"], 0);
    CAF_CHECK_EQUAL(s.counters["lease.highest_epoch_seen"], 5);
  }

  order_request order(venue_name v = test_venue) {
    order_request o;
    o.id = client_order_id{"o-" + std::to_string(++next_order)};
    o.sym = sym("BTCUSDT");
    o.quantity = *qty::parse("1");
    o.limit_price = *price::parse("100");
    o.venue = std::move(v);
    return o;
  }

  kill_command kill(kill_level level) {
    kill_command k;
    k.id = kill_id{"k-" + std::to_string(static_cast<int>(level))};
    k.level = level;
    k.scope = kill_scope::cluster;
    return k;
  }

  execution_report expect_report() {
    execution_report got;
    (*self)->receive([&](const execution_report& r) { got = r; },
                     [](const order_reject& r) { CAF_FAIL("rejected: " << r.detail); },
                     caf::after(5s) >> [] { CAF_FAIL("no execution_report"); });
    return got;
  }

  // By value: CAF_CHECK_EQUAL binds its arguments with auto&&, so
  // `stats().counters[...]` would be a reference into a freed temporary
  // (ASan, issue 26).
  int64_t counter(const std::string& name) {
    auto s = stats();
    auto i = s.counters.find(name);
    return i == s.counters.end() ? 0 : i->second;
  }

  order_reject expect_reject() {
    order_reject got;
    (*self)->receive([&](const order_reject& r) { got = r; },
                     [](const execution_report& r) { CAF_FAIL("reported: " << r.id.value); },
                     caf::after(5s) >> [] { CAF_FAIL("no order_reject"); });
    return got;
  }

  template <class Atom>
  channel_result ask(Atom atom, const kill_command& k) {
    channel_result got;
    (*self)->request(connector, 5s, atom, k).receive([&](const channel_result& r) { got = r; },
                                                     [](caf::error& e) { CAF_FAIL("no channel_result: " << caf::to_string(e)); });
    return got;
  }

  actor_stats stats() {
    actor_stats got;
    (*self)->request(connector, 5s, stats_atom::value).receive([&](const actor_stats& s) { got = s; },
                                                               [](caf::error&) { CAF_FAIL("no stats"); });
    return got;
  }

  // A level-2 kill's cancel-all: account-wide (`account_wide`) or only this
  // node's own orders (partition drill finding 2), counted either way.
  void cancel_all_is(bool account_wide) {
    auto r = ask(cancel_all_atom::value, kill(kill_level::cancel_all));
    CAF_CHECK(r.ok);
    CAF_CHECK_EQUAL(r.channel, account_wide ? "venue_cancel_all" : "venue_cancel_own");
    CAF_CHECK_EQUAL(r.orders_canceled, account_wide ? 3 : 1);
    CAF_CHECK_EQUAL(expect_report().id, client_order_id{account_wide ? "open-1" : "own-1"});
    CAF_CHECK_EQUAL(adapter->cancel_alls.load(), account_wide ? 1 : 0);
    CAF_CHECK_EQUAL(adapter->cancel_owns.load(), account_wide ? 0 : 1);
    CAF_CHECK_EQUAL(counter("kill_cancels_scoped"), account_wide ? 0 : 1);
  }

  void places_and_cancels_reach_the_oms_as_the_connector() {
    auto o = order();
    (*self)->send(connector, o);
    auto placed = expect_report();
    CAF_CHECK_EQUAL(placed.id, o.id);
    CAF_CHECK(placed.venue == test_venue); // stamped by the shell
    (*self)->send(connector, cancel_request{o.id, o.sym, wall_clock_now(), test_venue});
    auto canceled = expect_report();
    CAF_CHECK(canceled.status == order_status::canceled);
    CAF_CHECK_EQUAL(adapter->places.load(), 1);
    CAF_CHECK_EQUAL(adapter->cancels.load(), 1);
  }

  void a_cut_refuses_orders_until_a_reset() {
    auto r = ask(disconnect_atom::value, kill(kill_level::full_stop));
    CAF_CHECK(r.ok);
    CAF_CHECK_EQUAL(r.channel, "venue_disconnect");
    CAF_CHECK_GREATER_OR_EQUAL(adapter->stops.load(), 1);
    (*self)->send(connector, order());
    auto refused = expect_reject();
    CAF_CHECK(refused.reason == reject_reason::venue_unreachable);
    CAF_CHECK_EQUAL(adapter->places.load(), 0);
    auto s = stats();
    CAF_CHECK_EQUAL(s.counters["venue_disconnected"], 1);
    CAF_CHECK_EQUAL(s.counters["orders_refused_disconnected"], 1);
    // A reset: the adapter starts again and orders go out.
    trading_state open;
    open.level = kill_level::none;
    (*self)->send(connector, open);
    auto o = order();
    (*self)->send(connector, o);
    CAF_CHECK_EQUAL(expect_report().id, o.id);
    CAF_CHECK_EQUAL(counter("venue_disconnected"), 0);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(connector_shell_tests, fixture)

CAF_TEST(blocking_adapter_places_and_cancels_on_the_worker) {
  start(true);
  places_and_cancels_reach_the_oms_as_the_connector();
}

CAF_TEST(non_blocking_adapter_places_and_cancels_on_the_actor) {
  start(false);
  places_and_cancels_reach_the_oms_as_the_connector();
}

CAF_TEST(cancel_all_answers_with_the_adapters_confirmed_result) {
  start(true);
  auto r = ask(cancel_all_atom::value, kill(kill_level::cancel_all));
  CAF_CHECK(r.ok);
  CAF_CHECK_EQUAL(r.orders_canceled, 3);
  CAF_CHECK_EQUAL(r.open_orders_after, 0);
  CAF_CHECK_EQUAL(r.retries, 2);
  // The orders it settled reach the OMS before the answer.
  CAF_CHECK_EQUAL(expect_report().id, client_order_id{"open-1"});
}

CAF_TEST(cancel_all_of_another_account_asks_nothing_of_the_adapter) {
  start(true);
  auto k = kill(kill_level::cancel_all);
  k.scope = kill_scope::account;
  k.scope_value = "someone-else";
  auto r = ask(cancel_all_atom::value, k);
  CAF_CHECK(r.ok);
  CAF_CHECK_EQUAL(r.orders_canceled, 0);
  CAF_CHECK_EQUAL(r.open_orders_after, -1);
}

CAF_TEST(blocking_adapter_cut_refuses_orders_until_a_reset) {
  start(true);
  a_cut_refuses_orders_until_a_reset();
  CAF_CHECK_EQUAL(adapter->starts.load(), 2);
}

CAF_TEST(non_blocking_adapter_cut_refuses_orders_until_a_reset) {
  start(false);
  a_cut_refuses_orders_until_a_reset();
}

CAF_TEST(orders_wait_behind_the_adapters_start) {
  std::promise<void> release;
  start(true, release.get_future().share());
  auto o = order();
  (*self)->send(connector, o);
  // Answered at once while connecting: the shell itself never blocks.
  CAF_CHECK_EQUAL(counter("test.places"), 0);
  CAF_CHECK_EQUAL(adapter->starts.load(), 0);
  release.set_value();
  CAF_CHECK_EQUAL(expect_report().id, o.id);
  CAF_CHECK_EQUAL(adapter->starts.load(), 1);
}

CAF_TEST(orders_for_another_venue_are_refused_not_sent) {
  start(false);
  (*self)->send(connector, order(venue_name{"elsewhere"}));
  CAF_CHECK(expect_reject().reason == reject_reason::venue_not_connected);
  CAF_CHECK_EQUAL(adapter->places.load(), 0);
  auto s = stats();
  CAF_CHECK_EQUAL(s.actor, connector_role(test_venue));
  CAF_CHECK_EQUAL(s.counters["orders_refused_foreign_venue"], 1);
}

CAF_TEST(reconcile_snapshots_come_from_the_adapter) {
  start(true);
  reconcile_orders req;
  req.round = 7;
  (*self)->send(connector, req);
  (*self)->receive(
    [&](const venue_snapshot& s) {
      CAF_CHECK_EQUAL(s.round, 7);
      CAF_CHECK(s.venue == test_venue);
    },
    caf::after(5s) >> [] { CAF_FAIL("no venue_snapshot"); });
}

CAF_TEST(the_market_source_follows_the_protocol) {
  start(false, {}, connector_actor_config::protocol_kind::okx);
  auto s = stats();
  // OKX's public WebSocket: its checksum and resubscribe counters, the shared names.
  CAF_CHECK_EQUAL(s.counters.count("book.checksum_failures"), 1u);
  CAF_CHECK_EQUAL(s.counters.count("md.frames.books"), 1u);
  CAF_CHECK_EQUAL(s.counters["stream_connected"], 0);
  CAF_CHECK_EQUAL(s.counters["book.synced.BTCUSDT"], 0);
  CAF_CHECK_EQUAL(s.counters.count("book.snapshots"), 0u);
  (*self)->request(connector, 5s, connector_status_atom::value)
    .receive(
      [&](const connector_status& st) {
        CAF_CHECK(!st.connected);
        CAF_REQUIRE_EQUAL(st.unsynced_books.size(), 1u); // OKX keeps books
      },
      [](caf::error&) { CAF_FAIL("no connector_status"); });
}

CAF_TEST(binance_and_fix_keep_binance_market_data) {
  start(false);
  auto s = stats();
  CAF_CHECK_EQUAL(s.counters.count("book.snapshots"), 1u);
  CAF_CHECK_EQUAL(s.counters.count("md.frames.depth"), 1u);
  CAF_CHECK_EQUAL(s.counters.count("book.checksum_failures"), 0u);
  (*self)->request(connector, 5s, connector_status_atom::value)
    .receive([&](const connector_status& st) { CAF_CHECK(st.unsynced_books.empty()); }, // depth off
             [](caf::error&) { CAF_FAIL("no connector_status"); });
}

CAF_TEST(blocking_adapter_refuses_orders_without_the_lease) {
  lease.add_role(connector_role(test_venue));
  start(true);
  refuses_orders_without_its_lease_but_not_cancels();
}

CAF_TEST(non_blocking_adapter_refuses_orders_without_the_lease) {
  lease.add_role(connector_role(test_venue));
  start(false);
  refuses_orders_without_its_lease_but_not_cancels();
}

CAF_TEST(orders_are_refused_once_the_lease_end_has_passed) {
  lease.add_role(connector_role(test_venue));
  // Held at epoch 2, ended a second ago: no message had to close anything.
  lease.hold(connector_role(test_venue), 2, lease_clock_ns() - 1'000'000'000);
  start(true);
  (*self)->send(connector, order());
  auto refused = expect_reject();
  CAF_CHECK(refused.reason == reject_reason::no_trading_lease);
  CAF_CHECK(refused.detail.find("epoch 2 ended") != std::string::npos);
  CAF_CHECK_EQUAL(adapter->places.load(), 0);
}

CAF_TEST(blocking_adapter_fences_older_epochs) {
  lease.add_role(connector_role(test_venue));
  lease.add_role("oms");
  start(true);
  fences_older_epochs_and_raises_the_bar();
}

CAF_TEST(non_blocking_adapter_fences_older_epochs) {
  lease.add_role(connector_role(test_venue));
  lease.add_role("oms");
  start(false);
  fences_older_epochs_and_raises_the_bar();
}

CAF_TEST(an_epoch_zero_order_is_fenced_where_the_oms_role_is_leased) {
  lease.add_role("oms"); // the connector's own role not leased here
  lease.granted("oms", 1);
  start(false);
  (*self)->send(connector, order_of_epoch(0));
  CAF_CHECK(expect_reject().reason == reject_reason::fenced_epoch);
  CAF_CHECK_EQUAL(adapter->places.load(), 0);
}

CAF_TEST(an_order_waiting_in_the_adapter_is_asked_about_the_lease_again) {
  lease.add_role(connector_role(test_venue));
  lease.add_role("oms");
  hold_lease(1);
  start(false);
  stats(); // the actor has made its adapter (and the context) by now
  CAF_REQUIRE(adapter->ctx.admits);
  CAF_CHECK(adapter->ctx.admits(order_of_epoch(1)));
  CAF_CHECK(!adapter->ctx.admits(order_of_epoch(0)));
  // Refused late, each with its own reason: not the kill gate's.
  CAF_REQUIRE(adapter->ctx.why_refused);
  CAF_CHECK(adapter->ctx.why_refused(order_of_epoch(0)).reason == reject_reason::fenced_epoch);
  lease.drop(connector_role(test_venue));
  CAF_CHECK(!adapter->ctx.admits(order_of_epoch(1)));
  auto lapsed = adapter->ctx.why_refused(order_of_epoch(1));
  CAF_CHECK(lapsed.reason == reject_reason::no_trading_lease);
  CAF_CHECK(lapsed.detail.find("trading lease") != std::string::npos);
}

// Partition drill finding 2: the venue account belongs to the lease holder.

CAF_TEST(cancel_all_is_account_wide_where_nothing_is_leased) {
  start(true); // a single node: no lease roles
  cancel_all_is(true);
}

CAF_TEST(cancel_all_is_account_wide_while_the_lease_is_held) {
  lease.add_role(connector_role(test_venue));
  lease.add_role("oms");
  lease.hold("oms", 3, lease_clock_ns() + 10'000'000'000);
  start(true);
  hold_lease(3);
  cancel_all_is(true);
}

CAF_TEST(the_isolated_old_holder_cancels_only_its_own_orders) {
  // 1|3: a1's lease lapsed (its end passed) while s1 took over.
  lease.add_role(connector_role(test_venue));
  lease.add_role("oms");
  start(true);
  lease.hold(connector_role(test_venue), 2, lease_clock_ns() - 1'000'000'000);
  cancel_all_is(false);
}

CAF_TEST(with_nobody_holding_a_node_cancels_only_its_own_orders) {
  // 2|2: no majority, so no holder anywhere; the role never held here.
  lease.add_role(connector_role(test_venue));
  start(false);
  cancel_all_is(false);
}

CAF_TEST(a_newer_holder_in_the_fence_scopes_the_cancel_all) {
  // Still inside its lease by its own clock, but this node's grantor has
  // granted "oms" to a newer holder: the old holder's cancel-all is scoped.
  lease.add_role(connector_role(test_venue));
  lease.add_role("oms");
  lease.hold("oms", 3, lease_clock_ns() + 10'000'000'000);
  start(true);
  hold_lease(5);
  cancel_all_is(false);
}

CAF_TEST(a_newer_grant_of_the_connector_role_scopes_the_cancel_all) {
  lease.add_role(connector_role(test_venue));
  start(true);
  hold_lease(0); // connector role held at epoch 1
  lease.granted(connector_role(test_venue), 2);
  cancel_all_is(false);
}

// A protocol without a cancel by own id (FIX, OKX, Kraken today): the kill
// must still stop trading, so the account-wide cancel-all runs, counted.
CAF_TEST(without_a_cancel_by_own_id_the_scoped_kill_falls_back_to_the_account) {
  lease.add_role(connector_role(test_venue));
  lease.add_role("oms");
  start(true);
  adapter->offers_cancel_own = false;
  lease.hold(connector_role(test_venue), 2, lease_clock_ns() - 1'000'000'000); // lapsed
  auto r = ask(cancel_all_atom::value, kill(kill_level::cancel_all));
  CAF_CHECK(r.ok);
  CAF_CHECK_EQUAL(r.channel, "venue_cancel_all");
  CAF_CHECK_EQUAL(adapter->cancel_alls.load(), 1);
  CAF_CHECK_EQUAL(adapter->cancel_owns.load(), 0);
  auto s = stats();
  CAF_CHECK_EQUAL(s.counters["kill_cancels_scope_unavailable"], 1);
  CAF_CHECK_EQUAL(s.counters["kill_cancels_scoped"], 0);
}

CAF_TEST_FIXTURE_SCOPE_END()
