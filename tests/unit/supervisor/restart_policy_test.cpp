#define CAF_SUITE restart_policy
#include "tests/support/unit_test.hpp"

#include "actors/supervisor/restart_policy.hpp"

using namespace cwts;

CAF_TEST(restarts_until_the_intensity_is_exceeded_then_escalates) {
  restart_policy p{restart_limits{2, 1000}};
  CAF_CHECK(p.on_failure(0) == restart_decision::restart);
  CAF_CHECK(p.on_failure(10) == restart_decision::restart);
  CAF_CHECK(p.on_failure(20) == restart_decision::escalate);
  CAF_CHECK_EQUAL(p.restarts(), 2u);
}

CAF_TEST(failures_outside_the_window_are_forgotten) {
  restart_policy p{restart_limits{1, 100}};
  CAF_CHECK(p.on_failure(0) == restart_decision::restart);
  CAF_CHECK(p.on_failure(500) == restart_decision::restart);
  CAF_CHECK(p.on_failure(1000) == restart_decision::restart);
  CAF_CHECK(p.on_failure(1050) == restart_decision::escalate);
}
