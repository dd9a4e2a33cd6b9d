// Durable halt and reset on one node (n = 1, quorum 1): a level-2 kill is
// written to the node's halt state before it is acknowledged; the node is
// stopped and started again on the same folder and comes back HALTED without
// any new kill, sending nothing. A reset signed by bob (no role reset) is
// refused; alice's reset gets the node's own yes vote (OMS reconciled, no
// breach) and trading resumes. The audit chain covers both runs.
#define CAF_SUITE node_kill_restart
#include "tests/support/unit_test.hpp"

#include <memory>
#include <string>

#include "tests/integration/node/kill_cli.hpp"
#include "tests/integration/node/order_flow_stopped.hpp"
#include "tests/integration/node/single_node.hpp"
#include "tests/integration/node/stop_node.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

CAF_TEST(a_restarted_node_comes_back_halted_and_resumes_only_by_a_signed_reset) {
  single_node n("node_kill_restart");
  auto filled = n.wait_for(
    [](const node_status_view& s) { return s.counter_or_zero("oms", "status.FILLED") >= 1; }, 45s);
  CAF_REQUIRE(filled.met);

  auto kill = n.kill({"--level=2", "--reason=itest durable halt"});
  CAF_MESSAGE("kill: rc=" << kill.raw.exit_code << "\n" << kill.raw.out << kill.raw.err);
  CAF_REQUIRE_EQUAL(kill.raw.exit_code, 0);
  auto state_file = read_file(n.dir + "/run/solo-halt.state");
  CAF_CHECK(state_file.find("level=2") != std::string::npos);
  CWTS_STOP_NODE(n.node);

  // The same node, same folder, a fresh process: halted before anything runs.
  auto port = free_port();
  CAF_REQUIRE(port != 0);
  child_process again("node2", node_argv(n.paths, "node.ini", n.venue.port(), port), n.dir, n.dir);
  CAF_REQUIRE(again.started());
  auto halted_line = again.wait_for_line(
    stream::err,
    [](const std::string& l) { return l.find("event=node_starts_halted") != std::string::npos; },
    20s);
  CAF_CHECK(halted_line.has_value());
  auto up = wait_for_status(
    n.paths, n.dir, port,
    [](const node_status_view& s) { return s.counter("oms", "reconcile.phase_running") == 1; },
    30s);
  if (!up.met)
    CAF_MESSAGE("last status:\n" << up.last.text << tail(again.err()));
  CAF_REQUIRE(up.met);
  CAF_CHECK_EQUAL(up.last.mode, "HALTED");
  expect_no_orders_sent(n.paths, n.dir, port, 2s);

  // bob holds no reset role: refused, still halted.
  auto refused = run_reset(n.paths, n.dir, port,
                           {"--reason=bob tries", "--operator=bob",
                            "--key-file=" + n.paths.operator_key("bob")});
  CAF_MESSAGE("bob's reset: rc=" << refused.raw.exit_code << "\n" << refused.raw.out);
  CAF_CHECK_EQUAL(refused.raw.exit_code, 4);
  CAF_CHECK(refused.raw.out.find("lacks role 'reset'") != std::string::npos);
  CAF_CHECK_EQUAL(query_status(n.paths, n.dir, port).mode, "HALTED");

  // alice's reset: one node, quorum 1, its own yes vote.
  auto reset = run_reset(n.paths, n.dir, port, {"--reason=itest venue checked"});
  CAF_MESSAGE("alice's reset: rc=" << reset.raw.exit_code << "\n" << reset.raw.out << reset.raw.err);
  CAF_CHECK_EQUAL(reset.raw.exit_code, 0);
  CAF_CHECK_EQUAL(reset.resumed, "1");
  CAF_CHECK_EQUAL(reset.head["quorum"], "1");
  CAF_CHECK_EQUAL(vote_of(reset, "solo")["yes"], "1");
  auto active = wait_for_status(
    n.paths, n.dir, port, [](const node_status_view& s) { return s.mode == "ACTIVE"; }, 10s);
  CAF_CHECK(active.met);
  auto resumed_state = read_file(n.dir + "/run/solo-halt.state");
  CAF_CHECK(resumed_state.find("level=0") != std::string::npos);
  CAF_CHECK(resumed_state.find("epoch=1") != std::string::npos);
  CWTS_STOP_NODE(again);

  auto verified = run_audit_verify(n.paths, n.dir, n.dir + "/run/solo-kill-audit.log");
  CAF_MESSAGE("audit-verify: " << verified.out);
  CAF_CHECK_EQUAL(verified.exit_code, 0);
}
