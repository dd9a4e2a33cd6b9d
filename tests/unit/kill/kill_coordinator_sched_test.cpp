// The kill coordinator under CAF's deterministic test coordinator (issue
// 26): one node, its OMS and venue connector as doubles, every message
// handled when the test says so (consume_messages) and no timer fired (the
// report deadline, heartbeats and the audit timer stay pending). What a
// threaded test can only sample, this one sees at a fixed point: the gate is
// closed while the kill's own message is handled, before any channel has
// been told.
#define CAF_SUITE kill_coordinator_sched
#include "tests/support/unit_test.hpp"

#include "caf/test/dsl.hpp"

#include <filesystem>
#include <optional>

#include "tests/unit/kill/kill_coordinator_fixture.hpp"

using namespace cwts;
using namespace cwts::kill_coordinator_testing;

namespace {

struct kill_sched_config : caf::actor_system_config {
  kill_sched_config() { register_message_types(*this); }
};

struct sched_fixture : test_coordinator_fixture<kill_sched_config> {
  kill_test::test_keys keys;
  kill_gate gate;
  std::shared_ptr<probe> seen = std::make_shared<probe>();
  std::string dir;
  caf::actor kill;
  caf::actor venue;
  caf::actor oms;

  sched_fixture() {
    dir = (std::filesystem::temp_directory_path()
           / ("cwts-kill-sched-" + std::to_string(::getpid())))
            .string();
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }

  ~sched_fixture() override {
    for (auto& a : {kill, venue, oms})
      if (a)
        caf::anon_send_exit(a, caf::exit_reason::kill);
    consume_messages();
    std::filesystem::remove_all(dir);
  }

  // Coordinator n1 of a one-node cluster wired to an OMS double (reconciled
  // or not: its reset precondition) and, with `with_venue`, a connector that
  // confirms at once (it answers no precondition query: a reset test leaves
  // it out, or its silence would count as a no).
  void start(bool oms_reconciled = true, bool with_venue = true) {
    kill_coordinator_config c;
    c.core.self = node_id{"n1"};
    c.core.operators = keys.registry;
    c.gate = &gate;
    c.audit_path = dir + "/n1-audit.log";
    c.state_path = dir + "/n1-halt.state";
    c.cluster_size = 1;
    c.node_key = keys.node_key("n1");
    kill = spawn_kill_coordinator(sys, c);
    venue = sys.spawn(fake_connector, std::vector<int64_t>{0}, &gate, seen);
    oms = sys.spawn(fake_oms, oms_reconciled);
    role_directory dir{{"oms", oms}};
    if (with_venue)
      dir.emplace(binance, venue);
    self->send(kill, wire_atom::value, dir);
    expect((wire_atom, role_directory), from(self).to(kill));
    consume_messages();
  }

  kill_command command(const std::string& id, kill_level level = kill_level::cancel_all) {
    return keys.kill(id, level);
  }

  // The answer the coordinator sent the test for its last request, if any.
  template <class T>
  std::optional<T> answer() {
    std::optional<T> out;
    self->receive([&](const T& x) { out = x; }, caf::after(std::chrono::seconds(0)) >> [] {});
    return out;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(kill_coordinator_sched_tests, sched_fixture)

CAF_TEST(a_kill_closes_the_gate_before_any_connector_is_told) {
  start();
  self->send(kill, command("k-1"));
  expect((kill_command), from(self).to(kill));
  // The kill's message is handled; no channel has run yet, the gate is shut.
  CAF_CHECK(!gate.is_open());
  CAF_CHECK_EQUAL(seen->cancel_all_calls.load(), 0);
  consume_messages();
  CAF_CHECK_EQUAL(seen->cancel_all_calls.load(), 1);
  CAF_CHECK(seen->gate_was_closed.load()); // the connector found it closed
  auto report = answer<kill_report>();
  CAF_REQUIRE(report);
  CAF_CHECK(report->complete);
  CAF_CHECK(report->error.empty());
}

CAF_TEST(a_duplicate_kill_id_runs_no_channel_again) {
  start();
  auto cmd = command("k-dup");
  self->send(kill, cmd);
  consume_messages();
  CAF_REQUIRE_EQUAL(seen->cancel_all_calls.load(), 1);
  answer<kill_report>();
  self->send(kill, cmd);
  expect((kill_command), from(self).to(kill));
  disallow((cancel_all_atom, kill_command), from(kill).to(venue));
  consume_messages();
  CAF_CHECK_EQUAL(seen->cancel_all_calls.load(), 1);
  CAF_CHECK(!gate.is_open());
}

CAF_TEST(a_reset_reopens_the_gate_only_with_a_quorum_of_yes_votes) {
  start(true, false);
  self->send(kill, command("k-2", kill_level::halt_new_orders));
  consume_messages();
  answer<kill_report>();
  CAF_REQUIRE(!gate.is_open());
  self->send(kill, keys.reset("r-1"));
  expect((reset_command), from(self).to(kill));
  consume_messages(); // the OMS's precondition, the vote, the quorum
  auto r = answer<reset_report>();
  CAF_REQUIRE(r);
  CAF_CHECK(r->resumed);
  CAF_CHECK_EQUAL(r->quorum, 1);
  CAF_CHECK(gate.is_open());
}

CAF_TEST(a_node_whose_oms_is_not_reconciled_votes_no_and_stays_halted) {
  start(false, false);
  self->send(kill, command("k-3", kill_level::halt_new_orders));
  consume_messages();
  answer<kill_report>();
  self->send(kill, keys.reset("r-2"));
  consume_messages();
  // Every node (the one) voted: the report comes now, not resumed. Required,
  // so that a report that never came cannot pass as "not resumed".
  auto r = answer<reset_report>();
  CAF_REQUIRE(r);
  CAF_CHECK(!r->resumed);
  CAF_CHECK(!gate.is_open());
}

CAF_TEST_FIXTURE_SCOPE_END()
