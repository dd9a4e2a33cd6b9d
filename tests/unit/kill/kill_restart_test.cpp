#define CAF_SUITE kill_restart
#include "caf/test/unit_test.hpp"

// Review 4 #8: the fan-out's I/O thread closes the gate and queues the kill
// for the coordinator; if the coordinator dies before handling it, its
// restart (the same config, as the node's supervisor restarts it) must take
// the kill over: halt state written, cause kept, audited.

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "caf/all.hpp"

#include "actors/kill/halt_state.hpp"
#include "actors/kill/kill_coordinator_state.hpp"
#include "tests/unit/actor_test_system.hpp"
#include "tests/unit/kill/test_keys.hpp"

using namespace cwts;

namespace {

struct fixture : testing::actor_test_system {
  kill_test::test_keys keys;
  kill_gate gate;
  std::string dir;

  fixture() {
    dir = (std::filesystem::temp_directory_path()
           / ("cwts-kill-restart-" + std::to_string(::getpid())))
            .string();
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  ~fixture() {
    shutdown();
    std::filesystem::remove_all(dir);
  }

  void stop(const caf::actor& a) {
    (*self)->monitor(a);
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    (*self)->receive([](const caf::down_msg&) {});
  }

  trading_state state_of(const caf::actor& kill) {
    trading_state out;
    (*self)->request(kill, std::chrono::seconds(5), gate_atom::value)
      .receive([&](trading_state& s) { out = s; }, [](caf::error&) { CAF_FAIL("no state"); });
    return out;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(kill_restart_tests, fixture)

CAF_TEST(a_restarted_coordinator_takes_over_a_kill_the_fanout_applied_for_its_predecessor) {
  kill_coordinator_config c;
  c.core.self = node_id{"n1"};
  c.core.operators = keys.registry;
  c.gate = &gate;
  c.audit_path = dir + "/n1-audit.log";
  c.state_path = dir + "/n1-halt.state";
  c.node_key = keys.node1;
  auto first = spawn_kill_coordinator(*sys, c);
  CAF_REQUIRE(state_of(first).mode == trading_mode::active);
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
  CAF_CHECK(!gate.is_open());
  std::string error;
  auto before = load_halt_state(c.state_path, error);
  CAF_REQUIRE(before);
  CAF_REQUIRE(!before->halted()); // nobody wrote the kill: the gap itself
  auto second = spawn_kill_coordinator(*sys, c);
  auto s = state_of(second);
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
