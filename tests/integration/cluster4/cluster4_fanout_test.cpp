// The direct kill fan-out beside CAF's echo (docs/kill-switch.md "Direct
// fan-out"), four correct nodes (gw1, tr1, w1, w2) against one cwts-venue.
// Redundant propagation: either path alone halts the cluster.
// - fan-out off (--kill.fanout=0): CAF's echo alone halts all four;
// - CAF's echo suppressed (--kill.caf-echo=0, tests and drills only):
//   the fan-out alone halts all four, each peer's gate closed by its copy;
// - both (the shipped default): every peer's gate closed once, by the first
//   verified copy; the other copy is counted as a duplicate, not re-applied.
#define CAF_SUITE cluster4_fanout
#include "tests/support/unit_test.hpp"

#include "tests/integration/cluster4/cluster4.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {

const std::vector<std::string> all4{"gw1", "tr1", "w1", "w2"};

cluster4_options every_node(const std::string& arg) {
  cluster4_options o;
  for (auto& id : all4)
    o.extra[id] = {arg};
  return o;
}

// Every node's fan-out reaches the three others (authenticated).
void require_fanout_wired(four_node_cluster& c) {
  for (auto& n : c.nodes) {
    auto st = wait_for_status(
      c.paths, c.dir, n.port,
      [](const node_status_view& s) {
        return s.counter("kill", "fanout.members_reached").value_or(0) == 3;
      },
      millis{30000});
    if (!st.met)
      CAF_MESSAGE("node " << n.id << " fan-out not wired; last status:\n" << st.last.text << c.logs());
    CAF_REQUIRE(st.met);
  }
}

int64_t kill_counter(four_node_cluster& c, const std::string& id, const std::string& key) {
  return query_status(c.paths, c.dir, c.port(id)).counter("kill", key).value_or(-1);
}

void kill_and_check_all_halted(four_node_cluster& c, const std::string& at) {
  auto kill = run_kill(c.paths, c.dir, c.port(at), {"--level=1", "--reason=itest fan-out"});
  CAF_MESSAGE("kill at " << at << ": rc=" << kill.raw.exit_code << "\n" << kill.raw.out << kill.raw.err);
  CAF_CHECK_EQUAL(kill.raw.exit_code, 0);
  for (auto& id : all4) {
    CAF_CHECK(halted_within(c, id, 20s));
    CAF_CHECK_EQUAL(ack_field(kill, id, "applied"), "1");
  }
}

} // namespace

CAF_TEST(caf_echo_alone_halts_all_four_with_the_fanout_off) {
  four_node_cluster c("cluster4_fanout_off", every_node("--kill.fanout=0"));
  CAF_MESSAGE("logs in " << c.dir);
  CAF_REQUIRE_EQUAL(c.setup_error, "");
  require_wired(c);
  kill_and_check_all_halted(c, "gw1");
  for (auto id : {"tr1", "w1", "w2"}) {
    CAF_CHECK_EQUAL(kill_counter(c, id, "fanout.enabled"), 0);
    CAF_CHECK_EQUAL(kill_counter(c, id, "path.fanout.received"), 0);
    CAF_CHECK_EQUAL(kill_counter(c, id, "path.caf.first"), 1);
  }
}

CAF_TEST(the_fanout_alone_halts_all_four_without_the_caf_echo) {
  four_node_cluster c("cluster4_fanout_only", every_node("--kill.caf-echo=0"));
  CAF_MESSAGE("logs in " << c.dir);
  CAF_REQUIRE_EQUAL(c.setup_error, "");
  require_wired(c);
  require_fanout_wired(c);
  kill_and_check_all_halted(c, "w1");
  for (auto id : {"gw1", "tr1", "w2"}) {
    CAF_CHECK_EQUAL(kill_counter(c, id, "path.caf.received"), 0);
    CAF_CHECK_EQUAL(kill_counter(c, id, "path.fanout.first"), 1);
    CAF_CHECK_EQUAL(kill_counter(c, id, "last.first_path." + std::string(id)), 2);
  }
}

CAF_TEST(with_both_paths_the_first_verified_copy_closes_the_gate_once) {
  four_node_cluster c("cluster4_fanout_both", {});
  CAF_MESSAGE("logs in " << c.dir);
  CAF_REQUIRE_EQUAL(c.setup_error, "");
  require_wired(c);
  require_fanout_wired(c);
  kill_and_check_all_halted(c, "tr1");
  for (auto id : {"gw1", "w1", "w2"}) {
    // Applied once, whichever path's copy came first; every other copy
    // (CAF's echoes, the other members' fan-out) counted as a duplicate.
    auto counted = wait_for_status(
      c.paths, c.dir, c.port(id),
      [](const node_status_view& s) {
        return s.counter("kill", "path.caf.received").value_or(0) == 3
               && s.counter("kill", "path.fanout.received").value_or(0) == 3;
      },
      10s);
    CAF_CHECK(counted.met);
    auto& s = counted.last;
    CAF_CHECK_EQUAL(s.counter("kill", "applied").value_or(-1), 1);
    CAF_CHECK_EQUAL(s.counter("kill", "path.caf.first").value_or(0)
                      + s.counter("kill", "path.fanout.first").value_or(0),
                    1);
    CAF_CHECK_EQUAL(s.counter("kill", "path.caf.duplicates").value_or(0)
                      + s.counter("kill", "path.fanout.duplicates").value_or(0),
                    5);
  }
}
