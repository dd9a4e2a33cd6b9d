// One span ring per recording thread (common/trace/ring_set.hpp): threads
// never share a ring, the exporter's pop takes from every ring, a thread
// past the bound records nothing and is counted, and a thread's cached
// ring belongs to one set only.
#define CAF_SUITE ring_set
#include "tests/support/unit_test.hpp"

#include <set>
#include <thread>
#include <vector>

#include "common/trace/ring_set.hpp"

using namespace cwts::trace;

namespace {

span_record numbered(uint8_t thread, int64_t n) {
  span_record r;
  r.trace[0] = thread;
  r.start_ns = n;
  return r;
}

} // namespace

CAF_TEST(each_thread_pushes_into_its_own_ring_and_pop_takes_from_all) {
  ring_set rings(1024);
  auto* mine = ring_of_this_thread(rings);
  CAF_REQUIRE(mine != nullptr);
  CAF_CHECK(ring_of_this_thread(rings) == mine); // cached
  std::vector<span_ring*> theirs(3);
  std::vector<std::thread> threads;
  for (uint8_t t = 0; t < 3; ++t)
    threads.emplace_back([&, t] {
      theirs[t] = ring_of_this_thread(rings);
      for (int64_t i = 0; i < 500; ++i)
        theirs[t]->push(numbered(t + 1, i));
    });
  for (auto& th : threads)
    th.join();
  std::set<span_ring*> distinct(theirs.begin(), theirs.end());
  distinct.insert(mine);
  CAF_CHECK_EQUAL(distinct.size(), 4u);
  CAF_CHECK_EQUAL(rings.rings(), 4u);
  span_record r;
  std::vector<int64_t> next(4, 0);
  size_t popped = 0;
  while (rings.pop(r)) {
    ++popped;
    CAF_CHECK_EQUAL(r.start_ns, next[r.trace[0]]++); // each thread's order kept
  }
  CAF_CHECK_EQUAL(popped, 1500u);
  CAF_CHECK_EQUAL(rings.dropped(), 0u);
}

CAF_TEST(threads_past_the_bound_are_counted_and_full_rings_too) {
  ring_set rings(2, 1);
  auto* mine = ring_of_this_thread(rings);
  CAF_REQUIRE(mine != nullptr);
  CAF_CHECK(mine->push(numbered(0, 1)));
  CAF_CHECK(mine->push(numbered(0, 2)));
  CAF_CHECK(!mine->push(numbered(0, 3))); // full
  span_ring* other = mine;
  std::thread([&] { other = ring_of_this_thread(rings); }).join();
  CAF_CHECK(other == nullptr); // the bound: one thread
  CAF_CHECK_EQUAL(rings.dropped(), 2u); // one full push, one thread without a ring
}

CAF_TEST(a_cached_ring_belongs_to_one_set) {
  span_ring* first = nullptr;
  {
    ring_set a(8);
    first = ring_of_this_thread(a);
    CAF_CHECK(first != nullptr);
  }
  ring_set b(8);
  auto* second = ring_of_this_thread(b);
  CAF_REQUIRE(second != nullptr);
  CAF_CHECK(second->push(numbered(0, 1)));
  span_record r;
  CAF_CHECK(b.pop(r)); // pushed into b's ring, not a's freed one
}
