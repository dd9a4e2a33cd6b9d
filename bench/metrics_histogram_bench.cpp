// Hot-path latency recording (issue 8: <= 25 ns per event): the cost of one
// cwts::metrics::latency_histogram::record() against one
// prometheus::Histogram::Observe(), measured in the same run, on 1 thread and
// on 2 threads recording into the same histogram at once. Each round records
// N values drawn from a fixed, seeded spread (100 ns .. 10 ms); the figure is
// the median over rounds of (round time / N).
//
//   build-metrics/bench/metrics_histogram_bench [--rounds=15] [--n=2000000]

#include <algorithm>
#include <atomic>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <prometheus/histogram.h>

#include "bench/bench_args.hpp"
#include "common/metrics/latency_histogram.hpp"

namespace {

using cwts::bench::arg;
using cwts::bench::barrier;
using cwts::bench::median;

using clock_type = std::chrono::steady_clock;

std::vector<int64_t> values(std::size_t n) {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> exp10(2.0, 7.0); // 100 ns .. 10 ms
  std::vector<int64_t> v(n);
  for (auto& x : v)
    x = static_cast<int64_t>(std::pow(10.0, exp10(rng)));
  return v;
}

// Per round, ns per record of ours and of prometheus-cpp's, with `threads`
// long-lived threads recording into one shared histogram of each kind at
// once (each thread keeps its shard across rounds, as a CAF worker does).
struct results {
  std::vector<double> ours, theirs;
  bool lost = false;
};

results run(const std::vector<int64_t>& v, int threads, int rounds,
            const prometheus::Histogram::BucketBoundaries& bounds) {
  results out;
  barrier sync(threads);
  std::vector<double> took_ours(static_cast<std::size_t>(threads)),
    took_theirs(static_cast<std::size_t>(threads));
  std::unique_ptr<cwts::metrics::latency_histogram> h;
  std::unique_ptr<prometheus::Histogram> p;
  auto timed = [&](auto&& fn) {
    auto start = clock_type::now();
    for (auto x : v)
      fn(x);
    return std::chrono::duration<double, std::nano>(clock_type::now() - start).count();
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      auto me = static_cast<std::size_t>(t);
      for (int r = 0; r < rounds; ++r) {
        if (t == 0) {
          h = std::make_unique<cwts::metrics::latency_histogram>();
          p = std::make_unique<prometheus::Histogram>(bounds);
        }
        sync.wait();
        took_ours[me] = timed([&](int64_t x) { h->record(x); });
        sync.wait();
        took_theirs[me] = timed([&](int64_t x) { p->Observe(static_cast<double>(x) / 1e9); });
        sync.wait();
        if (t == 0) {
          auto n = static_cast<double>(v.size());
          out.ours.push_back(*std::max_element(took_ours.begin(), took_ours.end()) / n);
          out.theirs.push_back(*std::max_element(took_theirs.begin(), took_theirs.end()) / n);
          out.lost = out.lost
                     || h->snapshot().count != v.size() * static_cast<std::size_t>(threads);
        }
        sync.wait();
      }
    });
  for (auto& th : pool)
    th.join();
  return out;
}

} // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--help") {
    std::printf("example:\n  metrics_histogram_bench --rounds=15 --n=2000000\n");
    return 0;
  }
  auto rounds = static_cast<int>(arg(argc, argv, "rounds", 15));
  auto n = static_cast<std::size_t>(arg(argc, argv, "n", 2'000'000));
  auto v = values(n);
  // The same bounds the exposition publishes (2^8 .. 2^34 ns, in seconds).
  prometheus::Histogram::BucketBoundaries bounds;
  for (int k = 8; k <= 34; ++k)
    bounds.push_back(static_cast<double>(int64_t{1} << k) / 1e9);
  std::printf("metrics_histogram_bench rounds=%d n=%zu hardware_threads=%u\n", rounds, n,
              std::thread::hardware_concurrency());
  // What common/metrics/measured_behavior.hpp adds per message an actor
  // handles, without the handler: a relaxed add to the handled count, and
  // for one message in 8 two steady_clock reads and one record.
  {
    std::vector<double> per;
    cwts::metrics::latency_histogram h;
    std::atomic<uint64_t> handled{0};
    for (int r = 0; r < rounds; ++r) {
      auto start = clock_type::now();
      for (std::size_t i = 0; i < n; ++i) {
        if ((handled.fetch_add(1, std::memory_order_relaxed) & 7) != 0)
          continue;
        auto t0 = clock_type::now();
        auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - t0).count();
        h.record(ns);
      }
      per.push_back(std::chrono::duration<double, std::nano>(clock_type::now() - start).count()
                    / static_cast<double>(n));
    }
    std::printf("measured_behavior_overhead_ns=%.2f (per message: count, 1 in 8 timed)\n",
                median(per));
  }
  for (int threads : {1, 2}) {
    auto r = run(v, threads, rounds, bounds);
    if (r.lost) {
      std::printf("error: latency_histogram lost records\n");
      return 1;
    }
    double a = median(r.ours), b = median(r.theirs);
    std::printf("threads=%d latency_histogram_record_ns=%.2f prometheus_observe_ns=%.2f ratio=%.1fx\n",
                threads, a, b, b / a);
  }
  return 0;
}
