// cwts-venue + one cwts-node + a real Prometheus server on loopback, scraping
// the node's admin port with the scrape config of docs/monitoring/ (its
// targets replaced by the test's port, 1 s interval): promtool accepts the
// node's /metrics; the node's series arrive in Prometheus (HTTP API
// /api/v1/query); cwts_kill_halted goes 0 -> 1 after a `cwts kill`; /readyz
// is 200 while trading and turns 503 naming each reason: halted, then venue
// down and market data stale once the venue is stopped. The JSON API answers.
#define CAF_SUITE admin_prometheus
#include "tests/support/unit_test.hpp"

#include <fstream>

#include "tests/integration/admin/prometheus_support.hpp"
#include "tests/integration/node/single_node.hpp"
#include "tests/integration/node/stop_node.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {

bool reason_is(const std::string& body, const std::string& name, bool ok) {
  return body.find("{\"name\":\"" + name + "\",\"ok\":" + (ok ? "true" : "false"))
         != std::string::npos;
}

} // namespace

CAF_TEST(prometheus_scrapes_the_node_and_sees_the_kill_and_readyz_follows_each_reason) {
  const std::string promtool = "/usr/bin/promtool", prometheus = "/usr/bin/prometheus";
  if (read_file(promtool).empty() || read_file(prometheus).empty()) {
    CAF_MESSAGE("SKIPPED: /usr/bin/promtool or /usr/bin/prometheus absent (Debian package prometheus)");
    return;
  }
  auto admin = free_port();
  single_node n("admin_prometheus",
                {"--admin.port=" + std::to_string(admin), "--health.stale-data-s=3",
                 "--health.venue-disconnected-s=1"});
  CAF_REQUIRE_EQUAL(admin_port_of(n.node), admin);
  auto docs = env("CWTS_DOCS_DIR");
  CAF_REQUIRE(!docs.empty());

  CAF_CHECK_EQUAL(http_get(admin, "/healthz").status, 200);
  // Trading, then ready: every reason holds.
  auto filled = n.wait_for(
    [](const node_status_view& s) { return s.counter_or_zero("oms", "status.FILLED") >= 1; }, 45s);
  CAF_REQUIRE(filled.met);
  http_result ready;
  CAF_CHECK(wait_until([&] { return (ready = http_get(admin, "/readyz")).status == 200; }, 15s));
  CAF_MESSAGE("readyz: " << ready.body);

  // promtool accepts the exposition.
  auto metrics = http_get(admin, "/metrics");
  CAF_REQUIRE_EQUAL(metrics.status, 200);
  {
    std::ofstream(n.dir + "/metrics.txt") << metrics.body;
  }
  auto check = run_command("promtool", {"/bin/sh", "-c", promtool + " check metrics < " + n.dir + "/metrics.txt"},
                           n.dir, 30s);
  CAF_MESSAGE("promtool check metrics: rc=" << check.exit_code << " " << check.out << check.err);
  CAF_CHECK_EQUAL(check.exit_code, 0);
  for (auto name : {"process_resident_memory_bytes", "cwts_actor_messages_handled_total",
                    "cwts_order_roundtrip_seconds_bucket", "cwts_risk_check_seconds_count",
                    "cwts_kill_halted", "cwts_orders_sent_total"})
    CAF_CHECK(metrics.body.find(name) != std::string::npos);

  // The JSON API.
  for (auto path : {"/api/nodes", "/api/actors", "/api/actors/oms", "/api/orders", "/api/positions",
                    "/api/risk", "/api/kill"}) {
    auto r = http_get(admin, path);
    CAF_CHECK_EQUAL(r.status, 200);
    CAF_CHECK(r.body.find("\"node\":\"solo\"") != std::string::npos);
  }
  CAF_CHECK_EQUAL(http_get(admin, "/api/actors/nonesuch").status, 404);

  // A real Prometheus server with the docs/ scrape config.
  auto prom_port = free_port();
  auto prom = start_prometheus(n.dir, scrape_config(docs, admin), prom_port);
  CAF_REQUIRE(prom.started());
  const std::string halted = "cwts_kill_halted{node=\"solo\"}";
  bool arrived = wait_until([&] { return query_value(prom_port, halted) == "0"; }, 30s, 500ms);
  CAF_CHECK(arrived);
  if (!arrived)
    CAF_MESSAGE("prometheus stderr:\n" << tail(prom.err()));
  CAF_CHECK(!query_value(prom_port, "cwts_orders_sent_total{node=\"solo\"}").empty());

  auto kill = n.kill({"--level=1", "--reason=admin itest"});
  CAF_CHECK_EQUAL(kill.raw.exit_code, 0);
  CAF_CHECK(wait_until([&] { return query_value(prom_port, halted) == "1"; }, 20s, 500ms));
  CAF_CHECK(wait_until([&] { return query_value(prom_port, "cwts_kill_activations_total{node=\"solo\"}") == "1"; },
                       10s, 500ms));

  // /readyz: halted.
  auto r = http_get(admin, "/readyz");
  CAF_MESSAGE("readyz halted: " << r.body);
  CAF_CHECK_EQUAL(r.status, 503);
  CAF_CHECK(reason_is(r.body, "not_halted", false));
  CAF_CHECK(reason_is(r.body, "venue_connected", true));

  // Venue gone: disconnected, then stale market data.
  n.venue.proc().stop(5s);
  // The health rules see it on their next evaluations (every second):
  // disconnected for 1 s, then no trade for 3 s.
  CAF_CHECK(wait_until(
    [&] {
      r = http_get(admin, "/readyz");
      return reason_is(r.body, "venue_connected", false)
             && reason_is(r.body, "market_data_fresh", false)
             && reason_is(r.body, "health.venue_disconnected", false)
             && reason_is(r.body, "health.market_data_stale", false);
    },
    20s));
  CAF_MESSAGE("readyz venue down: " << r.body);
  CAF_CHECK_EQUAL(r.status, 503);
  prom.stop(5s);
  n.node.stop(6s);
}
