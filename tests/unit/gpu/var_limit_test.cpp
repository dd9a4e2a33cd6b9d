// Risk's VaR limit (actors/risk/var_limit.hpp): one breach per excursion,
// re-armed only with the gate open again, breach_now follows the latest VaR.
#define CAF_SUITE gpu_var_limit
#include "tests/support/unit_test.hpp"

#include "actors/risk/var_limit.hpp"

using namespace cwts;
using namespace cwts::risk;

namespace {

var_report report(double var95, double var99) {
  var_report r;
  r.confidence = {0.95, 0.99};
  r.var = {var95, var99};
  r.horizon_ms = 60000;
  r.backend = "cpu-vulkan";
  return r;
}

int64_t counter(const var_limit& v, const std::string& key) {
  std::map<std::string, int64_t> c;
  v.add_stats(c);
  return c.at(key);
}

} // namespace

CAF_TEST(the_var_at_the_highest_confidence_is_checked_once_per_breach) {
  var_limit v{var_limit_config{1000, kill_level::cancel_all}};
  CAF_CHECK(!v.on_report(report(900, 999), true));
  CAF_CHECK_EQUAL(counter(v, "breach_now.var"), 0);
  auto b = v.on_report(report(900, 1500), true); // 95% within, 99% above
  CAF_REQUIRE(b.has_value());
  CAF_CHECK_EQUAL(b->var, 1500.0);
  CAF_CHECK_EQUAL(b->confidence, 0.99);
  CAF_MESSAGE(b->describe());
  CAF_CHECK(b->describe().find("99% over 60000 ms 1500 above limit 1000") != std::string::npos);
  // Halted (gate closed): still above, dips below, above again: no new kill.
  CAF_CHECK(!v.on_report(report(900, 1600), false));
  CAF_CHECK(!v.on_report(report(10, 20), false));
  CAF_CHECK_EQUAL(counter(v, "breach_now.var"), 0);
  CAF_CHECK_EQUAL(counter(v, "var_breach_active"), 1);
  CAF_CHECK(!v.on_report(report(900, 1700), false));
  CAF_CHECK_EQUAL(counter(v, "breach_now.var"), 1);
  CAF_CHECK_EQUAL(v.breaches(), 1u);
  // Reset (gate open) with VaR back within: re-armed; the next excursion kills.
  CAF_CHECK(!v.on_report(report(10, 20), true));
  CAF_CHECK_EQUAL(counter(v, "var_breach_active"), 0);
  CAF_CHECK(v.on_report(report(10, 2000), true).has_value());
  CAF_CHECK_EQUAL(v.breaches(), 2u);
  CAF_CHECK_EQUAL(counter(v, "var_latest"), 2000);
  CAF_CHECK_EQUAL(counter(v, "var_reports"), 7);
}

CAF_TEST(a_limit_of_zero_is_off) {
  var_limit v{var_limit_config{0, kill_level::cancel_all}};
  CAF_CHECK(!v.on_report(report(1e9, 1e9), true));
  CAF_CHECK_EQUAL(counter(v, "breach_now.var"), 0);
  CAF_CHECK_EQUAL(counter(v, "var_latest"), 1'000'000'000);
}
