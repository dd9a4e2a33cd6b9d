#define CAF_SUITE common_periodic_timer
#include "tests/support/unit_test.hpp"

#include <atomic>

#include "common/periodic_timer.hpp"
#include "tests/integration/support/wait_until.hpp"

CAF_TEST(ticks_repeatedly_until_stopped_and_never_after) {
  std::atomic<int> ticks{0};
  cwts::periodic_timer t{std::chrono::milliseconds(5), [&] { ++ticks; }};
  cwts::itest::wait_until([&] { return ticks.load() >= 3; }, std::chrono::seconds(2),
                          std::chrono::milliseconds(5));
  t.stop();
  int after_stop = ticks.load();
  CAF_CHECK(after_stop >= 3);
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  CAF_CHECK_EQUAL(ticks.load(), after_stop);
}

CAF_TEST(destructor_stops_a_long_interval_promptly) {
  auto started = std::chrono::steady_clock::now();
  {
    cwts::periodic_timer t{std::chrono::hours(1), [] {}};
  }
  // Bounded, not a performance claim: stop must not wait out the interval.
  CAF_CHECK(std::chrono::steady_clock::now() - started < std::chrono::minutes(1));
}
