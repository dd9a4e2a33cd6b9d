// cwts-node with --risk.max-order-qty=500 while the strategy quotes 1000:
// risk rejects every quote (max_qty_exceeded), the OMS sends nothing, and
// the venue (asked directly) holds no open order of ours.
#define CAF_SUITE node_risk_reject
#include "tests/support/unit_test.hpp"

#include "tests/integration/node/single_node.hpp"
#include "tests/integration/node/stop_node.hpp"
#include "tests/integration/node/venue_view.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

CAF_TEST(orders_above_max_order_qty_never_reach_the_venue) {
  single_node n("node_risk_reject", {"--risk.max-order-qty=500", "--strategy.order-qty=1000"});

  // Several rejections, so the strategy has tried more than once.
  auto rejected = n.wait_for(
    [](const node_status_view& s) {
      return s.counter_or_zero("risk", "rejected.max_qty_exceeded") >= 3;
    },
    45s);
  CAF_REQUIRE(rejected.met);
  auto sent = rejected.last.counter("oms", "orders_sent");
  CAF_REQUIRE(sent.has_value());
  CAF_CHECK_EQUAL(*sent, 0);
  auto passed = rejected.last.counter_or_zero("risk", "checks_passed");
  CAF_CHECK_EQUAL(passed, 0);

  venue_view venue(n.paths, n.venue.port());
  CAF_CHECK_EQUAL(venue.open_orders().size(), 0u);

  // Still nothing sent a little later (the node kept running and rejecting).
  auto later = n.status();
  CAF_REQUIRE(later.ok());
  auto sent_later = later.counter("oms", "orders_sent");
  CAF_REQUIRE(sent_later.has_value());
  CAF_CHECK_EQUAL(*sent_later, 0);

  CWTS_STOP_NODE(n.node);
}
