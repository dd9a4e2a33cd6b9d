#define CAF_SUITE role_watch
#include "caf/test/unit_test_impl.hpp"

#include "actors/kill/role_watch.hpp"

using namespace cwts;

namespace {

constexpr int64_t ms = 1'000'000;

role_watch make(int64_t counting_from = 0) {
  role_watch_config cfg;
  cfg.required = {"oms", "connector"};
  cfg.halt_after_ns = 1000 * ms;
  cfg.counting_from_ns = counting_from;
  return role_watch(cfg);
}

} // namespace

CAF_TEST(off_without_roles_or_time) {
  role_watch none(role_watch_config{});
  CAF_CHECK(!none.enabled());
  CAF_CHECK(none.observe({}, 10'000 * ms).empty());
}

CAF_TEST(a_role_missing_past_the_window_is_reported_once) {
  auto w = make();
  CAF_CHECK(w.observe({"oms", "connector"}, 0).empty());
  CAF_CHECK(w.observe({"connector"}, 100 * ms).empty()); // oms gone from here
  CAF_CHECK(w.observe({"connector"}, 1000 * ms).empty()); // 900 ms: not yet
  auto lost = w.observe({"connector"}, 1101 * ms);
  CAF_REQUIRE_EQUAL(lost.size(), 1u);
  CAF_CHECK_EQUAL(lost[0], "oms");
  CAF_CHECK(w.observe({"connector"}, 5000 * ms).empty()); // once per outage
  CAF_CHECK_EQUAL(w.triggered(), 1u);
}

CAF_TEST(a_standby_taking_the_role_over_in_time_re_arms_it) {
  auto w = make();
  CAF_CHECK(w.observe({"connector"}, 0).empty());
  CAF_CHECK(w.observe({"oms", "connector"}, 900 * ms).empty()); // back in time
  CAF_CHECK_EQUAL(w.missing_for_ns("oms", 950 * ms), 0);
  CAF_CHECK(w.observe({"connector"}, 2000 * ms).empty()); // a new outage starts
  CAF_CHECK_EQUAL(w.observe({"connector"}, 3001 * ms).size(), 1u);
  CAF_CHECK_EQUAL(w.triggered(), 1u);
}

CAF_TEST(nothing_counts_before_the_start_grace) {
  auto w = make(5000 * ms);
  CAF_CHECK(w.observe({}, 0).empty());
  CAF_CHECK(w.observe({}, 5500 * ms).empty());
  CAF_CHECK_EQUAL(w.observe({}, 6001 * ms).size(), 2u); // both, 1 s after the grace
}
