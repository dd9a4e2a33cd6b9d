// One node, two venues side by side (issue 18): venue "binance" (a
// cwts-venue trading over its Binance API, which also feeds the validator)
// and venue "fix" (a second cwts-venue process, orders over its FIX 4.4
// acceptor, priced from the first venue's feed). The market makers quote at
// both and the OMS routes each order to its venue's connector; fills come
// back at both. Then venue "binance" is made to hang (every REST reply
// delayed past the request timeout) and a level-2 kill is sent: the two
// venue channels start together, "fix" confirms with its own query while
// "binance" is still failing, and "binance" is retried on its own until its
// venue, healthy again, shows no open order either.
#define CAF_SUITE node_two_venues
#include "tests/support/unit_test.hpp"

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/admin/http_get.hpp"
#include "tests/integration/node/kill_channels.hpp"
#include "tests/integration/node/stop_node.hpp"
#include "tests/integration/node/venue_view.hpp"
#include "tests/integration/support/cluster.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {

// A logged venue channel result of the node (event=kill_channel_result) at `venue`
// that confirmed (ok, nothing open) after at least one retry.
bool confirmed_after_retry(const std::string& log, const std::string& venue) {
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    auto at = line.find("event=kill_channel_result ");
    if (at == std::string::npos)
      continue;
    auto f = parse_fields(line.substr(at));
    if (field(f, "channel") == "venue_cancel_all" && field(f, "venue") == venue
        && field(f, "ok") == "true" && field(f, "open_after") == "0"
        && std::stoi(field(f, "retries")) >= 1)
      return true;
  }
  return false;
}

} // namespace

CAF_TEST(orders_route_to_both_venues_and_a_kill_cancels_at_both_in_parallel) {
  auto paths = cluster_paths::from_env();
  CAF_REQUIRE_EQUAL(paths.missing(), "");
  auto dir = make_test_dir("node_two_venues");
  CAF_REQUIRE(!dir.empty());
  CAF_MESSAGE("logs in " << dir);
  venue_process binance(paths, dir);
  CAF_REQUIRE(binance.port() != 0);
  child_process fix_venue("venue-fix",
                          {paths.venue_bin, "--config", paths.config("venue.ini"), "--port", "0",
                           "--speed", "300", "--fix-port", "0", "--fix-store",
                           dir + "/venue-fix-store"},
                          dir);
  auto line = fix_venue.wait_for_line(
    stream::out, [](const std::string& l) { return l.find("fix_port=") != std::string::npos; },
    millis{30000});
  CAF_REQUIRE(line.has_value());
  auto fields = parse_fields(*line);
  auto fix_http_port = static_cast<uint16_t>(std::stoi(fields["port"]));
  auto cluster_port = free_port();
  CAF_REQUIRE(cluster_port != 0);
  child_process node(
    "node",
    node_argv(paths, "node.ini", binance.port(), cluster_port,
              {"--venue.name=binance", "--venue-2.name=fix", "--venue-2.protocol=fix",
               "--venue-2.port=" + std::to_string(fix_http_port),
               "--venue-2.fix-port=" + fields["fix_port"], "--venue-2.fix-heartbeat-s=1",
               "--venue-2.market-data=off", "--venue-2.symbols=[\"USDCHF\"]",
               "--venue-2.credentials-file=" + paths.config("venue-demo-keys.ini"),
               // The hang below must be the kill's to handle, not the lost-venue trigger's.
               "--venue.lost-halt-ms=0", "--venue-2.lost-halt-ms=0"}),
    dir, dir);
  CAF_REQUIRE(node.started());

  // Both makers quote, each venue fills its own orders.
  auto both = wait_for_status(
    paths, dir, cluster_port,
    [](const node_status_view& s) {
      return s.counter_or_zero("oms", "venue.binance.fills") >= 1
             && s.counter_or_zero("oms", "venue.fix.fills") >= 1
             && s.counter_or_zero("oms", "venue.binance.live_orders") >= 1
             && s.counter_or_zero("oms", "venue.fix.live_orders") >= 1;
    },
    80s);
  if (!both.met)
    CAF_MESSAGE("last status:\n" << both.last.text << "node stderr:\n" << tail(node.err()));
  CAF_REQUIRE(both.met);
  CAF_CHECK_EQUAL(both.last.counter_or_zero("connector.fix", "protocol_fix"), 1);
  CAF_CHECK_GREATER(both.last.counter_or_zero("connector.fix", "orders_placed"), 0);
  CAF_CHECK_GREATER(both.last.counter_or_zero("connector.binance", "orders_placed"), 0);
  CAF_CHECK_EQUAL(both.last.counter_or_zero("connector.binance", "orders_refused_foreign_venue"), 0);
  CAF_CHECK_EQUAL(both.last.counter_or_zero("oms", "reports.foreign_venue"), 0);

  // Venue "binance" hangs: every REST reply waits past the 2 s request timeout.
  auto armed = http_post(binance.port(), "/venue/faults?latency-ms=3000");
  CAF_REQUIRE_EQUAL(armed.status, 200);

  auto kill = run_kill(paths, dir, cluster_port, {"--level=2", "--reason=two-venue kill drill"});
  CAF_MESSAGE("kill: rc=" << kill.raw.exit_code << "\n" << kill.raw.out << kill.raw.err);
  // 3: a channel failed (the hung venue's first attempt); the gate is closed.
  CAF_CHECK_EQUAL(kill.raw.exit_code, 3);
  auto fix_channel = venue_channel(kill, "venue_cancel_all", "fix");
  auto binance_channel = venue_channel(kill, "venue_cancel_all", "binance");
  CAF_REQUIRE(!fix_channel.empty());
  CAF_REQUIRE(!binance_channel.empty());
  // The healthy venue confirmed by its own query, on its first attempt...
  CAF_CHECK_EQUAL(field(fix_channel, "ok"), "1");
  CAF_CHECK_EQUAL(field(fix_channel, "open_after"), "0");
  CAF_CHECK_EQUAL(field(fix_channel, "retries"), "0");
  // ...and did not wait for the hung one, whose first attempt failed.
  CAF_CHECK_EQUAL(field(binance_channel, "ok"), "0");
  CAF_CHECK_LESS(number(fix_channel, "duration_ms"), number(binance_channel, "duration_ms"));
  CAF_MESSAGE("fix " << field(fix_channel, "duration_ms") << " ms, binance first attempt "
                     << field(binance_channel, "duration_ms") << " ms: "
                     << field(binance_channel, "error"));

  // The venue "fix" itself (its REST view of the account): nothing open.
  venue_view fix_rest(paths, fix_http_port);
  CAF_CHECK_EQUAL(fix_rest.open_orders().size(), 0u);

  // Venue "binance" recovers: the channel's own retries confirm there too.
  CAF_REQUIRE_EQUAL(http_post(binance.port(), "/venue/faults?reset=true").status, 200);
  CAF_CHECK(wait_until([&] { return confirmed_after_retry(node.err(), "binance"); }, millis{30000}));
  venue_view binance_rest(paths, binance.port());
  CAF_CHECK_EQUAL(binance_rest.open_orders().size(), 0u);
  auto after = query_status(paths, dir, cluster_port);
  CAF_CHECK_EQUAL(after.mode, "HALTED");
  CWTS_STOP_NODE(node);
}

// A second venue named like the first, or a symbol streamed by two venues,
// is refused at start naming the key.
CAF_TEST(conflicting_venues_are_refused_naming_the_key) {
  auto paths = cluster_paths::from_env();
  CAF_REQUIRE_EQUAL(paths.missing(), "");
  auto dir = make_test_dir("node_two_venues_config");
  CAF_REQUIRE(!dir.empty());
  auto refused = [&](std::vector<std::string> bad, const std::string& says) {
    bad.push_back("--cwts.duration=3");
    auto res = run_command("node", node_argv(paths, "node.ini", 1, free_port(), bad), dir, 30s);
    CAF_MESSAGE(says << " -> rc=" << res.exit_code << " stderr: " << tail(res.err, 400));
    CAF_CHECK(!res.timed_out);
    CAF_CHECK_NOT_EQUAL(res.exit_code, 0);
    CAF_CHECK(res.err.find(says) != std::string::npos);
  };
  auto creds = "--venue-2.credentials-file=" + paths.config("venue-demo-keys.ini");
  refused({"--venue-2.name=binance", "--venue-2.port=9", "--venue-2.symbols=[\"USDCHF\"]", creds},
          "configured twice");
  refused({"--venue-2.name=b2", "--venue-2.port=9", "--venue-2.symbols=[\"USDCHF\"]", creds},
          "streamed by both");
  refused({"--venue-2.name=Bad_Name", "--venue-2.port=9", "--venue-2.symbols=[\"USDCHF\"]", creds},
          "venue-2.name");
}
