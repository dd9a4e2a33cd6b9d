#pragma once
// The two-venue node tests that node_okx_test and node_kraken_test run alike:
// one node trading at Binance (venue "binance", a venue_process, which also
// feeds the validator) and at a second cwts-venue process over another
// protocol (venue-2, named as its protocol: "okx", "kraken"), priced from the
// first venue's feed. Only the protocol's name, whether the connector keeps
// a nonce file and the venue's dead-man's-switch log event differ. Use
// inside a CAF_TEST.

#include <signal.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/support/unit_test.hpp"
#include "tests/integration/admin/http_get.hpp"
#include "tests/integration/node/dead_man_check.hpp"
#include "tests/integration/node/kill_channels.hpp"
#include "tests/integration/node/second_venue.hpp"
#include "tests/integration/node/stop_node.hpp"
#include "tests/integration/node/venue_view.hpp"
#include "tests/integration/support/cluster.hpp"

namespace cwts::itest {

// What tells the second venue's protocol apart in these tests.
struct second_protocol {
  std::string name;           // venue-2's name and protocol: "okx", "kraken"
  bool nonce_file = false;    // the connector persists its nonce (Kraken)
  std::string dead_man_event; // the venue's log event when its timer fires
};

// The node's venue-2 arguments for `p` at `port`, then `more`.
inline std::vector<std::string> second_protocol_args(const cluster_paths& paths, const second_protocol& p,
                                                     uint16_t port, const std::string& dir,
                                                     std::vector<std::string> more = {}) {
  std::vector<std::string> out{"--venue.name=binance",
                               "--venue-2.name=" + p.name,
                               "--venue-2.protocol=" + p.name,
                               "--venue-2.port=" + std::to_string(port),
                               "--venue-2.market-data=off",
                               "--venue-2.symbols=[\"USDCHF\"]",
                               "--venue-2.credentials-file=" + paths.config("venue-demo-keys.ini")};
  if (p.nonce_file)
    out.push_back("--venue-2.nonce-file=" + dir + "/run/node-" + p.name + ".nonce");
  out.insert(out.end(), more.begin(), more.end());
  return out;
}

// Binance, the second venue and one node trading both, with `more` node
// arguments; logs in a fresh test directory `name`.
struct binance_and_second_venue {
  cluster_paths paths = cluster_paths::from_env();
  std::string dir;
  std::optional<venue_process> binance;
  std::optional<second_venue> second;
  uint16_t cluster_port = 0;
  std::optional<child_process> node;

  binance_and_second_venue(const second_protocol& p, const std::string& name,
                           std::vector<std::string> more) {
    CAF_REQUIRE_EQUAL(paths.missing(), "");
    dir = make_test_dir(name);
    CAF_REQUIRE(!dir.empty());
    CAF_MESSAGE("logs in " << dir);
    binance.emplace(paths, dir);
    CAF_REQUIRE(binance->port() != 0);
    second.emplace(paths, dir, "venue-" + p.name);
    CAF_REQUIRE(second->port != 0);
    cluster_port = free_port();
    CAF_REQUIRE(cluster_port != 0);
    node.emplace("node",
                 node_argv(paths, "node.ini", binance->port(), cluster_port,
                           second_protocol_args(paths, p, second->port, dir, std::move(more))),
                 dir, dir);
    CAF_REQUIRE(node->started());
  }
};

// The makers quote at both venues, each fills its own orders (the second
// venue's book kept from its feed, checksums verified), and a level-2 kill
// cancels at both, each venue confirming by its own query.
inline void check_orders_route_to_both_and_a_kill_cancels_at_both(const second_protocol& p,
                                                                  const std::string& test_name) {
  binance_and_second_venue setup(p, test_name, {"--venue.lost-halt-ms=0"});
  auto& paths = setup.paths;
  auto& dir = setup.dir;
  auto& node = *setup.node;
  auto cluster_port = setup.cluster_port;
  const std::string venue_counter = "venue." + p.name + ".";
  const std::string connector = "connector." + p.name;

  auto both = wait_for_status(
    paths, dir, cluster_port,
    [&](const node_status_view& s) {
      return s.counter_or_zero("oms", "venue.binance.fills") >= 1
             && s.counter_or_zero("oms", venue_counter + "fills") >= 1
             && s.counter_or_zero("oms", venue_counter + "live_orders") >= 1;
    },
    std::chrono::seconds(80));
  if (!both.met)
    CAF_MESSAGE("last status:\n" << both.last.text << "node stderr:\n" << tail(node.err()));
  CAF_REQUIRE(both.met);
  CAF_CHECK_EQUAL(both.last.counter_or_zero("oms", "reports.foreign_venue"), 0);
  CAF_CHECK_EQUAL(both.last.counter_or_zero(connector, "book.synced.USDCHF"), 1);
  CAF_CHECK_EQUAL(both.last.counter_or_zero(connector, "book.checksum_failures"), 0);

  auto kill = run_kill(paths, dir, cluster_port, {"--level=2", "--reason=binance+" + p.name + " kill"});
  CAF_MESSAGE("kill: rc=" << kill.raw.exit_code << "\n" << kill.raw.out << kill.raw.err);
  CAF_CHECK_EQUAL(kill.raw.exit_code, 0);
  for (const auto& venue : {std::string("binance"), p.name}) {
    auto channel = venue_channel(kill, "venue_cancel_all", venue);
    CAF_REQUIRE(!channel.empty());
    CAF_CHECK_EQUAL(field(channel, "ok"), "1");
    CAF_CHECK_EQUAL(field(channel, "open_after"), "0");
  }
  // Each venue asked directly: nothing of the account is open. The second
  // venue's book is the same engine its Binance API reads.
  venue_view second_rest(paths, setup.second->port);
  CAF_CHECK_EQUAL(second_rest.open_orders().size(), 0u);
  venue_view binance_rest(paths, setup.binance->port());
  CAF_CHECK_EQUAL(binance_rest.open_orders().size(), 0u);
  CWTS_STOP_NODE(node);
}

// The node arms the second venue's dead-man's switch and refreshes it;
// SIGKILLed, it can no longer cancel anything, and the venue cancels for it
// when the timer runs out.
inline void check_the_venue_cancels_after_a_sigkill(const second_protocol& p,
                                                    const std::string& test_name) {
  binance_and_second_venue setup(p, test_name, {"--venue-2.dead-mans-switch-ms=10000"});
  auto& paths = setup.paths;
  auto& dir = setup.dir;
  auto& node = *setup.node;
  auto& venue = *setup.second;
  auto cluster_port = setup.cluster_port;
  const std::string connector = "connector." + p.name;
  auto quoting = wait_for_status(
    paths, dir, cluster_port,
    [&](const node_status_view& s) {
      return s.counter_or_zero("oms", "venue." + p.name + ".live_orders") >= 1
             && s.counter_or_zero(connector, "dead_man.refreshes") >= 1;
    },
    std::chrono::seconds(80));
  if (!quoting.met)
    CAF_MESSAGE("last status:\n" << quoting.last.text << "node stderr:\n" << tail(node.err()));
  CAF_REQUIRE(quoting.met);
  venue_view venue_rest(paths, venue.port);
  CAF_REQUIRE(wait_until([&] { return !venue_rest.open_orders().empty(); }, millis{30000}));
  // The refreshes work: armed at start, refreshed every 10/3 s, five of them
  // span more than the 10 s timeout, and the venue never fired meanwhile.
  auto refreshed = wait_for_status(
    paths, dir, cluster_port,
    [&](const node_status_view& s) { return s.counter_or_zero(connector, "dead_man.refreshes") >= 5; },
    std::chrono::seconds(60));
  CAF_REQUIRE(refreshed.met);
  CAF_CHECK_EQUAL(refreshed.last.counter_or_zero(connector, "dead_man.failures"), 0);
  auto venue_log = [&] { return venue.process.out() + venue.process.err(); };
  CAF_CHECK(!has(venue_log(), "event=" + p.dead_man_event));

  // Something of the account must be open at the venue right before the
  // kill: with nothing open the timer firing would prove nothing. The node's
  // quotes (one or two) may all fill on the tape before the timer runs out,
  // so the account also holds one order the tape cannot fill: a buy far
  // below the market, placed over the venue's Binance API (one engine and
  // account behind every protocol).
  order_request far;
  far.id = client_order_id{"dms-far-below"};
  far.sym = *symbol::parse("USDCHF");
  far.order_side = side::buy;
  far.type = order_type::limit;
  far.tif = time_in_force::gtc;
  far.limit_price = *price::parse("0.5");
  far.quantity = *qty::parse("100");
  far.ts_init = wall_clock_now();
  auto placed = venue_rest.gw->place_order(far);
  if (!placed.ok())
    CAF_MESSAGE("far order refused: " << connector::to_string(placed.kind) << " "
                                      << placed.error.code << " " << placed.error.msg << " "
                                      << placed.detail);
  CAF_REQUIRE(placed.ok());
  auto open_before = wait_for_open_orders(venue_rest, millis{30000});
  CAF_MESSAGE("open at the venue before the SIGKILL: " << open_before);
  CAF_REQUIRE(open_before > 0);
  CAF_REQUIRE_EQUAL(::kill(node.pid(), SIGKILL), 0);
  CAF_CHECK_EQUAL(node.wait_exit(millis{10000}).value_or(0), -SIGKILL);
  // Nobody cancels on the node's behalf: the venue's own timer (10 s after
  // the last refresh) fires, cancels what the dead node left working (the
  // tape may still fill some of it first), and then nothing of the account
  // is open.
  CAF_REQUIRE(wait_until([&] { return has(venue_log(), "event=" + p.dead_man_event); }, millis{30000}));
  auto canceled = dead_man_canceled(venue_log(), p.dead_man_event);
  CAF_MESSAGE("the venue's dead-man's switch canceled " << canceled);
  CAF_CHECK(canceled > 0);
  CAF_CHECK_EQUAL(venue_rest.open_orders().size(), 0u);
}

} // namespace cwts::itest
