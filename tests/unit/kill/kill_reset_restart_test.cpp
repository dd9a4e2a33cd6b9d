#define CAF_SUITE kill_reset_restart
#include "tests/support/unit_test.hpp"

// docs/model.md finding M1 at the actor level: a coordinator halted by K
// applies K2 (same level, signed after reset R), is stopped and a new one
// starts on the same halt-state file, as after a crash (kill_start.cpp
// restores it). R then arrives: the node must vote no and stay halted.
// One node: its own vote is the quorum, so the gate opens exactly when the
// vote is yes (the quorum with other members: reset_after_restart_test).

#include "tests/unit/kill/kill_coordinator_fixture.hpp"

using namespace cwts;

namespace {

constexpr int64_t second = 1'000'000'000;

// The coordinator fixture's folder, keys and helpers; one node, its gate
// and the restarted process's gate.
struct fixture : kill_coordinator_testing::fixture {
  kill_gate& gate = gate1;
  kill_gate& fresh = gate2;
  timestamp_ns now = wall_clock_now();

  kill_command kill(const std::string& id, int64_t ago) {
    return keys.kill(id, kill_level::halt_new_orders, timestamp_ns{now.ns - ago * second});
  }

  // Halted by K, R signed for K, K2 applied when `later_kill`, a restart,
  // then R: the report of the restarted coordinator.
  reset_report run(bool later_kill) {
    auto k = coordinator("n1", gate);
    CAF_REQUIRE(issue(k, kill("k-1", 3)).error.empty());
    auto r = keys.reset("r-1", timestamp_ns{now.ns - 2 * second});
    r.halt_cause = kill_id{"k-1"};
    sign(r, keys.alice);
    if (later_kill)
      CAF_REQUIRE(issue(k, kill("k-2", 1)).error.empty());
    CAF_REQUIRE(!gate.is_open());
    stop(k);
    auto again = coordinator("n1", fresh);
    auto out = reset(again, r);
    stop(again);
    return out;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(kill_reset_restart_tests, fixture)

CAF_TEST(a_restarted_node_votes_down_a_reset_signed_before_a_kill_it_applied) {
  auto r = run(true);
  CAF_CHECK(!r.resumed);
  CAF_REQUIRE_EQUAL(r.votes.size(), 1u);
  CAF_CHECK(!r.votes[0].yes);
  CAF_CHECK_EQUAL(r.votes[0].reason,
                  "kill k-2 was applied here after the reset was signed for k-1");
  CAF_CHECK(!fresh.is_open());
  std::string error;
  auto saved = load_halt_state(dir + "/n1-halt.state", error);
  CAF_REQUIRE(saved);
  CAF_CHECK(saved->halted());
  CAF_CHECK_EQUAL(saved->last_kill.value, "k-2");
  CAF_CHECK_EQUAL(saved->epoch, 0);
}

CAF_TEST(without_the_later_kill_the_restarted_node_resumes) {
  auto r = run(false);
  CAF_CHECK(r.resumed);
  CAF_REQUIRE_EQUAL(r.votes.size(), 1u);
  CAF_CHECK(r.votes[0].yes);
  CAF_CHECK(fresh.is_open());
}

CAF_TEST_FIXTURE_SCOPE_END()
