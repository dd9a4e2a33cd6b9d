#define CAF_SUITE reset_quorum
#include "tests/support/unit_test.hpp"

#include "actors/kill/reset_quorum.hpp"

#include <memory>

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
  p.breach = "connector: venue_lost";
  CAF_CHECK_EQUAL(decide_vote(id, me, p).reason,
                  "a kill trigger is still breached: connector: venue_lost");
  p.breach.clear();
  p.min_halt_ns = 5'000'000'000;
  p.halted_for_ns = 1'000'000'000;
  CAF_CHECK(!decide_vote(id, me, p).yes);
  p.halted_for_ns = 6'000'000'000;
  CAF_CHECK(decide_vote(id, me, p).yes);
  p.answered = false;
  CAF_CHECK(!decide_vote(id, me, p).yes);
}

CAF_TEST(each_node_votes_once_for_the_proposed_epoch) {
  reset_command cmd{kill_id{"r-1"}, operator_id{"alice"}, node_id{"n1"}, "ok", {}, {}};
  cmd.epoch = 4;
  reset_round round{cmd};
  auto vote = [](const std::string& node, bool yes, int64_t epoch) {
    return reset_vote{kill_id{"r-1"}, node_id{node}, yes, yes ? "" : "not reconciled", epoch, {}};
  };
  CAF_CHECK_EQUAL(round.record(vote("n1", true, 4)), "");
  CAF_CHECK_EQUAL(round.record(vote("n1", true, 4)), "node voted already");
  CAF_CHECK_EQUAL(round.record(vote("n2", true, 5)),
                  "vote for epoch 5, the proposal resumes at epoch 4");
  CAF_CHECK_EQUAL(round.record(vote("n2", false, 4)), "");
  CAF_CHECK_EQUAL(round.yes(), 1);
  CAF_CHECK_EQUAL(round.votes().size(), 2u);
}

CAF_TEST(a_node_votes_no_on_an_epoch_it_has_reached_and_its_vote_carries_the_epoch) {
  reset_preconditions p;
  p.own_epoch = 3;
  p.proposed_epoch = 3;
  auto v = decide_vote(kill_id{"r-1"}, node_id{"n1"}, p);
  CAF_CHECK(!v.yes);
  CAF_CHECK_EQUAL(v.reason, "stale epoch: this node is at epoch 3");
  CAF_CHECK_EQUAL(v.epoch, 3);
  p.proposed_epoch = 4;
  v = decide_vote(kill_id{"r-1"}, node_id{"n1"}, p);
  CAF_CHECK(v.yes);
  CAF_CHECK_EQUAL(v.epoch, 4);
}

// Issue 17 #8: a proposal at INT64_MAX made epoch()+1 overflow and every
// later vote stale.
CAF_TEST(an_absurd_epoch_is_voted_down_and_cannot_poison_later_resets) {
  reset_preconditions p;
  p.own_epoch = 3;
  p.proposed_epoch = INT64_MAX;
  auto v = decide_vote(kill_id{"r-max"}, node_id{"n1"}, p);
  CAF_CHECK(!v.yes);
  CAF_CHECK(v.reason.find("more than 1000000 above") != std::string::npos);
  p.proposed_epoch = 4;
  CAF_CHECK(decide_vote(kill_id{"r-next"}, node_id{"n1"}, p).yes);
}

// A reset ends the halt the operator saw: a node halted again afterwards,
// by another kill, votes no; a halt older than the signature is ended.
CAF_TEST(a_reset_does_not_end_a_halt_that_began_after_it_was_signed) {
  reset_preconditions p;
  p.own_epoch = 0;
  p.proposed_epoch = 1;
  p.halted = true;
  p.reset_halt_cause = kill_id{"k-seen"};
  p.reset_issued_at_ns = 1000;
  p.halt_cause = kill_id{"k-later"};
  p.halted_since_ns = 2000;
  auto v = decide_vote(kill_id{"r-1"}, node_id{"n1"}, p);
  CAF_CHECK(!v.yes);
  CAF_CHECK(v.reason.find("halted again (k-later)") != std::string::npos);
  p.halted_since_ns = 500; // another cause, but older than the reset: ended too
  CAF_CHECK(decide_vote(kill_id{"r-1"}, node_id{"n1"}, p).yes);
  p.halted_since_ns = 2000;
  p.halt_cause = kill_id{"k-seen"};
  CAF_CHECK(decide_vote(kill_id{"r-1"}, node_id{"n1"}, p).yes);
}

CAF_TEST(a_vote_counts_only_signed_by_the_key_listed_for_its_node) {
  auto n1 = ed25519_signer::generate();
  auto n2 = ed25519_signer::generate();
  std::vector<operator_key> keys{
    {operator_id{"node-n1"}, n1.public_key(), {operator_role::kill}, "n1"},
    {operator_id{"node-n2"}, n2.public_key(), {operator_role::kill}, "n2"},
  };
  operator_registry registry{std::move(keys), std::chrono::seconds(30)};
  reset_vote v{kill_id{"r-1"}, node_id{"n1"}, true, "", 1, {}};
  CAF_CHECK_EQUAL(verify_vote_signature(&registry, v), "vote from 'n1' is unsigned");
  sign(v, n1);
  CAF_CHECK_EQUAL(verify_vote_signature(&registry, v), "");
  auto altered = v;
  altered.epoch = 2; // the epoch is signed
  CAF_CHECK_EQUAL(verify_vote_signature(&registry, altered),
                  "vote from 'n1' not signed by the key listed for node n1");
  reset_vote forged{kill_id{"r-1"}, node_id{"n1"}, true, "", 1, {}};
  sign(forged, n2); // n2's key, n1's name
  CAF_CHECK_EQUAL(verify_vote_signature(&registry, forged),
                  "vote from 'n1' not signed by the key listed for node n1");
  reset_vote unknown{kill_id{"r-1"}, node_id{"n9"}, true, "", 1, {}};
  sign(unknown, n2);
  CAF_CHECK(!verify_vote_signature(&registry, unknown).empty());
  CAF_CHECK(!verify_vote_signature(nullptr, v).empty()); // no registry: fail-safe
}
