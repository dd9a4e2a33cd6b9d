#define CAF_SUITE kill_restart
#include "tests/support/unit_test.hpp"

// Review 4 #8: the fan-out's I/O thread closes the gate and queues the kill
// for the coordinator; if the coordinator dies before handling it, its
// restart (the same config, as the node's supervisor restarts it) must take
// the kill over: halt state written, cause kept, audited.

#include <fstream>
#include <sstream>

#include "actors/kill/kill_coordinator_state.hpp"
#include "tests/unit/kill/kill_coordinator_fixture.hpp"

using namespace cwts;
// The coordinator tests' fixture: keys, gates, a temporary folder, stop and
// gate_of. This case builds its own config: it needs the carried core.
using cwts::kill_coordinator_testing::fixture;

CAF_TEST_FIXTURE_SCOPE(kill_restart_tests, fixture)

CAF_TEST(a_restarted_coordinator_takes_over_a_kill_the_fanout_applied_for_its_predecessor) {
  kill_coordinator_config c;
  c.core.self = node_id{"n1"};
  c.core.operators = keys.registry;
  c.gate = &gate1;
  c.audit_path = dir + "/n1-audit.log";
  c.state_path = dir + "/n1-halt.state";
  c.node_key = keys.node1;
  auto first = spawn_kill_coordinator(*sys, c);
  CAF_REQUIRE(gate_of(first).mode == trading_mode::active);
  // What the fan-out's I/O thread does: verify and close the gate through
  // the core, queue the rest for the actor. The actor dies before its turn.
  auto k = keys.kill("fan-1");
  CAF_REQUIRE(c.carried && c.carried->core && c.carried->inbox);
  auto d = c.carried->core->on_command(k, wall_clock_now(), kill_path::fanout);
  CAF_REQUIRE(d.verdict == kill_verdict::applied);
  {
    std::lock_guard<std::mutex> g(c.carried->inbox->mtx);
    c.carried->inbox->items.emplace_back(k, d);
  }
  stop(first);
  CAF_CHECK(!gate1.is_open());
  std::string error;
  auto before = load_halt_state(c.state_path, error);
  CAF_REQUIRE(before);
  CAF_REQUIRE(!before->halted()); // nobody wrote the kill: the gap itself
  auto second = spawn_kill_coordinator(*sys, c);
  auto s = gate_of(second);
  CAF_CHECK(s.mode == trading_mode::halted);
  CAF_CHECK_EQUAL(s.cause.value, "fan-1");
  auto after = load_halt_state(c.state_path, error);
  CAF_REQUIRE(after);
  CAF_CHECK(after->halted());
  CAF_CHECK_EQUAL(after->cause.value, "fan-1");
  std::ifstream audit(c.audit_path);
  std::stringstream text;
  text << audit.rdbuf();
  CAF_CHECK(text.str().find("fan-1") != std::string::npos);
  // A replay of the same kill is still a duplicate for the restarted one.
  CAF_CHECK(c.carried->core->on_command(k, wall_clock_now(), kill_path::caf).verdict
            == kill_verdict::duplicate);
  stop(second);
}

CAF_TEST_FIXTURE_SCOPE_END()
