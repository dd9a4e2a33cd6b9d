// The fail-safe of DESIGN.md "Kill switch": a node cut off from the quorum
// halts itself, durably. Gateway node gw1 and trading node tr1 (n = 2, quorum
// 2) heartbeat each other; tr1 is killed with SIGKILL (no goodbye), so gw1
// sees 1 of 2 nodes and, quorum-timeout later, closes its gate with cause
// quorum-lost, written to its halt state and audited. gw1 holds the venue
// connection, so it halts at level 2 and cancels its orders at the venue
// through a kill signed with its own key for itself (issue 17 #12: a level-1
// halt left them resting in a 2/2 split). gw1, stopped and started again on
// the same folder, comes back halted.
#define CAF_SUITE node_quorum_failsafe
#include "tests/support/unit_test.hpp"

#include <signal.h>

#include <sstream>
#include <string>

#include "tests/integration/node/kill_cli.hpp"
#include "tests/integration/node/stop_node.hpp"
#include "tests/integration/node/two_node_cluster.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {

const std::vector<std::string> failsafe_args = {"--kill.heartbeat-interval-ms=100",
                                                "--kill.quorum-timeout-ms=3000"};

bool sees_its_peer(const node_status_view& s) {
  return s.mode == "ACTIVE" && s.counter("kill", "peers_seen") == 1;
}

} // namespace

CAF_TEST(a_node_that_loses_its_peer_halts_itself_and_comes_back_halted) {
  two_node_cluster c("node_quorum_failsafe", failsafe_args, failsafe_args);
  CAF_REQUIRE_EQUAL(c.paths.missing(), "");
  CAF_MESSAGE("logs in " << c.dir);
  CAF_REQUIRE(c.venue.port() != 0);
  CAF_REQUIRE(c.gateway.started());
  CAF_REQUIRE(c.trading.started());

  // Both nodes hear each other: the quorum of two is held, both trade.
  for (auto port : {c.gw_port, c.tr_port}) {
    auto held = wait_for_status(c.paths, c.dir, port, sees_its_peer, 40s);
    if (!held.met)
      CAF_MESSAGE("last status:\n" << held.last.text << c.logs());
    CAF_REQUIRE(held.met);
    CAF_CHECK_EQUAL(held.last.counter("kill", "quorum").value_or(-1), 2);
    CAF_CHECK_EQUAL(held.last.counter("kill", "quorum_lost_halts").value_or(-1), 0);
  }

  // tr1 dies without a word.
  CAF_REQUIRE_EQUAL(::kill(c.trading.pid(), SIGKILL), 0);
  auto rc = c.trading.wait_exit(10s);
  CAF_REQUIRE(rc.has_value());
  CAF_CHECK_EQUAL(*rc, -SIGKILL);

  auto halted = wait_for_status(
    c.paths, c.dir, c.gw_port, [](const node_status_view& s) { return s.mode == "HALTED"; }, 40s);
  if (!halted.met)
    CAF_MESSAGE("last gw1 status:\n" << halted.last.text << c.logs());
  CAF_REQUIRE(halted.met);
  CAF_CHECK_EQUAL(halted.last.counter("kill", "gate_level").value_or(-1), 2);
  CAF_CHECK_EQUAL(halted.last.counter("kill", "quorum_lost_halts").value_or(-1), 1);
  CAF_CHECK_EQUAL(halted.last.counter("kill", "peers_seen").value_or(-1), 0);
  CAF_CHECK_GREATER_OR_EQUAL(halted.last.counter("kill", "heartbeat_age_ms.tr1").value_or(-1),
                             3000);

  auto state = read_file(c.dir + "/run/gw1-halt.state");
  CAF_MESSAGE("gw1 halt state:\n" << state);
  CAF_CHECK(state.find("level=2\n") != std::string::npos);
  CAF_CHECK(state.find("cause=quorum-lost\n") != std::string::npos);
  CAF_CHECK(state.find("reason=quorum lost: 1 of 2 nodes visible, quorum 2") != std::string::npos);
  auto audit_path = c.dir + "/run/gw1-kill-audit.log";
  CAF_CHECK(read_file(audit_path).find("event=quorum_lost") != std::string::npos);
  CAF_CHECK(c.gateway.err().find("event=quorum_lost node=gw1") != std::string::npos);
  // The cancel ran: the node's own kill was applied and its venue channel
  // reported (audited when the result came back). With tr1 gone, gw1 holds
  // no trading lease (a majority of 2 is 2), so its cancel-all is scoped to
  // the orders it placed itself (docs/connector.md "Kill switch without the
  // lease"): the channel is venue_cancel_own, and it must have succeeded.
  auto cancel_ran = wait_until(
    [&] {
      std::istringstream lines(read_file(audit_path));
      for (std::string l; std::getline(lines, l);)
        if (l.find("id=quorum-lost-gw1-") != std::string::npos
            && l.find("channel=venue_cancel_own") != std::string::npos
            && l.find(" ok=1 ") != std::string::npos
            && l.find(" open_after=0 ") != std::string::npos)
          return true;
      return false;
    },
    20s);
  CAF_CHECK(cancel_ran);
  CWTS_STOP_NODE(c.gateway);

  // gw1 again, same folder, its peer still gone: halted before anything runs.
  auto port = free_port();
  CAF_REQUIRE(port != 0);
  std::vector<std::string> extra = failsafe_args;
  extra.insert(extra.begin(), two_node_cluster::peer("tr1", c.tr_port));
  extra.push_back("--cluster.connect-timeout-ms=1000");
  child_process again("gw1-again",
                      node_argv(c.paths, "node-gateway.ini", c.venue.port(), port, extra), c.dir,
                      c.dir);
  CAF_REQUIRE(again.started());
  auto starts_halted = again.wait_for_line(
    stream::err,
    [](const std::string& l) { return l.find("event=node_starts_halted") != std::string::npos; },
    20s);
  CAF_CHECK(starts_halted.has_value());
  auto restored = wait_for_status(
    c.paths, c.dir, port, [](const node_status_view& s) { return !s.mode.empty(); }, 30s);
  if (!restored.met)
    CAF_MESSAGE("last status:\n" << restored.last.text << tail(again.err()));
  CAF_REQUIRE(restored.met);
  CAF_CHECK_EQUAL(restored.last.mode, "HALTED");
  CAF_CHECK_EQUAL(restored.last.counter("kill", "gate_level").value_or(-1), 2);
  CAF_CHECK(read_file(c.dir + "/run/gw1-halt.state").find("cause=quorum-lost\n")
            != std::string::npos);
  CWTS_STOP_NODE(again);

  auto verified = run_audit_verify(c.paths, c.dir, audit_path);
  CAF_MESSAGE("audit-verify: " << verified.out);
  CAF_CHECK_EQUAL(verified.exit_code, 0);
}
