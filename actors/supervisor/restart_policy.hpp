#pragma once
// Restart intensity (Erlang/OTP style): a child may crash at most
// `max_restarts` times within `window_ns`; one more and the supervisor
// escalates instead of restarting forever.

#include <cstdint>
#include <deque>

namespace cwts {

struct restart_limits {
  uint32_t max_restarts = 5;
  int64_t window_ns = 60'000'000'000;
};

enum class restart_decision : uint8_t { restart, escalate };

class restart_policy {
public:
  explicit restart_policy(restart_limits limits) : limits_(limits) {}

  // Records a failure at `now_ns` (monotonic) and says what to do.
  restart_decision on_failure(int64_t now_ns);

  uint64_t restarts() const { return restarts_; }
  size_t failures_in_window() const { return recent_.size(); }

private:
  restart_limits limits_;
  std::deque<int64_t> recent_;
  uint64_t restarts_ = 0;
};

} // namespace cwts
