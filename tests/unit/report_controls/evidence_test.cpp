// The readers of the controls report: kill audit chain (verified first),
// drill records, node log, order events and the risk decision log, each fed
// by the real writer where one exists.
#define CAF_SUITE report_controls_evidence
#include "tests/support/unit_test.hpp"

#include <fstream>

#include "actors/kill/audit_content.hpp"
#include "reporting/controls/drill_log.hpp"
#include "reporting/controls/kill_evidence.hpp"
#include "reporting/controls/node_log.hpp"
#include "reporting/controls/order_evidence.hpp"
#include "reporting/controls/risk_evidence.hpp"
#include "tests/unit/oms/temp_dir.hpp"

using namespace cwts;
using namespace cwts::report;
using cwts::oms::testing::temp_dir;

namespace {

// 2026-12-06T00:00:00Z
constexpr int64_t day0 = 1796515200LL * 1'000'000'000LL;
constexpr int64_t day1 = day0 + 86'400'000'000'000LL;
constexpr int64_t hour = 3'600'000'000'000LL;

kill_command make_kill(const std::string& id, const std::string& reason) {
  kill_command k;
  k.id = kill_id{id};
  k.level = kill_level::cancel_all;
  k.scope = kill_scope::cluster;
  k.issuer = operator_id{"alice"};
  k.origin = node_id{"n1"};
  k.reason = reason;
  k.issued_at = timestamp_ns{day0 + 10 * hour};
  return k;
}

// As kill_coordinator_actor.cpp writes a channel result.
audit_record channel(const std::string& id, const std::string& name, int64_t ts, int64_t dur, bool ok) {
  audit_record r("channel_result");
  r.add("node", "n1").add("ts_ns", ts).add("id", id).add("from", "n1").add("channel", name)
    .add("venue", name == "venue" ? "binance" : "").add("ok", ok ? 1 : 0).add("duration_ns", dur)
    .add("retries", 0).add("canceled", 2).add("open_after", 0).add("error", ok ? "" : "timeout");
  return r;
}

} // namespace

CAF_TEST(kills_of_the_day_come_from_a_verified_audit_chain_with_their_channels) {
  temp_dir dir;
  auto path = dir.file("audit.log");
  std::string error;
  {
    auto log = audit_log::open(path, error);
    CAF_REQUIRE(log.has_value());
    // kill_command_record stamps ts_ns with the wall clock: the day is today.
    CAF_REQUIRE(log->append(kill_command_record(node_id{"n1"}, make_kill("k-1", "drill <b>"), "request",
                                                "accepted", ""),
                            false, error));
    CAF_REQUIRE(log->append(kill_command_record(node_id{"n1"}, make_kill("k-bad", "forged"), "request",
                                                "refused", "bad signature"),
                            false, error));
    auto now = wall_clock_now().ns;
    CAF_REQUIRE(log->append(channel("k-1", "oms", now + 2'000'000, 1'500'000, true), false, error));
    CAF_REQUIRE(log->append(channel("k-1", "venue", now + 9'000'000, 7'000'000, false), false, error));
  }
  // The day of the records themselves (a run across 00:00 UTC still passes).
  auto all = read_kill_audit({path}, 0, INT64_MAX);
  CAF_REQUIRE_EQUAL(all.kills.size(), 1u);
  int64_t from = all.kills[0].ts_ns - all.kills[0].ts_ns % 86'400'000'000'000LL;
  auto ev = read_kill_audit({path}, from, from + 86'400'000'000'000LL);
  CAF_CHECK_EQUAL(ev.first_seq, 0);
  CAF_REQUIRE_EQUAL(ev.kills.size(), 1u); // the refused one closed no gate
  auto& k = ev.kills[0];
  CAF_CHECK_EQUAL(k.id, "k-1");
  CAF_CHECK_EQUAL(k.reason, "drill <b>");
  CAF_CHECK_EQUAL(k.issuer, "alice");
  CAF_CHECK_EQUAL(k.level, 2);
  CAF_REQUIRE_EQUAL(k.channels.size(), 2u);
  CAF_CHECK_EQUAL(k.channels[1].channel, "venue");
  CAF_CHECK_EQUAL(k.channels[1].duration_ns, 7'000'000);
  CAF_CHECK(!k.channels[1].ok);
  CAF_CHECK_EQUAL(k.channels[1].error, "timeout");
  // Another day: nothing.
  CAF_CHECK(read_kill_audit({path}, from - 86'400'000'000'000LL, from).kills.empty());
}

// Records split across rotated files (audit_log::rotate, the writer's own
// rotation) are read in chain order: the kill in the first file, its
// channel result in the next.
CAF_TEST(kills_are_read_across_rotated_audit_files) {
  temp_dir dir;
  auto path = dir.file("audit.log");
  std::string error;
  {
    auto log = audit_log::open(path, error);
    CAF_REQUIRE(log.has_value());
    CAF_REQUIRE(log->append(kill_command_record(node_id{"n1"}, make_kill("k-1", "rotated"), "request",
                                                "accepted", ""),
                            false, error));
    CAF_REQUIRE(log->rotate(error));
    auto now = wall_clock_now().ns;
    CAF_REQUIRE(log->append(channel("k-1", "oms", now, 1'000, true), false, error));
  }
  std::vector<std::string> files{rotated_audit_path(path, 0), path};
  auto ev = read_kill_audit(files, 0, INT64_MAX);
  CAF_REQUIRE_EQUAL(ev.kills.size(), 1u);
  CAF_CHECK_EQUAL(ev.kills[0].reason, "rotated");
  CAF_CHECK_EQUAL(ev.kills[0].channels.size(), 1u);
  CAF_CHECK(verify_audit_files(files).ok);
  // The live file alone starts at its audit_rotated record, timed.
  auto live = read_kill_audit({path}, 0, INT64_MAX);
  CAF_CHECK_EQUAL(live.first_seq, 1);
  CAF_CHECK_GREATER(live.first_ts_ns, 0);
  CAF_CHECK(live.kills.empty());
}

// Two contents signed under one id (an equivocation) were both applied:
// both are kills in the report, the second with the record's reason, and
// a result recorded after it is the second's.
CAF_TEST(an_equivocated_kill_is_reported_twice) {
  temp_dir dir;
  auto path = dir.file("audit.log");
  std::string error;
  {
    auto log = audit_log::open(path, error);
    CAF_REQUIRE(log.has_value());
    CAF_REQUIRE(log->append(kill_command_record(node_id{"n1"}, make_kill("k-1", "first"), "request",
                                                "accepted", ""),
                            false, error));
    auto other = make_kill("k-1", "second");
    other.level = kill_level::flatten;
    CAF_REQUIRE(log->append(kill_command_record(node_id{"n1"}, other, "fanout", "accepted",
                                                "equivocation: the issuer signed other content "
                                                "under this id; both applied"),
                            false, error));
    CAF_REQUIRE(log->append(channel("k-1", "flatten", wall_clock_now().ns, 1'000, true), false, error));
  }
  auto ev = read_kill_audit({path}, 0, INT64_MAX);
  CAF_REQUIRE_EQUAL(ev.kills.size(), 2u);
  CAF_CHECK_EQUAL(ev.kills[0].reason, "first");
  CAF_CHECK_EQUAL(ev.kills[1].reason, "second");
  CAF_CHECK_EQUAL(ev.kills[1].level, 3);
  CAF_CHECK(ev.kills[1].audit_note.rfind("equivocation:", 0) == 0);
  CAF_CHECK(ev.kills[0].channels.empty());
  CAF_CHECK_EQUAL(ev.kills[1].channels.size(), 1u);
}

CAF_TEST(drill_records_round_trip_and_a_bad_line_is_named) {
  temp_dir dir;
  auto path = dir.file("drills.jsonl");
  std::string error;
  auto json = "{\n  \"scenario\": \"crash\",\n  \"started_at_ms\": " + std::to_string(day0 / 1'000'000 + 5000)
              + ",\n  \"result\": \"pass\", \"measured_ms\": {\"detection_ms\": 212},\n"
                "  \"expectations\": [{\"name\": \"restarted\", \"pass\": true}]}\n";
  auto line = drill_record_line(json, day0 / 1'000'000 + 9000, "/r/report.json", error);
  CAF_REQUIRE(!line.empty());
  CAF_CHECK_EQUAL(line.find('\n'), line.size() - 1); // one line
  CAF_REQUIRE(append_drill_record(path, line, error));
  { std::ofstream(path, std::ios::app) << "not json\n"; }
  CAF_REQUIRE(append_drill_record(path, line, error));
  std::vector<drill_row> rows;
  std::vector<std::string> problems;
  CAF_REQUIRE_EQUAL(read_drill_records(path, day0, day1, rows, problems), "");
  CAF_REQUIRE_EQUAL(rows.size(), 2u);
  CAF_CHECK_EQUAL(rows[0].scenario, "crash");
  CAF_CHECK_EQUAL(rows[0].result, "pass");
  CAF_CHECK_EQUAL(rows[0].measured_ms["detection_ms"], 212);
  CAF_REQUIRE_EQUAL(rows[0].expectations.size(), 1u);
  CAF_CHECK(rows[0].expectations[0].second);
  CAF_REQUIRE_EQUAL(problems.size(), 1u);
  CAF_CHECK(problems[0].find("line 2") != std::string::npos);
  CAF_CHECK(drill_record_line("[1,2]", 0, "", error).empty());
  rows.clear();
  read_drill_records(path, day1, day1 + 86'400'000'000'000LL, rows, problems);
  CAF_CHECK(rows.empty());
}

CAF_TEST(node_log_gives_clock_samples_and_command_times_of_the_day) {
  temp_dir dir;
  auto path = dir.file("node.log");
  std::ofstream(path) << "2026-12-05T23:59:59.000 info event=venue_clock offset_ms=9 rtt_us=1\n"
                         "2026-12-06T05:10:11.241 info event=venue_clock offset_ms=-2 rtt_us=148\n"
                         "garbage line\n"
                         "2026-12-06T07:00:00.500 info event=venue_clock venue=okx offset_ms=3\n"
                         "2026-12-06T08:00:00.000 info event=operator_command actor=risk id=oc-1 "
                         "action=change_limit issuer=alice accepted=true\n"
                         // As nodes log now: UTC, marked Z.
                         "2026-12-06T09:00:00.250Z info event=venue_clock venue=binance "
                         "offset_ms=1 rtt_us=90\n"
                         "2026-12-06T10:00:00.000Z error event=venue_clock_failed venue=binance "
                         "detail=\"timeout\"\n";
  node_log_evidence ev;
  CAF_REQUIRE_EQUAL(read_node_log(path, day0, day1, {"oc-1"}, ev), "");
  CAF_REQUIRE_EQUAL(ev.clock.size(), 4u);
  CAF_CHECK(ev.clock[3].failed);
  CAF_CHECK_EQUAL(ev.clock[3].detail, "timeout");
  CAF_CHECK(!ev.clock[2].failed);
  CAF_CHECK_EQUAL(ev.clock[2].venue, "binance");
  CAF_CHECK_EQUAL(ev.clock[2].ts_ns, day0 + 9 * hour + 250'000'000LL);
  CAF_CHECK_EQUAL(ev.clock[0].offset_ms, -2);
  CAF_CHECK_EQUAL(ev.clock[0].rtt_us, 148);
  CAF_CHECK_EQUAL(ev.clock[0].ts_ns, day0 + 5 * hour + 10 * 60'000'000'000LL + 11'241'000'000LL);
  CAF_CHECK_EQUAL(ev.clock[1].venue, "okx");
  CAF_CHECK_EQUAL(ev.clock[1].rtt_us, -1);
  CAF_CHECK_EQUAL(ev.unparsed, 1);
  CAF_REQUIRE_EQUAL(ev.commands.count("oc-1"), 1u);
  CAF_CHECK_EQUAL(ev.commands["oc-1"].ts_ns, day0 + 8 * hour);
  CAF_CHECK(read_node_log(dir.file("missing.log"), day0, day1, {}, ev) != "");
}

CAF_TEST(signed_limit_changes_and_trips_come_from_the_risk_decision_log) {
  temp_dir dir;
  auto path = dir.file("decisions.log");
  std::string error;
  {
    risk::risk_decision_log log;
    CAF_REQUIRE(log.open(path, error));
    using k = risk::risk_decision::kind;
    CAF_REQUIRE(log.append({k::limit, "USDCHF", "max-order-qty", "5000", "oc-1", "alice", 0}, error));
    CAF_REQUIRE(log.append({k::trip, "mm", {}, {}, {}, {}, day0 + hour}, error));
    CAF_REQUIRE(log.append({k::limit, "USDCHF", "max-order-qty", "700", "oc-2", "bob", 0}, error));
    // The next day's change: not in effect on day0.
    CAF_REQUIRE(log.append({k::limit, "USDCHF", "max-order-qty", "900", "oc-3", "bob", day1 + hour},
                           error));
  }
  std::vector<risk::risk_decision> decided;
  CAF_REQUIRE(risk::risk_decision_log::read(path, decided, error));
  std::map<std::string, command_time> times{{"oc-2", {day0 + 2 * hour, 7, true}}};
  auto controls = build_controls({{"max-order-qty", "100"}}, decided, times, day0, day1);
  auto c = std::find_if(controls.begin(), controls.end(),
                        [](auto& x) { return x.name == "Maximum order quantity"; });
  CAF_REQUIRE(c != controls.end());
  CAF_REQUIRE_EQUAL(c->changes.size(), 2u);
  CAF_CHECK_EQUAL(c->changes[0].ts_ns, 0);
  CAF_CHECK_EQUAL(c->changes[1].ts_ns, day0 + 2 * hour);
  CAF_CHECK_EQUAL(c->changes[1].issuer, "bob");
  CAF_CHECK(c->changes[1].on_day);
  CAF_CHECK(!c->changes[0].on_day);
  CAF_REQUIRE_EQUAL(c->limits.size(), 2u);
  CAF_CHECK_EQUAL(c->limits[0].second, "100 (as configured now, every target)");
  CAF_CHECK(c->limits[1].second.find("700 (signed change oc-2 by bob, made this day") == 0);
  // The day after: oc-3 holds.
  auto next = build_controls({{"max-order-qty", "100"}}, decided, times, day1, day1 + 24 * hour);
  auto n = std::find_if(next.begin(), next.end(),
                        [](auto& x) { return x.name == "Maximum order quantity"; });
  CAF_REQUIRE(n != next.end());
  CAF_CHECK_EQUAL(n->changes.size(), 3u);
  CAF_CHECK(n->limits[1].second.find("900 (signed change oc-3") == 0);
  auto trips = throttle_events(decided, times, day0, day1);
  CAF_REQUIRE_EQUAL(trips.size(), 1u);
  CAF_CHECK_EQUAL(trips[0].strategy, "mm");
}

CAF_TEST(order_events_give_checked_and_rejected_counts_per_control_and_hour) {
  controls_report r;
  r.from_ns = day0;
  r.to_ns = day1;
  r.controls = build_controls({}, {}, {}, day0, day1);
  auto ev = [](order_event_type t, const std::string& id, int64_t ts, const std::string& rule) {
    order_event e;
    e.type = t;
    e.id = client_order_id{id};
    e.event_time = timestamp_ns{ts};
    if (t == order_event_type::rejected) {
      e.rejected_by = "cwts";
      e.reject_rule = rule;
    }
    return e;
  };
  std::vector<order_event> events{
    ev(order_event_type::new_order, "a", day0 + hour, ""),
    ev(order_event_type::accepted, "a", day0 + hour + 1, ""),
    ev(order_event_type::rejected, "b", day0 + 3 * hour, "max_qty_exceeded"),
    ev(order_event_type::rejected, "c", day0 + 3 * hour + 5, "max_qty_exceeded"),
    ev(order_event_type::rejected, "d", day0 + 4 * hour, "kill_gate_closed"),
    ev(order_event_type::rejected, "e", day0 + 5 * hour, "not_reconciled")};
  count_orders(events, r);
  CAF_CHECK_EQUAL(r.orders_checked, 5);
  CAF_CHECK_EQUAL(r.rejected_by_us, 4);
  CAF_CHECK_EQUAL(r.rejects_hourly["max_qty_exceeded"][3], 2);
  CAF_CHECK_EQUAL(r.rejects_hourly["kill_gate_closed"][4], 1);
  CAF_CHECK_EQUAL(r.other_rejects["not_reconciled"], 1);
  for (auto& c : r.controls) {
    if (c.name == "Kill switch and trading state")
      CAF_CHECK_EQUAL(c.checked, 5);
    if (c.name == "Maximum order quantity") {
      CAF_CHECK_EQUAL(c.checked, 4); // d stopped at the kill gate
      CAF_CHECK_EQUAL(c.rejected["max_qty_exceeded"], 2);
    }
  }
}

// Risk journals at most 100 refusals a second per (strategy, rule); the rest
// arrive as one rejects_suppressed row whose text starts with their count.
CAF_TEST(suppressed_refusals_count_as_checked_and_rejected_by_their_rule) {
  controls_report r;
  r.from_ns = day0;
  r.to_ns = day1;
  r.controls = build_controls({}, {}, {}, day0, day1);
  order_event one;
  one.type = order_event_type::rejected;
  one.id = client_order_id{"x"};
  one.event_time = timestamp_ns{day0 + 2 * hour};
  one.rejected_by = "cwts";
  one.reject_rule = "max_qty_exceeded";
  order_event summary = one;
  summary.type = order_event_type::rejects_suppressed;
  summary.id = client_order_id{"x-last"};
  summary.text = "9900 rejects (max_qty_exceeded) of strategy 'mm' suppressed between 1 and 2";
  order_event not_a_count = summary;
  not_a_count.text = "rejects suppressed, count missing";
  count_orders({one, summary, not_a_count}, r);
  CAF_CHECK_EQUAL(r.rejected_by_us, 9901);
  CAF_CHECK_EQUAL(r.orders_checked, 9901);
  CAF_CHECK_EQUAL(r.rejects_hourly["max_qty_exceeded"][2], 9901);
  CAF_CHECK_EQUAL(r.rejects.size(), 2u); // the one record and the summary listed
}
