#include "actors/risk/sliding_window.hpp"

#include <algorithm>

namespace cwts::risk {

sliding_window::sliding_window(size_t capacity, int64_t window_ns)
  : stamps_(capacity, 0), window_ns_(window_ns) {
}

int64_t sliding_window::at(size_t i) const {
  size_t oldest = size_ < stamps_.size() ? 0 : next_;
  return stamps_[(oldest + i) % stamps_.size()];
}

bool sliding_window::full(int64_t now_ns) const {
  if (stamps_.empty())
    return true;
  if (size_ < stamps_.size())
    return false;
  // Ring full: the oldest of the last `capacity` events decides.
  return stamps_[next_] > now_ns - window_ns_;
}

void sliding_window::record(int64_t now_ns) {
  if (stamps_.empty())
    return;
  stamps_[next_] = now_ns;
  if (++next_ == stamps_.size())
    next_ = 0;
  if (size_ < stamps_.size())
    ++size_;
}

size_t sliding_window::count(int64_t now_ns) const {
  size_t n = 0;
  for (size_t i = 0; i < size_; ++i)
    if (at(i) > now_ns - window_ns_)
      ++n;
  return n;
}

void sliding_window::reconfigure(size_t capacity, int64_t window_ns) {
  size_t keep = std::min(size_, capacity);
  std::vector<int64_t> stamps(capacity, 0);
  for (size_t i = 0; i < keep; ++i)
    stamps[i] = at(size_ - keep + i);
  stamps_ = std::move(stamps);
  size_ = keep;
  next_ = capacity == 0 ? 0 : keep % capacity;
  window_ns_ = window_ns;
}

} // namespace cwts::risk
