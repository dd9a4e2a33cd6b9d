#include "common/metrics/latency_histogram.hpp"

namespace cwts::metrics {

int64_t bucket_lower_ns(std::size_t i) {
  if (i < static_cast<std::size_t>(sub_buckets))
    return static_cast<int64_t>(i);
  int e = static_cast<int>(i / sub_buckets) + 1;
  auto sub = static_cast<int64_t>(i % sub_buckets);
  return (sub_buckets + sub) << (e - sub_buckets_log2);
}

int64_t bucket_upper_ns(std::size_t i) {
  if (i + 1 >= bucket_count)
    return INT64_MAX;
  return bucket_lower_ns(i + 1);
}

uint64_t histogram_snapshot::count_below(int64_t ns) const {
  uint64_t n = 0;
  for (std::size_t i = 0; i < bucket_count && bucket_upper_ns(i) <= ns; ++i)
    n += counts[i];
  return n;
}

double histogram_snapshot::quantile_ns(double q) const {
  if (count == 0)
    return 0.0;
  q = q < 0 ? 0 : (q > 1 ? 1 : q);
  double rank = q * static_cast<double>(count);
  uint64_t seen = 0;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    if (counts[i] == 0)
      continue;
    if (static_cast<double>(seen + counts[i]) >= rank) {
      double lo = static_cast<double>(bucket_lower_ns(i));
      double hi = i + 1 >= bucket_count ? lo : static_cast<double>(bucket_upper_ns(i));
      double frac = (rank - static_cast<double>(seen)) / static_cast<double>(counts[i]);
      return lo + (hi - lo) * frac;
    }
    seen += counts[i];
  }
  return static_cast<double>(bucket_lower_ns(bucket_count - 1));
}

histogram_snapshot histogram_snapshot::since(const histogram_snapshot& earlier) const {
  histogram_snapshot d;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    d.counts[i] = counts[i] >= earlier.counts[i] ? counts[i] - earlier.counts[i] : 0;
    d.count += d.counts[i];
  }
  d.sum_ns = sum_ns - earlier.sum_ns;
  return d;
}

std::size_t latency_histogram::assign_shard() {
  static std::atomic<std::size_t> next{0};
  auto n = next.fetch_add(1, std::memory_order_relaxed);
  return n < owned_shards ? n : owned_shards;
}

histogram_snapshot latency_histogram::snapshot() const {
  histogram_snapshot out;
  for (auto& s : shards_) {
    for (std::size_t i = 0; i < bucket_count; ++i)
      out.counts[i] += s.counts[i].load(std::memory_order_relaxed);
    out.sum_ns += s.sum_ns.load(std::memory_order_relaxed);
  }
  for (auto c : out.counts)
    out.count += c;
  return out;
}

} // namespace cwts::metrics
