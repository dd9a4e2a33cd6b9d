#define CAF_SUITE risk_check_allocation
#include "tests/support/unit_test.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

#include "tests/unit/risk/risk_test_fixture.hpp"

// DESIGN.md: "The check itself is an allocation-free function." Every global
// allocation in this test binary is counted; the pass path must add none.
// GCC cannot see that this file's operator new and delete form a pair and
// warns about malloc/free behind them; they do match.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace {
std::atomic<long> allocations{0};
} // namespace

void* operator new(std::size_t n) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1))
    return p;
  throw std::bad_alloc();
}

void* operator new[](std::size_t n) {
  return operator new(n);
}

void operator delete(void* p) noexcept {
  std::free(p);
}

void operator delete[](void* p) noexcept {
  std::free(p);
}

void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}

using namespace cwts;
using namespace cwts::risk;
using namespace cwts::risk::testing;

CAF_TEST_FIXTURE_SCOPE(check_allocation_tests, risk_fixture)

CAF_TEST(passing_check_does_not_allocate) {
  // Every rule is exercised: a position, an open order using credit, the
  // strategy's throttle windows filling and sliding.
  fill("f1", side::buy, "1", "30000");
  send(limit_order("open-1", side::sell, "30000", "0.2"));
  auto limit = limit_order("a-very-long-client-order-id-000001", side::buy, "30000", "0.5");
  auto market = market_order("b", side::sell, "0.5");
  auto reducing = limit_order("c", side::sell, "30000", "0.5");
  long before = allocations.load();
  bool all_passed = true;
  for (int i = 0; i < 1000; ++i) {
    all_passed = all_passed && check(limit).passed;
    all_passed = all_passed && check(market).passed;
    all_passed = all_passed && check(reducing, trading_mode::reducing).passed;
    checker.on_cancel(strategy_id{"mm"}, now_ns);
  }
  long during = allocations.load() - before;
  CAF_CHECK(all_passed);
  CAF_CHECK_EQUAL(during, 0);
}

CAF_TEST(rejection_builds_its_detail) {
  auto big = limit_order("a", side::buy, "30000", "5");
  long before = allocations.load();
  auto r = check(big);
  long during = allocations.load() - before;
  CAF_CHECK(!r.passed);
  CAF_CHECK(during > 0);
  CAF_MESSAGE("rejection detail: " << r.detail);
}

CAF_TEST_FIXTURE_SCOPE_END()
