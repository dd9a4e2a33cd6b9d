// A kill the node triggers itself: risk's loss/drawdown guard with limits so
// small that the market maker's first loss from its high-water mark breaches
// them. Risk signs the level-2 node kill with the node's own key
// ([kill] node-key-file, listed as node-solo with role kill); the kill
// coordinator verifies it like an operator's, halts the node and audits it.
#define CAF_SUITE node_risk_kill
#include "tests/support/unit_test.hpp"

#include <string>

#include "tests/integration/node/kill_cli.hpp"
#include "tests/integration/node/single_node.hpp"
#include "tests/integration/node/stop_node.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

CAF_TEST(a_drawdown_breach_halts_the_node_with_a_kill_signed_by_its_node_key) {
  single_node n("node_risk_kill",
                {"--risk.loss-limit=\"0.00000001\"", "--risk.drawdown-limit=\"0.00000001\""});
  // HALTED in a status implies risk's count of the kill it asked for is
  // in it (the state is asked before the counters, node_var_kill_test).
  auto halted = n.wait_for([](const node_status_view& s) { return s.mode == "HALTED"; }, 60s);
  CAF_REQUIRE(halted.met);
  auto applied = n.node.wait_for_line(
    stream::err,
    [](const std::string& l) {
      return l.find("event=kill_applied") != std::string::npos
             && l.find("issuer=node-solo") != std::string::npos;
    },
    10s);
  CAF_CHECK(applied.has_value());
  CAF_CHECK_EQUAL(halted.last.counter("kill", "rejected").value_or(-1), 0);
  CAF_CHECK_GREATER_OR_EQUAL(halted.last.counter("risk", "kills_requested").value_or(0), 1);

  // While the drawdown holds under the current limits the node votes no.
  // The PnL moves with the market (a tick can bring it back to its
  // high-water mark for a moment), so the vote is asked for right after
  // risk reported the breach as holding, and a yes must then not have a
  // breach as its reason.
  auto holding = n.wait_for(
    [](const node_status_view& s) { return s.counter("risk", "breach_now.pnl").value_or(0) == 1; },
    20s);
  CAF_CHECK(holding.met);
  auto early = run_reset(n.paths, n.dir, n.cluster_port, {"--reason=itest too early"});
  CAF_MESSAGE(early.raw.out << early.raw.err);
  if (early.resumed != "1")
    CAF_CHECK(vote_of(early, "solo")["reason"].find("a kill trigger is still breached: risk: pnl")
              != std::string::npos);
  // A risk officer's signed limit change ends the breach; the reset passes.
  for (auto field : {"loss-limit", "drawdown-limit"}) {
    auto changed = run_command(
      "limit",
      {n.paths.cli_bin, "limit", "--node=127.0.0.1:" + std::to_string(n.cluster_port),
       "--target=solo", std::string("--field=") + field, "--value=1000000",
       "--reason=itest widen after review", "--operator=alice",
       "--key-file=" + n.paths.operator_key("alice")},
      n.dir, 20s);
    CAF_MESSAGE(changed.out << changed.err);
    CAF_CHECK_EQUAL(changed.exit_code, 0);
  }
  auto resumed = run_reset(n.paths, n.dir, n.cluster_port, {"--reason=itest limits reviewed"});
  CAF_MESSAGE(resumed.raw.out << resumed.raw.err);
  CAF_CHECK_EQUAL(resumed.resumed, "1");
  CWTS_STOP_NODE(n.node);
  auto audit = read_file(n.dir + "/run/solo-kill-audit.log");
  CAF_CHECK(audit.find("verdict=accepted") != std::string::npos);
  CAF_CHECK(audit.find("issuer=node-solo") != std::string::npos);
  CAF_CHECK_EQUAL(run_audit_verify(n.paths, n.dir, n.dir + "/run/solo-kill-audit.log").exit_code, 0);
}
