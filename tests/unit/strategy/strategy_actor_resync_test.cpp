// The strategy actor's resync (issue 24, docs/risk-oms-strategy.md "Strategy
// resync"): it quotes only after the OMS it reaches has answered, asks again
// while the OMS says "not yet", and after a new OMS appears in its directory
// it rebuilds its quotes from that OMS instead of waiting for reports of the
// old one. Scoped actors play the two OMSes and risk; the test plays the
// supervisor (wiring) and the validator (trades).
#define CAF_SUITE strategy_actor_resync
#include "tests/integration/support/wait_until.hpp"
#include "tests/support/unit_test.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "caf/all.hpp"

#include "actors/strategy/strategy_actor.hpp"
#include "messages/registry.hpp"
#include "tests/unit/actor_test_system.hpp"
#include "tests/unit/strategy/market_maker_test_support.hpp"

using namespace cwts;
using namespace cwts::strategy::testing;
using namespace std::chrono_literals;

namespace {

const venue_name test_venue{"binance"};

struct fixture : testing::actor_test_system {
  // Blocking actors the system waits for: released before it (~fixture).
  std::vector<std::unique_ptr<caf::scoped_actor>> actors;
  caf::scoped_actor& oms_a = make();
  caf::scoped_actor& oms_b = make();
  caf::scoped_actor& risk = make();
  caf::scoped_actor& risk2 = make();
  caf::actor strategy;

  fixture() {
    auto mc = base_config();
    mc.venue = test_venue;
    strategy = spawn_strategy(*sys, strategy_actor_config{node_id{"n1"}, {mc}});
  }

  ~fixture() {
    (*self)->send_exit(strategy, caf::exit_reason::user_shutdown);
    actors.clear();
    shutdown();
  }

  caf::scoped_actor& make() {
    actors.push_back(std::make_unique<caf::scoped_actor>(*sys));
    return *actors.back();
  }

  void wire(caf::scoped_actor& oms) {
    caf::actor o = oms;
    caf::actor r = risk;
    (*self)->send(strategy, wire_atom::value, role_directory{{"oms", o}, {"risk", r}});
  }

  void trade_at(const char* p) {
    trade t;
    t.sym = base_config().sym;
    t.px = px(p);
    t.quantity = qt("0.1");
    (*self)->send(strategy, t);
  }

  // The strategy's counters; asked by the test itself, so the answer comes
  // after every message the test sent before.
  std::map<std::string, int64_t> stats() {
    std::map<std::string, int64_t> out;
    (*self)
      ->request(strategy, 5s, stats_atom::value)
      .receive([&](const actor_stats& s) { out = s.counters; },
               [&](caf::error& e) { CAF_FAIL("stats: " << sys->render(e)); });
    return out;
  }

  // Polls the counters until `pred` holds (an answer from a scoped OMS and a
  // message from the test reach the strategy in any order).
  bool eventually(const std::function<bool(const std::map<std::string, int64_t>&)>& pred) {
    return itest::wait_until([&] { return pred(stats()); }, 10s, 5ms);
  }

  // `oms` answers the next query: not yet, or reconciled with `orders`.
  open_orders_query answer(caf::scoped_actor& oms, bool reconciled,
                           std::vector<restored_order> orders = {}) {
    open_orders_query asked;
    oms->receive(
      [&](const open_orders_query& q) {
        asked = q;
        open_orders_answer a;
        a.round = q.round;
        a.oms_node = node_id{"n1"};
        a.reconciled = reconciled;
        a.detail = reconciled ? "" : "binance: reconciling: waiting for the snapshot";
        if (reconciled)
          a.orders = std::move(orders);
        return a;
      },
      caf::after(10s) >> [&] { CAF_FAIL("no open_orders_query"); });
    return asked;
  }

  // The next `n` orders risk receives.
  std::vector<order_request> orders_at_risk(size_t n) {
    std::vector<order_request> out;
    while (out.size() < n)
      risk->receive([&](const order_request& o) { out.push_back(o); },
                    [&](const cancel_request&) {},
                    caf::after(10s) >> [&] { CAF_FAIL("risk got " << out.size() << " orders"); });
    return out;
  }

  // Starts trading: the start sync answered by oms_a, both quotes sent.
  std::vector<order_request> start_quoting() {
    wire(oms_a);
    auto q = answer(oms_a, true);
    CAF_CHECK_EQUAL(q.round, 1u);
    CAF_REQUIRE(eventually([](auto& s) { return s.at("start_syncs") == 1; }));
    trade_at("100.00");
    return orders_at_risk(2);
  }
};

restored_order held(const order_request& o) {
  return restored_order{o, qty{}, true};
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(strategy_actor_resync_tests, fixture)

CAF_TEST(nothing_is_quoted_before_the_oms_answered_and_not_yet_is_asked_again) {
  wire(oms_a);
  auto first = answer(oms_a, false);
  CAF_CHECK_EQUAL(first.round, 1u);
  CAF_REQUIRE_EQUAL(first.strategies.size(), 1u);
  CAF_CHECK_EQUAL(first.strategies[0].value, "mm1");
  CAF_REQUIRE_EQUAL(first.venues.size(), 1u);
  CAF_CHECK_EQUAL(first.venues[0], test_venue);
  trade_at("100.00");
  auto s = stats();
  CAF_CHECK_EQUAL(s.at("orders"), 0); // paused: the OMS has not said what it holds
  CAF_CHECK_EQUAL(s.at("resyncing"), 1);
  // Asked again on its own (50 ms later), same round.
  CAF_CHECK_EQUAL(answer(oms_a, true).round, 1u);
  CAF_REQUIRE(eventually([](auto& st) { return st.at("resyncing") == 0; }));
  trade_at("100.00");
  auto sent = orders_at_risk(2);
  CAF_CHECK(sent[0].order_side != sent[1].order_side);
  s = stats();
  CAF_CHECK_EQUAL(s.at("start_syncs"), 1);
  CAF_CHECK_EQUAL(s.at("resyncs"), 0);
}

// The OMS crashed with both quotes in flight: without the resync the maker
// would wait for their reports for good and never send the new OMS anything.
CAF_TEST(an_oms_restart_with_quotes_in_flight_the_strategy_requotes_after_the_resync) {
  auto before = start_quoting();
  wire(oms_b); // the supervisor restarted the OMS
  trade_at("100.00");
  CAF_CHECK_EQUAL(stats().at("orders"), 2); // paused until oms_b answers
  CAF_CHECK_EQUAL(answer(oms_b, true).round, 2u); // it holds neither quote
  CAF_REQUIRE(eventually([](auto& s) { return s.at("resyncs") == 1; }));
  auto s = stats();
  CAF_CHECK_EQUAL(s.at("resync_dropped"), 2);
  CAF_CHECK_EQUAL(s.at("resyncing"), 0);
  trade_at("100.00");
  auto after = orders_at_risk(2);
  for (auto& o : after)
    for (auto& b : before)
      CAF_CHECK(o.id != b.id);
}

CAF_TEST(a_quote_the_new_oms_reports_open_is_kept_not_sent_twice) {
  auto before = start_quoting();
  wire(oms_b);
  answer(oms_b, true, {held(before[0]), held(before[1])});
  CAF_REQUIRE(eventually([](auto& s) { return s.at("resyncs") == 1; }));
  trade_at("100.00");
  auto s = stats();
  CAF_CHECK_EQUAL(s.at("orders"), 2); // both sides live at the new OMS: nothing sent again
  CAF_CHECK_EQUAL(s.at("resync_dropped"), 0);
}

// Risk restarted: an order in its mailbox died with it, so the strategy
// resyncs with the OMS it already had.
CAF_TEST(a_risk_restart_also_resyncs_with_the_oms) {
  start_quoting();
  caf::actor o = oms_a;
  caf::actor r = risk2;
  (*self)->send(strategy, wire_atom::value, role_directory{{"oms", o}, {"risk", r}});
  CAF_CHECK_EQUAL(answer(oms_a, true).round, 2u);
  CAF_REQUIRE(eventually([](auto& s) { return s.at("resyncs") == 1; }));
  trade_at("100.00");
  std::vector<order_request> sent;
  while (sent.size() < 2)
    risk2->receive([&](const order_request& req) { sent.push_back(req); },
                   caf::after(10s) >> [&] { CAF_FAIL("no order at the new risk"); });
  CAF_CHECK_EQUAL(sent.size(), 2u);
}

CAF_TEST_FIXTURE_SCOPE_END()
