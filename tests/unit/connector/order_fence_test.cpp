// The connector's trading-lease check and epoch fence (order_fence.hpp),
// without actors: a lease_gate configured by hand stands in for the lease
// actor (add_role, hold, granted); time is passed in, nothing sleeps.
#define CAF_SUITE connector_order_fence
#include "tests/support/unit_test.hpp"

#include "actors/connector/order_fence.hpp"

using namespace cwts;
using namespace cwts::connector;

namespace {

constexpr int64_t ms = 1'000'000;
const std::string role = "connector.testex";

struct fence_fixture {
  lease_gate gate;
  int64_t now = 5'000 * ms;

  fence_fixture() {
    gate.add_role(role);
    gate.add_role("oms");
  }

  static order_request order(int64_t epoch) {
    order_request o;
    o.id = client_order_id{"o-" + std::to_string(epoch)};
    o.lease_epoch = epoch;
    return o;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(order_fence_tests, fence_fixture)

CAF_TEST(without_a_gate_every_order_passes_uncounted) {
  order_fence f{nullptr, role};
  CAF_CHECK(f.admit(order(0), now).admitted());
  CAF_CHECK(f.still_admits(order(0), now));
  CAF_CHECK_EQUAL(f.refused_no_lease() + f.refused_fenced(), 0);
}

CAF_TEST(roles_not_leased_here_pass_with_epoch_zero) {
  lease_gate none; // a single node: nothing configured
  order_fence f{&none, role};
  CAF_CHECK(f.admit(order(0), now).admitted());
  CAF_CHECK_EQUAL(f.highest_seen(), 0);
}

CAF_TEST(an_order_is_refused_while_the_connector_role_is_not_held) {
  order_fence f{&gate, role};
  auto v = f.admit(order(1), now);
  CAF_CHECK(v.outcome == fence_verdict::kind::no_trading_lease);
  CAF_CHECK(v.reason() == reject_reason::no_trading_lease);
  CAF_CHECK(v.first_of_stretch);
  CAF_CHECK_EQUAL(v.ended_ms_ago, -1);
  CAF_CHECK_EQUAL(f.refused_no_lease(), 1);
  // A second refusal of the same stretch is counted, not logged again.
  CAF_CHECK(!f.admit(order(1), now).first_of_stretch);
  CAF_CHECK_EQUAL(f.refused_no_lease(), 2);
  CAF_CHECK(f.describe(v).find("not granted, or given up") != std::string::npos);
}

CAF_TEST(an_order_is_refused_once_the_lease_end_has_passed) {
  order_fence f{&gate, role};
  gate.hold(role, 3, now + 100 * ms);
  CAF_CHECK(f.admit(order(0), now).admitted());
  // The end lies in the past at the moment of the send: closed on time,
  // with no message from the lease actor.
  auto v = f.admit(order(0), now + 350 * ms);
  CAF_CHECK(v.reason() == reject_reason::no_trading_lease);
  CAF_CHECK_EQUAL(v.held_epoch, 3);
  CAF_CHECK_EQUAL(v.ended_ms_ago, 250);
  CAF_CHECK_EQUAL(f.describe(v), "this node does not hold the trading lease of role "
                                 "'connector.testex': epoch 3 ended 250 ms ago");
  CAF_CHECK(!f.still_admits(order(0), now + 350 * ms));
}

CAF_TEST(an_order_older_than_the_granted_epoch_is_fenced) {
  order_fence f{&gate, role};
  gate.hold(role, 1, now + 1000 * ms);
  gate.granted("oms", 5);
  auto v = f.admit(order(4), now);
  CAF_CHECK(v.outcome == fence_verdict::kind::fenced_epoch);
  CAF_CHECK(v.reason() == reject_reason::fenced_epoch);
  CAF_CHECK_EQUAL(v.bar, 5);
  CAF_CHECK_EQUAL(f.refused_fenced(), 1);
  CAF_CHECK_EQUAL(f.refused_no_lease(), 0);
  auto why = f.describe(v);
  CAF_CHECK(why.find("epoch 4") != std::string::npos);
  CAF_CHECK(why.find("epoch 5") != std::string::npos);
  CAF_CHECK(f.admit(order(5), now).admitted());
}

CAF_TEST(an_epoch_zero_order_is_fenced_where_the_oms_role_is_leased) {
  order_fence f{&gate, role};
  gate.hold(role, 1, now + 1000 * ms);
  gate.granted("oms", 1);
  CAF_CHECK(f.admit(order(0), now).reason() == reject_reason::fenced_epoch);
}

CAF_TEST(a_newer_epoch_is_admitted_and_raises_the_bar) {
  order_fence f{&gate, role};
  gate.hold(role, 1, now + 1000 * ms);
  gate.granted("oms", 2);
  CAF_CHECK(f.admit(order(2), now).admitted());
  // This node's grantor did not grant 7 (another majority did): the order
  // of the newer holder still raises the bar here.
  CAF_CHECK(f.admit(order(7), now).admitted());
  CAF_CHECK_EQUAL(f.highest_seen(), 7);
  auto v = f.admit(order(2), now);
  CAF_CHECK(v.reason() == reject_reason::fenced_epoch);
  CAF_CHECK_EQUAL(v.bar, 7);
  CAF_CHECK_EQUAL(v.fence, 2);
  CAF_CHECK_EQUAL(v.seen, 7);
  CAF_CHECK(v.first_of_stretch);
  // An order admitted, then waiting inside the adapter, is refused when a
  // newer epoch came meanwhile.
  CAF_CHECK(!f.still_admits(order(2), now));
  CAF_CHECK(f.still_admits(order(7), now));
  // A refused order never lowers the bar.
  CAF_CHECK_EQUAL(f.highest_seen(), 7);
}

// Why an order that waited was refused after all: the verdict again,
// uncounted, with the reason the reject carries (not the kill gate's).
CAF_TEST(a_recheck_names_the_late_refusal_without_counting_it) {
  order_fence f{&gate, role};
  gate.hold(role, 3, now + 100 * ms);
  gate.granted("oms", 2);
  CAF_CHECK(f.admit(order(3), now).admitted());
  CAF_CHECK(f.recheck(order(3), now).admitted());
  auto lapsed = f.recheck(order(3), now + 400 * ms);
  CAF_CHECK(lapsed.reason() == reject_reason::no_trading_lease);
  CAF_CHECK_EQUAL(f.describe(lapsed), "this node does not hold the trading lease of role "
                                      "'connector.testex': epoch 3 ended 300 ms ago");
  gate.hold(role, 4, now + 1000 * ms);
  auto fenced = f.recheck(order(2), now);
  CAF_CHECK(fenced.reason() == reject_reason::fenced_epoch);
  CAF_CHECK_EQUAL(fenced.bar, 3);
  CAF_CHECK_EQUAL(f.refused_no_lease() + f.refused_fenced(), 0);
}

CAF_TEST_FIXTURE_SCOPE_END()
