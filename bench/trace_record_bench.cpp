// Recording one hop of an order's trace (issue 23: at most 25 ns per event):
// trace::record() as a hop calls it (a fresh span id, the client order id
// copied in, the push into the calling thread's ring), and the push alone,
// against a baseline measured in the same run: the same record copied into
// a plain array (what any recording must at least do). On 1 thread and on 2
// threads recording at once (each into its own ring: ring_set.hpp). Each
// round records N spans per thread into rings large enough to hold them
// (drained, untimed, between rounds); the figure is the median over rounds of
// (the slowest thread's round time / N).
//
//   build/bench/trace_record_bench [--rounds=15] [--n=1000000]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_args.hpp"
#include "common/trace/recorder.hpp"

namespace {

using namespace cwts::trace;
using cwts::bench::arg;
using cwts::bench::barrier;
using cwts::bench::median;
using clock_type = std::chrono::steady_clock;

enum class what { copy_baseline, push, hop };
constexpr what every_kind[] = {what::copy_baseline, what::push, what::hop};

struct figures {
  std::vector<double> copy, push, hop;
};

// `threads` long-lived threads (each keeps its ring across rounds, as an
// actor's worker does), each recording n spans per kind per round.
figures run(int threads, int rounds, size_t n, ring_set& rings) {
  figures out;
  barrier sync(threads);
  std::vector<double> took(static_cast<size_t>(threads));
  auto ctx = start_trace();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      auto me = static_cast<size_t>(t);
      std::vector<span_record> sink(n);
      span_record r;
      r.trace = ctx.trace;
      r.parent = ctx.span;
      r.what = hop::risk_check;
      r.set_order_id("cwts-17300000000-000123");
      auto* ring = ring_of_this_thread(rings);
      for (int round = 0; round < rounds; ++round)
        for (auto kind : every_kind) {
          sync.wait();
          auto start = clock_type::now();
          for (size_t i = 0; i < n; ++i) {
            r.start_ns = static_cast<int64_t>(i);
            r.end_ns = static_cast<int64_t>(i) + 900;
            switch (kind) {
              case what::copy_baseline:
                sink[i] = r;
                break;
              case what::push:
                ring->push(r);
                break;
              case what::hop:
                record(ctx, hop::risk_check, "cwts-17300000000-000123", r.start_ns, r.end_ns);
                break;
            }
          }
          took[me] = std::chrono::duration<double, std::nano>(clock_type::now() - start).count();
          sync.wait();
          if (t == 0) {
            auto ns = *std::max_element(took.begin(), took.end()) / static_cast<double>(n);
            (kind == what::copy_baseline ? out.copy : kind == what::push ? out.push : out.hop)
              .push_back(ns);
            span_record drained;
            while (rings.pop(drained)) {
            }
          }
          sync.wait();
        }
    });
  for (auto& p : pool)
    p.join();
  return out;
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
  int exit_code = 0;
  for (int threads : {1, 2}) {
    ring_set rings(n); // each thread's ring holds a whole round
    install(&rings, 1.0);
    auto f = run(threads, rounds, n, rings);
    install(nullptr, 1.0);
    double c = median(f.copy), p = median(f.push), h = median(f.hop);
    std::printf("threads=%d  copy baseline %.1f ns  push %.1f ns (%.2fx)  hop (trace::record: span "
                "id + order id + push) %.1f ns (%.2fx)  dropped %llu  goal <= 25 ns: %s\n",
                threads, c, p, p / c, h, h / c, static_cast<unsigned long long>(rings.dropped()),
                h <= 25.0 ? "met" : "NOT met");
    if (h > 25.0)
      exit_code = 1;
  }
  return exit_code;
}
