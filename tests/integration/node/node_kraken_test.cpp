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
#include "tests/support/unit_test.hpp"

#include <string>

#include "tests/integration/node/binance_and_second_venue.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {

const second_protocol kraken_protocol{"kraken", true, "kraken_cancel_all_orders_after_fired"};

} // namespace

CAF_TEST(orders_route_to_binance_and_kraken_and_a_kill_cancels_at_both) {
  // Kraken's book is kept from its v2 `book` channel, checksums verified.
  check_orders_route_to_both_and_a_kill_cancels_at_both(kraken_protocol, "node_kraken");
}

// The node arms Kraken's CancelAllOrdersAfter and refreshes it; SIGKILLed, it
// can no longer cancel anything, and the venue cancels for it when the timer
// runs out.
CAF_TEST(the_venue_cancels_everything_after_the_gateway_is_sigkilled) {
  check_the_venue_cancels_after_a_sigkill(kraken_protocol, "node_kraken_dead_man");
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
