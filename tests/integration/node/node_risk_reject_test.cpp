// cwts-node with --risk.max-order-qty=500 while the strategy quotes 1000:
// risk rejects every quote (max_qty_exceeded), the OMS sends nothing, and
// the venue (asked directly) holds no open order of ours.
#define CAF_SUITE node_risk_reject
#include "caf/test/unit_test_impl.hpp"

#include "tests/integration/node/stop_node.hpp"
#include "tests/integration/support/cluster.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

CAF_TEST(orders_above_max_order_qty_never_reach_the_venue) {
  auto paths = cluster_paths::from_env();
  auto missing = paths.missing();
  CAF_REQUIRE_EQUAL(missing, "");
  auto dir = make_test_dir("node_risk_reject");
  CAF_REQUIRE(!dir.empty());
  CAF_MESSAGE("logs in " << dir);

  venue_process venue(paths, dir);
  CAF_REQUIRE(venue.port() != 0);
  auto cluster_port = free_port();
  CAF_REQUIRE(cluster_port != 0);
  child_process node("node",
                     node_argv(paths, "node.ini", venue.port(), cluster_port,
                               {"--risk.max-order-qty=500", "--strategy.order-qty=1000"}),
                     dir);
  CAF_REQUIRE(node.started());

  // Several rejections, so the strategy has tried more than once.
  auto rejected = wait_for_status(
    paths, dir, cluster_port,
    [](const node_status_view& s) {
      return s.counter_or_zero("risk", "rejected.max_qty_exceeded") >= 3;
    },
    45s);
  if (!rejected.met)
    CAF_MESSAGE("last status:\n" << rejected.last.text << "node stderr:\n" << tail(node.err()));
  CAF_REQUIRE(rejected.met);
  auto sent = rejected.last.counter("oms", "orders_sent");
  CAF_REQUIRE(sent.has_value());
  CAF_CHECK_EQUAL(*sent, 0);
  auto passed = rejected.last.counter_or_zero("risk", "checks_passed");
  CAF_CHECK_EQUAL(passed, 0);

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

  // Still nothing sent a little later (the node kept running and rejecting).
  auto later = query_status(paths, dir, cluster_port);
  CAF_REQUIRE(later.ok());
  auto sent_later = later.counter("oms", "orders_sent");
  CAF_REQUIRE(sent_later.has_value());
  CAF_CHECK_EQUAL(*sent_later, 0);

  CWTS_STOP_NODE(node);
}
