#define CAF_SUITE metrics_histogram
#include "tests/support/unit_test.hpp"

#include <thread>
#include <vector>

#include "common/metrics/latency_histogram.hpp"
#include "common/metrics/latency_registry.hpp"

using namespace cwts::metrics;

CAF_TEST(bucket_bounds_are_contiguous_and_contain_their_values) {
  for (std::size_t i = 0; i + 1 < bucket_count; ++i) {
    CAF_REQUIRE_EQUAL(bucket_upper_ns(i), bucket_lower_ns(i + 1));
    CAF_REQUIRE_LESS(bucket_lower_ns(i), bucket_upper_ns(i));
    CAF_REQUIRE_EQUAL(bucket_of(bucket_lower_ns(i)), i);
    CAF_REQUIRE_EQUAL(bucket_of(bucket_upper_ns(i) - 1), i);
  }
  CAF_CHECK_EQUAL(bucket_of(-5), 0u);
  CAF_CHECK_EQUAL(bucket_of(INT64_MAX), bucket_count - 1);
}

CAF_TEST(every_power_of_two_is_a_bucket_boundary) {
  // Exposition uses 2^k ns as Prometheus `le` bounds: counts below them are exact.
  for (int k = 2; k <= 40; ++k) {
    int64_t b = int64_t{1} << k;
    CAF_CHECK_EQUAL(bucket_lower_ns(bucket_of(b)), b);
  }
}

CAF_TEST(relative_bucket_width_stays_under_a_quarter) {
  for (std::size_t i = 4; i + 1 < bucket_count; ++i) {
    double lo = static_cast<double>(bucket_lower_ns(i));
    double width = static_cast<double>(bucket_upper_ns(i) - bucket_lower_ns(i));
    CAF_REQUIRE_LESS_OR_EQUAL(width / lo, 0.25);
  }
}

CAF_TEST(snapshot_merges_the_shards_of_every_thread) {
  latency_histogram h;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&h, t] {
      for (int i = 0; i < 10000; ++i)
        h.record(1000 * (t + 1)); // 1 us .. 8 us
    });
  for (auto& t : threads)
    t.join();
  auto s = h.snapshot();
  CAF_CHECK_EQUAL(s.count, 80000u);
  CAF_CHECK_EQUAL(s.sum_ns, int64_t{10000} * 1000 * (1 + 2 + 3 + 4 + 5 + 6 + 7 + 8));
  // 1000 and 2000 ns lie below 2048 ns; the other six values above it.
  CAF_CHECK_EQUAL(s.count_below(2048), 20000u);
  CAF_CHECK_EQUAL(s.count_below(int64_t{1} << 14), 80000u);
}

CAF_TEST(quantiles_fall_in_the_bucket_of_the_true_value) {
  latency_histogram h;
  for (int i = 1; i <= 1000; ++i)
    h.record(i * 1000); // 1 us .. 1 ms, uniform
  auto s = h.snapshot();
  auto p50 = s.quantile_ns(0.5);
  auto p99 = s.quantile_ns(0.99);
  CAF_MESSAGE("p50=" << p50 << " p99=" << p99);
  CAF_CHECK_GREATER_OR_EQUAL(p50, 500'000 * 0.8);
  CAF_CHECK_LESS_OR_EQUAL(p50, 500'000 * 1.25);
  CAF_CHECK_GREATER_OR_EQUAL(p99, 990'000 * 0.8);
  CAF_CHECK_LESS_OR_EQUAL(p99, 990'000 * 1.25);
  CAF_CHECK_EQUAL(histogram_snapshot{}.quantile_ns(0.99), 0.0);
}

CAF_TEST(since_gives_what_a_window_recorded) {
  latency_histogram h;
  h.record(100);
  auto before = h.snapshot();
  h.record(5000);
  h.record(5000);
  auto d = h.snapshot().since(before);
  CAF_CHECK_EQUAL(d.count, 2u);
  CAF_CHECK_EQUAL(d.sum_ns, 10000);
  CAF_CHECK_EQUAL(d.count_below(4096), 0u);
}

CAF_TEST(registry_returns_one_histogram_per_family_and_labels) {
  auto& r = latency_registry::global();
  auto& a = r.get("test_family_seconds", "help", {{"actor", "a"}});
  auto& b = r.get("test_family_seconds", "help", {{"actor", "b"}});
  auto& a2 = r.get("test_family_seconds", "help", {{"actor", "a"}});
  CAF_CHECK(&a == &a2);
  CAF_CHECK(&a != &b);
  a.record(10);
  int found = 0;
  for (auto& e : r.entries())
    if (e.family == "test_family_seconds" && e.labels.at("actor") == "a") {
      ++found;
      CAF_CHECK_EQUAL(e.histogram->snapshot().count, 1u);
    }
  CAF_CHECK_EQUAL(found, 1);
}
