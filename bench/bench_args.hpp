#pragma once
// What the benches share: the median of their rounds and their --name=N
// options. Header-only.

#include <algorithm>
#include <cstring>
#include <string>
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

} // namespace cwts::bench
