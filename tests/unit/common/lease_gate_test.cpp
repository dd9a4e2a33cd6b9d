// The trading-lease gate (common/lease_gate.hpp): configured roles only, a
// lease that closes on time, the fence that only rises, and no torn
// (epoch, end) pair under a concurrent writer.
#define CAF_SUITE common_lease_gate
#include "tests/support/unit_test.hpp"

#include <atomic>
#include <string>
#include <thread>

#include "common/lease_gate.hpp"

using namespace cwts;

CAF_TEST(a_role_not_configured_is_not_leased_and_admits_with_epoch_zero) {
  lease_gate g;
  CAF_CHECK(!g.leased("oms"));
  auto e = g.check("oms", 1'000);
  CAF_REQUIRE(e.has_value());
  CAF_CHECK_EQUAL(*e, 0);
  CAF_CHECK_EQUAL(g.fence("oms"), 0);
}

CAF_TEST(the_table_is_fixed_at_start_and_refuses_bad_names) {
  lease_gate g;
  CAF_CHECK(g.add_role("oms"));
  CAF_CHECK(!g.add_role("oms")); // twice
  CAF_CHECK(!g.add_role(""));
  CAF_CHECK(!g.add_role(std::string(lease_gate::max_role_name + 1, 'x')));
  for (size_t i = 1; i < lease_gate::max_roles; ++i)
    CAF_CHECK(g.add_role("connector.v" + std::to_string(i)));
  CAF_CHECK(!g.add_role("one.too.many"));
  CAF_CHECK_EQUAL(g.roles(), lease_gate::max_roles);
  // Writes to an unknown role change nothing and grow nothing.
  g.hold("one.too.many", 3, 1'000'000);
  g.granted("one.too.many", 3);
  CAF_CHECK(!g.leased("one.too.many"));
}

CAF_TEST(a_leased_role_is_closed_until_held_and_closes_at_the_end_on_its_own) {
  lease_gate g;
  CAF_REQUIRE(g.add_role("oms"));
  CAF_CHECK(!g.check("oms", 10).has_value()); // never held
  g.hold("oms", 4, 1'000);
  auto e = g.check("oms", 999);
  CAF_REQUIRE(e.has_value());
  CAF_CHECK_EQUAL(*e, 4);
  // No message needed: at the end the gate is closed.
  CAF_CHECK(!g.check("oms", 1'000).has_value());
  CAF_CHECK(!g.check("oms", 5'000).has_value());
  g.hold("oms", 4, 2'000); // renewed
  CAF_CHECK(g.check("oms", 1'500).has_value());
  g.drop("oms");
  CAF_CHECK(!g.check("oms", 1'500).has_value());
}

CAF_TEST(the_fence_only_rises) {
  lease_gate g;
  CAF_REQUIRE(g.add_role("oms"));
  g.granted("oms", 5);
  g.granted("oms", 3);
  CAF_CHECK_EQUAL(g.fence("oms"), 5);
  g.granted("oms", 6);
  CAF_CHECK_EQUAL(g.fence("oms"), 6);
}

// The writer alternates two states whose epoch and end belong together; a
// reader must never see one state's epoch with the other's end.
CAF_TEST(a_reader_never_pairs_one_writes_epoch_with_another_writes_end) {
  lease_gate g;
  CAF_REQUIRE(g.add_role("oms"));
  constexpr int64_t now = 1'000;
  g.hold("oms", 1, now + 1);
  // The reader reads until it has seen each state many times (so the two
  // threads really interleaved), bounded by a cap; the writer writes until
  // the reader is done. A gate read mid-write refuses (nullopt), which is
  // neither state's epoch-2-held: only a torn pair can produce that.
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int64_t i = 0; !done.load(std::memory_order_relaxed); ++i)
      g.hold("oms", i % 2 == 0 ? 2 : 1, i % 2 == 0 ? now - 1 : now + 1);
  });
  int64_t torn = 0, held = 0, closed = 0;
  constexpr int64_t cap = 50'000'000;
  int64_t reads = 0;
  for (; reads < cap && (held < 1000 || closed < 1000); ++reads) {
    // State 1 = (1, now+1): held with epoch 1. State 2 = (2, now-1): ended.
    auto e = g.check("oms", now);
    if (e && *e != 1)
      ++torn;
    (e ? held : closed) += 1;
  }
  done.store(true);
  writer.join();
  CAF_CHECK_EQUAL(torn, 0);
  CAF_CHECK(reads < cap); // both states were seen: the threads interleaved
}
