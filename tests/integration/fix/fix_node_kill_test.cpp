// A whole cwts-node with [venue] protocol = "fix" against cwts-venue's FIX
// acceptor (docs/fix.md): the market maker's orders go out as 35=D and fill
// through 35=8 reports; `cwts kill --level=2` halts the node and its venue
// channel cancels everything with 35=q, proven by a 35=AF query, while the
// same book read over REST shows no open order of the account.
#define CAF_SUITE fix_node_kill
#include "tests/support/unit_test.hpp"

#include <csignal>
#include <map>
#include <string>
#include <vector>

#include "tests/integration/admin/http_get.hpp"
#include "tests/integration/node/order_flow_stopped.hpp"
#include "tests/integration/node/stop_node.hpp"
#include "tests/integration/node/venue_view.hpp"
#include "tests/integration/support/cluster.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {

std::string channel_field(const kill_view& k, const std::string& name, const std::string& key) {
  for (auto& c : k.channels) {
    auto n = c.find("name");
    if (n != c.end() && n->second == name) {
      auto v = c.find(key);
      return v == c.end() ? "<absent>" : v->second;
    }
  }
  return "<no channel " + name + ">";
}

} // namespace

CAF_TEST(level_2_kill_cancels_over_fix_and_halts) {
  auto paths = cluster_paths::from_env();
  CAF_REQUIRE_EQUAL(paths.missing(), "");
  auto dir = make_test_dir("fix_node_kill");
  CAF_REQUIRE(!dir.empty());
  CAF_MESSAGE("logs in " << dir);
  // The venue with its FIX acceptor; node "solo" trades account demo over it
  // (config/venue.ini [fix] clients).
  child_process venue("venue",
                      {paths.venue_bin, "--config", paths.config("venue.ini"), "--port", "0",
                       "--speed", "300", "--fix-port", "0", "--fix-store", dir + "/venue-fix"},
                      dir);
  auto line = venue.wait_for_line(
    stream::out, [](const std::string& l) { return l.find("fix_port=") != std::string::npos; },
    millis{30000});
  CAF_REQUIRE(line.has_value());
  auto fields = parse_fields(*line);
  auto venue_port = static_cast<uint16_t>(std::stoi(fields["port"]));
  auto fix_port = fields["fix_port"];
  auto cluster_port = free_port();
  CAF_REQUIRE(cluster_port != 0);
  auto admin = free_port();
  child_process node(
    "node",
    node_argv(paths, "node.ini", venue_port, cluster_port,
              {"--admin.port=" + std::to_string(admin),
               "--venue.protocol=fix", "--venue.fix-port=" + fix_port,
               "--venue.fix-heartbeat-s=1",
               "--venue.fix-data-dictionary=" + paths.config("../data/fix/FIX44.xml")}),
    dir, dir);
  CAF_REQUIRE(node.started());

  auto filled = wait_for_status(
    paths, dir, cluster_port,
    [](const node_status_view& s) {
      return s.counter_or_zero("connector.fix", "fix_logged_on") == 1
             && s.counter_or_zero("oms", "status.FILLED") >= 1;
    },
    60s);
  if (!filled.met)
    CAF_MESSAGE("last status:\n" << filled.last.text << "node stderr:\n" << tail(node.err()));
  CAF_REQUIRE(filled.met);
  CAF_CHECK_EQUAL(filled.last.counter_or_zero("connector.fix", "protocol_fix"), 1);
  CAF_CHECK_GREATER(filled.last.counter_or_zero("connector.fix", "orders_placed"), 0);
  // Market data stays on WebSocket: the admin port shows the local book.
  http_result book;
  CAF_CHECK(wait_until(
    [&] {
      book = http_get(admin, "/api/book/USDCHF?depth=5");
      return book.status == 200 && book.body.find("\"synced\":true") != std::string::npos;
    },
    millis{20000}));
  CAF_MESSAGE("api/book: " << book.status << " " << book.body.substr(0, 200));

  auto kill = run_kill(paths, dir, cluster_port, {"--level=2", "--reason=fix kill drill"});
  CAF_MESSAGE("kill: rc=" << kill.raw.exit_code << "\n" << kill.raw.out << kill.raw.err);
  CAF_CHECK_EQUAL(kill.raw.exit_code, 0);
  auto ok = channel_field(kill, "venue_cancel_all", "ok");
  auto open_after = channel_field(kill, "venue_cancel_all", "open_after");
  CAF_CHECK_EQUAL(ok, "1");
  CAF_CHECK_EQUAL(open_after, "0");

  // The same book over REST: nothing of the account is open.
  venue_view rest(paths, venue_port);
  CAF_CHECK_EQUAL(rest.open_orders().size(), 0u);
  auto after = expect_no_orders_sent(paths, dir, cluster_port, 2s);
  auto mode = after.mode;
  CAF_CHECK_EQUAL(mode, "HALTED");
  CAF_CHECK_GREATER_OR_EQUAL(after.counter_or_zero("connector.fix", "mass_cancels"), 1);
  CAF_CHECK_EQUAL(rest.open_orders().size(), 0u);
  CWTS_STOP_NODE(node);
}

// Bad [venue] FIX settings stop the node with the key and the reason.
CAF_TEST(bad_fix_settings_are_refused_naming_the_key) {
  auto paths = cluster_paths::from_env();
  CAF_REQUIRE_EQUAL(paths.missing(), "");
  auto dir = make_test_dir("fix_node_config");
  CAF_REQUIRE(!dir.empty());
  auto refused = [&](std::vector<std::string> bad, const std::string& key) {
    bad.push_back("--cwts.duration=3");
    auto res = run_command("node", node_argv(paths, "node.ini", 1, free_port(), bad), dir, 30s);
    CAF_MESSAGE(key << " -> rc=" << res.exit_code << " stderr: " << tail(res.err, 400));
    CAF_CHECK(!res.timed_out);
    CAF_CHECK_NOT_EQUAL(res.exit_code, 0);
    CAF_CHECK(res.err.find(key) != std::string::npos);
  };
  refused({"--venue.protocol=fux"}, "venue.protocol");
  refused({"--venue.protocol=fix"}, "venue.fix-port"); // no port given
  refused({"--venue.protocol=fix", "--venue.fix-port=9878", "--venue.fix-target-comp-id=solo"},
          "venue.fix-target-comp-id");
  refused({"--venue.protocol=fix", "--venue.fix-port=9878",
           "--venue.fix-data-dictionary=" + dir + "/missing.xml"},
          "venue.fix-data-dictionary");
}

// The venue dies under a node trading over FIX with --venue.lost-halt-ms=1000:
// the session logged out (and the market stream down) for a second sends a
// level-2 node kill signed with the node key, and the node halts.
CAF_TEST(a_lost_fix_venue_halts_the_node) {
  auto paths = cluster_paths::from_env();
  CAF_REQUIRE_EQUAL(paths.missing(), "");
  auto dir = make_test_dir("fix_node_venue_lost");
  CAF_REQUIRE(!dir.empty());
  child_process venue("venue",
                      {paths.venue_bin, "--config", paths.config("venue.ini"), "--port", "0",
                       "--speed", "300", "--fix-port", "0", "--fix-store", dir + "/venue-fix"},
                      dir);
  auto line = venue.wait_for_line(
    stream::out, [](const std::string& l) { return l.find("fix_port=") != std::string::npos; },
    millis{30000});
  CAF_REQUIRE(line.has_value());
  auto fields = parse_fields(*line);
  auto cluster_port = free_port();
  child_process node("node",
                     node_argv(paths, "node.ini", static_cast<uint16_t>(std::stoi(fields["port"])),
                               cluster_port,
                               {"--venue.protocol=fix", "--venue.fix-port=" + fields["fix_port"],
                                "--venue.fix-heartbeat-s=1", "--venue.lost-halt-ms=1000"}),
                     dir, dir);
  CAF_REQUIRE(node.started());
  auto trading = wait_for_status(
    paths, dir, cluster_port,
    [](const node_status_view& s) {
      return s.mode == "ACTIVE" && s.counter_or_zero("connector.fix", "fix_logged_on") == 1
             && s.counter_or_zero("oms", "orders_sent") > 0;
    },
    60s);
  CAF_REQUIRE(trading.met);
  CAF_CHECK_EQUAL(trading.last.counter_or_zero("connector.fix", "venue_lost_breaches"), 0);
  CAF_REQUIRE_EQUAL(::kill(venue.pid(), SIGKILL), 0);
  CAF_REQUIRE(venue.wait_exit(10s).has_value());
  auto halted = wait_for_status(
    paths, dir, cluster_port,
    [](const node_status_view& s) {
      return s.mode == "HALTED" && s.counter_or_zero("connector.fix", "venue_lost_breaches") >= 1;
    },
    30s);
  if (!halted.met)
    CAF_MESSAGE("last status:\n" << halted.last.text << tail(node.err()));
  CAF_REQUIRE(halted.met);
  CAF_CHECK_EQUAL(halted.last.counter_or_zero("connector.fix", "fix_logged_on"), 0);
  CAF_CHECK_EQUAL(halted.last.counter_or_zero("connector.fix", "kills_requested"), 1);
  CWTS_STOP_NODE(node);
}
