// Trading on the node's venue account while the node is down (issue 5,
// DESIGN.md "a missing report is not flat"): a resting order placed by hand
// is adopted at the restart, and the position a hand-placed market order
// moved keeps the node from trading until an operator with the `operations`
// role accepts it with a signed `cwts accept-positions`. A key that does not
// belong to the named operator is refused.
#define CAF_SUITE node_reconcile_operator
#include "tests/support/unit_test.hpp"

#include <string>
#include <vector>

#include "tests/integration/node/single_node.hpp"
#include "tests/integration/node/stop_node.hpp"
#include "tests/integration/node/venue_view.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {

order_request by_hand(const std::string& id, order_type type, const std::string& px,
                      const std::string& q) {
  order_request o;
  o.id.value = id;
  o.sym = *symbol::parse("USDCHF");
  o.order_side = side::buy;
  o.type = type;
  o.limit_price = type == order_type::limit ? *price::parse(px) : price{};
  o.quantity = *qty::parse(q);
  return o;
}

bool phase_is(const node_status_view& s, const std::string& phase) {
  return s.counter_or_zero("oms", "reconcile.phase_" + phase) == 1;
}

} // namespace

CAF_TEST(an_unexplained_position_waits_for_a_signed_operator_decision) {
  single_node n("node_reconcile_operator");
  auto first = n.wait_for([](const node_status_view& s) { return phase_is(s, "running"); }, 30s);
  CAF_REQUIRE(first.met); // the first reconciliation took the baseline
  CWTS_STOP_NODE(n.node);

  venue_view venue(n.paths, n.venue.port());
  auto resting = venue.gw->place_order(by_hand("by-hand-rest", order_type::limit, "0.5", "100"));
  if (!resting.ok())
    CAF_MESSAGE("resting order: " << resting.detail);
  CAF_REQUIRE(resting.ok());
  auto market = venue.gw->place_order(by_hand("by-hand-mkt", order_type::market, "", "500"));
  if (!market.ok())
    CAF_MESSAGE("market order: " << market.detail);
  CAF_REQUIRE(market.ok());
  CAF_REQUIRE_EQUAL(to_string(market.value.status), std::string("FILLED"));

  child_process again("node-restarted",
                      node_argv(n.paths, "node.ini", n.venue.port(), n.cluster_port), n.dir, n.dir);
  CAF_REQUIRE(again.started());
  auto held = wait_for_status(
    n.paths, n.dir, n.cluster_port,
    [](const node_status_view& s) {
      return phase_is(s, "unexplained") && s.counter_or_zero("oms", "reconcile.adopted") >= 1;
    },
    30s);
  if (!held.met)
    CAF_MESSAGE("last status:\n" << held.last.text << "\nstderr:\n" << tail(again.err()));
  CAF_REQUIRE(held.met);
  // Held: the strategy's orders are refused, none is sent.
  auto sent_while_held = held.last.counter_or_zero("oms", "orders_sent");
  CAF_CHECK_EQUAL(sent_while_held, 0);

  auto accept = [&](const std::string& op, const std::string& key) {
    return run_command("accept-positions",
                       {n.paths.cli_bin, "accept-positions",
                        "--node=127.0.0.1:" + std::to_string(n.cluster_port), "--operator=" + op,
                        "--key-file=" + n.paths.operator_key(key),
                        "--reason=by-hand trades on the account confirmed"},
                       n.dir, 20s);
  };
  auto forged = accept("alice", "bob"); // bob's key under alice's name
  CAF_CHECK_EQUAL(forged.exit_code, 4);
  auto decided = accept("bob", "bob");
  if (decided.exit_code != 0)
    CAF_MESSAGE("accept-positions: " << decided.out << decided.err);
  CAF_REQUIRE_EQUAL(decided.exit_code, 0);

  auto resumed = wait_for_status(
    n.paths, n.dir, n.cluster_port,
    [](const node_status_view& s) {
      return phase_is(s, "running") && s.counter_or_zero("oms", "orders_sent") >= 1;
    },
    30s);
  if (!resumed.met)
    CAF_MESSAGE("last status:\n" << resumed.last.text << "\nstderr:\n" << tail(again.err()));
  CAF_CHECK(resumed.met);
  CAF_CHECK_EQUAL(resumed.last.counter_or_zero("oms", "commands.refused"), 1);
  CAF_CHECK_EQUAL(resumed.last.counter_or_zero("oms", "commands.accepted"), 1);
  CWTS_STOP_NODE(again);
}
