// The span ring (common/trace/span_ring.hpp): spans come out in the order
// one thread pushed them, none is lost or torn while four threads push at
// once, and a full ring drops the new span and counts it without waiting.
#define CAF_SUITE span_ring
#include "tests/support/unit_test.hpp"

#include <map>
#include <thread>
#include <vector>

#include "common/trace/span_ring.hpp"

using namespace cwts::trace;

namespace {

span_record numbered(uint64_t producer, uint64_t n) {
  span_record r;
  r.start_ns = static_cast<int64_t>(n);
  r.end_ns = static_cast<int64_t>(n) + 7;
  r.trace[0] = static_cast<uint8_t>(producer);
  r.set_order_id("p" + std::to_string(producer) + "-" + std::to_string(n));
  return r;
}

} // namespace

CAF_TEST(capacity_is_a_power_of_two_and_order_is_kept) {
  span_ring ring(100);
  CAF_CHECK_EQUAL(ring.capacity(), 128u);
  for (uint64_t i = 0; i < 100; ++i)
    CAF_REQUIRE(ring.push(numbered(1, i)));
  CAF_CHECK_EQUAL(ring.size(), 100u);
  span_record r;
  for (uint64_t i = 0; i < 100; ++i) {
    CAF_REQUIRE(ring.pop(r));
    CAF_CHECK_EQUAL(r.start_ns, static_cast<int64_t>(i));
    CAF_CHECK_EQUAL(r.order(), "p1-" + std::to_string(i));
  }
  CAF_CHECK(!ring.pop(r));
  CAF_CHECK_EQUAL(ring.dropped(), 0u);
}

CAF_TEST(a_full_ring_drops_and_counts_the_new_span_and_recovers) {
  span_ring ring(8);
  for (uint64_t i = 0; i < 8; ++i)
    CAF_REQUIRE(ring.push(numbered(1, i)));
  CAF_CHECK(!ring.push(numbered(1, 8)));
  CAF_CHECK(!ring.push(numbered(1, 9)));
  CAF_CHECK_EQUAL(ring.dropped(), 2u);
  span_record r;
  CAF_REQUIRE(ring.pop(r));
  CAF_CHECK_EQUAL(r.start_ns, 0);
  CAF_CHECK(ring.push(numbered(1, 10))); // room again
  for (int64_t want : {1, 2, 3, 4, 5, 6, 7, 10}) {
    CAF_REQUIRE(ring.pop(r));
    CAF_CHECK_EQUAL(r.start_ns, want);
  }
}

CAF_TEST(four_producers_and_one_consumer_lose_and_tear_nothing) {
  constexpr uint64_t per_producer = 50'000;
  span_ring ring(1024);
  std::vector<std::thread> producers;
  for (uint64_t p = 1; p <= 4; ++p)
    producers.emplace_back([&ring, p] {
      for (uint64_t i = 0; i < per_producer; ++i)
        while (!ring.push(numbered(p, i)))
          std::this_thread::yield(); // the test's own retry: a full ring is counted, not lost here
    });
  std::map<uint8_t, uint64_t> next; // per producer: the next number expected
  uint64_t popped = 0, torn = 0, out_of_order = 0;
  span_record r;
  while (popped < 4 * per_producer) {
    if (!ring.pop(r)) {
      std::this_thread::yield();
      continue;
    }
    ++popped;
    auto p = r.trace[0];
    auto n = static_cast<uint64_t>(r.start_ns);
    if (r.end_ns != r.start_ns + 7 || r.order() != "p" + std::to_string(p) + "-" + std::to_string(n))
      ++torn;
    if (n != next[p])
      ++out_of_order;
    next[p] = n + 1;
  }
  for (auto& t : producers)
    t.join();
  CAF_CHECK_EQUAL(torn, 0u);
  CAF_CHECK_EQUAL(out_of_order, 0u);
  CAF_CHECK_EQUAL(next.size(), 4u);
  for (auto& [p, n] : next)
    CAF_CHECK_EQUAL(n, per_producer);
  CAF_CHECK(!ring.pop(r));
}
