#define CAF_SUITE metrics_exposition
#include "tests/support/unit_test.hpp"

#include <cstdio>
#include <fstream>

#include <unistd.h>

#include "nodes/admin/exposition.hpp"
#include "nodes/admin/health_rules.hpp"
#include "nodes/admin/introspection.hpp"
#include "nodes/admin/readiness.hpp"

using namespace cwts;
using namespace cwts::admin;

namespace {

// True when `text` holds `line`; says which line is missing.
bool has_line(const std::string& text, const std::string& line) {
  bool ok = text.find(line) != std::string::npos;
  if (!ok)
    CAF_MESSAGE("missing: " << line);
  return ok;
}

const venue_name bn{"binance"};
const std::string binance = connector_role(bn); // "connector.binance"

node_snapshot sample() {
  node_snapshot s;
  s.status.node = "n1";
  s.status.stats["oms"] = actor_stats{"oms",
                                      {{"orders_sent", 12},
                                       {"acks", 11},
                                       {"fills", 4},
                                       {"rejects.kill_gate_closed", 1},
                                       {"reconcile.phase_running", 1},
                                       {"live_orders", 2}}};
  s.status.stats["risk"] = actor_stats{
    "risk", {{"checks_passed", 12}, {"checks_rejected", 3}, {"rejected.max_qty_exceeded", 3}}};
  s.status.stats[binance] = actor_stats{binance,
                                            {{"stream_connected", 1},
                                             {"venue_lost_now", 0},
                                             {"md.frames.trade", 100},
                                             {"book.synced.USDCHF", 1},
                                             {"md.feed_age_ms.USDCHF", 250}}};
  s.status.stats["validator"] =
    actor_stats{"validator", {{"verdict.ok", 90}, {"last_trade_age_ms.USDCHF", 400}}};
  s.status.stats["kill"] = actor_stats{"kill",
                                       {{"applied", 0},
                                        {"quorum_held", 1},
                                        {"peers_seen", 0},
                                        {"quorum", 1},
                                        {"heartbeat_age_ms.n2", 120},
                                        {"last.channel_ns.n1.oms", 150000},
                                        {"channels_escalated", 1},
                                        {"quorum_lost_halts", 0},
                                        {"channel_failures.venue_cancel_all.binance", 4},
                                        {"channel_retries.venue_cancel_all.binance", 3},
                                        {"channel_failures.oms", 1}}};
  s.status.stats["lease"] = actor_stats{"lease",
                                        {{"mode_hold", 1},
                                         {"held.oms", 1},
                                         {"held.connector.binance", 0},
                                         {"lapses.connector.binance", 2},
                                         {"renewals.oms", 40}}};
  s.status.stats["supervisor"] = actor_stats{"supervisor", {{"restarts.oms", 2}}};
  s.status.state = trading_state{node_id{"n1"}, trading_mode::active, kill_level::none, {}, {}};
  // The typed answers readiness and the health rules decide on.
  s.status.connectors[bn] = connector_status{true, false, false, {}, 400};
  s.status.oms = reset_precondition{"oms", true, ""};
  s.status.quorum = quorum_status{true, 0, 1};
  s.process = metrics::process_stats{1.5, 0.5, 1 << 20, 1 << 22, 9, 17, 1.7e9, 4, 1 << 30};
  return s;
}

readiness_reason reason(const readiness& r, const std::string& name) {
  for (auto& x : r.reasons)
    if (x.name == name)
      return x;
  return readiness_reason{"<absent>", false, ""};
}

} // namespace

CAF_TEST(exposition_maps_counters_to_named_families_with_the_node_label) {
  metrics::latency_histogram h;
  h.record(1000);
  h.record(3'000'000);
  std::vector<metrics::latency_registry::entry> lat{
    {"cwts_order_roundtrip_seconds", "round trip", {}, &h}};
  auto text = render_metrics(sample(), lat, {});
  auto has = [&](const std::string& line) { return has_line(text, line); };
  CAF_CHECK(has("cwts_orders_sent_total{node=\"n1\"} 12"));
  CAF_CHECK(has("cwts_orders_acked_total{node=\"n1\"} 11"));
  CAF_CHECK(has("cwts_orders_rejected_total{node=\"n1\",reason=\"kill_gate_closed\"} 1"));
  CAF_CHECK(has("cwts_risk_checks_total{node=\"n1\",result=\"rejected\"} 3"));
  CAF_CHECK(has("cwts_md_frames_total{node=\"n1\",stream=\"trade\",venue=\"binance\"} 100"));
  CAF_CHECK(has("cwts_md_feed_age_seconds{node=\"n1\",symbol=\"USDCHF\",venue=\"binance\"} 0.25"));
  CAF_CHECK(has("cwts_validator_verdicts_total{node=\"n1\",verdict=\"ok\"} 90"));
  CAF_CHECK(has("cwts_actor_restarts_total{actor=\"oms\",node=\"n1\"} 2"));
  CAF_CHECK(has("cwts_kill_halted{node=\"n1\"} 0"));
  CAF_CHECK(has("cwts_kill_last_channel_seconds{channel=\"oms\",node=\"n1\",peer=\"n1\"} 0.00015"));
  CAF_CHECK(has("cwts_cluster_heartbeat_age_seconds{node=\"n1\",peer=\"n2\"} 0.12"));
  CAF_CHECK(has("process_resident_memory_bytes{node=\"n1\"} 1048576"));
  // What the alert rules of docs/monitoring/alerts.yml read.
  CAF_CHECK(has("cwts_machine_cpus{node=\"n1\"} 4"));
  CAF_CHECK(has("cwts_machine_memory_bytes{node=\"n1\"} 1073741824"));
  CAF_CHECK(has("cwts_kill_channels_escalated_total{node=\"n1\"} 1"));
  CAF_CHECK(has("cwts_cluster_quorum_lost_halts_total{node=\"n1\"} 0"));
  CAF_CHECK(has("cwts_kill_channel_failures_total{channel=\"venue_cancel_all\",node=\"n1\",venue=\"binance\"} 4"));
  CAF_CHECK(has("cwts_kill_channel_retries_total{channel=\"venue_cancel_all\",node=\"n1\",venue=\"binance\"} 3"));
  CAF_CHECK(has("cwts_kill_channel_failures_total{channel=\"oms\",node=\"n1\"} 1"));
  CAF_CHECK(has("cwts_lease_holding{node=\"n1\"} 1"));
  CAF_CHECK(has("cwts_lease_held{node=\"n1\",role=\"oms\"} 1"));
  CAF_CHECK(has("cwts_lease_held{node=\"n1\",role=\"connector.binance\"} 0"));
  CAF_CHECK(has("cwts_lease_lost_total{node=\"n1\",role=\"connector.binance\"} 2"));
  // The histogram: 1 us below 2^10 ns, 3 ms below 2^22 ns, both counted.
  CAF_CHECK(has("cwts_order_roundtrip_seconds_count{node=\"n1\"} 2"));
  CAF_CHECK(has("cwts_order_roundtrip_seconds_bucket{node=\"n1\",le=\"1.024e-06\"} 1"));
  CAF_CHECK(has("cwts_order_roundtrip_seconds_bucket{node=\"n1\",le=\"+Inf\"} 2"));
  // No GPU series on a node without a GPU worker: nothing invented.
  CAF_CHECK(text.find("gpu") == std::string::npos);
  auto with_gpu = sample();
  with_gpu.status.stats["gpu"] =
    actor_stats{"gpu", {{"backend.native", 1}, {"kernel_ns.var", 2'500'000}, {"updates", 7}}};
  auto gpu_text = render_metrics(with_gpu, {}, {});
  CAF_CHECK(gpu_text.find("cwts_gpu_backend{backend=\"native\",node=\"n1\"} 1") != std::string::npos);
  CAF_CHECK(gpu_text.find("cwts_gpu_kernel_last_seconds{kernel=\"var\",node=\"n1\"} 0.0025")
            != std::string::npos);
  CAF_CHECK(gpu_text.find("cwts_gpu_updates_total{node=\"n1\"} 7") != std::string::npos);
  // promtool, when installed, accepts it.
  if (std::ifstream("/usr/bin/promtool").good()) {
    std::string path = "/tmp/cwts_exposition_test_" + std::to_string(::getpid()) + ".txt";
    std::ofstream(path) << text;
    int rc = std::system(("/usr/bin/promtool check metrics < " + path + " > " + path + ".out 2>&1").c_str());
    std::ifstream out(path + ".out");
    std::string line;
    while (std::getline(out, line))
      CAF_MESSAGE("promtool: " << line);
    std::remove(path.c_str());
    std::remove((path + ".out").c_str());
    CAF_CHECK_EQUAL(rc, 0);
  } else {
    CAF_MESSAGE("promtool absent: exposition not checked by promtool");
  }
}

CAF_TEST(readyz_flips_with_each_reason) {
  auto s = sample();
  auto r = check_readiness(s, 5.0);
  CAF_CHECK(r.ready);
  auto halted = s;
  halted.status.state->mode = trading_mode::halted;
  r = check_readiness(halted, 5.0);
  CAF_CHECK(!r.ready);
  CAF_CHECK(!reason(r, "not_halted").ok);
  auto down = s;
  down.status.connectors.at(bn).connected = false;
  r = check_readiness(down, 5.0);
  CAF_CHECK(!r.ready);
  CAF_CHECK(!reason(r, "venue_connected").ok);
  auto lost = s;
  lost.status.connectors.at(bn).venue_lost = true;
  CAF_CHECK(!reason(check_readiness(lost, 5.0), "venue_connected").ok);
  auto cut = s;
  cut.status.connectors.at(bn).disconnected = true;
  CAF_CHECK(!reason(check_readiness(cut, 5.0), "venue_connected").ok);
  auto stale = s;
  stale.status.connectors.at(bn).feed_age_ms = 9000;
  r = check_readiness(stale, 5.0);
  CAF_CHECK(!reason(r, "market_data_fresh").ok);
  auto unsynced = s;
  unsynced.status.connectors.at(bn).unsynced_books.push_back(*symbol::parse("USDCHF"));
  r = check_readiness(unsynced, 5.0);
  CAF_CHECK(!reason(r, "market_data_fresh").ok);
  CAF_CHECK(reason(r, "market_data_fresh").detail.find("books not synced: USDCHF")
            != std::string::npos);
  auto no_quorum = s;
  no_quorum.status.quorum->held = false;
  CAF_CHECK(!reason(check_readiness(no_quorum, 5.0), "quorum_held").ok);
  auto no_data_yet = s;
  no_data_yet.status.connectors.at(bn).feed_age_ms = -1;
  CAF_CHECK(!reason(check_readiness(no_data_yet, 5.0), "market_data_fresh").ok);
  auto not_reconciled = s;
  not_reconciled.status.oms->reconciled = false;
  not_reconciled.status.oms->detail = "reconciling: 2 orders not yet settled";
  r = check_readiness(not_reconciled, 5.0);
  CAF_CHECK(!reason(r, "oms_reconciled").ok);
  CAF_CHECK(reason(r, "oms_reconciled").detail.find("2 orders not yet settled") != std::string::npos);
  auto rule = s;
  rule.health.push_back(health_result{"memory", true, true, 3e9, 2e9, "bytes", "restart", 0, 0});
  r = check_readiness(rule, 5.0);
  CAF_CHECK(!r.ready);
  CAF_CHECK(!reason(r, "health.memory").ok);
  CAF_CHECK(to_json(r, "n1").find("\"ready\":false") != std::string::npos);
}

// Issue 17 finding 11: readiness and the venue rule read the typed answers.
// Counters that say the opposite (or are renamed away) change no verdict;
// a hosted connector or OMS that gave no typed answer is not taken as up.
CAF_TEST(readiness_and_venue_rule_decide_on_typed_status_not_counter_names) {
  auto good_counters_bad_status = sample();
  auto& st = good_counters_bad_status.status;
  st.connectors[bn] = connector_status{false, true, true, {*symbol::parse("USDCHF")}, 60000};
  st.oms = reset_precondition{"oms", false, ""};
  st.oms->unexplained = true;
  st.quorum = quorum_status{false, 0, 2};
  auto r = check_readiness(good_counters_bad_status, 5.0);
  CAF_CHECK(!reason(r, "venue_connected").ok);
  CAF_CHECK(!reason(r, "market_data_fresh").ok);
  CAF_CHECK(!reason(r, "oms_reconciled").ok);
  CAF_CHECK(!reason(r, "quorum_held").ok);
  CAF_CHECK(venue_down(st) == std::optional<bool>(true));

  auto bad_counters_good_status = sample();
  auto& counters = bad_counters_good_status.status.stats;
  counters[binance].counters = {{"stream_connected", 0},
                                    {"venue_lost_now", 1},
                                    {"venue_disconnected", 1},
                                    {"book.synced.USDCHF", 0},
                                    {"md.feed_age_ms.USDCHF", 250}};
  counters["oms"].counters["reconcile.phase_running"] = 0;
  counters["oms"].counters["reconcile.phase_unexplained"] = 1;
  counters["kill"].counters["quorum_held"] = 0;
  counters["validator"].counters["last_trade_age_ms.USDCHF"] = 60000;
  counters[binance].counters["md.feed_age_ms.USDCHF"] = 60000;
  r = check_readiness(bad_counters_good_status, 5.0);
  CAF_CHECK(r.ready);
  CAF_CHECK(venue_down(bad_counters_good_status.status) == std::optional<bool>(false));

  // Renamed counters: the typed answers alone decide.
  auto renamed = sample();
  renamed.status.stats[binance].counters = {{"md.feed_age_ms.USDCHF", 250}};
  renamed.status.stats["oms"].counters.erase("reconcile.phase_running");
  renamed.status.stats["kill"].counters.erase("quorum_held");
  renamed.status.stats["validator"].counters.clear();
  CAF_CHECK(check_readiness(renamed, 5.0).ready);

  // Hosted (stats answered) but no typed answer: not ready, venue down.
  auto silent = sample();
  silent.status.connectors.clear();
  silent.status.oms.reset();
  silent.status.quorum.reset();
  r = check_readiness(silent, 5.0);
  CAF_CHECK(!reason(r, "venue_connected").ok);
  CAF_CHECK(!reason(r, "oms_reconciled").ok);
  CAF_CHECK(!reason(r, "quorum_held").ok);
  CAF_CHECK(!reason(r, "market_data_fresh").ok);
  CAF_CHECK(venue_down(silent.status) == std::optional<bool>(true));
  // No connector at all: no venue reason, nothing down.
  silent.status.stats.erase(binance);
  CAF_CHECK(!venue_down(silent.status).has_value());
  CAF_CHECK_EQUAL(reason(check_readiness(silent, 5.0), "venue_connected").name, "<absent>");
}

CAF_TEST(health_rules_breach_once_and_clear) {
  health_settings hs;
  hs.stale_data_s = 1.0;
  hs.max_resident_bytes = 1 << 21;
  hs.venue_disconnected_s = 0.5;
  hs.reject_ratio = 0.5;
  hs.reject_min_orders = 10;
  health_evaluator ev(hs);
  metrics::latency_histogram h;
  auto s = sample(); // 400 ms old data, 1 MiB resident, connected
  auto res = ev.evaluate(s, h.snapshot(), 1'000'000'000);
  for (auto& r : res)
    CAF_CHECK(!r.breached);
  s.status.connectors.at(bn).feed_age_ms = 2000;
  s.process->resident_bytes = 1 << 22;
  res = ev.evaluate(s, h.snapshot(), 2'000'000'000);
  CAF_CHECK(ev.newly_breached("market_data_stale"));
  CAF_CHECK(ev.newly_breached("memory"));
  ev.evaluate(s, h.snapshot(), 3'000'000'000);
  CAF_CHECK(!ev.newly_breached("market_data_stale")); // once per breach
  // Rejects: 20 more orders, 15 of them rejected.
  s.status.stats["risk"].counters["checks_passed"] += 5;
  s.status.stats["risk"].counters["checks_rejected"] += 15;
  ev.evaluate(s, h.snapshot(), 4'000'000'000);
  CAF_CHECK(ev.newly_breached("reject_rate"));
  // Venue down: breached only after venue-disconnected-s.
  s.status.connectors.at(bn).connected = false;
  ev.evaluate(s, h.snapshot(), 5'000'000'000);
  CAF_CHECK(!ev.newly_breached("venue_disconnected"));
  ev.evaluate(s, h.snapshot(), 5'600'000'000);
  CAF_CHECK(ev.newly_breached("venue_disconnected"));
  // Cleared, then breached again: a new breach.
  s.status.connectors.at(bn).connected = true;
  s.status.connectors.at(bn).feed_age_ms = 10;
  ev.evaluate(s, h.snapshot(), 6'000'000'000);
  s.status.connectors.at(bn).feed_age_ms = 5000;
  ev.evaluate(s, h.snapshot(), 7'000'000'000);
  CAF_CHECK(ev.newly_breached("market_data_stale"));
}

CAF_TEST(json_api_renders_actors_and_orders) {
  auto s = sample();
  auto& m = metrics::actor_meters::global().get("oms");
  m.handled += 5;
  auto body = api_actors(s, {&m}, "oms");
  CAF_CHECK(body.find("\"messages_handled\":5") != std::string::npos);
  CAF_CHECK(body.find("\"restarts\":2") != std::string::npos);
  CAF_CHECK(api_actors(s, {&m}, "nonesuch").empty());
  CAF_CHECK(api_nodes(s).find("\"heartbeat_age_ms\":120") != std::string::npos);
  CAF_CHECK(api_kill(s).find("\"mode\":\"ACTIVE\"") != std::string::npos);
}

// docs/supervision.md "Metrics": restarts by role and failure class,
// escalations, drills and the failover state; /api/actors by reason.
CAF_TEST(supervisor_restarts_by_reason_escalations_and_failover_are_exported) {
  auto s = sample();
  s.status.stats["supervisor"] = actor_stats{"supervisor",
                                             {{"restarts.oms", 3},
                                              {"restarts_by.oms.drill_crash", 2},
                                              {"restarts_by.oms.exception", 1},
                                              {"escalated.oms", 0},
                                              {"escalations.oms", 1},
                                              {"escalations", 1},
                                              {"drills.crashed", 2},
                                              {"failover.active", 1},
                                              {"failover.takeovers", 1},
                                              {"failover.takeover_ms", 1500},
                                              {"failover.reconciled_ms", -1}}};
  auto text = render_metrics(s, {}, {});
  auto has = [&](const std::string& line) { return has_line(text, line); };
  CAF_CHECK(has("cwts_supervisor_restarts_total{node=\"n1\",reason=\"drill_crash\",role=\"oms\"} 2"));
  CAF_CHECK(has("cwts_supervisor_restarts_total{node=\"n1\",reason=\"exception\",role=\"oms\"} 1"));
  CAF_CHECK(has("cwts_supervisor_escalations_total{node=\"n1\",role=\"oms\"} 1"));
  CAF_CHECK(has("cwts_supervisor_drill_crashes_total{node=\"n1\"} 2"));
  CAF_CHECK(has("cwts_failover_active{node=\"n1\"} 1"));
  CAF_CHECK(has("cwts_failover_takeovers_total{node=\"n1\"} 1"));
  CAF_CHECK(has("cwts_failover_takeover_seconds{node=\"n1\"} 1.5"));
  // Not reconciled yet (-1): no series rather than a made-up value.
  CAF_CHECK(text.find("cwts_failover_reconciled_seconds") == std::string::npos);
  auto& m = metrics::actor_meters::global().get("oms");
  auto body = api_actors(s, {&m}, "oms");
  CAF_CHECK(body.find("\"restarts\":3") != std::string::npos);
  CAF_CHECK(body.find("\"restarts_by_reason\":{\"drill_crash\":2,\"exception\":1}")
            != std::string::npos);
  CAF_CHECK(body.find("\"escalated\":false") != std::string::npos);
}

// Issue 18: a node with a connector per venue. Readiness holds only while
// every venue is up, each reported with its venue; the connector series
// carry venue="<name>"; the venue rule counts each venue's outage.
CAF_TEST(every_connector_of_a_node_counts_each_under_its_venue) {
  const venue_name fix{"fix"};
  auto s = sample();
  s.status.stats[connector_role(fix)] =
    actor_stats{connector_role(fix), {{"md.frames.trade", 7}, {"venue_rejects", 2}}};
  s.status.connectors[fix] = connector_status{true, false, false, {}, 100};
  s.status.stats["kill"].counters["last.channel_ns.n1.venue_cancel_all.fix"] = 2'000'000;
  auto r = check_readiness(s, 5.0);
  CAF_CHECK(r.ready);
  int venue_reasons = 0;
  for (auto& x : r.reasons)
    venue_reasons += x.name == "venue_connected" ? 1 : 0;
  CAF_CHECK_EQUAL(venue_reasons, 2);
  auto down = s;
  down.status.connectors.at(fix).venue_lost = true;
  r = check_readiness(down, 5.0);
  CAF_CHECK(!r.ready);
  for (auto& x : r.reasons)
    if (x.name == "venue_connected")
      CAF_CHECK_EQUAL(x.ok, x.venue == bn);
  auto json = to_json(r, "n1");
  CAF_CHECK(json.find(R"("name":"venue_connected","ok":false,)") != std::string::npos);
  CAF_CHECK(json.find(R"("venue":"fix")") != std::string::npos);
  CAF_CHECK(venue_down(down.status) == std::optional<bool>(true));
  CAF_CHECK(!venue_down(down.status, bn));
  // Hosted (stats) but silent on its status: that venue is not known up.
  auto silent = s;
  silent.status.connectors.erase(fix);
  CAF_CHECK(!check_readiness(silent, 5.0).ready);

  auto text = render_metrics(s, {}, {});
  auto has = [&](const std::string& line) { return has_line(text, line); };
  CAF_CHECK(has("cwts_md_frames_total{node=\"n1\",stream=\"trade\",venue=\"binance\"} 100"));
  CAF_CHECK(has("cwts_md_frames_total{node=\"n1\",stream=\"trade\",venue=\"fix\"} 7"));
  CAF_CHECK(has("cwts_venue_rejects_total{node=\"n1\",venue=\"fix\"} 2"));
  CAF_CHECK(has("cwts_kill_last_channel_seconds{channel=\"venue_cancel_all\",node=\"n1\","
                "peer=\"n1\",venue=\"fix\"} 0.002"));

  health_settings hs;
  hs.venue_disconnected_s = 0.5;
  health_evaluator ev(hs);
  constexpr int64_t sec = 1'000'000'000;
  ev.evaluate(down, {}, 0);
  auto res = ev.evaluate(down, {}, sec);
  CAF_CHECK(ev.newly_breached("venue_disconnected"));
  for (auto& h : res)
    if (h.rule == "venue_disconnected")
      CAF_CHECK(h.recommendation.find("(fix)") != std::string::npos);
  // fix back, binance down: a new outage, counted from now.
  auto other = s;
  other.status.connectors.at(bn).connected = false;
  ev.evaluate(other, {}, 2 * sec);
  CAF_CHECK(!ev.newly_breached("venue_disconnected"));
  ev.evaluate(other, {}, 3 * sec);
  CAF_CHECK(ev.newly_breached("venue_disconnected"));
}
