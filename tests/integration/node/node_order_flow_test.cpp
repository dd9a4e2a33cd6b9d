// cwts-venue + one cwts-node with every role: the strategy's orders reach the
// venue, are acknowledged and filled, and the venue (asked directly through
// the Binance REST gateway) shows the node's resting USDCHF quotes.
#define CAF_SUITE node_order_flow
#include "caf/test/unit_test_impl.hpp"

#include "tests/integration/node/stop_node.hpp"
#include "tests/integration/support/cluster.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

CAF_TEST(strategy_orders_are_filled_at_the_venue) {
  auto paths = cluster_paths::from_env();
  auto missing = paths.missing();
  CAF_REQUIRE_EQUAL(missing, "");
  auto dir = make_test_dir("node_order_flow");
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
  auto sent = filled.last.counter_or_zero("oms", "orders_sent");
  CAF_CHECK_GREATER_OR_EQUAL(sent, 1);
  auto mode = filled.last.mode;
  CAF_CHECK_EQUAL(mode, "ACTIVE");

  // The venue, asked independently on the node's (demo) account: it answers
  // for USDCHF and, while the strategy quotes, shows a resting order of ours.
  std::string error;
  auto gw = demo_gateway(paths, venue.port(), error);
  if (!gw)
    CAF_MESSAGE("gateway: " << error);
  CAF_REQUIRE(gw != nullptr);
  std::vector<connector::venue_order> open;
  bool answered = false;
  auto seen = wait_until(
    [&] {
      auto orders = open_usdchf_orders(*gw, error);
      if (!orders)
        return false;
      answered = true;
      open = std::move(*orders);
      return !open.empty();
    },
    30s, 200ms);
  if (!answered)
    CAF_MESSAGE("venue: " << error);
  CAF_REQUIRE(answered);
  CAF_CHECK(seen);
  for (auto& o : open) {
    auto sym = o.sym.str();
    CAF_CHECK_EQUAL(sym, "USDCHF");
    CAF_CHECK(!o.client_id.value.empty());
  }

  CWTS_STOP_NODE(node);
}
