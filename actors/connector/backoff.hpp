#pragma once
// Jittered exponential backoff for reconnects: attempt n waits a uniformly
// random time in [d/2, d] with d = min(max, initial * 2^n), so many clients
// cut off together do not reconnect in lockstep.

#include <chrono>
#include <cstdint>
#include <random>

namespace cwts::connector {

class backoff {
public:
  backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, uint64_t seed)
    : initial_(initial), max_(max), rng_(seed) {}

  std::chrono::milliseconds next() {
    auto d = initial_;
    for (int i = 0; i < attempt_ && d < max_; ++i)
      d *= 2;
    if (d > max_)
      d = max_;
    ++attempt_;
    std::uniform_int_distribution<int64_t> pick(d.count() / 2, d.count());
    return std::chrono::milliseconds(pick(rng_));
  }

  void reset() { attempt_ = 0; }
  int attempt() const { return attempt_; }

private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds max_;
  std::mt19937_64 rng_;
  int attempt_ = 0;
};

} // namespace cwts::connector
