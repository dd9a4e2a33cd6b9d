// Kill level 3: the flatten plan and the pre-trade check of flatten orders.
#define CAF_SUITE risk_flatten_plan
#include "tests/support/unit_test.hpp"

#include "actors/risk/flatten_plan.hpp"
#include "common/order_gate.hpp"
#include "tests/unit/risk/risk_test_fixture.hpp"

using namespace cwts;
using namespace cwts::risk;
using namespace cwts::risk::testing;

namespace {

struct fixture : risk_fixture {
  flatten_target target{node_id{"n1"}, account_id{"acct"}, strategy_id{"kill-flatten"}};
  std::vector<symbol> symbols{sym("BTCUSDT"), sym("ETHUSDT")};
  int64_t seq = 0;

  kill_command kill(kill_scope scope = kill_scope::cluster, std::string value = "") {
    kill_command c;
    c.id = kill_id{"k-flat"};
    c.level = kill_level::flatten;
    c.scope = scope;
    c.scope_value = std::move(value);
    return c;
  }

  flatten_plan plan(const kill_command& c) {
    return plan_flatten(c, target, symbols, book, default_rules(), seq, timestamp_ns{5});
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(flatten_plan_tests, fixture)

CAF_TEST(a_long_position_is_sold_at_market_rounded_down_to_the_lot) {
  fill("f1", side::buy, "1.2345", "30000");
  auto p = plan(kill());
  CAF_REQUIRE_EQUAL(p.orders.size(), 1u);
  auto& o = p.orders[0];
  CAF_CHECK(o.order_side == side::sell);
  CAF_CHECK(o.type == order_type::market);
  CAF_CHECK(o.flatten);
  CAF_CHECK_EQUAL(o.quantity.to_string(), qt("1.234").to_string()); // lot 0.001
  CAF_CHECK_EQUAL(o.account.value, "acct");
  CAF_CHECK_EQUAL(o.strategy.value, "kill-flatten");
  CAF_CHECK(o.id.value.size() <= 36);
  CAF_CHECK_EQUAL(p.in_scope.size(), 2u);
}

CAF_TEST(a_short_position_is_bought_and_ids_never_repeat) {
  fill("f1", side::sell, "0.5", "30000");
  auto first = plan(kill());
  auto second = plan(kill()); // nothing sent in between: a second plan
  CAF_REQUIRE_EQUAL(first.orders.size(), 1u);
  CAF_REQUIRE_EQUAL(second.orders.size(), 1u);
  CAF_CHECK(first.orders[0].order_side == side::buy);
  CAF_CHECK(first.orders[0].id != second.orders[0].id);
}

CAF_TEST(what_a_flatten_order_in_flight_covers_is_not_sent_again) {
  fill("f1", side::buy, "1", "30000");
  auto first = plan(kill());
  CAF_REQUIRE_EQUAL(first.orders.size(), 1u);
  send(first.orders[0]);
  CAF_CHECK(plan(kill()).orders.empty());
}

CAF_TEST(other_open_orders_on_the_flatten_side_make_it_wait) {
  fill("f1", side::buy, "1", "30000");
  send(limit_order("resting", side::sell, "30100", "1")); // the kill's cancel not confirmed yet
  auto p = plan(kill());
  CAF_CHECK(p.orders.empty());
  CAF_CHECK_EQUAL(p.waiting, 1u);
}

CAF_TEST(scope_picks_the_symbols) {
  fill("f1", side::buy, "1", "30000");
  CAF_CHECK_EQUAL(plan(kill(kill_scope::symbol, "BTCUSDT")).orders.size(), 1u);
  CAF_CHECK(plan(kill(kill_scope::symbol, "ETHUSDT")).orders.empty());
  CAF_CHECK_EQUAL(plan(kill(kill_scope::account, "acct")).orders.size(), 1u);
  CAF_CHECK(plan(kill(kill_scope::account, "other")).orders.empty());
  CAF_CHECK(plan(kill(kill_scope::node, "n2")).orders.empty());
  CAF_CHECK_EQUAL(plan(kill(kill_scope::node, "n1")).orders.size(), 1u);
}

CAF_TEST(a_closed_gate_admits_flatten_orders_only_at_level_3_or_more) {
  fill("f1", side::buy, "1", "30000");
  auto o = plan(kill()).orders.at(0);
  auto normal = market_order("n1", side::sell, "1");
  gate.close(static_cast<uint8_t>(kill_level::cancel_all));
  CAF_CHECK(!gate_admits(gate, o));
  CAF_CHECK(!check(o).passed);
  gate.close(static_cast<uint8_t>(kill_level::flatten));
  CAF_CHECK(gate_admits(gate, o));
  CAF_CHECK(!gate_admits(gate, normal));
  auto r = check(o, trading_mode::halted);
  CAF_CHECK(r.passed);
}

CAF_TEST(a_flatten_order_that_would_grow_or_flip_the_position_is_refused) {
  fill("f1", side::buy, "1", "30000");
  gate.close(static_cast<uint8_t>(kill_level::flatten));
  auto grow = plan(kill()).orders.at(0);
  grow.order_side = side::buy;
  auto r = check(grow, trading_mode::halted);
  CAF_CHECK(!r.passed);
  CAF_CHECK(r.reason == reject_reason::reducing_only);
  auto flip = plan(kill()).orders.at(0);
  flip.quantity = qt("1.5");
  CAF_CHECK(!check(flip, trading_mode::halted).passed);
}

CAF_TEST_FIXTURE_SCOPE_END()
