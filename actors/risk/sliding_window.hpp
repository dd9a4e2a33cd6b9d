#pragma once
// Counts events in a sliding time window with a fixed ring of timestamps:
// the last `capacity` event times. An event at `now` fits when fewer than
// `capacity` events happened in (now - window, now]. Checking and recording
// never allocate; only resize() does. Time is passed in (monotonic ns), so
// the window is tested without a clock.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cwts::risk {

class sliding_window {
public:
  sliding_window(size_t capacity, int64_t window_ns);

  // True when `capacity` events already lie in (now - window, now].
  bool full(int64_t now_ns) const;

  // Records an event at `now`, replacing the oldest once the ring is full.
  void record(int64_t now_ns);

  // Events in (now - window, now].
  size_t count(int64_t now_ns) const;

  // Forgets every stamp.
  void clear() { next_ = size_ = 0; }

  // New capacity and window; keeps the newest stamps that still fit.
  void reconfigure(size_t capacity, int64_t window_ns);

  size_t capacity() const { return stamps_.size(); }
  int64_t window_ns() const { return window_ns_; }

private:
  // The i-th stamp from the oldest kept (0 <= i < size_).
  int64_t at(size_t i) const;

  std::vector<int64_t> stamps_;
  size_t next_ = 0; // where the next stamp goes; the oldest once full
  size_t size_ = 0;
  int64_t window_ns_;
};

} // namespace cwts::risk
