// GPU risk kernels, time per update on every backend this machine has, side
// by side with the native C++ reference in the same run (docs/gpu.md,
// docs/performance.md):
//   correlation: N = 64, 256, 1024 symbols x W = 1024 returns
//   VaR:         100k and 1M Monte-Carlo paths over --var-symbols symbols
// A time is the median of --reps timed runs after one untimed warm-up
// (pipeline creation, shader JIT on lavapipe), transfers included. The
// native backend is single-threaded; its two largest cases (N = 1024, 1M
// paths) run once unless --full, to keep the default run short on a small
// machine. Usage:
//   gpu_risk_bench [--reps=3] [--var-symbols=32] [--full] [--quick]
// --quick: N = 64, 256 and 100k paths only (a smoke run).

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "actors/gpu/compute_backend.hpp"
#include "actors/gpu/risk_math.hpp"
#include "actors/gpu/vulkan_device.hpp"

using namespace cwts::gpu;

namespace {

struct options {
  int reps = 3;
  size_t var_symbols = 32;
  bool full = false;
  bool quick = false;
};

struct bench_backend {
  std::string name;   // "native", "cpu-vulkan f64", ...
  std::string device; // the device's own name
  std::unique_ptr<compute_backend> backend;
  bool native = false;
};

std::vector<bench_backend> backends(std::string& note) {
  std::vector<bench_backend> out;
  out.push_back({"native", "C++ (1 thread)", make_native_backend(), true});
  std::string error;
  auto instance = vulkan_instance::create(error);
  if (!instance) {
    note = "no Vulkan: " + error;
    return out;
  }
  for (auto& d : instance->devices()) {
    if (!d.kind || !d.has_compute_queue)
      continue;
    for (bool f64 : {true, false}) {
      if (f64 && !d.shader_float64)
        continue;
      auto b = make_vulkan_backend(instance, d, f64, error);
      if (!b) {
        note += d.name + ": " + error + "; ";
        continue;
      }
      out.push_back({std::string(to_string(*d.kind)) + (f64 ? " f64" : " f32"), d.name,
                     std::move(b), false});
    }
    // A CPU device runs the direct correlation kernel by default: the tiled
    // (GPU) one in float64 alongside, to show why.
    if (d.kind == backend_kind::cpu_vulkan && d.shader_float64)
      if (auto b = make_vulkan_backend(instance, d, true, error, correlation_kernel::tiled))
        out.push_back({"cpu-vulkan f64 tiled", d.name, std::move(b), false});
  }
  return out;
}

double median_ms(int reps, const std::function<void()>& run) {
  run(); // warm-up: pipelines, JIT, buffers
  std::vector<double> ms;
  for (int i = 0; i < reps; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    run();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                   .count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

std::vector<double> returns(size_t n, size_t w, uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> normal(0.0, 0.001);
  std::vector<double> r(n * w);
  std::vector<double> common(w);
  for (auto& c : common)
    c = normal(gen);
  for (size_t i = 0; i < n; ++i)
    for (size_t t = 0; t < w; ++t)
      r[i * w + t] = 0.5 * common[t] + normal(gen);
  return r;
}

struct row {
  std::string kernel;
  std::string size;
  std::vector<double> ms; // per backend; < 0: not run
  std::vector<int> reps;
};

void print(const std::vector<bench_backend>& bs, const std::vector<row>& rows) {
  std::printf("\n| kernel | size |");
  for (auto& b : bs)
    std::printf(" %s ms |", b.name.c_str());
  for (size_t k = 1; k < bs.size(); ++k)
    std::printf(" native / %s |", bs[k].name.c_str());
  std::printf("\n|---|---|");
  for (size_t k = 0; k < 2 * bs.size() - 1; ++k)
    std::printf("---|");
  std::printf("\n");
  for (auto& r : rows) {
    std::printf("| %s | %s |", r.kernel.c_str(), r.size.c_str());
    for (size_t k = 0; k < bs.size(); ++k)
      std::printf(" %.1f (x%d) |", r.ms[k], r.reps[k]);
    for (size_t k = 1; k < bs.size(); ++k)
      std::printf(" %.2f |", r.ms[0] / r.ms[k]);
    std::printf("\n");
  }
}

} // namespace

int main(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--reps=", 0) == 0)
      o.reps = std::max(1, std::atoi(a.c_str() + 7));
    else if (a.rfind("--var-symbols=", 0) == 0)
      o.var_symbols = std::clamp<size_t>(std::strtoul(a.c_str() + 14, nullptr, 10), 1,
                                         max_var_symbols);
    else if (a == "--full")
      o.full = true;
    else if (a == "--quick")
      o.quick = true;
    else {
      std::printf("usage: %s [--reps=3] [--var-symbols=32] [--full] [--quick]\n"
                  "example: %s --reps=5 --full\n",
                  argv[0], argv[0]);
      return a == "--help" ? 0 : 2;
    }
  }
  std::string note;
  auto bs = backends(note);
  std::printf("gpu_risk_bench: reps=%d var-symbols=%zu full=%d quick=%d\n", o.reps, o.var_symbols,
              o.full, o.quick);
  for (auto& b : bs)
    std::printf("backend %-16s device \"%s\"\n", b.name.c_str(), b.device.c_str());
  if (!note.empty())
    std::printf("note: %s\n", note.c_str());

  std::vector<row> rows;
  const size_t w = 1024;
  std::vector<size_t> sizes = o.quick ? std::vector<size_t>{64, 256}
                                      : std::vector<size_t>{64, 256, 1024};
  for (size_t n : sizes) {
    auto r = returns(n, w, n);
    row out{"correlation", "N=" + std::to_string(n) + " W=1024", {}, {}};
    for (auto& b : bs) {
      int reps = b.native && n >= 1024 && !o.full ? 1 : o.reps;
      correlation_output c;
      std::string error;
      out.ms.push_back(median_ms(reps, [&] { b.backend->correlate(r, n, w, c, error); }));
      out.reps.push_back(reps);
    }
    rows.push_back(out);
    std::fflush(stdout);
  }
  // VaR: covariance of var-symbols series, horizon 60 buckets, 99%.
  size_t n = o.var_symbols;
  auto r = returns(n, w, 7);
  correlation_output c;
  std::string error;
  bs[0].backend->correlate(r, n, w, c, error);
  auto chol = covariance(c.matrix, c.stdev, 60.0);
  cholesky_psd(chol, n);
  std::vector<double> exposure(n);
  for (size_t i = 0; i < n; ++i)
    exposure[i] = (i % 3 == 0 ? -1.0 : 1.0) * 1e5;
  std::vector<uint64_t> paths = o.quick ? std::vector<uint64_t>{100'000}
                                        : std::vector<uint64_t>{100'000, 1'000'000};
  for (uint64_t p : paths) {
    row out{"var", std::to_string(p / 1000) + "k paths N=" + std::to_string(n), {}, {}};
    for (auto& b : bs) {
      int reps = b.native && p >= 1'000'000 && !o.full ? 1 : o.reps;
      std::vector<double> pnl;
      double var99 = 0;
      out.ms.push_back(median_ms(reps, [&] {
        b.backend->simulate_pnl(chol, exposure, p, 42, pnl, error);
        var99 = loss_tail(pnl, 0.99).var;
      }));
      out.reps.push_back(reps);
      std::printf("var %s paths=%llu VaR99=%.2f\n", b.name.c_str(),
                  static_cast<unsigned long long>(p), var99);
    }
    rows.push_back(out);
  }
  print(bs, rows);
  std::printf("\n(median ms per update, (xK) = timed runs; ratio > 1: faster than native)\n");
  return 0;
}
