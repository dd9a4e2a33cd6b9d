// Four correct nodes (gw1, tr1, w1, w2; n = 4, quorum 3) against one
// cwts-venue:
// - a level-2 kill at gw1 is acknowledged by all four, halts all four and
//   leaves nothing open at the venue (asked of the venue itself);
// - a reset with tr1 voting no (kill.reset-min-halt-ms) has 3 yes votes of
//   the 3 needed and resumes every node that voted yes; tr1 stays halted;
// - a level-1 kill at the witness w1 halts all four again;
// - w2, stopped and started on the same folder, comes back halted;
// - every node's audit log verifies; a copy with one edited record fails at
//   that record.
#define CAF_SUITE cluster4_kill
#include "tests/support/unit_test.hpp"

#include <fstream>

#include "tests/integration/cluster4/cluster4.hpp"
#include "tests/integration/node/stop_node.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {

const std::vector<std::string> all4{"gw1", "tr1", "w1", "w2"};

void check_all_acked(const kill_view& k) {
  for (auto& id : all4) {
    auto applied = ack_field(k, id, "applied");
    if (applied != "1")
      CAF_MESSAGE("ack of " << id << ": " << applied);
    CAF_CHECK_EQUAL(applied, "1");
  }
}

void check_tampered_log_detected(four_node_cluster& c, const std::string& id) {
  auto text = read_file(c.audit_path(id));
  auto lines = split_lines(text);
  CAF_REQUIRE(lines.size() >= 3);
  // Record 1's content, one character changed (a verdict or a node name).
  auto& line = lines[1];
  auto at = line.find("node=");
  CAF_REQUIRE(at != std::string::npos);
  line[at + 5] = line[at + 5] == 'x' ? 'y' : 'x';
  std::string edited;
  for (auto& l : lines)
    edited += l + "\n";
  auto copy = c.dir + "/tampered-" + id + "-kill-audit.log";
  std::ofstream(copy) << edited;
  auto r = run_audit_verify(c.paths, c.dir, copy);
  CAF_MESSAGE("audit-verify of the edited copy: rc=" << r.exit_code << " " << r.out);
  CAF_CHECK_EQUAL(r.exit_code, 4);
  auto first_bad = field_of_line(r.out, "audit FAILED", "first_bad");
  CAF_CHECK_EQUAL(first_bad, "1");
}

} // namespace

CAF_TEST(kill_at_any_correct_node_halts_all_four_and_a_restarted_node_comes_back_halted) {
  cluster4_options o;
  o.extra["tr1"] = {"--kill.reset-min-halt-ms=600000"};
  four_node_cluster c("cluster4_kill", o);
  CAF_MESSAGE("logs in " << c.dir);
  CAF_REQUIRE_EQUAL(c.setup_error, "");
  require_wired(c);
  venue_view venue(c.paths, c.venue->port());
  require_orders_resting(c, venue);

  // Level 2 at the gateway node.
  auto kill = run_kill(c.paths, c.dir, c.port("gw1"), {"--level=2", "--reason=itest 4-node drill"});
  CAF_MESSAGE("kill at gw1: rc=" << kill.raw.exit_code << "\n" << kill.raw.out << kill.raw.err);
  CAF_CHECK_EQUAL(kill.raw.exit_code, 0);
  auto complete = kill.complete.value_or("<absent>");
  CAF_CHECK_EQUAL(complete, "1");
  check_all_acked(kill);
  CAF_CHECK(channel_clean(kill, "venue_cancel_all"));
  for (auto& id : all4)
    CAF_CHECK(halted_within(c, id, 20s));
  check_venue_empty(venue);

  // Reset at w2: gw1, w1, w2 vote yes, tr1 no: 3 of 3 needed.
  auto reset = run_reset(c.paths, c.dir, c.port("w2"), {"--reason=itest 4-node reset"});
  CAF_MESSAGE("reset at w2: rc=" << reset.raw.exit_code << "\n" << reset.raw.out << reset.raw.err);
  CAF_CHECK_EQUAL(reset.raw.exit_code, 0);
  CAF_CHECK_EQUAL(reset.resumed, "1");
  CAF_CHECK_EQUAL(reset.head["nodes"], "4");
  CAF_CHECK_EQUAL(reset.head["quorum"], "3");
  CAF_CHECK_EQUAL(vote_of(reset, "tr1")["yes"], "0");
  for (auto id : {"gw1", "w1", "w2"}) {
    auto yes = vote_of(reset, id)["yes"];
    CAF_CHECK_EQUAL(yes, "1");
    auto active = wait_for_status(
      c.paths, c.dir, c.port(id), [](const node_status_view& s) { return s.mode == "ACTIVE"; }, 10s);
    CAF_CHECK(active.met);
  }
  // Its own vote was no: tr1 does not resume.
  auto tr_mode = mode_of(c, "tr1");
  CAF_CHECK_EQUAL(tr_mode, "HALTED");

  // Level 1 at the witness w1.
  auto kill2 = run_kill(c.paths, c.dir, c.port("w1"), {"--level=1", "--reason=itest kill at w1"});
  CAF_MESSAGE("kill at w1: rc=" << kill2.raw.exit_code << "\n" << kill2.raw.out << kill2.raw.err);
  CAF_CHECK_EQUAL(kill2.raw.exit_code, 0);
  check_all_acked(kill2);
  for (auto& id : all4)
    CAF_CHECK(halted_within(c, id, 20s));
  auto kill2_id = kill_id_of(kill2.raw);

  // w2 restarted on the same folder: halted before anything runs.
  auto& w2 = c.node("w2");
  CWTS_STOP_NODE(*w2.proc);
  c.start(w2);
  auto halted_line = w2.proc->wait_for_line(
    stream::err,
    [](const std::string& l) { return l.find("event=node_starts_halted") != std::string::npos; }, 20s);
  CAF_CHECK(halted_line.has_value());
  CAF_CHECK(halted_within(c, "w2", 20s));
  auto w2_state = c.halt_state("w2");
  CAF_CHECK(w2_state.find("cause=" + kill2_id) != std::string::npos);
  CAF_CHECK(w2_state.find("level=1") != std::string::npos);

  for (auto& n : c.nodes)
    CWTS_STOP_NODE(*n.proc);
  for (auto& id : all4)
    check_audit_intact(c, id);
  check_tampered_log_detected(c, "w1");
}
