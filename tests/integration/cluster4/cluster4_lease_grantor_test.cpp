// A grantor restarts while the holder keeps its lease (issue 24 review
// findings 1 and 6; docs/supervision.md "Trading lease"): the cluster4
// fixture's gw1 (the gateway, a grantor of every lease role), tr1 (trading,
// holds "oms"), w1, and tr2 standing by for tr1 and armed (it saw tr1 hold
// the lease). gw1 is SIGKILLed and started again: it comes back knowing the
// epoch it promised and to whom (its store), is quiet for one grant's time,
// then grants tr1's renewals again. tr1 holds its lease throughout (a
// majority without gw1), tr2 never gets a grant (its pre-vote sees tr1's
// grants running at a majority), and tr1's orders are admitted by gw1's
// connector with no fenced refusal: a single grantor's lapse neither
// fences nor demotes the rightful holder.
#define CAF_SUITE cluster4_lease_grantor
#include "tests/support/unit_test.hpp"

#include <signal.h>

#include <fstream>

#include "tests/integration/cluster4/cluster4.hpp"
#include "tests/integration/cluster4/lease_standby.hpp"
#include "tests/integration/node/stop_node.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

CAF_TEST(a_restarted_grantor_neither_fences_nor_demotes_the_holder) {
  four_node_cluster c("cluster4_lease_grantor", tr2_standby_for_tr1());
  CAF_MESSAGE("logs in " << c.dir);
  CAF_REQUIRE_EQUAL(c.setup_error, "");
  require_wired(c);

  // tr1 trades under its lease; tr2 is armed (it saw tr1 hold the lease).
  auto epoch = tr1_epoch_once_trading(c);
  auto armed = wait_status(
    c, "tr2",
    [](const node_status_view& s) {
      return s.counter_or_zero("supervisor", "failover.lease_asked") == 1;
    },
    30s);
  CAF_REQUIRE(armed.met);

  // gw1 crashes and comes back: same port, same run/ folder (its store).
  auto& gw1 = c.node("gw1");
  CAF_REQUIRE_EQUAL(::kill(gw1.proc->pid(), SIGKILL), 0);
  c.start(gw1);
  auto back = wait_status(
    c, "gw1",
    [](const node_status_view& s) {
      return s.counter_or_zero("lease", "peers") == 3 && s.counter_or_zero("lease", "quiet") == 0
             && s.counter_or_zero("lease", "held.connector.binance") == 1;
    },
    60s);
  CAF_REQUIRE(back.met);
  CAF_CHECK(gw1.proc->err().find("event=lease_started node=gw1 roles=1 mode=hold") != std::string::npos);
  CAF_CHECK(gw1.proc->err().find("quiet_ms=900") != std::string::npos);

  // Past gw1's quiet period: tr1's orders still go out through gw1's new
  // connector, at tr1's unchanged epoch, and none is fenced.
  auto acks = wait_status(c, "tr1", [](const node_status_view&) { return true; }, 5s)
                .last.counter_or_zero("oms", "acks");
  auto more = wait_status(
    c, "tr1",
    [acks](const node_status_view& s) { return s.counter_or_zero("oms", "acks") >= acks + 3; },
    60s);
  CAF_CHECK(more.met);
  auto gw = wait_status(
    c, "gw1",
    [epoch](const node_status_view& s) {
      return s.counter_or_zero("connector.binance", "lease.highest_epoch_seen") == epoch;
    },
    30s);
  CAF_CHECK(gw.met);
  auto now1 = query_status(c.paths, c.dir, c.port("tr1"));
  auto now2 = query_status(c.paths, c.dir, c.port("tr2"));
  auto nowg = query_status(c.paths, c.dir, c.port("gw1"));
  CAF_CHECK_EQUAL(nowg.counter_or_zero("connector.binance", "rejected.fenced_epoch"), 0);
  CAF_CHECK_EQUAL(now1.counter_or_zero("lease", "held.oms"), 1);
  CAF_CHECK_EQUAL(now1.counter_or_zero("lease", "epoch.oms"), epoch);
  CAF_CHECK_EQUAL(now1.counter_or_zero("lease", "lapses.oms"), 0);
  CAF_CHECK_EQUAL(now1.counter_or_zero("supervisor", "failover.demotions"), 0);
  CAF_CHECK_EQUAL(now2.counter_or_zero("supervisor", "failover.active"), 0);
  CAF_CHECK_EQUAL(now2.counter_or_zero("lease", "acquired.oms"), 0);
  // gw1 renews again (its store names tr1 at that epoch, nobody newer).
  CAF_CHECK_GREATER(nowg.counter_or_zero("lease", "grants_renewed"), 0);
  std::ifstream in(c.dir + "/run/gw1-lease.state");
  std::string state((std::istreambuf_iterator<char>(in)), {});
  CAF_CHECK(state.find("oms=" + std::to_string(epoch) + " tr1") != std::string::npos);
  CAF_MESSAGE("gw1 state after the restart:\n" << state);

  for (auto id : {"tr2", "tr1", "w1", "gw1"})
    CWTS_STOP_NODE(*c.node(id).proc);
}
