#define CAF_SUITE risk_throttle
#include "tests/support/unit_test.hpp"

#include "tests/unit/risk/risk_test_fixture.hpp"

using namespace cwts;
using namespace cwts::risk;
using namespace cwts::risk::testing;

namespace {

constexpr int64_t ms = 1'000'000;
constexpr int64_t t0 = 1'000'000'000'000;

void expect_reject(const check_result& r, reject_reason expected) {
  CAF_CHECK(!r.passed);
  reject_reason got = r.reason;
  CAF_CHECK_EQUAL(std::string(to_string(got)), to_string(expected));
  CAF_CHECK(!r.detail.empty());
}

// Three messages per second and three fills per 500 ms for strategy "mm".
struct throttle_fixture : risk_fixture {
  throttle_fixture() {
    auto l = default_limits();
    l.per_strategy[strategy_id{"mm"}] = strategy_limits{3, 3, 500};
    checker.set_limits(l, default_rules());
  }

  check_result at(int64_t t, const order_request& o) {
    return checker.check(o, trading_mode::active, refs, book, t);
  }

  order_request order(const std::string& id) {
    return limit_order(id, side::buy, "30000", "0.001");
  }
};

} // namespace

CAF_TEST(sliding_window_counts_only_the_last_window) {
  sliding_window w(3, 1000);
  CAF_CHECK(!w.full(10));
  w.record(10);
  w.record(20);
  w.record(30);
  CAF_CHECK(w.full(30));
  CAF_CHECK_EQUAL(w.count(30), 3u);
  // (t - 1000, t]: at 1009 the stamp 10 is still inside, at 1010 it is out.
  CAF_CHECK(w.full(1009));
  CAF_CHECK(!w.full(1010));
  w.record(1010); // replaces 10
  CAF_CHECK(w.full(1019));
  CAF_CHECK(!w.full(1020));
  CAF_CHECK_EQUAL(w.count(1020), 2u);
}

CAF_TEST(sliding_window_keeps_the_newest_stamps_when_resized) {
  sliding_window w(4, 1000);
  for (int64_t t : {1, 2, 3, 4})
    w.record(t);
  w.reconfigure(2, 1000);
  CAF_CHECK_EQUAL(w.capacity(), 2u);
  CAF_CHECK(w.full(4));
  CAF_CHECK(w.full(1002)); // 3 is still inside (1002 - 1000, 1002]
  CAF_CHECK(!w.full(1003));
  w.reconfigure(5, 1000);
  CAF_CHECK_EQUAL(w.count(10), 2u);
  CAF_CHECK(!w.full(10));
}

CAF_TEST_FIXTURE_SCOPE(throttle_tests, throttle_fixture)

CAF_TEST(message_rate_passes_up_to_the_limit_and_refuses_above) {
  CAF_CHECK(at(t0, order("a")).passed);
  CAF_CHECK(at(t0 + 100 * ms, order("b")).passed);
  CAF_CHECK(at(t0 + 200 * ms, order("c")).passed);
  auto r = at(t0 + 300 * ms, order("d"));
  expect_reject(r, reject_reason::rate_throttled);
  CAF_MESSAGE("detail: " << r.detail);
  CAF_CHECK_EQUAL(checker.rejected(reject_reason::rate_throttled), 1u);
}

CAF_TEST(message_rate_window_slides) {
  CAF_CHECK(at(t0, order("a")).passed);
  CAF_CHECK(at(t0 + 400 * ms, order("b")).passed);
  CAF_CHECK(at(t0 + 800 * ms, order("c")).passed);
  expect_reject(at(t0 + 999 * ms, order("d")), reject_reason::rate_throttled);
  // One second after "a", its slot is free again, and only its slot.
  CAF_CHECK(at(t0 + 1000 * ms, order("e")).passed);
  expect_reject(at(t0 + 1001 * ms, order("f")), reject_reason::rate_throttled);
  CAF_CHECK(at(t0 + 1400 * ms, order("g")).passed);
}

CAF_TEST(refused_orders_use_no_message_budget) {
  for (int i = 0; i < 10; ++i)
    expect_reject(at(t0 + i, limit_order("big" + std::to_string(i), side::buy, "30000", "5")),
                  reject_reason::max_qty_exceeded);
  CAF_CHECK(at(t0 + 20, order("a")).passed);
  CAF_CHECK(at(t0 + 21, order("b")).passed);
  CAF_CHECK(at(t0 + 22, order("c")).passed);
}

CAF_TEST(cancels_count_as_messages_but_are_never_refused) {
  checker.on_cancel(strategy_id{"mm"}, t0);
  checker.on_cancel(strategy_id{"mm"}, t0 + 1);
  CAF_CHECK(at(t0 + 2, order("a")).passed);
  expect_reject(at(t0 + 3, order("b")), reject_reason::rate_throttled);
}

CAF_TEST(the_rate_is_per_strategy) {
  for (int i = 0; i < 3; ++i)
    CAF_CHECK(at(t0 + i, order("mm" + std::to_string(i))).passed);
  expect_reject(at(t0 + 3, order("mm3")), reject_reason::rate_throttled);
  // "other" is not listed: it gets the default limits (100/s) and its own window.
  auto o = order("other");
  o.strategy = strategy_id{"other"};
  CAF_CHECK(at(t0 + 4, o).passed);
}

CAF_TEST(execution_throttle_trips_above_the_fill_limit_and_latches) {
  CAF_CHECK(!checker.on_fill(strategy_id{"mm"}, t0));
  CAF_CHECK(!checker.on_fill(strategy_id{"mm"}, t0 + 100 * ms));
  CAF_CHECK(!checker.on_fill(strategy_id{"mm"}, t0 + 200 * ms));
  CAF_CHECK(at(t0 + 250 * ms, order("a")).passed);
  CAF_CHECK(checker.on_fill(strategy_id{"mm"}, t0 + 300 * ms)); // the fourth in 500 ms
  auto r = at(t0 + 310 * ms, order("b"));
  expect_reject(r, reject_reason::execution_throttle_tripped);
  CAF_MESSAGE("detail: " << r.detail);
  // Time does not clear it, a limit change does not clear it.
  expect_reject(at(t0 + 3600'000 * ms, order("c")), reject_reason::execution_throttle_tripped);
  auto l = default_limits();
  l.per_strategy[strategy_id{"mm"}] = strategy_limits{100, 1000, 500};
  checker.set_limits(l, default_rules());
  expect_reject(at(t0 + 3601'000 * ms, order("d")), reject_reason::execution_throttle_tripped);
  CAF_CHECK(checker.throttles().is_tripped(strategy_id{"mm"}));
  CAF_CHECK_EQUAL(checker.throttles().trips(), 1u);
}

CAF_TEST(fills_spread_over_windows_do_not_trip) {
  for (int i = 0; i < 20; ++i)
    CAF_CHECK(!checker.on_fill(strategy_id{"mm"}, t0 + i * 200 * ms)); // 2.5 per 500 ms
  CAF_CHECK(!checker.throttles().is_tripped(strategy_id{"mm"}));
  CAF_CHECK(at(t0 + 5000 * ms, order("a")).passed);
}

CAF_TEST(reenable_clears_the_latch_and_the_fills_counted) {
  for (int i = 0; i < 4; ++i)
    checker.on_fill(strategy_id{"mm"}, t0 + i);
  CAF_CHECK(checker.throttles().is_tripped(strategy_id{"mm"}));
  using rr = strategy_throttles::reenable_result;
  CAF_CHECK(checker.throttles().reenable(strategy_id{"mm"}) == rr::reenabled);
  CAF_CHECK(at(t0 + 10, order("a")).passed);
  // Fresh count: the next fill does not trip again at once.
  CAF_CHECK(!checker.on_fill(strategy_id{"mm"}, t0 + 11));
  CAF_CHECK(checker.throttles().reenable(strategy_id{"mm"}) == rr::not_tripped);
  CAF_CHECK(checker.throttles().reenable(strategy_id{"nobody"}) == rr::unknown_strategy);
}

CAF_TEST(a_tripped_strategy_does_not_stop_the_others) {
  checker.throttles().trip(strategy_id{"mm"});
  expect_reject(at(t0, order("a")), reject_reason::execution_throttle_tripped);
  auto o = order("b");
  o.strategy = strategy_id{"other"};
  CAF_CHECK(at(t0 + 1, o).passed);
}

CAF_TEST_FIXTURE_SCOPE_END()
