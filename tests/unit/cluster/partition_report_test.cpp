// The partition drills' analysis (nodes/cluster/partition_report.hpp): the
// venue's order log and the nodes' lease events turned into the figures
// docs/partitions.md reports, on hand-made evidence.
#define CAF_SUITE partition_report
#include "tests/support/unit_test.hpp"

#include "nodes/cluster/partition_report.hpp"

using namespace cwts::cluster;

namespace {

constexpr int64_t cut_wall = 1'800'000'000'000'000'000; // ns since the epoch
constexpr int64_t cut_mono = 5'000'000'000'000;         // the same instant, monotonic
constexpr int64_t ms = 1'000'000;

venue_order_op order(const std::string& address, int64_t at_ms, const std::string& action = "new",
                     const std::string& id = "") {
  venue_order_op o;
  o.ts_ns = cut_wall + at_ms * ms;
  o.account = "demo";
  o.protocol = "rest";
  o.remote = address + ":40000";
  o.action = action;
  o.client_order_id = id.empty() ? address + "/" + std::to_string(at_ms) : id;
  o.outcome = "accepted";
  return o;
}

node_log_event event(const std::string& name, int64_t at_ms,
                     std::map<std::string, std::string> fields) {
  node_log_event e;
  e.name = name;
  e.wall_ns = cut_wall + at_ms * ms;
  e.fields = std::move(fields);
  e.fields["event"] = name;
  return e;
}

// a1 (10.0.0.11) held the lease of both roles and traded; s1 (.12) is its
// standby; w1 (.13) a witness.
partition_run base_run() {
  partition_run run;
  run.scenario = "isolate-active";
  run.account = "demo";
  run.old_holder = "a1";
  run.cut_wall_ns = cut_wall;
  run.cut_mono_ns = cut_mono;
  run.node_of_address = {{"10.0.0.11", "a1"}, {"10.0.0.12", "s1"}, {"10.0.0.13", "w1"}};
  for (auto role : {"oms", "connector.binance"})
    run.events["a1"].push_back(event("lease_acquired", -5000, {{"role", role}, {"epoch", "1"}}));
  return run;
}

// The lease of `role` lapsed at cut + `until_ms` (held_until_ns is monotonic),
// logged at the next round.
node_log_event lost(const std::string& role, int64_t until_ms) {
  return event("lease_lost", until_ms + 120,
               {{"role", role}, {"held_until_ns", std::to_string(cut_mono + until_ms * ms)}});
}

} // namespace

CAF_TEST(a_clean_handover_has_no_overlap_and_times_the_gate_and_the_new_holder) {
  auto run = base_run();
  run.events["a1"].push_back(lost("oms", 640));
  run.events["a1"].push_back(lost("connector.binance", 655));
  run.orders = {order("10.0.0.11", -300), order("10.0.0.11", -100), order("10.0.0.11", 200),
                order("10.0.0.12", 2100), order("10.0.0.12", 2300)};
  run.heal_wall_ns = cut_wall + 8000 * ms;
  run.holds_at_end = {{"a1", false}, {"s1", true}, {"w1", false}};
  auto r = analyse_partition(run);
  CAF_REQUIRE(r.gate_closed_after_cut_ms.has_value());
  CAF_CHECK_EQUAL(r.gate_closed_after_cut_ms.value_or(-1), 655); // the last role's gate
  CAF_CHECK_EQUAL(r.gate_closed_how, "lease_lost role=connector.binance held_until_ns");
  CAF_CHECK_EQUAL(r.new_holder, "s1");
  CAF_REQUIRE(r.new_holder_traded_after_cut_ms.has_value());
  CAF_CHECK_EQUAL(r.new_holder_traded_after_cut_ms.value_or(-1), 2100);
  CAF_CHECK_EQUAL(r.old_holder_last_order_after_cut_ms.value_or(-1), 200);
  CAF_CHECK_EQUAL(r.handovers, 1);
  CAF_CHECK_EQUAL(r.overlap_total(), 0);
  CAF_CHECK_EQUAL(r.orders_after_cut["a1"], 1);
  CAF_CHECK_EQUAL(r.orders_while_cut["s1"], 2);
  CAF_REQUIRE_EQUAL(r.holders_at_end.size(), 1u);
  CAF_CHECK_EQUAL(r.holders_at_end[0], "s1");
}

CAF_TEST(an_old_holder_that_sends_after_its_successor_started_is_counted_as_overlap) {
  auto run = base_run();
  run.orders = {order("10.0.0.11", -100), order("10.0.0.12", 1500), order("10.0.0.11", 1600, "new", "late1"),
                order("10.0.0.12", 1700), order("10.0.0.11", 1800, "amend", "late2")};
  auto r = analyse_partition(run);
  CAF_CHECK_EQUAL(r.overlap_orders["a1"], 2);
  CAF_CHECK_EQUAL(r.overlap_orders.count("s1"), 0u);
  CAF_CHECK_EQUAL(r.overlap_total(), 2);
  CAF_CHECK_EQUAL(r.first_overlap, "a1 sent new late1 100 ms after s1 took over");
  CAF_CHECK_EQUAL(r.handovers, 1); // a1's late orders do not hand the account back
}

CAF_TEST(a_succeeded_nodes_cancels_are_counted_apart_and_venue_timers_ignored) {
  auto run = base_run();
  auto timer = order("", 1900, "cancel");
  timer.protocol = "internal";
  timer.remote = "";
  run.orders = {order("10.0.0.11", -100), order("10.0.0.12", 1500),
                order("10.0.0.11", 5200, "cancel", "a1-x-1"),
                order("10.0.0.11", 5201, "cancel", "s1-y-7"), timer};
  auto r = analyse_partition(run);
  CAF_CHECK_EQUAL(r.overlap_total(), 0);
  CAF_CHECK_EQUAL(r.cancels_after_succeeded["a1"], 2);
  CAF_CHECK_EQUAL(r.cancels_of_others["a1"], 1); // s1's order, cancelled by a1
  CAF_CHECK_EQUAL(r.first_cancel_of_other, "a1 cancelled s1-y-7 5201 ms after the cut");
  CAF_CHECK_EQUAL(r.order_lines, 4);
}

CAF_TEST(other_accounts_and_unknown_addresses) {
  auto run = base_run();
  auto other = order("10.0.0.12", 100);
  other.account = "other";
  run.orders = {order("10.0.0.11", -100), other, order("10.0.0.99", 300)};
  auto r = analyse_partition(run);
  CAF_CHECK_EQUAL(r.handovers, 0); // another account's orders are not this one's
  CAF_CHECK_EQUAL(r.unknown_sender_orders, 1);
  CAF_CHECK(r.new_holder.empty());
  CAF_REQUIRE_EQUAL(r.notes.size(), 1u);
}

CAF_TEST(a_holder_that_kept_its_lease_has_no_gate_closure) {
  auto run = base_run();
  // Only one role lapsed (and one before the cut, which is not this cut's).
  run.events["a1"].insert(run.events["a1"].begin(), lost("oms", -9000));
  run.events["a1"].push_back(lost("oms", 700));
  run.orders = {order("10.0.0.11", -100), order("10.0.0.11", 3000)};
  auto r = analyse_partition(run);
  CAF_CHECK(!r.gate_closed_after_cut_ms.has_value());
  CAF_CHECK(r.new_holder.empty());
  CAF_CHECK_EQUAL(r.old_holder_last_order_after_cut_ms.value_or(-1), 3000);
}

// The cut's links took 1.5 s to block (a loaded machine): a1 lost its
// majority on the way and its leases lapsed before the last link was
// blocked. The partition closed its gate: at 0 ms after the cut, not never.
CAF_TEST(a_lease_lost_while_the_cut_was_put_in_place_closes_the_gate_at_the_cut) {
  auto run = base_run();
  run.cut_began_wall_ns = cut_wall - 1500 * ms;
  run.events["a1"].push_back(lost("oms", -500));
  run.events["a1"].push_back(lost("connector.binance", -400));
  run.orders = {order("10.0.0.11", -2000), order("10.0.0.11", -900)};
  auto r = analyse_partition(run);
  CAF_REQUIRE(r.gate_closed_after_cut_ms.has_value());
  CAF_CHECK_EQUAL(r.gate_closed_after_cut_ms.value_or(-1), 0);
  CAF_CHECK_EQUAL(r.gate_closed_how, "lease_lost role=connector.binance held_until_ns");
  // A lease lost before the cut began is not the cut's doing.
  auto earlier = base_run();
  earlier.cut_began_wall_ns = cut_wall - 1500 * ms;
  earlier.events["a1"].push_back(lost("oms", -3000));
  earlier.events["a1"].push_back(lost("connector.binance", -2900));
  CAF_CHECK(!analyse_partition(earlier).gate_closed_after_cut_ms.has_value());
}

CAF_TEST(roles_given_back_close_the_gate_when_logged) {
  auto run = base_run();
  run.events["a1"].push_back(event("lease_released", 450, {{"role", "oms"}}));
  run.events["a1"].push_back(event("lease_released", 451, {{"role", "connector.binance"}}));
  auto r = analyse_partition(run);
  CAF_REQUIRE(r.gate_closed_after_cut_ms.has_value());
  CAF_CHECK_EQUAL(r.gate_closed_after_cut_ms.value_or(-1), 451);
  CAF_CHECK_EQUAL(r.gate_closed_how, "lease_released role=connector.binance");
}

CAF_TEST(node_log_lines_parse_with_quoted_values) {
  auto e = parse_node_log_line(
    "2026-12-07T01:15:57.123Z error event=lease_lost node=a1 role=oms epoch=3 "
    "held_until_ns=5000640000000 action=gate_closed reason=\"no majority: 2 of 4\" x=1");
  CAF_REQUIRE(e.has_value());
  CAF_CHECK_EQUAL(e->name, "lease_lost");
  CAF_CHECK_EQUAL(e->field("node"), "a1");
  CAF_CHECK_EQUAL(e->field("reason"), "no majority: 2 of 4");
  CAF_CHECK_EQUAL(e->field("x"), "1");
  CAF_CHECK_EQUAL(e->number("held_until_ns").value_or(-1), 5000640000000);
  CAF_CHECK(!e->number("role").has_value());
  CAF_CHECK_EQUAL(e->wall_ns, 1796606157123000000);
  CAF_CHECK(!parse_node_log_line("2026-12-07T01:15:57.123Z info plain text").has_value());
  CAF_CHECK(!parse_node_log_line("garbage event=x").has_value());
  CAF_CHECK(!parse_utc_timestamp("2026-13-07T01:15:57.123Z").has_value());
}

CAF_TEST(order_log_lines_parse_and_bad_ones_say_why) {
  std::string error;
  auto o = parse_order_log_line(
    R"({"ts_ns":1796605465679813333,"account":"demo","protocol":"rest","connection":1,)"
    R"("remote":"10.99.0.11:41268","credential":"k","action":"new","client_order_id":"c1",)"
    R"("order_id":8,"symbol":"USDCHF","side":"BUY","quantity":"1","price":"0.5",)"
    R"("outcome":"accepted","status":"NEW"})",
    error);
  CAF_REQUIRE(o.has_value());
  CAF_CHECK_EQUAL(o->address(), "10.99.0.11");
  CAF_CHECK(o->is_order());
  CAF_CHECK_EQUAL(o->ts_ns, 1796605465679813333);
  CAF_CHECK(!parse_order_log_line("{\"account\":\"demo\"}", error).has_value());
  CAF_CHECK_EQUAL(error, "no ts_ns");
  CAF_CHECK(!parse_order_log_line("not json", error).has_value());
  CAF_CHECK_EQUAL(error, "not a JSON object");
}

CAF_TEST(the_json_report_names_every_figure) {
  auto run = base_run();
  run.events["a1"].push_back(lost("oms", 640));
  run.events["a1"].push_back(lost("connector.binance", 650));
  run.orders = {order("10.0.0.11", -100), order("10.0.0.12", 2000)};
  auto json = to_json(analyse_partition(run));
  for (auto key : {"\"gate_closed_after_cut_ms\": 650", "\"new_holder\": \"s1\"",
                   "\"new_holder_traded_after_cut_ms\": 2000", "\"overlap_total\": 0"})
    CAF_CHECK(json.find(key) != std::string::npos);
}

CAF_TEST(a_flapping_links_gate_closure_is_timed_from_the_cut_before_it) {
  auto run = base_run();
  run.cuts = {{cut_wall, cut_mono}, {cut_wall + 2000 * ms, cut_mono + 2000 * ms}};
  run.events["a1"].push_back(lost("oms", 2700));
  run.events["a1"].push_back(lost("connector.binance", 2710));
  auto r = analyse_partition(run);
  CAF_CHECK_EQUAL(r.gate_closed_after_cut_ms.value_or(-1), 710);
}

CAF_TEST(what_happens_after_the_heal_is_not_the_partitions_doing) {
  auto run = base_run();
  run.heal_wall_ns = cut_wall + 6000 * ms;
  // Kept the lease while cut; released it at shutdown, after the heal.
  run.events["a1"].push_back(event("lease_released", 7000, {{"role", "oms"}}));
  run.events["a1"].push_back(event("lease_released", 7001, {{"role", "connector.binance"}}));
  run.orders = {order("10.0.0.11", -100), order("10.0.0.11", 3000), order("10.0.0.11", 6500)};
  auto r = analyse_partition(run);
  CAF_CHECK(!r.gate_closed_after_cut_ms.has_value());
  CAF_CHECK_EQUAL(r.old_holder_last_order_after_cut_ms.value_or(-1), 3000);
  CAF_CHECK_EQUAL(r.orders_while_cut["a1"], 1);
  CAF_CHECK_EQUAL(r.orders_after_cut["a1"], 2);
  CAF_CHECK(r.new_holder.empty()); // a1 trading on after the heal is no new holder
}
