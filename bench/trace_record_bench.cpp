// Recording one hop of an order's trace (issue 23: at most 25 ns per event):
// the cost of span_ring::push() of a span_record, alone and with what a hop
// adds around it (a fresh span id, the client order id copied in), against
// a baseline measured in the same run: the same record copied into a plain
// array (what any recording must at least do). On 1 thread and on 2 threads
// pushing into one ring at once. Each round pushes N spans into a ring large
// enough to hold them (drained, untimed, between rounds); the figure is the
// median over rounds of (round time / N).
//
//   build/bench/trace_record_bench [--rounds=15] [--n=1000000]

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_args.hpp"
#include "common/trace/span_ring.hpp"

namespace {

using cwts::bench::arg;
using cwts::bench::median;

using namespace cwts::trace;
using clock_type = std::chrono::steady_clock;



enum class what { copy_baseline, push, hop };

// ns per span for one round: `threads` threads each record n / threads spans.
double round_ns(what w, int threads, size_t n, span_ring& ring, std::vector<span_record>& sink,
                const trace_context& ctx) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<double> took(static_cast<size_t>(threads));
  std::vector<std::thread> pool;
  size_t per = n / static_cast<size_t>(threads);
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      span_record r;
      r.trace = ctx.trace;
      r.parent = ctx.span;
      r.what = hop::risk_check;
      r.set_order_id("cwts-17300000000-000123");
      ++ready;
      while (!go.load())
        std::this_thread::yield();
      auto start = clock_type::now();
      size_t base = per * static_cast<size_t>(t);
      for (size_t i = 0; i < per; ++i) {
        r.start_ns = static_cast<int64_t>(i);
        r.end_ns = static_cast<int64_t>(i) + 900;
        switch (w) {
          case what::copy_baseline:
            sink[base + i] = r;
            break;
          case what::push:
            ring.push(r);
            break;
          case what::hop:
            r.span = new_span_id();
            r.set_order_id("cwts-17300000000-000123");
            ring.push(r);
            break;
        }
      }
      took[static_cast<size_t>(t)] =
        std::chrono::duration<double, std::nano>(clock_type::now() - start).count();
    });
  while (ready.load() < threads)
    std::this_thread::yield();
  go = true;
  for (auto& p : pool)
    p.join();
  span_record drained;
  while (ring.pop(drained)) {
  }
  return *std::max_element(took.begin(), took.end()) / static_cast<double>(per);
}

} // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--help") {
    std::printf("example:\n  trace_record_bench --rounds=15 --n=1000000\n");
    return 0;
  }
  auto rounds = static_cast<int>(arg(argc, argv, "rounds", 15));
  auto n = static_cast<size_t>(arg(argc, argv, "n", 1'000'000));
  std::printf("trace_record_bench rounds=%d n=%zu sizeof(span_record)=%zu hardware_threads=%u\n",
              rounds, n, sizeof(span_record), std::thread::hardware_concurrency());
  span_ring ring(n);
  std::vector<span_record> sink(n);
  auto ctx = start_trace();
  int exit_code = 0;
  for (int threads : {1, 2}) {
    std::vector<double> copy, push, hop_ns;
    uint64_t dropped_before = ring.dropped();
    for (int r = 0; r < rounds; ++r) {
      copy.push_back(round_ns(what::copy_baseline, threads, n, ring, sink, ctx));
      push.push_back(round_ns(what::push, threads, n, ring, sink, ctx));
      hop_ns.push_back(round_ns(what::hop, threads, n, ring, sink, ctx));
    }
    double c = median(copy), p = median(push), h = median(hop_ns);
    std::printf("threads=%d  copy baseline %.1f ns  push %.1f ns (%.2fx)  hop (span id + order id "
                "+ push) %.1f ns (%.2fx)  dropped %llu  goal <= 25 ns: %s\n",
                threads, c, p, p / c, h, h / c,
                static_cast<unsigned long long>(ring.dropped() - dropped_before),
                h <= 25.0 ? "met" : "NOT met");
    if (threads == 1 && h > 25.0)
      exit_code = 1;
  }
  return exit_code;
}
