#pragma once
// A latency histogram cheap enough for the hot path (docs/monitoring.md
// "Hot-path latency"): record() is two relaxed atomic adds into a shard
// owned (mostly) by the calling thread, no lock, no allocation. Buckets are
// log-linear over nanoseconds: exact below 4 ns, then 4 buckets per power of
// two (relative error under 25 %), up to 2^41 ns (~37 min); larger values
// land in the last bucket. A scrape merges the shards into one snapshot;
// exposition turns it into a Prometheus histogram (_bucket, _sum, _count)
// without ever calling prometheus::Histogram on the hot path.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace cwts::metrics {

inline constexpr int sub_buckets_log2 = 2; // 4 buckets per power of two
inline constexpr int sub_buckets = 1 << sub_buckets_log2;
inline constexpr int max_exponent = 40;   // values >= 2^41 ns share the last bucket
inline constexpr std::size_t bucket_count = static_cast<std::size_t>((max_exponent) * sub_buckets);
// Shards per histogram: each of the first `owned_shards` threads that record
// (process-wide) owns one and writes it with plain relaxed load + store (no
// locked instruction); any later thread shares the last shard with atomic
// adds. A node records from its few CAF worker threads, so all own one.
inline constexpr std::size_t owned_shards = 16;
inline constexpr std::size_t shard_count = owned_shards + 1;

// The bucket a value (ns, negatives count as 0) falls into.
inline std::size_t bucket_of(int64_t ns) {
  if (ns < sub_buckets)
    return ns < 0 ? 0 : static_cast<std::size_t>(ns);
  auto v = static_cast<uint64_t>(ns);
  int e = 63 - __builtin_clzll(v); // >= sub_buckets_log2
  if (e > max_exponent)
    return bucket_count - 1;
  auto sub = static_cast<std::size_t>((v >> (e - sub_buckets_log2)) & (sub_buckets - 1));
  return static_cast<std::size_t>(e - 1) * sub_buckets + sub;
}

// [lower, upper) of bucket `i` in ns.
int64_t bucket_lower_ns(std::size_t i);
int64_t bucket_upper_ns(std::size_t i);

// A merged view: counts per bucket, their total and the sum of the values.
struct histogram_snapshot {
  std::array<uint64_t, bucket_count> counts{};
  uint64_t count = 0;
  int64_t sum_ns = 0;

  // Values below `ns` (exact when `ns` is a bucket boundary, e.g. 2^k).
  uint64_t count_below(int64_t ns) const;
  // The q-quantile (0..1) in ns, interpolated inside its bucket; 0 when empty.
  double quantile_ns(double q) const;
  // What `later` recorded that this snapshot had not (for windows).
  histogram_snapshot since(const histogram_snapshot& earlier) const;
};

class latency_histogram {
public:
  latency_histogram() = default;
  latency_histogram(const latency_histogram&) = delete;
  latency_histogram& operator=(const latency_histogram&) = delete;

  void record(int64_t ns) {
    std::size_t i = thread_shard;
    if (i == unassigned)
      i = thread_shard = assign_shard();
    auto& s = shards_[i];
    auto& c = s.counts[bucket_of(ns)];
    int64_t add = ns < 0 ? 0 : ns;
    if (i < owned_shards) { // this thread is the only writer
      c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
      s.sum_ns.store(s.sum_ns.load(std::memory_order_relaxed) + add, std::memory_order_relaxed);
    } else {
      c.fetch_add(1, std::memory_order_relaxed);
      s.sum_ns.fetch_add(add, std::memory_order_relaxed);
    }
  }

  // Sums every shard (relaxed loads: a scrape racing a record may see the
  // count before the sum or the reverse, never a torn value).
  histogram_snapshot snapshot() const;

private:
  struct alignas(64) shard {
    std::array<std::atomic<uint64_t>, bucket_count> counts{};
    std::atomic<int64_t> sum_ns{0};
  };
  static constexpr std::size_t unassigned = ~std::size_t{0};
  // Constant-initialized, so reading it costs no guard check.
  static inline thread_local std::size_t thread_shard = unassigned;
  static std::size_t assign_shard();
  std::array<shard, shard_count> shards_{};
};

} // namespace cwts::metrics
