// cwts-venue + one cwts-node with every role: the strategy's orders reach the
// venue, are acknowledged and filled, and the venue (asked directly through
// the Binance REST gateway) shows the node's resting USDCHF quotes.
#define CAF_SUITE node_order_flow
#include "tests/support/unit_test.hpp"

#include <vector>

#include "tests/integration/node/single_node.hpp"
#include "tests/integration/node/stop_node.hpp"
#include "tests/integration/node/venue_view.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

CAF_TEST(strategy_orders_are_filled_at_the_venue) {
  single_node n("node_order_flow");

  auto filled = n.wait_for(
    [](const node_status_view& s) { return s.counter_or_zero("oms", "status.FILLED") >= 1; }, 45s);
  CAF_REQUIRE(filled.met);
  auto sent = filled.last.counter_or_zero("oms", "orders_sent");
  CAF_CHECK_GREATER_OR_EQUAL(sent, 1);
  auto mode = filled.last.mode;
  CAF_CHECK_EQUAL(mode, "ACTIVE");

  // The venue, asked independently on the node's (demo) account: it answers
  // for USDCHF and, while the strategy quotes, shows a resting order of ours.
  venue_view venue(n.paths, n.venue.port());
  std::vector<connector::venue_order> open;
  bool answered = false;
  auto seen = wait_until(
    [&] {
      auto orders = venue.try_open_orders();
      if (!orders)
        return false;
      answered = true;
      open = std::move(*orders);
      return !open.empty();
    },
    30s, 200ms);
  if (!answered)
    CAF_MESSAGE("venue: " << venue.error);
  CAF_REQUIRE(answered);
  CAF_CHECK(seen);
  for (auto& o : open) {
    auto sym = o.sym.str();
    CAF_CHECK_EQUAL(sym, "USDCHF");
    CAF_CHECK(!o.client_id.value.empty());
  }

  CWTS_STOP_NODE(n.node);
}
