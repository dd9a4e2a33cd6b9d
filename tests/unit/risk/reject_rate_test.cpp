#define CAF_SUITE risk_reject_rate
#include "tests/support/unit_test.hpp"

#include "actors/risk/reject_rate.hpp"

using namespace cwts;
using namespace cwts::risk;

namespace {

constexpr int64_t ms = 1'000'000;

// Above half rejected, over 10 s, at least 10 orders.
struct rate_fixture {
  reject_rate rate{reject_rate_limits{0.5, 10'000 * ms, 10}};
  int64_t now = 1'000'000 * ms;

  // `n` orders, `rejected` of them refused (spread evenly), 10 ms apart.
  std::optional<reject_rate_breach> send(int n, int rejected, bool gate_open = true) {
    std::optional<reject_rate_breach> out;
    for (int i = 0; i < n; ++i) {
      now += 10 * ms;
      if (auto b = rate.on_order(now, gate_open))
        out = b;
      if ((i * rejected) / n != ((i + 1) * rejected) / n)
        if (auto b = rate.on_reject(now, gate_open))
          out = b;
    }
    return out;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(reject_rate_tests, rate_fixture)

CAF_TEST(rejects_below_the_minimum_order_count_never_trip) {
  // One reject in two orders, even nine in nine: fewer than 10 orders.
  CAF_CHECK(!send(2, 1));
  CAF_CHECK(!send(7, 7));
  CAF_CHECK_EQUAL(rate.orders(now), 9);
  CAF_CHECK_EQUAL(rate.rejects(now), 8);
  CAF_CHECK_EQUAL(rate.breaches(), 0u);
}

CAF_TEST(a_ratio_at_the_limit_is_no_breach) {
  CAF_CHECK(!send(20, 10)); // exactly 50%
  CAF_CHECK(!rate.latched());
}

CAF_TEST(a_ratio_above_the_limit_trips_once) {
  CAF_CHECK(!send(10, 0));
  auto b = send(10, 10); // 10 of 20 ... then the 11th reject is above half
  CAF_CHECK(!b);
  b = send(1, 1);
  CAF_REQUIRE(b.has_value());
  CAF_CHECK_EQUAL(b->orders, 21);
  CAF_CHECK_EQUAL(b->rejects, 11);
  CAF_CHECK_EQUAL(b->window_ms, 10'000);
  CAF_MESSAGE(b->describe());
  CAF_CHECK(b->describe().find("11 of 21 orders") != std::string::npos);
  // More rejects while latched (gate closed or not): no second breach.
  CAF_CHECK(!send(30, 30, false));
  CAF_CHECK(!send(30, 30, true));
  CAF_CHECK_EQUAL(rate.breaches(), 1u);
  CAF_CHECK(rate.latched());
}

CAF_TEST(old_rejects_leave_the_window) {
  CAF_CHECK(!send(10, 0));
  CAF_CHECK(send(10, 10).has_value() == false);
  now += 11'000 * ms; // everything older than the window
  CAF_CHECK_EQUAL(rate.orders(now), 0);
  CAF_CHECK_EQUAL(rate.rejects(now), 0);
  CAF_CHECK(!send(20, 10));
}

CAF_TEST(a_breach_re_arms_only_within_the_limit_with_the_gate_open) {
  CAF_REQUIRE(send(20, 20).has_value());
  // The window empties while the node is halted: still latched.
  now += 11'000 * ms;
  CAF_CHECK(!rate.evaluate(now, false));
  CAF_CHECK(rate.latched());
  // The gate reopens (a reset): re-armed, and the next bad run trips again.
  CAF_CHECK(!rate.evaluate(now, true));
  CAF_CHECK(!rate.latched());
  CAF_CHECK(send(20, 20).has_value());
  CAF_CHECK_EQUAL(rate.breaches(), 2u);
}

CAF_TEST(a_ratio_of_zero_is_off) {
  rate.set_limits(reject_rate_limits{0.0, 10'000 * ms, 1});
  CAF_CHECK(!send(100, 100));
  CAF_CHECK_EQUAL(rate.breaches(), 0u);
}

CAF_TEST(refusals_caused_by_the_nodes_own_state_do_not_count) {
  CAF_CHECK(!counts_toward_reject_rate(reject_reason::kill_gate_closed));
  CAF_CHECK(!counts_toward_reject_rate(reject_reason::trading_halted));
  CAF_CHECK(!counts_toward_reject_rate(reject_reason::not_reconciled));
  CAF_CHECK(!counts_toward_reject_rate(reject_reason::no_trading_lease));
  CAF_CHECK(!counts_toward_reject_rate(reject_reason::fenced_epoch));
  CAF_CHECK(counts_toward_reject_rate(reject_reason::venue_rejected));
  CAF_CHECK(counts_toward_reject_rate(reject_reason::venue_unreachable));
  CAF_CHECK(counts_toward_reject_rate(reject_reason::price_collar_breached));
  CAF_CHECK(counts_toward_reject_rate(reject_reason::rate_throttled));
}

CAF_TEST(limits_are_validated) {
  CAF_CHECK_EQUAL(validate(reject_rate_limits{0.5, 10'000 * ms, 10}), "");
  CAF_CHECK_NOT_EQUAL(validate(reject_rate_limits{1.5, 10'000 * ms, 10}), "");
  CAF_CHECK_NOT_EQUAL(validate(reject_rate_limits{0.5, 0, 10}), "");
  CAF_CHECK_NOT_EQUAL(validate(reject_rate_limits{0.5, 10'000 * ms, 0}), "");
}

CAF_TEST_FIXTURE_SCOPE_END()
