// One node trading at Binance and Kraken at once (issue 20): venue "binance"
// (a cwts-venue over its Binance API, which also feeds the validator) and
// venue "kraken" (a second cwts-venue process, traded over its Kraken Spot
// REST and WebSocket v2, its book kept from the v2 `book` channel with
// checksums verified, priced from the first venue's feed). The makers quote
// at both, each venue fills its own orders, and a level-2 kill cancels at
// both, each venue confirming by its own query. Then the venue's dead-man's
// switch: with dead-mans-switch-ms armed (CancelAllOrdersAfter), the node is
// SIGKILLed and Kraken itself cancels every order of the account when the
// timer runs out. Last, a node on Kraken alone trades on Kraken's own feed,
// validated.
#define CAF_SUITE node_kraken
#include "caf/test/unit_test_impl.hpp"

#include <signal.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/integration/admin/http_get.hpp"
#include "tests/integration/node/dead_man_check.hpp"
#include "tests/integration/node/kill_channels.hpp"
#include "tests/integration/node/second_venue.hpp"
#include "tests/integration/node/stop_node.hpp"
#include "tests/integration/node/venue_view.hpp"
#include "tests/integration/support/cluster.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> kraken_args(const cluster_paths& paths, uint16_t port, const std::string& nonce_file,
                                  std::vector<std::string> more = {}) {
  std::vector<std::string> out{"--venue.name=binance",
                               "--venue-2.name=kraken",
                               "--venue-2.protocol=kraken",
                               "--venue-2.port=" + std::to_string(port),
                               "--venue-2.market-data=off",
                               "--venue-2.symbols=[\"USDCHF\"]",
                               "--venue-2.credentials-file=" + paths.config("venue-demo-keys.ini"),
                               "--venue-2.nonce-file=" + nonce_file};
  out.insert(out.end(), more.begin(), more.end());
  return out;
}

// Binance (a venue_process), the Kraken venue and one node trading both, with
// `more` node arguments; logs in a fresh test directory `name`.
struct binance_and_kraken {
  cluster_paths paths = cluster_paths::from_env();
  std::string dir;
  std::optional<venue_process> binance;
  std::optional<second_venue> kraken;
  uint16_t cluster_port = 0;
  std::optional<child_process> node;

  binance_and_kraken(const std::string& name, std::vector<std::string> more) {
    CAF_REQUIRE_EQUAL(paths.missing(), "");
    dir = make_test_dir(name);
    CAF_REQUIRE(!dir.empty());
    CAF_MESSAGE("logs in " << dir);
    binance.emplace(paths, dir);
    CAF_REQUIRE(binance->port() != 0);
    kraken.emplace(paths, dir, "venue-kraken");
    CAF_REQUIRE(kraken->port != 0);
    cluster_port = free_port();
    CAF_REQUIRE(cluster_port != 0);
    node.emplace("node",
                 node_argv(paths, "node.ini", binance->port(), cluster_port,
                           kraken_args(paths, kraken->port, dir + "/run/node-kraken.nonce", std::move(more))),
                 dir, dir);
    CAF_REQUIRE(node->started());
  }
};

} // namespace

CAF_TEST(orders_route_to_binance_and_kraken_and_a_kill_cancels_at_both) {
  binance_and_kraken setup("node_kraken", {"--venue.lost-halt-ms=0"});
  auto& paths = setup.paths;
  auto& dir = setup.dir;
  auto& node = *setup.node;
  auto cluster_port = setup.cluster_port;

  auto both = wait_for_status(
    paths, dir, cluster_port,
    [](const node_status_view& s) {
      return s.counter_or_zero("oms", "venue.binance.fills") >= 1
             && s.counter_or_zero("oms", "venue.kraken.fills") >= 1
             && s.counter_or_zero("oms", "venue.kraken.live_orders") >= 1;
    },
    80s);
  if (!both.met)
    CAF_MESSAGE("last status:\n" << both.last.text << "node stderr:\n" << tail(node.err()));
  CAF_REQUIRE(both.met);
  CAF_CHECK_EQUAL(both.last.counter_or_zero("oms", "reports.foreign_venue"), 0);
  // Its book is kept from Kraken's v2 `book` channel, checksums verified.
  CAF_CHECK_EQUAL(both.last.counter_or_zero("connector.kraken", "book.synced.USDCHF"), 1);
  CAF_CHECK_EQUAL(both.last.counter_or_zero("connector.kraken", "book.checksum_failures"), 0);

  auto kill = run_kill(paths, dir, cluster_port, {"--level=2", "--reason=binance+kraken kill"});
  CAF_MESSAGE("kill: rc=" << kill.raw.exit_code << "\n" << kill.raw.out << kill.raw.err);
  CAF_CHECK_EQUAL(kill.raw.exit_code, 0);
  for (auto* venue : {"binance", "kraken"}) {
    auto channel = venue_channel(kill, "venue_cancel_all", venue);
    CAF_REQUIRE(!channel.empty());
    CAF_CHECK_EQUAL(field(channel, "ok"), "1");
    CAF_CHECK_EQUAL(field(channel, "open_after"), "0");
  }
  // Each venue asked directly: nothing of the account is open. The Kraken
  // venue's book is the same engine its Binance API reads.
  venue_view kraken_rest(paths, setup.kraken->port);
  CAF_CHECK_EQUAL(kraken_rest.open_orders().size(), 0u);
  venue_view binance_rest(paths, setup.binance->port());
  CAF_CHECK_EQUAL(binance_rest.open_orders().size(), 0u);
  CWTS_STOP_NODE(node);
}

// The node arms Kraken's CancelAllOrdersAfter and refreshes it; SIGKILLed, it can
// no longer cancel anything, and the venue cancels for it when the timer
// runs out.
CAF_TEST(the_venue_cancels_everything_after_the_gateway_is_sigkilled) {
  binance_and_kraken setup("node_kraken_dead_man", {"--venue-2.dead-mans-switch-ms=10000"});
  auto& paths = setup.paths;
  auto& dir = setup.dir;
  auto& node = *setup.node;
  auto& kraken = *setup.kraken;
  auto cluster_port = setup.cluster_port;
  auto quoting = wait_for_status(
    paths, dir, cluster_port,
    [](const node_status_view& s) {
      return s.counter_or_zero("oms", "venue.kraken.live_orders") >= 1
             && s.counter_or_zero("connector.kraken", "dead_man.refreshes") >= 1;
    },
    80s);
  if (!quoting.met)
    CAF_MESSAGE("last status:\n" << quoting.last.text << "node stderr:\n" << tail(node.err()));
  CAF_REQUIRE(quoting.met);
  venue_view kraken_rest(paths, kraken.port);
  CAF_REQUIRE(wait_until([&] { return !kraken_rest.open_orders().empty(); }, millis{30000}));
  // The refreshes work: armed at start, refreshed every 10/3 s, five of them
  // span more than the 10 s timeout, and the venue never fired meanwhile.
  auto refreshed = wait_for_status(
    paths, dir, cluster_port,
    [](const node_status_view& s) {
      return s.counter_or_zero("connector.kraken", "dead_man.refreshes") >= 5;
    },
    60s);
  CAF_REQUIRE(refreshed.met);
  CAF_CHECK_EQUAL(refreshed.last.counter_or_zero("connector.kraken", "dead_man.failures"), 0);
  CAF_CHECK(!has(kraken.process.out() + kraken.process.err(), "event=kraken_cancel_all_orders_after_fired"));

  // Something of the account must be open at the venue right before the
  // kill: with nothing open the timer firing would prove nothing.
  auto open_before = wait_for_open_orders(kraken_rest, millis{30000});
  CAF_MESSAGE("open at the venue before the SIGKILL: " << open_before);
  CAF_REQUIRE(open_before > 0);
  CAF_REQUIRE_EQUAL(::kill(node.pid(), SIGKILL), 0);
  CAF_CHECK_EQUAL(node.wait_exit(millis{10000}).value_or(0), -SIGKILL);
  // Nobody cancels on the node's behalf: the venue's own timer (10 s after
  // the last refresh) fires, cancels what the dead node left working (the
  // tape may still fill some of it first), and then nothing of the account
  // is open.
  auto venue_log = [&] { return kraken.process.out() + kraken.process.err(); };
  CAF_REQUIRE(wait_until([&] { return has(venue_log(), "event=kraken_cancel_all_orders_after_fired"); },
                         millis{30000}));
  auto canceled = dead_man_canceled(venue_log(), "kraken_cancel_all_orders_after_fired");
  CAF_MESSAGE("the venue's dead-man's switch canceled " << canceled);
  CAF_CHECK(canceled > 0);
  CAF_CHECK_EQUAL(kraken_rest.open_orders().size(), 0u);
}

// Kraken alone: its WebSocket v2 feed is the validator's (market-data on),
// so the strategy quotes only once Kraken's trades and book tops pass
// validation; fills follow.
CAF_TEST(a_node_on_kraken_alone_trades_on_its_validated_feed) {
  auto paths = cluster_paths::from_env();
  CAF_REQUIRE_EQUAL(paths.missing(), "");
  auto dir = make_test_dir("node_kraken_alone");
  CAF_REQUIRE(!dir.empty());
  second_venue kraken(paths, dir, "venue-kraken");
  CAF_REQUIRE(kraken.port != 0);
  auto cluster_port = free_port();
  child_process node("node",
                     node_argv(paths, "node.ini", kraken.port, cluster_port,
                               {"--venue.name=kraken", "--venue.protocol=kraken", "--venue.lost-halt-ms=0",
                                "--venue.nonce-file=" + dir + "/run/node-kraken.nonce"}),
                     dir, dir);
  CAF_REQUIRE(node.started());
  auto trading = wait_for_status(
    paths, dir, cluster_port,
    [](const node_status_view& s) {
      return s.counter_or_zero("oms", "venue.kraken.fills") >= 1
             && s.counter_or_zero("connector.kraken", "md.frames.trade") >= 1;
    },
    80s);
  if (!trading.met)
    CAF_MESSAGE("last status:\n" << trading.last.text << "node stderr:\n" << tail(node.err()));
  CAF_REQUIRE(trading.met);
  CAF_CHECK_EQUAL(trading.last.counter_or_zero("connector.kraken", "book.synced.USDCHF"), 1);
  CAF_CHECK_EQUAL(trading.last.counter_or_zero("connector.kraken", "book.checksum_failures"), 0);
  CAF_CHECK_EQUAL(trading.last.counter_or_zero("connector.kraken", "stream_parse_errors"), 0);
  // Kraken's trades and tops pass as they come: none out of order or crossed.
  CAF_CHECK(trading.last.counter_or_zero("validator", "trades_seen") >= 1);
  CAF_CHECK(trading.last.counter_or_zero("validator", "tops_seen") >= 1);
  CAF_CHECK_EQUAL(trading.last.counter_or_zero("validator", "rejects.out_of_order"), 0);
  CAF_CHECK_EQUAL(trading.last.counter_or_zero("validator", "rejects.duplicate"), 0);
  CAF_CHECK_EQUAL(trading.last.counter_or_zero("validator", "rejects.crossed_book"), 0);
  CWTS_STOP_NODE(node);
}
