// Gateway node gw1 + trading node tr1: a level-2 kill issued at the TRADING
// node spreads to the gateway node, which halts too; the venue is left with
// nothing open.
#define CAF_SUITE node_two_node_kill_from_trading
#include "caf/test/unit_test_impl.hpp"

#include "tests/integration/node/stop_node.hpp"
#include "tests/integration/node/two_node_cluster.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

CAF_TEST(kill_at_the_trading_node_halts_the_gateway_node) {
  two_node_cluster c("node_two_node_kill_from_trading");
  auto missing = c.paths.missing();
  CAF_REQUIRE_EQUAL(missing, "");
  CAF_MESSAGE("logs in " << c.dir);
  CAF_REQUIRE(c.venue.port() != 0);
  CAF_REQUIRE(c.gw_port != 0 && c.tr_port != 0 && c.gw_port != c.tr_port);
  CAF_REQUIRE(c.gateway.started());
  CAF_REQUIRE(c.trading.started());

  auto filled = wait_for_status(
    c.paths, c.dir, c.tr_port,
    [](const node_status_view& s) { return s.counter_or_zero("oms", "status.FILLED") >= 1; }, 50s);
  if (!filled.met)
    CAF_MESSAGE("last tr1 status:\n" << filled.last.text << c.logs());
  CAF_REQUIRE(filled.met);

  auto kill = run_kill(c.paths, c.dir, c.tr_port, {"--level=2", "--reason=itest drill from tr1"});
  CAF_MESSAGE("kill at tr1: rc=" << kill.raw.exit_code << "\n" << kill.raw.out << kill.raw.err);
  CAF_CHECK_EQUAL(kill.raw.exit_code, 0);
  auto complete = kill.complete.value_or("<absent>");
  CAF_CHECK_EQUAL(complete, "1");
  auto gw_applied = ack_field(kill, "gw1", "applied");
  auto tr_applied = ack_field(kill, "tr1", "applied");
  CAF_CHECK_EQUAL(gw_applied, "1");
  CAF_CHECK_EQUAL(tr_applied, "1");
  CAF_CHECK(channel_clean(kill, "venue_cancel_all"));

  auto gw_status = wait_for_status(
    c.paths, c.dir, c.gw_port, [](const node_status_view& s) { return s.mode == "HALTED"; }, 20s);
  if (!gw_status.met)
    CAF_MESSAGE("last gw1 status:\n" << gw_status.last.text << c.logs());
  CAF_CHECK(gw_status.met);
  auto tr_status = query_status(c.paths, c.dir, c.tr_port);
  auto tr_mode = tr_status.mode;
  CAF_CHECK_EQUAL(tr_mode, "HALTED");

  std::string error;
  auto gw = demo_gateway(c.paths, c.venue.port(), error);
  if (!gw)
    CAF_MESSAGE("gateway: " << error);
  CAF_REQUIRE(gw != nullptr);
  auto open = open_usdchf_orders(*gw, error);
  if (!open)
    CAF_MESSAGE("venue: " << error);
  CAF_REQUIRE(open.has_value());
  CAF_CHECK_EQUAL(open->size(), 0u);

  CWTS_STOP_NODE(c.trading);
  CWTS_STOP_NODE(c.gateway);
}
