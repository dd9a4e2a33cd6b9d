#define CAF_SUITE reset_quorum
#include "caf/test/unit_test_impl.hpp"

#include "actors/kill/reset_quorum.hpp"

using namespace cwts;

CAF_TEST(quorum_is_2f_plus_1_at_3f_plus_1_and_never_one_node_of_several) {
  CAF_CHECK_EQUAL(reset_quorum(1), 1);
  CAF_CHECK_EQUAL(reset_quorum(2), 2);
  CAF_CHECK_EQUAL(reset_quorum(3), 2);
  CAF_CHECK_EQUAL(reset_quorum(4), 3); // f = 1
  CAF_CHECK_EQUAL(reset_quorum(7), 5); // f = 2
  CAF_CHECK_EQUAL(reset_quorum(10), 7); // f = 3
  for (int32_t n = 2; n <= 20; ++n)
    CAF_CHECK_GREATER(reset_quorum(n), 1);
}

CAF_TEST(a_node_votes_no_with_the_first_failing_precondition) {
  kill_id id{"r-1"};
  node_id me{"n1"};
  reset_preconditions p;
  p.oms_present = true;
  p.oms_reconciled = false;
  auto v = decide_vote(id, me, p);
  CAF_CHECK(!v.yes);
  CAF_CHECK_EQUAL(v.reason, "OMS not reconciled with the venue");
  p.oms_reconciled = true;
  p.risk_present = true;
  p.breach_active = true;
  CAF_CHECK_EQUAL(decide_vote(id, me, p).reason, "a loss or drawdown limit is still breached");
  p.breach_active = false;
  p.min_halt_ns = 5'000'000'000;
  p.halted_for_ns = 1'000'000'000;
  CAF_CHECK(!decide_vote(id, me, p).yes);
  p.halted_for_ns = 6'000'000'000;
  CAF_CHECK(decide_vote(id, me, p).yes);
  p.answered = false;
  CAF_CHECK(!decide_vote(id, me, p).yes);
}

CAF_TEST(each_node_votes_once) {
  reset_round round{reset_command{kill_id{"r-1"}, operator_id{"alice"}, node_id{"n1"}, "ok", {}, {}}};
  CAF_CHECK(round.record(reset_vote{kill_id{"r-1"}, node_id{"n1"}, true, ""}));
  CAF_CHECK(!round.record(reset_vote{kill_id{"r-1"}, node_id{"n1"}, true, ""}));
  CAF_CHECK(round.record(reset_vote{kill_id{"r-1"}, node_id{"n2"}, false, "not reconciled"}));
  CAF_CHECK_EQUAL(round.yes(), 1);
  CAF_CHECK_EQUAL(round.votes().size(), 2u);
}
