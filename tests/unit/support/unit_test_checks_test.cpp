// tests/support/unit_test.hpp: CAF's two-value checks, evaluated so that a
// value inside a temporary is still alive when it is compared (CAF 0.17's
// own macros compare a reference into a temporary already destroyed).
#define CAF_SUITE support_unit_test_checks
#include "tests/support/unit_test.hpp"

#include <string>

namespace {

// Counts the probes alive; compares equal to a number when exactly that many
// are alive at the moment of the comparison.
int probes_alive = 0;

struct probe {
  probe() { ++probes_alive; }
  probe(const probe&) { ++probes_alive; }
  ~probe() { --probes_alive; }
  const probe& self() const { return *this; }
};

bool operator==(const probe&, int alive) { return probes_alive == alive; }
bool operator!=(const probe& p, int alive) { return !(p == alive); }
std::string to_string(const probe&) { return "probe (" + std::to_string(probes_alive) + " alive)"; }

int take(std::string& order, char name) {
  order += name;
  return 7;
}

// The comparator a check is given, recording what it saw.
int compared = 0;
struct recording_equal {
  template <class X, class Y>
  bool operator()(const X& x, const Y& y) const {
    ++compared;
    return x == y;
  }
};

} // namespace

CAF_TEST(a_temporary_lives_until_its_check_is_done) {
  // With CAF's own CAF_CHECK_EQUAL the probe is destroyed before the
  // comparison: 0 alive, and the check fails.
  CAF_CHECK_EQUAL(probe{}.self(), 1);
  CAF_REQUIRE_EQUAL(probe{}.self(), 1);
  CAF_CHECK_NOT_EQUAL(probe{}.self(), 0);
  CAF_CHECK_EQUAL(probes_alive, 0); // and it is gone after the check
}

CAF_TEST(x_is_evaluated_before_y_and_each_once) {
  std::string order;
  CAF_CHECK_EQUAL(take(order, 'x'), take(order, 'y'));
  CAF_CHECK_EQUAL(order, "xy");
  CAF_REQUIRE_EQUAL(take(order, 'a'), take(order, 'b'));
  CAF_CHECK_EQUAL(order, "xyab");
}

CAF_TEST(the_result_is_the_comparators) {
  compared = 0;
  cwts::testing::value_check<recording_equal> same{__FILE__, __LINE__, "same", 3, 3};
  CAF_CHECK(same.passed);
  CAF_CHECK_EQUAL(compared, 1);
}
