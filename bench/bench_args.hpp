#pragma once
// What the benches share: the median of their rounds, their --name=N
// options, and a barrier for their threads. Header-only.

#include <algorithm>
#include <atomic>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace cwts::bench {

inline double median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  return xs.empty() ? 0 : xs[xs.size() / 2];
}

// The value of --`name`=N on the command line, else `fallback`.
inline long arg(int argc, char** argv, const char* name, long fallback) {
  std::string prefix = std::string("--") + name + "=";
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], prefix.c_str(), prefix.size()) == 0)
      return std::stol(argv[i] + prefix.size());
  return fallback;
}

// A spin barrier for `n` threads, reusable.
class barrier {
public:
  explicit barrier(int n) : n_(n) {}
  void wait() {
    int gen = gen_.load();
    if (++count_ == n_) {
      count_ = 0;
      ++gen_;
    } else {
      while (gen_.load() == gen)
        std::this_thread::yield();
    }
  }

private:
  int n_;
  std::atomic<int> count_{0};
  std::atomic<int> gen_{0};
};

} // namespace cwts::bench
