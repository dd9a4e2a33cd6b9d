// cwts-venue + one cwts-node: once orders are filled, `cwts kill --level=2`
// halts trading, cancels everything at the venue (verified independently
// through the REST gateway) and nothing is sent afterwards. Malformed kills
// (level 7, empty reason) are refused by the CLI and change nothing.
#define CAF_SUITE node_kill
#include "caf/test/unit_test_impl.hpp"

#include <string>
#include <thread>
#include <vector>

#include "tests/integration/node/stop_node.hpp"
#include "tests/integration/support/cluster.hpp"

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
  auto paths = cluster_paths::from_env();
  auto missing = paths.missing();
  CAF_REQUIRE_EQUAL(missing, "");
  auto dir = make_test_dir("node_kill");
  CAF_REQUIRE(!dir.empty());
  CAF_MESSAGE("logs in " << dir);

  venue_process venue(paths, dir);
  CAF_REQUIRE(venue.port() != 0);
  auto cluster_port = free_port();
  CAF_REQUIRE(cluster_port != 0);
  child_process node("node", node_argv(paths, "node.ini", venue.port(), cluster_port), dir);
  CAF_REQUIRE(node.started());

  auto filled = wait_for_status(
    paths, dir, cluster_port,
    [](const node_status_view& s) { return s.counter_or_zero("oms", "status.FILLED") >= 1; }, 45s);
  if (!filled.met)
    CAF_MESSAGE("last status:\n" << filled.last.text << "node stderr:\n" << tail(node.err()));
  CAF_REQUIRE(filled.met);

  // Refused by the CLI: a level outside 1..4 and an empty reason.
  auto bad_level = run_kill(paths, dir, cluster_port, {"--level=7", "--reason=itest"});
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
    auto refused = run_kill(paths, dir, cluster_port, args);
    CAF_MESSAGE("empty reason (" << reason << "): rc=" << refused.raw.exit_code << " "
                                 << refused.raw.err);
    CAF_CHECK_EQUAL(refused.raw.exit_code, 2);
    CAF_CHECK(refused.acks.empty());
    if (reason != "--reason=")
      CAF_CHECK(refused.raw.err.find("--reason is required") != std::string::npos);
  }
  auto after_refused = query_status(paths, dir, cluster_port);
  CAF_REQUIRE(after_refused.ok());
  auto mode_after_refused = after_refused.mode;
  CAF_CHECK_EQUAL(mode_after_refused, "ACTIVE");

  // The real kill.
  auto kill = run_kill(paths, dir, cluster_port, {"--level=2", "--reason=itest kill drill"});
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
  std::string error;
  auto gw = demo_gateway(paths, venue.port(), error);
  if (!gw)
    CAF_MESSAGE("gateway: " << error);
  CAF_REQUIRE(gw != nullptr);
  auto open = open_usdchf_orders(*gw, error);
  if (!open)
    CAF_MESSAGE("venue: " << error);
  CAF_REQUIRE(open.has_value());
  CAF_CHECK_EQUAL(open->size(), 0u);

  // And it stays that way: no order sent over 2 s, still nothing open, halted.
  auto first = query_status(paths, dir, cluster_port);
  CAF_REQUIRE(first.ok());
  std::this_thread::sleep_for(2s);
  auto second = query_status(paths, dir, cluster_port);
  CAF_REQUIRE(second.ok());
  auto sent_first = first.counter("oms", "orders_sent");
  auto sent_second = second.counter("oms", "orders_sent");
  CAF_REQUIRE(sent_first.has_value());
  CAF_REQUIRE(sent_second.has_value());
  CAF_CHECK_EQUAL(*sent_first, *sent_second);
  auto mode = second.mode;
  CAF_CHECK_EQUAL(mode, "HALTED");
  auto open_later = open_usdchf_orders(*gw, error);
  CAF_REQUIRE(open_later.has_value());
  CAF_CHECK_EQUAL(open_later->size(), 0u);
  CAF_CHECK(node.running());

  CWTS_STOP_NODE(node);
  auto applied = node.wait_for_line(
    stream::err, [](const std::string& l) { return l.find("event=kill_applied") != std::string::npos; },
    1s);
  CAF_CHECK(applied.has_value());
}
