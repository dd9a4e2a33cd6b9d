#define CAF_SUITE validator_stale_data_monitor
#include "tests/support/unit_test.hpp"

#include "actors/validator/stale_data_monitor.hpp"

using namespace cwts;
using namespace cwts::validator;

namespace {

constexpr int64_t ms = 1'000'000;

symbol sym(const char* s) {
  auto x = symbol::parse(s);
  CAF_REQUIRE(x.has_value());
  return *x;
}

// USDCHF and EURUSD, stale after 1000 ms, started at t0.
struct stale_fixture {
  int64_t t0 = 5'000'000 * ms;
  stale_data_monitor mon{stale_data_config{{sym("USDCHF"), sym("EURUSD")}, 1000 * ms}, t0};
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(stale_data_monitor_tests, stale_fixture)

CAF_TEST(trades_within_the_limit_are_no_breach) {
  for (int64_t t = t0; t < t0 + 5000 * ms; t += 500 * ms) {
    mon.on_trade(sym("USDCHF"), t);
    mon.on_trade(sym("EURUSD"), t);
    CAF_CHECK(!mon.check(t + 400 * ms, true));
  }
  CAF_CHECK_EQUAL(mon.breaches(), 0u);
}

CAF_TEST(a_silent_symbol_trips_once_naming_it) {
  mon.on_trade(sym("USDCHF"), t0 + 900 * ms);
  CAF_CHECK(!mon.check(t0 + 999 * ms, true));
  auto b = mon.check(t0 + 1000 * ms, true); // EURUSD never traded: counted from start
  CAF_REQUIRE(b.has_value());
  CAF_REQUIRE_EQUAL(b->stale.size(), 1u);
  CAF_CHECK(b->stale[0].first == sym("EURUSD"));
  CAF_CHECK_EQUAL(b->stale[0].second, 1000 * ms);
  CAF_MESSAGE(b->describe());
  CAF_CHECK(b->describe().find("EURUSD for 1000 ms") != std::string::npos);
  // Still stale, more symbols stale: latched, no second breach.
  CAF_CHECK(!mon.check(t0 + 3000 * ms, true));
  CAF_CHECK(!mon.check(t0 + 4000 * ms, false));
  CAF_CHECK_EQUAL(mon.breaches(), 1u);
  CAF_CHECK(mon.latched());
}

CAF_TEST(a_stale_feed_while_halted_is_no_breach) {
  CAF_CHECK(!mon.check(t0 + 5000 * ms, false));
  CAF_CHECK_EQUAL(mon.breaches(), 0u);
  CAF_CHECK(!mon.latched());
}

CAF_TEST(the_clock_restarts_when_the_gate_reopens) {
  CAF_REQUIRE(mon.check(t0 + 1000 * ms, true).has_value());
  // The kill closed the gate; the feed stays silent; a reset reopens it.
  CAF_CHECK(!mon.check(t0 + 2000 * ms, false));
  CAF_CHECK(!mon.check(t0 + 10'000 * ms, true)); // re-armed, with a fresh 1000 ms
  CAF_CHECK(!mon.latched());
  CAF_CHECK(!mon.check(t0 + 10'999 * ms, true));
  CAF_CHECK(mon.check(t0 + 11'000 * ms, true).has_value());
  CAF_CHECK_EQUAL(mon.breaches(), 2u);
}

CAF_TEST(a_node_that_starts_halted_gets_the_full_limit_after_its_reset) {
  CAF_CHECK(!mon.check(t0 + 100 * ms, false));
  CAF_CHECK(!mon.check(t0 + 60'000 * ms, true));
  CAF_CHECK(mon.check(t0 + 61'000 * ms, true).has_value());
}

CAF_TEST(zero_is_off) {
  stale_data_monitor off{stale_data_config{{sym("USDCHF")}, 0}, t0};
  CAF_CHECK(!off.enabled());
  CAF_CHECK(!off.check(t0 + 3'600'000 * ms, true));
}

CAF_TEST(unknown_symbols_are_ignored) {
  mon.on_trade(sym("GBPUSD"), t0 + 500 * ms);
  CAF_CHECK_EQUAL(mon.age_ns(sym("GBPUSD"), t0), -1);
  CAF_CHECK_EQUAL(mon.age_ns(sym("USDCHF"), t0 + 700 * ms), 700 * ms);
}

CAF_TEST_FIXTURE_SCOPE_END()
