// Kraken's REST call counter as the adapter models it
// (actors/connector/kraken/kraken_call_budget.hpp): costs, decay, the
// priorities' ceilings and the back-off after "EAPI:Rate limit exceeded".
// Time is given, never slept.
#define CAF_SUITE connector_kraken_call_budget
#include "tests/support/unit_test.hpp"

#include "actors/connector/kraken/kraken_call_budget.hpp"

using namespace cwts::connector::kraken;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

kraken_call_limits pro() {
  kraken_call_limits l; // Pro: 20 @ 1/s
  l.kill_reserve = 4;
  l.order_reserve = 6;
  return l;
}

} // namespace

CAF_TEST(costs_are_krakens) {
  CAF_CHECK_EQUAL(kraken_call_cost("OpenOrders"), 1);
  CAF_CHECK_EQUAL(kraken_call_cost("ClosedOrders"), 1);
  CAF_CHECK_EQUAL(kraken_call_cost("QueryOrders"), 1);
  CAF_CHECK_EQUAL(kraken_call_cost("GetWebSocketsToken"), 1);
  CAF_CHECK_EQUAL(kraken_call_cost("TradesHistory"), 2);
  CAF_CHECK_EQUAL(kraken_call_cost("Ledgers"), 2);
  CAF_CHECK_EQUAL(kraken_call_cost("AddOrder"), 0);
  CAF_CHECK_EQUAL(kraken_call_cost("CancelAll"), 0);
  CAF_CHECK_EQUAL(kraken_call_cost("CancelAllOrdersAfter"), 0);
}

CAF_TEST(limits_are_validated) {
  CAF_CHECK(validate_call_limits(pro()).empty());
  auto l = pro();
  l.decay_per_s = 0;
  CAF_CHECK(!validate_call_limits(l).empty());
  l = pro();
  l.order_reserve = 16; // 4 + 16 > 20 - 1: polls would never run
  CAF_CHECK(!validate_call_limits(l).empty());
  l = pro();
  l.max = 0;
  CAF_CHECK(!validate_call_limits(l).empty());
}

// Polls stop at 10, order work at 16, the kill at 20; the counter decays.
CAF_TEST(each_priority_stops_at_its_ceiling) {
  kraken_call_budget b(pro());
  auto t = clock_type::now();
  for (int i = 0; i < 10; ++i) {
    CAF_CHECK(b.wait_for(1, call_priority::background, t) == clock_type::duration::zero());
    b.spend(1, t);
  }
  CAF_CHECK(b.wait_for(1, call_priority::background, t) > clock_type::duration::zero());
  CAF_CHECK(b.wait_for(1, call_priority::order, t) == clock_type::duration::zero());
  b.spend(6, t);
  CAF_CHECK(b.wait_for(1, call_priority::order, t) > clock_type::duration::zero());
  CAF_CHECK(b.wait_for(4, call_priority::kill, t) == clock_type::duration::zero());
  b.spend(4, t);
  auto wait = b.wait_for(1, call_priority::kill, t);
  CAF_CHECK(wait > 990ms && wait < 1010ms); // one unit at 1/s
  CAF_CHECK(b.wait_for(0, call_priority::background, t) == clock_type::duration::zero());
  // Eleven seconds later the counter is at 9: polls go again.
  CAF_CHECK(b.wait_for(1, call_priority::background, t + 11s) == clock_type::duration::zero());
  CAF_CHECK(b.value(t + 30s) == 0);
}

// The venue's counter was fuller than ours: full, and each answer in a row
// waits longer (at most `max` more); an accepted call ends the run.
CAF_TEST(rate_limit_answers_back_off) {
  kraken_call_budget b(pro());
  auto t = clock_type::now();
  b.on_rate_limited(t);
  auto first = b.wait_for(1, call_priority::kill, t);
  CAF_CHECK(first > 990ms && first < 1010ms);
  b.on_rate_limited(t);
  auto second = b.wait_for(1, call_priority::kill, t);
  CAF_CHECK(second > 1990ms && second < 2010ms);
  b.on_rate_limited(t);
  CAF_CHECK(b.wait_for(1, call_priority::kill, t) > 3990ms);
  for (int i = 0; i < 20; ++i)
    b.on_rate_limited(t);
  CAF_CHECK(b.value(t) <= 40.0); // capped
  b.on_accepted();
  b.on_rate_limited(t + 60s);
  auto after = b.wait_for(1, call_priority::kill, t + 60s);
  CAF_CHECK(after > 990ms && after < 1010ms);
}
