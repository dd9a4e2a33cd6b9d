// Gateway node gw1 + trading node tr1 against one cwts-venue: the trading
// node's orders reach the venue through the gateway node and are filled; a
// level-2 kill issued at EITHER node is acknowledged by both, halts both,
// leaves nothing open at the venue and stops order flow. Then a reset signed
// by alice: n = 2 needs both votes (quorum 2); the gateway, told to stay
// halted for 10 minutes (kill.reset-min-halt-ms), votes no, so neither node
// resumes: one node alone cannot resume the cluster.
#define CAF_SUITE node_two_node_kill
#include "tests/support/unit_test.hpp"

#include "tests/integration/node/kill_cli.hpp"
#include "tests/integration/node/order_flow_stopped.hpp"
#include "tests/integration/node/stop_node.hpp"
#include "tests/integration/node/two_node_cluster.hpp"
#include "tests/integration/node/venue_view.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {

enum class kill_at { gateway, trading };

void expect_halted(two_node_cluster& c, uint16_t port, const char* name) {
  auto st = wait_for_status(
    c.paths, c.dir, port, [](const node_status_view& s) { return s.mode == "HALTED"; }, 20s);
  if (!st.met)
    CAF_MESSAGE("last " << name << " status:\n" << st.last.text << c.logs());
  CAF_CHECK(st.met);
}

// The gateway votes no on any reset within 10 minutes of its halt.
void reset_with_one_no_vote(two_node_cluster& c, uint16_t port) {
  auto reset = run_reset(c.paths, c.dir, port, {"--reason=itest reset, gateway says no"});
  CAF_MESSAGE("reset: rc=" << reset.raw.exit_code << "\n" << reset.raw.out << reset.raw.err);
  CAF_CHECK_EQUAL(reset.raw.exit_code, 4);
  CAF_CHECK_EQUAL(reset.resumed, "0");
  CAF_CHECK_EQUAL(reset.head["nodes"], "2");
  CAF_CHECK_EQUAL(reset.head["quorum"], "2");
  auto gw_vote = vote_of(reset, "gw1");
  auto tr_vote = vote_of(reset, "tr1");
  CAF_CHECK_EQUAL(gw_vote["yes"], "0");
  CAF_CHECK(gw_vote["reason"].find("less than 600000 ms") != std::string::npos);
  CAF_CHECK_EQUAL(tr_vote["yes"], "1");
  // Both stay halted: the trading node's yes is not a quorum.
  CAF_CHECK_EQUAL(query_status(c.paths, c.dir, c.gw_port).mode, "HALTED");
  CAF_CHECK_EQUAL(query_status(c.paths, c.dir, c.tr_port).mode, "HALTED");
}

void run_drill(const char* test_name, kill_at where) {
  two_node_cluster c(test_name, {"--kill.reset-min-halt-ms=600000"});
  auto missing = c.paths.missing();
  CAF_REQUIRE_EQUAL(missing, "");
  CAF_MESSAGE("logs in " << c.dir);
  CAF_REQUIRE(c.venue.port() != 0);
  CAF_REQUIRE(c.gw_port != 0 && c.tr_port != 0 && c.gw_port != c.tr_port);
  CAF_REQUIRE(c.gateway.started());
  CAF_REQUIRE(c.trading.started());

  // Orders flow trading -> gateway -> venue and come back filled.
  auto filled = wait_for_status(
    c.paths, c.dir, c.tr_port,
    [](const node_status_view& s) { return s.counter_or_zero("oms", "status.FILLED") >= 1; }, 50s);
  if (!filled.met)
    CAF_MESSAGE("last tr1 status:\n" << filled.last.text << c.logs());
  CAF_REQUIRE(filled.met);

  auto port = where == kill_at::gateway ? c.gw_port : c.tr_port;
  auto kill = run_kill(c.paths, c.dir, port, {"--level=2", "--reason=itest two-node drill"});
  CAF_MESSAGE("kill: rc=" << kill.raw.exit_code << "\n" << kill.raw.out << kill.raw.err);
  CAF_CHECK_EQUAL(kill.raw.exit_code, 0);
  auto complete = kill.complete.value_or("<absent>");
  CAF_CHECK_EQUAL(complete, "1");
  auto gw_applied = ack_field(kill, "gw1", "applied");
  auto tr_applied = ack_field(kill, "tr1", "applied");
  CAF_CHECK_EQUAL(gw_applied, "1");
  CAF_CHECK_EQUAL(tr_applied, "1");
  CAF_CHECK(channel_clean(kill, "venue_cancel_all"));
  expect_halted(c, c.gw_port, "gw1");
  expect_halted(c, c.tr_port, "tr1");

  // Queried from the venue, not from our own state.
  venue_view venue(c.paths, c.venue.port());
  CAF_CHECK_EQUAL(venue.open_orders().size(), 0u);

  expect_no_orders_sent(c.paths, c.dir, c.tr_port, 2s);
  CAF_CHECK_EQUAL(venue.open_orders().size(), 0u);

  reset_with_one_no_vote(c, port);
  expect_no_orders_sent(c.paths, c.dir, c.tr_port, 1s);

  CWTS_STOP_NODE(c.trading);
  CWTS_STOP_NODE(c.gateway);
}

} // namespace

CAF_TEST(kill_at_the_gateway_halts_the_trading_node) {
  run_drill("node_two_node_kill_gw", kill_at::gateway);
}

CAF_TEST(kill_at_the_trading_node_halts_the_gateway_node) {
  run_drill("node_two_node_kill_tr", kill_at::trading);
}
