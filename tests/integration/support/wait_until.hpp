#pragma once
// The one "wait until" of the test tree: polls a condition that another
// thread or process is reaching, up to a bound, and says whether it held.
// The bound is a ceiling, never a timing assertion: a test waits as long as
// the state takes and only fails when it never comes. Header-only and
// CAF-free, so unit tests use it without linking the process support.

#include <chrono>
#include <functional>
#include <thread>

namespace cwts::itest {

using millis = std::chrono::milliseconds;

// Polls `cond` every `period` until it holds or `timeout` passes (bounded).
// `cond` is always asked after the deadline has passed before giving up, so
// a state reached during the last sleep still counts.
inline bool wait_until(const std::function<bool()>& cond, millis timeout,
                       millis period = millis{250}) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    bool late = std::chrono::steady_clock::now() >= deadline;
    if (cond())
      return true;
    if (late)
      return false;
    std::this_thread::sleep_for(period);
  }
}

} // namespace cwts::itest
