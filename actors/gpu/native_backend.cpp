// The native C++ backend: the reference every Vulkan backend is checked
// against, and the fallback where no Vulkan device is usable. The same
// algorithms as shaders/*.comp, single-threaded (the node's other actors
// keep the scheduler threads).

#include <cmath>

#include "actors/gpu/compute_backend.hpp"
#include "actors/gpu/philox.hpp"

namespace cwts::gpu {

namespace {

// Four independent partial sums: the loop pipelines without -ffast-math.
double dot(const double* a, const double* b, size_t w) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  size_t t = 0;
  for (; t + 4 <= w; t += 4) {
    s0 += a[t] * b[t];
    s1 += a[t + 1] * b[t + 1];
    s2 += a[t + 2] * b[t + 2];
    s3 += a[t + 3] * b[t + 3];
  }
  for (; t < w; ++t)
    s0 += a[t] * b[t];
  return (s0 + s1) + (s2 + s3);
}

class native_backend final : public compute_backend {
public:
  bool correlate(const std::vector<double>& returns, size_t n, size_t w, correlation_output& out,
                 std::string&) override {
    std::vector<double> z(n * w);
    out.mean.assign(n, 0.0);
    out.stdev.assign(n, 0.0);
    for (size_t i = 0; i < n; ++i) {
      const double* r = &returns[i * w];
      double sum = 0;
      for (size_t t = 0; t < w; ++t)
        sum += r[t];
      double mean = sum / static_cast<double>(w);
      double ss = 0;
      for (size_t t = 0; t < w; ++t)
        ss += (r[t] - mean) * (r[t] - mean);
      double inv = ss > 0 ? 1.0 / std::sqrt(ss) : 0.0;
      for (size_t t = 0; t < w; ++t)
        z[i * w + t] = (r[t] - mean) * inv;
      out.mean[i] = mean;
      out.stdev[i] = w > 1 ? std::sqrt(ss / static_cast<double>(w - 1)) : 0.0;
    }
    out.matrix.assign(n * n, 0.0);
    for (size_t i = 0; i < n; ++i) {
      out.matrix[i * n + i] = 1.0;
      for (size_t j = i + 1; j < n; ++j) {
        double v = std::fmin(1.0, std::fmax(-1.0, dot(&z[i * w], &z[j * w], w)));
        out.matrix[i * n + j] = v;
        out.matrix[j * n + i] = v;
      }
    }
    return true;
  }

  bool simulate_pnl(const std::vector<double>& chol, const std::vector<double>& exposure,
                    uint64_t paths, uint64_t seed, std::vector<double>& pnl,
                    std::string&) override {
    size_t n = exposure.size();
    pnl.assign(paths, 0.0);
    std::vector<double> x(n);
    for (uint64_t p = 0; p < paths; ++p) {
      std::fill(x.begin(), x.end(), 0.0);
      for (size_t j0 = 0; j0 < n; j0 += 4) {
        auto g = normals(philox4x32_10({static_cast<uint32_t>(p), static_cast<uint32_t>(j0 / 4), 0, 0},
                                       seed));
        for (size_t q = 0; q < 4 && j0 + q < n; ++q) {
          size_t j = j0 + q;
          double zj = g[q];
          for (size_t i = j; i < n; ++i)
            x[i] += chol[i * n + j] * zj;
        }
      }
      double total = 0;
      for (size_t i = 0; i < n; ++i)
        total += exposure[i] * expm1_reduced(x[i]);
      pnl[p] = total;
    }
    return true;
  }

  bool double_precision() const override { return true; }
};

} // namespace

std::unique_ptr<compute_backend> make_native_backend() {
  return std::make_unique<native_backend>();
}

} // namespace cwts::gpu
