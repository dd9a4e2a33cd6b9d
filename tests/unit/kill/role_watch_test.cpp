#define CAF_SUITE role_watch
#include "tests/support/unit_test.hpp"

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
  CAF_CHECK(w.observe({"oms", "connector.binance"}, 0).empty());
  CAF_CHECK(w.observe({"connector.binance"}, 100 * ms).empty()); // oms gone from here
  CAF_CHECK(w.observe({"connector.binance"}, 1000 * ms).empty()); // 900 ms: not yet
  auto lost = w.observe({"connector.binance"}, 1101 * ms);
  CAF_REQUIRE_EQUAL(lost.size(), 1u);
  CAF_CHECK_EQUAL(lost[0], "oms");
  CAF_CHECK(w.observe({"connector.binance"}, 5000 * ms).empty()); // once per outage
  CAF_CHECK_EQUAL(w.triggered(), 1u);
}

CAF_TEST(a_standby_taking_the_role_over_in_time_re_arms_it) {
  auto w = make();
  CAF_CHECK(w.observe({"connector.binance"}, 0).empty());
  CAF_CHECK(w.observe({"oms", "connector.binance"}, 900 * ms).empty()); // back in time
  CAF_CHECK_EQUAL(w.missing_for_ns("oms", 950 * ms), 0);
  CAF_CHECK(w.observe({"connector.binance"}, 2000 * ms).empty()); // a new outage starts
  CAF_CHECK_EQUAL(w.observe({"connector.binance"}, 3001 * ms).size(), 1u);
  CAF_CHECK_EQUAL(w.triggered(), 1u);
}

CAF_TEST(nothing_counts_before_the_start_grace) {
  auto w = make(5000 * ms);
  CAF_CHECK(w.observe({}, 0).empty());
  CAF_CHECK(w.observe({}, 5500 * ms).empty());
  CAF_CHECK_EQUAL(w.observe({}, 6001 * ms).size(), 2u); // both, 1 s after the grace
}

CAF_TEST(connector_stands_for_every_venue_connector_ever_seen) {
  auto w = make();
  // Before any connector.<venue> appeared, the bare name is watched.
  CAF_CHECK(w.observe({"oms"}, 0).empty());
  CAF_CHECK(w.missing_for_ns("connector", 500 * ms) > 0);
  // Two venues: once seen, each is watched on its own, the bare name no more.
  CAF_CHECK(w.observe({"oms", "connector.binance", "connector.fix"}, 500 * ms).empty());
  CAF_CHECK_EQUAL(w.missing_for_ns("connector", 600 * ms), 0);
  CAF_CHECK(!w.any_lost(5000 * ms));
  // One venue's connector disappears: lost after the window, under its full name.
  CAF_CHECK(w.observe({"oms", "connector.binance"}, 1000 * ms).empty());
  CAF_CHECK(w.observe({"oms", "connector.binance"}, 2000 * ms).empty()); // 1000 ms: not yet
  auto lost = w.observe({"oms", "connector.binance"}, 2001 * ms);
  CAF_REQUIRE_EQUAL(lost.size(), 1u);
  CAF_CHECK_EQUAL(lost[0], "connector.fix");
  CAF_CHECK(w.any_lost(2001 * ms));
  CAF_CHECK(w.observe({"oms", "connector.binance"}, 9000 * ms).empty()); // once per outage
  // It comes back: re-armed; the other venue's outage counts on its own.
  CAF_CHECK(w.observe({"oms", "connector.binance", "connector.fix"}, 9100 * ms).empty());
  CAF_CHECK(w.observe({"oms", "connector.fix"}, 9200 * ms).empty());
  lost = w.observe({"oms", "connector.fix"}, 10'201 * ms);
  CAF_REQUIRE_EQUAL(lost.size(), 1u);
  CAF_CHECK_EQUAL(lost[0], "connector.binance");
  CAF_CHECK_EQUAL(w.triggered(), 2u);
}

CAF_TEST(a_full_connector_role_watches_that_venue_only) {
  role_watch_config cfg;
  cfg.required = {"connector.binance"};
  cfg.halt_after_ns = 1000 * ms;
  role_watch w(cfg);
  CAF_CHECK(w.observe({"connector.binance", "connector.fix"}, 0).empty());
  CAF_CHECK(w.observe({"connector.binance"}, 100 * ms).empty());
  CAF_CHECK(w.observe({"connector.binance"}, 5000 * ms).empty()); // fix is not required
  CAF_CHECK(w.observe({"connector.fix"}, 5100 * ms).empty());
  auto lost = w.observe({"connector.fix"}, 6101 * ms);
  CAF_REQUIRE_EQUAL(lost.size(), 1u);
  CAF_CHECK_EQUAL(lost[0], "connector.binance");
}
