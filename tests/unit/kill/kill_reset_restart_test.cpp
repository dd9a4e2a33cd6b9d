#define CAF_SUITE kill_reset_restart
#include "caf/test/unit_test.hpp"

// docs/model.md finding M1 at the actor level: a coordinator halted by K
// applies K2 (same level, signed after reset R), is stopped and a new one
// starts on the same halt-state file, as after a crash (kill_start.cpp
// restores it). R then arrives: the node must vote no and stay halted.
// One node: its own vote is the quorum, so the gate opens exactly when the
// vote is yes (the quorum with other members: reset_after_restart_test).

#include <unistd.h>

#include <filesystem>

#include "caf/all.hpp"

#include "actors/kill/halt_state.hpp"
#include "actors/kill/kill_coordinator_actor.hpp"
#include "tests/unit/actor_test_system.hpp"
#include "tests/unit/kill/test_keys.hpp"

using namespace cwts;

namespace {

constexpr int64_t second = 1'000'000'000;

struct fixture : testing::actor_test_system {
  kill_test::test_keys keys;
  kill_gate gate;
  kill_gate fresh; // the restarted process's gate
  std::string dir;
  timestamp_ns now = wall_clock_now();

  fixture() {
    dir = (std::filesystem::temp_directory_path()
           / ("cwts-kill-reset-restart-" + std::to_string(::getpid())))
            .string();
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }

  ~fixture() {
    shutdown();
    std::filesystem::remove_all(dir);
  }

  caf::actor coordinator(kill_gate& g) {
    kill_coordinator_config c;
    c.core.self = node_id{"n1"};
    c.core.operators = keys.registry;
    c.gate = &g;
    c.report_deadline = std::chrono::seconds(3);
    c.reset_deadline = std::chrono::seconds(3);
    c.audit_path = dir + "/n1-audit.log";
    c.state_path = dir + "/n1-halt.state";
    c.cluster_size = 1;
    c.node_key = keys.node_key("n1");
    return spawn_kill_coordinator(*sys, c);
  }

  kill_command kill(const std::string& id, int64_t ago) {
    return keys.kill(id, kill_level::halt_new_orders, timestamp_ns{now.ns - ago * second});
  }

  kill_report issue(const caf::actor& k, const kill_command& cmd) {
    kill_report out;
    (*self)->request(k, std::chrono::seconds(10), cmd)
      .receive([&](kill_report& r) { out = std::move(r); },
               [](caf::error&) { CAF_FAIL("no kill report"); });
    return out;
  }

  reset_report reset(const caf::actor& k, const reset_command& cmd) {
    reset_report out;
    (*self)->request(k, std::chrono::seconds(10), cmd)
      .receive([&](reset_report& r) { out = std::move(r); },
               [](caf::error&) { CAF_FAIL("no reset report"); });
    return out;
  }

  void stop(const caf::actor& a) {
    (*self)->monitor(a);
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    (*self)->receive([](const caf::down_msg&) {});
  }

  // Halted by K, R signed for K, K2 applied when `later_kill`, a restart,
  // then R: the report of the restarted coordinator.
  reset_report run(bool later_kill) {
    auto k = coordinator(gate);
    CAF_REQUIRE(issue(k, kill("k-1", 3)).error.empty());
    auto r = keys.reset("r-1", timestamp_ns{now.ns - 2 * second});
    r.halt_cause = kill_id{"k-1"};
    sign(r, keys.alice);
    if (later_kill)
      CAF_REQUIRE(issue(k, kill("k-2", 1)).error.empty());
    CAF_REQUIRE(!gate.is_open());
    stop(k);
    auto again = coordinator(fresh);
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
