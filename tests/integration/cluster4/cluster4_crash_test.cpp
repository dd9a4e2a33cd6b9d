// The originator dies mid-broadcast: the fourth node is the test-only build
// in crash mode. A level-2 kill sent to it by the CLI is echoed to ONE peer
// (w1), then that process exits without acking, echoing further or
// running any channel. w1's own echo still reaches gw1 and tr1: all three
// correct nodes halt on that kill (its id is their halt cause, not the
// fail-safe's quorum-lost), and the venue confirms nothing is left open.
#define CAF_SUITE cluster4_crash
#include "tests/support/unit_test.hpp"

#include "tests/integration/cluster4/cluster4.hpp"
#include "tests/integration/node/stop_node.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

CAF_TEST(an_originator_that_dies_right_after_one_echo_still_halts_every_correct_node) {
  cluster4_options o;
  o.fourth = "crash";
  o.byzantine_modes = "crash";
  o.echo_to = "w1";
  four_node_cluster c("cluster4_crash", o);
  CAF_MESSAGE("logs in " << c.dir);
  CAF_REQUIRE_EQUAL(c.setup_error, "");
  require_wired(c);
  venue_view venue(c.paths, c.venue->port());
  require_orders_resting(c, venue);

  // The origin never answers: the CLI gives up (bounded) without a report.
  auto kill = run_kill(c.paths, c.dir, c.port("crash"),
                       {"--level=2", "--reason=itest origin dies", "--timeout-ms=5000"});
  CAF_MESSAGE("kill at the crashing node: rc=" << kill.raw.exit_code << "\n" << kill.raw.out
                                               << kill.raw.err);
  CAF_CHECK_NOT_EQUAL(kill.raw.exit_code, 0);
  auto& crash = c.node("crash");
  auto exit_code = crash.proc->wait_exit(15s);
  CAF_REQUIRE(exit_code.has_value());
  CAF_CHECK_EQUAL(*exit_code, 70);
  auto crash_line = fields_after(crash.proc->err(), "event=byzantine_crash_mid_broadcast");
  auto kill_id = crash_line["id"];
  auto echoed_to = crash_line["echoed_to"];
  CAF_MESSAGE("kill id " << kill_id);
  CAF_REQUIRE(kill_id.rfind("k-", 0) == 0);
  CAF_CHECK_EQUAL(echoed_to, "w1");

  for (auto id : {"w1", "gw1", "tr1"}) {
    CAF_CHECK(halted_within(c, id, 20s));
    auto state = c.halt_state(id);
    CAF_CHECK(state.find("cause=" + kill_id + "\n") != std::string::npos);
    CAF_CHECK(state.find("level=2") != std::string::npos);
  }
  // gw1 and tr1 got the kill from w1's echo, never from the origin.
  for (auto id : {"gw1", "tr1"}) {
    auto audit = read_file(c.audit_path(id));
    CAF_CHECK(audit.find("id=" + kill_id) != std::string::npos);
  }
  check_venue_empty(venue);

  for (auto id : {"gw1", "tr1", "w1"})
    CWTS_STOP_NODE(*c.node(id).proc);
  for (auto id : {"gw1", "tr1", "w1"})
    check_audit_intact(c, id);
}
