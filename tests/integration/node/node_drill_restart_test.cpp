// A drill crash across two nodes (docs/supervision.md "Drill hook"): gateway
// gw1 and trading node tr1 (started with --drill.enabled) against a real
// venue. POST /api/drill/crash/oms on tr1's admin port makes tr1's
// supervisor end its OMS with the drill reason; the OMS is restarted,
// reconciles, and tr1 announces its new roles to gw1, whose connector then
// sends the venue's reports to the new OMS: the new OMS counts acks of its
// own, for orders the strategy sent it after rebuilding its quotes from the
// new OMS's reconciled state (issue 24, docs/risk-oms-strategy.md "Strategy
// resync"). The restart is visible from outside as a drill runner reads it:
// /api/actors (restarts, restarts_by_reason), /metrics
// (cwts_supervisor_restarts_total{role,reason}) and the log. Refusals:
// an unknown role (404) and a node with drills off (403, gw1).
#define CAF_SUITE node_drill_restart
#include "tests/support/unit_test.hpp"

#include <string>

#include "tests/integration/admin/http_get.hpp"
#include "tests/integration/node/stop_node.hpp"
#include "tests/integration/node/two_node_cluster.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {

// The admin port a node logged (event=admin_listening ... port=N); 0 if none.
uint16_t admin_port(child_process& node) {
  auto line = node.wait_for_line(
    stream::err, [](const std::string& l) { return l.find("event=admin_listening") != std::string::npos; },
    30s);
  if (!line)
    return 0;
  auto f = parse_fields(line->substr(line->find("event=")));
  return static_cast<uint16_t>(std::stoi(f["port"]));
}

} // namespace

CAF_TEST(a_drill_crash_of_the_oms_restarts_it_and_the_gateway_reports_to_the_new_one) {
  two_node_cluster c("node_drill_restart", {}, {"--drill.enabled"});
  CAF_REQUIRE_EQUAL(c.paths.missing(), "");
  CAF_MESSAGE("logs in " << c.dir);
  CAF_REQUIRE(c.venue.port() != 0);
  auto tr_admin = admin_port(c.trading);
  auto gw_admin = admin_port(c.gateway);
  CAF_REQUIRE(tr_admin != 0 && gw_admin != 0);
  auto trading = wait_for_status(
    c.paths, c.dir, c.tr_port,
    [](const node_status_view& s) { return s.counter_or_zero("oms", "acks") >= 3; }, 60s);
  if (!trading.met)
    CAF_MESSAGE("last status:\n" << trading.last.text << c.logs());
  CAF_REQUIRE(trading.met);

  auto crashed = http_post(tr_admin, "/api/drill/crash/oms");
  CAF_CHECK_EQUAL(crashed.status, 200);
  CAF_CHECK(crashed.body.find("\"crashed\":\"oms\"") != std::string::npos);

  // A new OMS (its counters start at 0) reconciled and got acks of its own:
  // gw1's connector reports to it. The strategy rebuilt its quotes from the
  // new OMS (issue 24: the old one's in-flight quotes get no report, and a
  // strategy waiting for them never sent the new OMS an order).
  auto back = wait_for_status(
    c.paths, c.dir, c.tr_port,
    [](const node_status_view& s) {
      return s.counter("supervisor", "restarts.oms") == 1
             && s.counter_or_zero("oms", "reconcile.phase_running") == 1
             && s.counter_or_zero("oms", "acks") >= 3 && s.mode == "ACTIVE"
             && s.counter_or_zero("strategy", "resyncs") == 1
             && s.counter_or_zero("strategy", "resyncing") == 0;
    },
    60s);
  if (!back.met)
    CAF_MESSAGE("last status:\n" << back.last.text << c.logs());
  CAF_REQUIRE(back.met);
  CAF_CHECK_EQUAL(back.last.counter_or_zero("supervisor", "restarts_by.oms.drill_crash"), 1);
  CAF_CHECK(c.gateway.err().find("event=peer_roles_updated node=tr1") != std::string::npos);

  auto actors = http_get(tr_admin, "/api/actors/oms");
  CAF_CHECK_EQUAL(actors.status, 200);
  CAF_CHECK(actors.body.find("\"restarts\":1") != std::string::npos);
  CAF_CHECK(actors.body.find("\"restarts_by_reason\":{\"drill_crash\":1}") != std::string::npos);
  auto metrics = http_get(tr_admin, "/metrics");
  CAF_CHECK(metrics.body.find(
              "cwts_supervisor_restarts_total{node=\"tr1\",reason=\"drill_crash\",role=\"oms\"} 1")
            != std::string::npos);
  CAF_CHECK(metrics.body.find("cwts_supervisor_drill_crashes_total{node=\"tr1\"} 1")
            != std::string::npos);
  auto err = c.trading.err();
  CAF_CHECK(err.find("event=drill_crash node=tr1 role=oms") != std::string::npos);
  CAF_CHECK(err.find("event=actor_restart role=oms reason_class=drill_crash") != std::string::npos);
  // One sync at start (nothing to adopt), one after the restart, each from
  // tr1's own OMS's answer.
  CAF_CHECK(err.find("event=strategy_resync node=tr1 oms=tr1 reason=start") != std::string::npos);
  CAF_CHECK(err.find("event=strategy_resync node=tr1 oms=tr1 reason=oms") != std::string::npos);
  CAF_CHECK_EQUAL(back.last.counter_or_zero("strategy", "start_syncs"), 1);
  CAF_CHECK_EQUAL(back.last.counter_or_zero("strategy", "resync_failures"), 0);
  CAF_CHECK_EQUAL(back.last.counter_or_zero("strategy", "resync_refused"), 0);

  // Refusals: a role the node does not have; a node with drills off.
  auto unknown = http_post(tr_admin, "/api/drill/crash/nope");
  CAF_CHECK_EQUAL(unknown.status, 404);
  auto off = http_post(gw_admin, "/api/drill/crash/connector.binance");
  CAF_CHECK_EQUAL(off.status, 403);
  CAF_CHECK(off.body.find("drills are disabled") != std::string::npos);

  CWTS_STOP_NODE(c.trading);
  CWTS_STOP_NODE(c.gateway);
}
