#pragma once
// Nanosecond timestamps. Exchange time (ts_event) and local receive time
// (ts_init) are kept apart in every event.

#include <chrono>
#include <cstdint>

#include "caf/meta/type_name.hpp"

namespace cwts {

struct timestamp_ns {
  int64_t ns = 0;

  static timestamp_ns from_millis(int64_t ms) { return {ms * 1'000'000}; }
  int64_t millis() const { return ns / 1'000'000; }

  friend bool operator==(timestamp_ns a, timestamp_ns b) { return a.ns == b.ns; }
  friend bool operator!=(timestamp_ns a, timestamp_ns b) { return a.ns != b.ns; }
  friend bool operator<(timestamp_ns a, timestamp_ns b) { return a.ns < b.ns; }
};

// Wall clock (UTC since the epoch): comparable with exchange timestamps.
inline timestamp_ns wall_clock_now() {
  using namespace std::chrono;
  return {duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count()};
}

// Monotonic clock: for measuring durations, never for comparing with venues.
inline int64_t monotonic_ns() {
  using namespace std::chrono;
  return duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count();
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, timestamp_ns& x) {
  return f(caf::meta::type_name("timestamp_ns"), x.ns);
}

} // namespace cwts
