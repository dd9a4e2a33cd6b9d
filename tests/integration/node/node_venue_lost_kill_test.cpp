// A kill the node triggers itself when its venue is lost: cwts-venue is
// SIGKILLed under a trading node started with --venue.lost-halt-ms=1000. The
// connector sees its streams down and its REST probes unanswered, signs a
// level-2 node kill with the node's own key (node-solo) and sends it to its
// kill coordinator, which halts the node and audits it like any kill.
#define CAF_SUITE node_venue_lost_kill
#include "tests/support/unit_test.hpp"

#include <csignal>
#include <string>

#include "tests/integration/node/kill_cli.hpp"
#include "tests/integration/node/single_node.hpp"
#include "tests/integration/node/stop_node.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

CAF_TEST(a_lost_venue_halts_the_node_with_a_kill_signed_by_its_node_key) {
  single_node n("node_venue_lost_kill", {"--venue.lost-halt-ms=1000"});
  // Trading first: the streams are up and nothing is lost.
  auto trading = n.wait_for(
    [](const node_status_view& s) {
      return s.mode == "ACTIVE" && s.counter("connector.binance", "stream_connected").value_or(0) == 1
             && s.counter("oms", "orders_sent").value_or(0) > 0;
    },
    60s);
  CAF_REQUIRE(trading.met);
  CAF_CHECK_EQUAL(trading.last.counter("connector.binance", "venue_lost_breaches").value_or(-1), 0);

  CAF_REQUIRE_EQUAL(::kill(n.venue.proc().pid(), SIGKILL), 0);
  CAF_REQUIRE(n.venue.proc().wait_exit(10s).has_value());

  auto halted = n.wait_for(
    [](const node_status_view& s) {
      return s.mode == "HALTED" && s.counter("connector.binance", "venue_lost_breaches").value_or(0) >= 1;
    },
    30s);
  CAF_REQUIRE(halted.met);
  auto lost = n.node.wait_for_line(
    stream::err, [](const std::string& l) { return l.find("event=venue_lost") != std::string::npos; },
    10s);
  CAF_CHECK(lost.has_value());
  auto applied = n.node.wait_for_line(
    stream::err,
    [](const std::string& l) {
      return l.find("event=kill_applied") != std::string::npos
             && l.find("level=2-cancel-all") != std::string::npos
             && l.find("issuer=node-solo") != std::string::npos
             && l.find("venue lost") != std::string::npos;
    },
    10s);
  CAF_CHECK(applied.has_value());
  CAF_CHECK_EQUAL(halted.last.counter("kill", "rejected").value_or(-1), 0);
  CAF_CHECK_EQUAL(halted.last.counter("connector.binance", "kills_requested").value_or(-1), 1);
  CWTS_STOP_NODE(n.node);
  // Exactly one kill for the one breach, however long the venue stayed down.
  auto err = n.node.err();
  size_t requested = 0;
  for (auto& l : split_lines(err))
    if (l.find("event=node_kill_requested source=connector") != std::string::npos)
      ++requested;
  CAF_CHECK_EQUAL(requested, 1u);
  auto audit = read_file(n.dir + "/run/solo-kill-audit.log");
  CAF_CHECK(audit.find("verdict=accepted") != std::string::npos);
  CAF_CHECK(audit.find("issuer=node-solo") != std::string::npos);
  CAF_CHECK(audit.find("venue lost") != std::string::npos);
  CAF_CHECK_EQUAL(run_audit_verify(n.paths, n.dir, n.dir + "/run/solo-kill-audit.log").exit_code, 0);
}
