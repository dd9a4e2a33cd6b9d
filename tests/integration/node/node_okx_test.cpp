// One node trading at Binance and OKX at once (issue 19): venue "binance" (a
// cwts-venue over its Binance API, which also feeds the validator) and venue
// "okx" (a second cwts-venue process, traded over its OKX v5 REST and
// private WebSocket, its books kept from the `books` channel, priced from
// the first venue's feed). The makers quote at both, each venue fills its
// own orders, and a level-2 kill cancels at both, each venue confirming by
// its own query. Then the venue's dead-man's switch: with
// dead-mans-switch-ms armed, the node is SIGKILLed and OKX itself cancels
// every order of the account when the timer runs out.
#define CAF_SUITE node_okx
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

std::vector<std::string> okx_args(const cluster_paths& paths, uint16_t port,
                                  std::vector<std::string> more = {}) {
  std::vector<std::string> out{"--venue.name=binance",
                               "--venue-2.name=okx",
                               "--venue-2.protocol=okx",
                               "--venue-2.port=" + std::to_string(port),
                               "--venue-2.market-data=off",
                               "--venue-2.symbols=[\"USDCHF\"]",
                               "--venue-2.credentials-file=" + paths.config("venue-demo-keys.ini")};
  out.insert(out.end(), more.begin(), more.end());
  return out;
}

// Binance (a venue_process), the OKX venue and one node trading both, with
// `more` node arguments; logs in a fresh test directory `name`.
struct binance_and_okx {
  cluster_paths paths = cluster_paths::from_env();
  std::string dir;
  std::optional<venue_process> binance;
  std::optional<second_venue> okx;
  uint16_t cluster_port = 0;
  std::optional<child_process> node;

  binance_and_okx(const std::string& name, std::vector<std::string> more) {
    CAF_REQUIRE_EQUAL(paths.missing(), "");
    dir = make_test_dir(name);
    CAF_REQUIRE(!dir.empty());
    CAF_MESSAGE("logs in " << dir);
    binance.emplace(paths, dir);
    CAF_REQUIRE(binance->port() != 0);
    okx.emplace(paths, dir, "venue-okx");
    CAF_REQUIRE(okx->port != 0);
    cluster_port = free_port();
    CAF_REQUIRE(cluster_port != 0);
    node.emplace("node",
                 node_argv(paths, "node.ini", binance->port(), cluster_port,
                           okx_args(paths, okx->port, std::move(more))),
                 dir, dir);
    CAF_REQUIRE(node->started());
  }
};

} // namespace

CAF_TEST(orders_route_to_binance_and_okx_and_a_kill_cancels_at_both) {
  binance_and_okx setup("node_okx", {"--venue.lost-halt-ms=0"});
  auto& paths = setup.paths;
  auto& dir = setup.dir;
  auto& node = *setup.node;
  auto cluster_port = setup.cluster_port;

  auto both = wait_for_status(
    paths, dir, cluster_port,
    [](const node_status_view& s) {
      return s.counter_or_zero("oms", "venue.binance.fills") >= 1
             && s.counter_or_zero("oms", "venue.okx.fills") >= 1
             && s.counter_or_zero("oms", "venue.okx.live_orders") >= 1;
    },
    80s);
  if (!both.met)
    CAF_MESSAGE("last status:\n" << both.last.text << "node stderr:\n" << tail(node.err()));
  CAF_REQUIRE(both.met);
  CAF_CHECK_EQUAL(both.last.counter_or_zero("oms", "reports.foreign_venue"), 0);
  // Its book is kept from OKX's `books` channel, checksums verified.
  CAF_CHECK_EQUAL(both.last.counter_or_zero("connector.okx", "book.synced.USDCHF"), 1);
  CAF_CHECK_EQUAL(both.last.counter_or_zero("connector.okx", "book.checksum_failures"), 0);

  auto kill = run_kill(paths, dir, cluster_port, {"--level=2", "--reason=binance+okx kill"});
  CAF_MESSAGE("kill: rc=" << kill.raw.exit_code << "\n" << kill.raw.out << kill.raw.err);
  CAF_CHECK_EQUAL(kill.raw.exit_code, 0);
  for (auto* venue : {"binance", "okx"}) {
    auto channel = venue_channel(kill, "venue_cancel_all", venue);
    CAF_REQUIRE(!channel.empty());
    CAF_CHECK_EQUAL(field(channel, "ok"), "1");
    CAF_CHECK_EQUAL(field(channel, "open_after"), "0");
  }
  // Each venue asked directly: nothing of the account is open. The OKX
  // venue's book is the same engine its Binance API reads.
  venue_view okx_rest(paths, setup.okx->port);
  CAF_CHECK_EQUAL(okx_rest.open_orders().size(), 0u);
  venue_view binance_rest(paths, setup.binance->port());
  CAF_CHECK_EQUAL(binance_rest.open_orders().size(), 0u);
  CWTS_STOP_NODE(node);
}

// The node arms OKX's cancel-all-after and refreshes it; SIGKILLed, it can
// no longer cancel anything, and the venue cancels for it when the timer
// runs out.
CAF_TEST(the_venue_cancels_everything_after_the_gateway_is_sigkilled) {
  binance_and_okx setup("node_okx_dead_man", {"--venue-2.dead-mans-switch-ms=10000"});
  auto& paths = setup.paths;
  auto& dir = setup.dir;
  auto& node = *setup.node;
  auto& okx = *setup.okx;
  auto cluster_port = setup.cluster_port;
  auto quoting = wait_for_status(
    paths, dir, cluster_port,
    [](const node_status_view& s) {
      return s.counter_or_zero("oms", "venue.okx.live_orders") >= 1
             && s.counter_or_zero("connector.okx", "dead_man.refreshes") >= 1;
    },
    80s);
  if (!quoting.met)
    CAF_MESSAGE("last status:\n" << quoting.last.text << "node stderr:\n" << tail(node.err()));
  CAF_REQUIRE(quoting.met);
  venue_view okx_rest(paths, okx.port);
  CAF_REQUIRE(wait_until([&] { return !okx_rest.open_orders().empty(); }, millis{30000}));
  // The refreshes work: armed at start, refreshed every 10/3 s, five of them
  // span more than the 10 s timeout, and the venue never fired meanwhile.
  auto refreshed = wait_for_status(
    paths, dir, cluster_port,
    [](const node_status_view& s) {
      return s.counter_or_zero("connector.okx", "dead_man.refreshes") >= 5;
    },
    60s);
  CAF_REQUIRE(refreshed.met);
  CAF_CHECK_EQUAL(refreshed.last.counter_or_zero("connector.okx", "dead_man.failures"), 0);
  CAF_CHECK(!has(okx.process.out() + okx.process.err(), "event=okx_cancel_all_after_fired"));

  // Something of the account must be open at the venue right before the
  // kill: with nothing open the timer firing would prove nothing.
  auto open_before = wait_for_open_orders(okx_rest, millis{30000});
  CAF_MESSAGE("open at the venue before the SIGKILL: " << open_before);
  CAF_REQUIRE(open_before > 0);
  CAF_REQUIRE_EQUAL(::kill(node.pid(), SIGKILL), 0);
  CAF_CHECK_EQUAL(node.wait_exit(millis{10000}).value_or(0), -SIGKILL);
  // Nobody cancels on the node's behalf: the venue's own timer (10 s after
  // the last refresh) fires, cancels what the dead node left working (the
  // tape may still fill some of it first), and then nothing of the account
  // is open.
  auto venue_log = [&] { return okx.process.out() + okx.process.err(); };
  CAF_REQUIRE(wait_until([&] { return has(venue_log(), "event=okx_cancel_all_after_fired"); },
                         millis{30000}));
  auto canceled = dead_man_canceled(venue_log(), "okx_cancel_all_after_fired");
  CAF_MESSAGE("the venue's dead-man's switch canceled " << canceled);
  CAF_CHECK(canceled > 0);
  CAF_CHECK_EQUAL(okx_rest.open_orders().size(), 0u);
}
