// An alert that reaches a person (issue 23): cwts-venue + one cwts-node + a
// real Prometheus with docs/monitoring/prometheus.yml and alerts.yml + a
// real Alertmanager with docs/monitoring/alertmanager.yml, their addresses
// pointed at the test's ports and the webhooks at a receiver of the test's
// own. The venue is hung by fault injection (every REST reply 10 s late,
// past the node's 2 s request timeout), a level-2 kill's venue cancel-all
// fails, and CwtsKillChannelFailed (critical) reaches the on-call webhook
// with its labels and runbook. The time from the kill to the webhook is
// measured and printed, never asserted against a bound.
#define CAF_SUITE admin_alerting
#include "tests/support/unit_test.hpp"

#include <chrono>
#include <fstream>
#include <optional>

#include "tests/integration/admin/prometheus_support.hpp"
#include "tests/integration/node/single_node.hpp"
#include "tests/unit/compliance/test_receiver.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

namespace {

// docs/monitoring/alertmanager.yml with its webhooks sent to `receiver_port`.
std::string alertmanager_config(const std::string& docs_dir, uint16_t receiver_port) {
  auto text = read_file(docs_dir + "/alertmanager.yml");
  return std::regex_replace(text, std::regex(R"(http://127\.0\.0\.1:9095/)"),
                            "http://127.0.0.1:" + std::to_string(receiver_port) + "/");
}

bool has(const std::string& body, const std::string& what) {
  return body.find(what) != std::string::npos;
}

// The first webhook the receiver got that carries `alertname` firing.
std::optional<compliance_test::received> webhook_with(const compliance_test::test_receiver& r,
                                                      const std::string& alertname) {
  for (auto& q : r.requests())
    if (has(q.body, "\"alertname\":\"" + alertname + "\"") && has(q.body, "\"status\":\"firing\""))
      return q;
  return std::nullopt;
}

} // namespace

CAF_TEST(a_failed_kill_channel_fires_its_alert_and_alertmanager_pages_the_on_call_webhook) {
  const std::string prometheus = "/usr/bin/prometheus";
  const std::string alertmanager = "/usr/bin/prometheus-alertmanager";
  if (read_file(prometheus).empty() || read_file(alertmanager).empty()) {
    CAF_MESSAGE("SKIPPED: " << prometheus << " or " << alertmanager
                            << " absent (Debian packages prometheus, prometheus-alertmanager)");
    return;
  }
  auto docs = env("CWTS_DOCS_DIR");
  CAF_REQUIRE(!docs.empty());
  auto admin = free_port();
  single_node n("admin_alerting", {"--admin.port=" + std::to_string(admin)});
  CAF_REQUIRE_EQUAL(admin_port_of(n.node), admin);
  auto trading = n.wait_for(
    [](const node_status_view& s) { return s.counter_or_zero("oms", "orders_sent") >= 1; }, 45s);
  CAF_REQUIRE(trading.met);

  // The pager: acknowledges every webhook and keeps it.
  compliance_test::test_receiver pager({});
  auto pager_port = pager.start();
  CAF_REQUIRE(pager_port != 0);

  auto am_port = free_port();
  {
    std::ofstream(n.dir + "/alertmanager.yml") << alertmanager_config(docs, pager_port);
  }
  child_process am("alertmanager",
                   {alertmanager, "--config.file=" + n.dir + "/alertmanager.yml",
                    "--storage.path=" + n.dir + "/alertmanager",
                    "--web.listen-address=127.0.0.1:" + std::to_string(am_port),
                    "--cluster.listen-address="},
                   n.dir, n.dir);
  CAF_REQUIRE(am.started());
  CAF_REQUIRE(wait_until([&] { return http_get(am_port, "/-/ready").status == 200; }, 60s, 200ms));

  auto prom_port = free_port();
  auto prom = start_prometheus(n.dir, scrape_config(docs, admin, am_port), prom_port);
  CAF_REQUIRE(prom.started());
  // The channel's failure counter is scraped at 0 before anything fails
  // (the kill coordinator has it from its wiring): the failure will be an
  // increase the rule sees.
  const std::string failures =
    "cwts_kill_channel_failures_total{channel=\"venue_cancel_all\",venue=\"binance\"}";
  bool scraped = wait_until([&] { return query_value(prom_port, failures) == "0"; }, 60s, 500ms);
  if (!scraped)
    CAF_MESSAGE("prometheus stderr:\n" << tail(prom.err()));
  CAF_REQUIRE(scraped);
  CAF_CHECK(query_value(prom_port, "ALERTS{alertname=\"CwtsKillChannelFailed\"}").empty());

  // The venue hangs: every REST reply comes 10 s late.
  CAF_REQUIRE_EQUAL(http_post(n.venue.port(), "/venue/faults?latency-ms=10000").status, 200);
  auto killed_at = std::chrono::steady_clock::now();
  auto kill = n.kill({"--level=2", "--reason=alerting itest: venue hung"});
  // 3: applied, and its report says a channel failed (the venue's).
  CAF_CHECK_EQUAL(kill.raw.exit_code, 3);

  std::optional<compliance_test::received> page;
  bool paged = wait_until([&] { return (page = webhook_with(pager, "CwtsKillChannelFailed")).has_value(); },
                          90s, 200ms);
  auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
    std::chrono::steady_clock::now() - killed_at);
  if (!paged) {
    CAF_MESSAGE("node log:\n" << n.logs());
    CAF_MESSAGE("prometheus alerts: " << http_get(prom_port, "/api/v1/alerts").body);
    CAF_MESSAGE("alertmanager stderr:\n" << tail(am.err()));
  }
  CAF_REQUIRE(paged);
  CAF_MESSAGE("CwtsKillChannelFailed reached the on-call webhook " << waited.count()
                                                                   << " ms after the kill (rule for: 0s, "
                                                                      "evaluation every 1 s, critical "
                                                                      "route group_wait 1 s)");
  CAF_MESSAGE("the page: " << page->body);
  // Routed as a page, with what the engineer needs to act.
  CAF_CHECK_EQUAL(page->target, "/alerts/on-call");
  CAF_CHECK_EQUAL(page->content_type, "application/json");
  CAF_CHECK(has(page->body, "\"receiver\":\"on-call\""));
  CAF_CHECK(has(page->body, "\"severity\":\"critical\""));
  CAF_CHECK(has(page->body, "\"node\":\"solo\""));
  CAF_CHECK(has(page->body, "\"channel\":\"venue_cancel_all\""));
  CAF_CHECK(has(page->body, "\"venue\":\"binance\""));
  CAF_CHECK(has(page->body, "\"runbook_url\":\"docs/operations.md#cwtskillchannelfailed\""));
  // The kill itself is in force: it pages too.
  CAF_CHECK(wait_until([&] { return webhook_with(pager, "CwtsKillActive").has_value(); }, 30s,
                       200ms));

  CAF_CHECK_EQUAL(http_post(n.venue.port(), "/venue/faults?reset=true").status, 200);
  prom.stop(5s);
  am.stop(5s);
  n.node.stop(10s);
}
