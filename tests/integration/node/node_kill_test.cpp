// cwts-venue + one cwts-node: once orders are filled, `cwts kill --level=2`
// halts trading, cancels everything at the venue (verified independently
// through the REST gateway) and nothing is sent afterwards. Malformed kills
// (level 7, empty reason) are refused by the CLI; kills signed by the wrong
// key or by an operator without role kill are refused by the node; none of
// them changes anything. The node's audit log verifies, and a copy with one
// record edited does not.
#define CAF_SUITE node_kill
#include "tests/support/unit_test.hpp"

#include <fstream>
#include <string>
#include <vector>

#include "tests/integration/node/kill_cli.hpp"
#include "tests/integration/node/order_flow_stopped.hpp"
#include "tests/integration/node/single_node.hpp"
#include "tests/integration/node/stop_node.hpp"
#include "tests/integration/node/venue_view.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {

const std::map<std::string, std::string>* find_channel(const kill_view& k, const std::string& name) {
  for (auto& c : k.channels) {
    auto i = c.find("name");
    if (i != c.end() && i->second == name)
      return &c;
  }
  return nullptr;
}

std::string field(const std::map<std::string, std::string>& m, const std::string& key) {
  auto i = m.find(key);
  return i == m.end() ? std::string("<absent>") : i->second;
}

} // namespace

CAF_TEST(level_2_kill_cancels_at_the_venue_and_stops_order_flow) {
  single_node n("node_kill");

  auto filled = n.wait_for(
    [](const node_status_view& s) { return s.counter_or_zero("oms", "status.FILLED") >= 1; }, 45s);
  CAF_REQUIRE(filled.met);

  // Refused by the CLI: a level outside 1..4 and an empty reason.
  auto bad_level = n.kill({"--level=7", "--reason=itest"});
  CAF_MESSAGE("level 7: rc=" << bad_level.raw.exit_code << " " << bad_level.raw.err);
  CAF_CHECK_EQUAL(bad_level.raw.exit_code, 2);
  CAF_CHECK(bad_level.acks.empty());
  CAF_CHECK(bad_level.raw.err.find("--level must be 1..4") != std::string::npos);
  // An empty reason, three ways: `--reason=` (no value: the option parser
  // refuses), `--reason=""` (CAF's quoted empty string) and no --reason at
  // all (the last two reach the kill command's own check).
  for (auto reason : {std::string("--reason="), std::string("--reason=\"\""), std::string()}) {
    std::vector<std::string> args{"--level=2"};
    if (!reason.empty())
      args.push_back(reason);
    auto refused = n.kill(args);
    CAF_MESSAGE("empty reason (" << reason << "): rc=" << refused.raw.exit_code << " "
                                 << refused.raw.err);
    CAF_CHECK_EQUAL(refused.raw.exit_code, 2);
    CAF_CHECK(refused.acks.empty());
    if (reason != "--reason=")
      CAF_CHECK(refused.raw.err.find("--reason is required") != std::string::npos);
  }
  // Refused by the node: alice's name with bob's key (bad signature), bob
  // (no role kill), and no key at all (the CLI needs one).
  auto forged = n.kill({"--level=2", "--reason=forged", "--operator=alice",
                        "--key-file=" + n.paths.operator_key("bob")});
  CAF_MESSAGE("forged: rc=" << forged.raw.exit_code << " " << forged.raw.out);
  CAF_CHECK_EQUAL(forged.raw.exit_code, 4);
  CAF_CHECK(forged.raw.out.find("bad signature") != std::string::npos);
  auto no_role = n.kill({"--level=2", "--reason=no role", "--operator=bob",
                         "--key-file=" + n.paths.operator_key("bob")});
  CAF_CHECK_EQUAL(no_role.raw.exit_code, 4);
  CAF_CHECK(no_role.raw.out.find("lacks role 'kill'") != std::string::npos);
  auto no_key = n.kill({"--level=2", "--reason=no key", "--operator=alice"});
  CAF_CHECK_EQUAL(no_key.raw.exit_code, 2);
  CAF_CHECK(no_key.raw.err.find("--operator and --key-file are required") != std::string::npos);

  auto after_refused = n.status();
  CAF_REQUIRE(after_refused.ok());
  auto mode_after_refused = after_refused.mode;
  CAF_CHECK_EQUAL(mode_after_refused, "ACTIVE");

  // The real kill.
  auto kill = n.kill({"--level=2", "--reason=itest kill drill"});
  CAF_MESSAGE("kill: rc=" << kill.raw.exit_code << "\n" << kill.raw.out << kill.raw.err);
  CAF_CHECK_EQUAL(kill.raw.exit_code, 0);
  auto complete = kill.complete.value_or("<absent>");
  CAF_CHECK_EQUAL(complete, "1");
  CAF_CHECK_GREATER_OR_EQUAL(kill.acks.size(), 1u);
  auto venue_channel = find_channel(kill, "venue_cancel_all");
  CAF_REQUIRE(venue_channel != nullptr);
  auto venue_ok = field(*venue_channel, "ok");
  auto venue_open_after = field(*venue_channel, "open_after");
  CAF_CHECK_EQUAL(venue_ok, "1");
  CAF_CHECK_EQUAL(venue_open_after, "0");

  // The venue, asked independently: nothing of ours is open.
  venue_view venue(n.paths, n.venue.port());
  CAF_CHECK_EQUAL(venue.open_orders().size(), 0u);

  // And it stays that way: no order sent over 2 s, still nothing open, halted.
  auto second = expect_no_orders_sent(n.paths, n.dir, n.cluster_port, 2s);
  auto mode = second.mode;
  CAF_CHECK_EQUAL(mode, "HALTED");
  CAF_CHECK_EQUAL(venue.open_orders().size(), 0u);
  CAF_CHECK(n.node.running());

  auto kill_stats = second.counter("kill", "rejected");
  CAF_CHECK_EQUAL(kill_stats.value_or(-1), 2);

  CWTS_STOP_NODE(n.node);

  // The audit chain holds the refused kills and the accepted one; an edited
  // copy fails at the edited record.
  const auto audit = n.dir + "/run/solo-kill-audit.log";
  auto verified = run_audit_verify(n.paths, n.dir, audit);
  CAF_MESSAGE("audit-verify: " << verified.out << verified.err);
  CAF_CHECK_EQUAL(verified.exit_code, 0);
  auto lines = split_lines(read_file(audit));
  CAF_REQUIRE_GREATER_OR_EQUAL(lines.size(), 4u);
  size_t refused_at = lines.size();
  for (size_t i = 0; i < lines.size() && refused_at == lines.size(); ++i)
    if (lines[i].find("verdict=refused") != std::string::npos)
      refused_at = i;
  CAF_REQUIRE(refused_at < lines.size());
  lines[refused_at].replace(lines[refused_at].find("verdict=refused"), 15, "verdict=accepted");
  {
    std::ofstream out(n.dir + "/edited-audit.log");
    for (auto& l : lines)
      out << l << "\n";
  }
  auto edited = run_audit_verify(n.paths, n.dir, n.dir + "/edited-audit.log");
  CAF_MESSAGE("edited: " << edited.out);
  CAF_CHECK_EQUAL(edited.exit_code, 4);
  CAF_CHECK(edited.out.find("first_bad=" + std::to_string(refused_at)) != std::string::npos);
  auto applied = n.node.wait_for_line(
    stream::err, [](const std::string& l) { return l.find("event=kill_applied") != std::string::npos; },
    1s);
  CAF_CHECK(applied.has_value());
}
