#define CAF_SUITE connector_venue_liveness
#include "tests/support/unit_test.hpp"

#include "actors/connector/venue_liveness.hpp"

using namespace cwts;
using namespace cwts::connector;

namespace {

constexpr int64_t ms = 1'000'000;

// Lost after 1000 ms; REST needs 3 failures in a row.
struct liveness_fixture {
  int64_t t0 = 7'000'000 * ms;
  venue_liveness live{venue_liveness_config{1000 * ms, 3}, t0};

  // Everything up at `t`.
  void healthy(int64_t t) {
    live.on_market_stream(true, t);
    live.on_user_data_stream(true, t);
    live.on_rest(true, t);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(venue_liveness_tests, liveness_fixture)

CAF_TEST(a_connected_venue_is_never_lost) {
  for (int64_t t = t0; t < t0 + 10'000 * ms; t += 200 * ms) {
    healthy(t);
    CAF_CHECK(!live.update(t, 0));
  }
  CAF_CHECK_EQUAL(live.breaches(), 0u);
}

CAF_TEST(a_market_stream_down_for_the_limit_trips_once) {
  healthy(t0);
  live.on_market_stream(false, t0 + 100 * ms);
  CAF_CHECK(!live.update(t0 + 1099 * ms, 0));
  auto lost = live.update(t0 + 1100 * ms, 0);
  CAF_REQUIRE(lost.has_value());
  CAF_CHECK_EQUAL(lost->market_down_ns, 1000 * ms);
  CAF_CHECK_EQUAL(lost->rest_down_ns, -1);
  CAF_MESSAGE(lost->describe());
  CAF_CHECK(lost->describe().find("market stream disconnected for 1000 ms") != std::string::npos);
  // Still down, then the gate closes at level 2: latched, no second kill.
  live.on_market_stream(false, t0 + 1200 * ms);
  CAF_CHECK(!live.update(t0 + 1300 * ms, 0));
  CAF_CHECK(!live.update(t0 + 5000 * ms, 2));
  CAF_CHECK_EQUAL(live.breaches(), 1u);
}

CAF_TEST(a_short_disconnect_is_no_breach) {
  healthy(t0);
  live.on_market_stream(false, t0 + 100 * ms);
  live.on_market_stream(true, t0 + 900 * ms); // reconnected in time
  CAF_CHECK(!live.update(t0 + 2000 * ms, 0));
  live.on_market_stream(false, t0 + 2100 * ms); // the clock starts again
  CAF_CHECK(!live.update(t0 + 3000 * ms, 0));
}

CAF_TEST(rest_needs_consecutive_failures_for_the_limit) {
  healthy(t0);
  live.on_rest(false, t0 + 100 * ms, "connection refused");
  live.on_rest(false, t0 + 300 * ms, "connection refused");
  // Two failures, long ago: not enough failures.
  CAF_CHECK(!live.update(t0 + 5000 * ms, 0));
  // One answer resets the streak.
  live.on_rest(true, t0 + 5000 * ms);
  live.on_rest(false, t0 + 5100 * ms, "timeout");
  live.on_rest(false, t0 + 5300 * ms, "timeout");
  live.on_rest(false, t0 + 5500 * ms, "connection refused");
  // Three failures, but for less than the limit since the first.
  CAF_CHECK(!live.update(t0 + 6099 * ms, 0));
  auto lost = live.update(t0 + 6100 * ms, 0);
  CAF_REQUIRE(lost.has_value());
  CAF_CHECK_EQUAL(lost->rest_failures, 3);
  CAF_CHECK_EQUAL(lost->rest_down_ns, 1000 * ms);
  CAF_CHECK_EQUAL(lost->rest_error, "connection refused");
  CAF_MESSAGE(lost->describe());
}

CAF_TEST(the_user_data_stream_counts_too) {
  healthy(t0);
  live.on_user_data_stream(false, t0 + 10 * ms);
  auto lost = live.update(t0 + 1010 * ms, 0);
  CAF_REQUIRE(lost.has_value());
  CAF_CHECK_EQUAL(lost->user_data_down_ns, 1000 * ms);
}

CAF_TEST(a_venue_never_reached_is_lost_from_the_start) {
  CAF_CHECK(!live.update(t0 + 999 * ms, 0));
  CAF_CHECK(live.update(t0 + 1000 * ms, 0).has_value());
}

CAF_TEST(no_breach_while_a_cancel_all_kill_is_in_force) {
  live.on_market_stream(false, t0);
  CAF_CHECK(!live.update(t0 + 5000 * ms, 2));
  CAF_CHECK(!live.update(t0 + 5000 * ms, 4));
  // A level-1 halt does not cancel: the lost venue still escalates to level 2.
  CAF_CHECK(live.update(t0 + 5000 * ms, 1).has_value());
}

CAF_TEST(a_breach_re_arms_when_the_venue_is_back_and_the_gate_open) {
  live.on_market_stream(false, t0);
  CAF_REQUIRE(live.update(t0 + 1000 * ms, 0).has_value());
  healthy(t0 + 2000 * ms);
  CAF_CHECK(!live.update(t0 + 2000 * ms, 2)); // back, still halted: latched
  CAF_CHECK(live.latched());
  CAF_CHECK(!live.update(t0 + 3000 * ms, 0)); // reset: re-armed
  CAF_CHECK(!live.latched());
  live.on_market_stream(false, t0 + 4000 * ms);
  CAF_CHECK(live.update(t0 + 5000 * ms, 0).has_value());
  CAF_CHECK_EQUAL(live.breaches(), 2u);
}

CAF_TEST(restart_forgets_earlier_downtime) {
  live.on_market_stream(false, t0);
  live.restart(t0 + 5000 * ms); // streams started again on purpose (after a full stop)
  CAF_CHECK(!live.update(t0 + 5500 * ms, 0));
  live.on_market_stream(true, t0 + 5600 * ms);
  CAF_CHECK(!live.update(t0 + 9000 * ms, 0));
}

CAF_TEST(zero_is_off) {
  venue_liveness off{venue_liveness_config{0, 3}, t0};
  CAF_CHECK(!off.enabled());
  CAF_CHECK(!off.update(t0 + 3'600'000 * ms, 0));
}

CAF_TEST_FIXTURE_SCOPE_END()
