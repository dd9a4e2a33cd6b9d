// Three correct nodes (gw1, tr1, w1) and one Byzantine node (byz, the
// test-only build: drops every kill, forges kills, resets and votes in other
// nodes' names, replays every kill, reset and vote it saw, votes yes on every
// reset). n = 4, f = 1, quorum 3. gw1 and tr1 vote no on a reset while they
// have been halted for less than 20 s (kill.reset-min-halt-ms).
// - forged kills (bad signature, unknown issuer, a node key's name signed
//   with another key) are refused by every correct node: all stay ACTIVE;
// - a level-2 kill at tr1 halts every correct node although byz never
//   echoes nor acks it, and the venue confirms nothing is left open;
// - a reset right after (gw1, tr1 no; w1, byz yes: 2 yes) fails: the forged
//   yes votes in gw1's and tr1's names are not counted; nobody resumes;
// - past 20 s a reset with 4 yes resumes the correct nodes; byz's replays of
//   the old kill and the old resets change nothing;
// - a level-1 kill at gw1 halts every correct node again, and byz's replays
//   of the reset that resumed the cluster before do not resume it; a reset
//   with 2 yes (w1, byz) fails again;
// - every correct node's audit log verifies and holds the refused forgeries.
#define CAF_SUITE cluster4_byzantine
#include "tests/support/unit_test.hpp"

#include <thread>

#include "tests/integration/cluster4/cluster4.hpp"
#include "tests/integration/node/stop_node.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {

const std::vector<std::string> correct{"gw1", "tr1", "w1"};
constexpr auto min_halt = 20s;

void all_correct_halted(four_node_cluster& c) {
  for (auto& id : correct)
    CAF_CHECK(halted_within(c, id, 20s));
}

void all_correct_in(four_node_cluster& c, const std::string& mode) {
  for (auto& id : correct) {
    auto m = mode_of(c, id);
    if (m != mode)
      CAF_MESSAGE(id << " is " << m << ", expected " << mode);
    CAF_CHECK_EQUAL(m, mode);
  }
}

int64_t byz_counter(four_node_cluster& c, const std::string& key) {
  return query_status(c.paths, c.dir, c.port("byz")).counter_or_zero("kill", key);
}

// Waits until byz has replayed at least `rounds` more batches of what it saw.
void wait_for_replays(four_node_cluster& c, int64_t at_least_more) {
  auto before = byz_counter(c, "replayed");
  bool met = wait_until([&] { return byz_counter(c, "replayed") >= before + at_least_more; }, 20s, 500ms);
  CAF_CHECK(met);
}

// A reset with only w1's and byz's yes: fails, everybody stays halted.
void two_yes_reset_fails(four_node_cluster& c, const std::string& at) {
  auto reset = run_reset(c.paths, c.dir, c.port(at), {"--reason=itest reset with 2 yes"});
  CAF_MESSAGE("reset at " << at << ": rc=" << reset.raw.exit_code << "\n" << reset.raw.out << reset.raw.err);
  CAF_CHECK_EQUAL(reset.raw.exit_code, 4);
  CAF_CHECK_EQUAL(reset.resumed, "0");
  CAF_CHECK_EQUAL(reset.head["quorum"], "3");
  // Their real no votes, not byz's forged yes in their names.
  for (auto id : {"gw1", "tr1"}) {
    auto v = vote_of(reset, id);
    CAF_CHECK_EQUAL(v["yes"], "0");
    CAF_CHECK(v["reason"].find("less than 20000 ms") != std::string::npos);
  }
  auto w1 = vote_of(reset, "w1")["yes"];
  CAF_CHECK_EQUAL(w1, "1");
  auto byz = vote_of(reset, "byz")["yes"];
  CAF_CHECK_EQUAL(byz, "1");
  all_correct_in(c, "HALTED");
}

// The background CLI kill: byz never acks, so the report comes at the
// origin's deadline, incomplete, with every correct node's ack applied.
void check_kill_report(child_process& cli, const std::string& name) {
  auto rc = cli.wait_exit(40s);
  CAF_REQUIRE(rc.has_value());
  auto k = parse_kill(command_result{*rc, cli.out(), cli.err(), false});
  CAF_MESSAGE(name << ": rc=" << *rc << "\n" << k.raw.out << k.raw.err);
  CAF_CHECK_EQUAL(*rc, 3);
  auto complete = k.complete.value_or("<absent>");
  CAF_CHECK_EQUAL(complete, "0");
  for (auto& id : correct) {
    auto applied = ack_field(k, id, "applied");
    CAF_CHECK_EQUAL(applied, "1");
  }
  auto byz = ack_field(k, "byz", "applied");
  CAF_CHECK_EQUAL(byz, "<absent>");
}

} // namespace

CAF_TEST(a_byzantine_node_can_neither_stop_the_halt_nor_cause_a_resume) {
  cluster4_options o;
  o.fourth = "byz";
  o.byzantine_modes = "drop,forge,replay,yes";
  o.extra["gw1"] = {"--kill.reset-min-halt-ms=20000"};
  o.extra["tr1"] = {"--kill.reset-min-halt-ms=20000"};
  four_node_cluster c("cluster4_byzantine", o);
  CAF_MESSAGE("logs in " << c.dir);
  CAF_REQUIRE_EQUAL(c.setup_error, "");
  require_wired(c);

  // Forged kills reach every correct node and are refused there.
  for (auto& id : correct) {
    auto refused = wait_for_status(
      c.paths, c.dir, c.port(id),
      [](const node_status_view& s) { return s.counter_or_zero("kill", "rejected") >= 3; }, 20s);
    CAF_CHECK(refused.met);
  }
  all_correct_in(c, "ACTIVE");

  venue_view venue(c.paths, c.venue->port());
  require_orders_resting(c, venue);

  // Level 2 at tr1, in the background (its report waits for byz's ack
  // until the origin's deadline).
  child_process kill1("kill1", kill_argv(c.paths, c.port("tr1"), {"--level=2", "--reason=itest byzantine drill"}),
                      c.dir);
  all_correct_halted(c);
  auto halted_at = std::chrono::steady_clock::now();
  auto byz_mode = mode_of(c, "byz");
  CAF_CHECK_EQUAL(byz_mode, "ACTIVE"); // it dropped the kill
  check_venue_empty(venue);

  // Right after the halt: 2 yes of 3 needed.
  two_yes_reset_fails(c, "w1");
  check_kill_report(kill1, "kill at tr1");

  // Past gw1's and tr1's minimum halt: every node votes yes.
  std::this_thread::sleep_until(halted_at + min_halt + 1s);
  auto reset = run_reset(c.paths, c.dir, c.port("gw1"), {"--reason=itest reset, all yes"});
  CAF_MESSAGE("reset at gw1: rc=" << reset.raw.exit_code << "\n" << reset.raw.out << reset.raw.err);
  CAF_CHECK_EQUAL(reset.raw.exit_code, 0);
  CAF_CHECK_EQUAL(reset.resumed, "1");
  for (auto& id : correct) {
    auto active = wait_for_status(
      c.paths, c.dir, c.port(id), [](const node_status_view& s) { return s.mode == "ACTIVE"; }, 10s);
    CAF_CHECK(active.met);
  }
  // Replays of the old kill and resets after the reset: nothing changes.
  wait_for_replays(c, 6);
  all_correct_in(c, "ACTIVE");

  // Level 1 at gw1; then byz replays the reset that resumed the cluster.
  child_process kill2("kill2", kill_argv(c.paths, c.port("gw1"), {"--level=1", "--reason=itest second kill"}),
                      c.dir);
  all_correct_halted(c);
  wait_for_replays(c, 6);
  all_correct_in(c, "HALTED");
  two_yes_reset_fails(c, "tr1");
  check_kill_report(kill2, "kill at gw1");

  for (auto& n : c.nodes)
    CWTS_STOP_NODE(*n.proc);
  for (auto& id : correct) {
    check_audit_intact(c, id);
    auto audit = read_file(c.audit_path(id));
    CAF_CHECK(audit.find("issuer=mallory") != std::string::npos);
    CAF_CHECK(audit.find("verdict=refused") != std::string::npos);
  }
}
