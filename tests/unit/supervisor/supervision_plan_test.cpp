#define CAF_SUITE supervision_plan
#include "tests/support/unit_test.hpp"

#include "actors/supervisor/failover_tracker.hpp"
#include "actors/supervisor/supervision_plan.hpp"

using namespace cwts;

namespace {

constexpr int64_t ms = 1'000'000;

std::vector<size_t> v(std::initializer_list<size_t> xs) {
  return xs;
}

} // namespace

CAF_TEST(strategy_names_parse_and_print_and_anything_else_is_refused) {
  CAF_CHECK(parse_restart_strategy("one-for-one") == restart_strategy::one_for_one);
  CAF_CHECK(parse_restart_strategy("rest-for-one") == restart_strategy::rest_for_one);
  CAF_CHECK(!parse_restart_strategy("one_for_one"));
  CAF_CHECK(!parse_restart_strategy("one-for-all"));
  CAF_CHECK(!parse_restart_strategy(""));
  CAF_CHECK_EQUAL(std::string(to_string(restart_strategy::rest_for_one)), "rest-for-one");
}

CAF_TEST(one_for_one_restarts_only_the_failed_child) {
  supervision_plan p{restart_strategy::one_for_one, restart_limits{3, 1000 * ms}, 4};
  auto plan = p.on_failure(1, 0);
  CAF_CHECK(!plan.escalate);
  CAF_CHECK(plan.stop.empty());
  CAF_CHECK(plan.start == v({1}));
}

CAF_TEST(rest_for_one_stops_the_later_children_last_first_and_restarts_in_start_order) {
  supervision_plan p{restart_strategy::rest_for_one, restart_limits{3, 1000 * ms}, 4};
  auto plan = p.on_failure(1, 0);
  CAF_CHECK(!plan.escalate);
  CAF_CHECK(plan.stop == v({3, 2}));
  CAF_CHECK(plan.start == v({1, 2, 3}));
  // The last child has nobody after it.
  auto last = p.on_failure(3, 0);
  CAF_CHECK(last.stop.empty());
  CAF_CHECK(last.start == v({3}));
  // An index past the children plans nothing.
  auto none = p.on_failure(9, 0);
  CAF_CHECK(!none.escalate && none.start.empty() && none.stop.empty());
}

// Issue 24 review finding 3: the lease actor (last child) must not be
// stopped for a sibling's crash: stopping it gives the node's lease up.
CAF_TEST(rest_for_one_leaves_a_child_marked_alone_out_of_the_chain) {
  supervision_plan p{restart_strategy::rest_for_one, restart_limits{3, 1000 * ms}, 4,
                     {false, false, false, true}};
  auto plan = p.on_failure(1, 0);
  CAF_CHECK(plan.stop == v({2}));
  CAF_CHECK(plan.start == v({1, 2}));
  // Its own failure restarts only itself.
  auto own = p.on_failure(3, 0);
  CAF_CHECK(own.stop.empty());
  CAF_CHECK(own.start == v({3}));
}

CAF_TEST(intensity_is_per_child_and_escalates_past_max_restarts_in_the_window) {
  supervision_plan p{restart_strategy::rest_for_one, restart_limits{2, 100 * ms}, 3};
  CAF_CHECK(!p.on_failure(0, 0).escalate);
  CAF_CHECK(!p.on_failure(0, 10 * ms).escalate);
  // Another child's failures do not count against child 0.
  CAF_CHECK(!p.on_failure(2, 20 * ms).escalate);
  auto third = p.on_failure(0, 30 * ms);
  CAF_CHECK(third.escalate);
  CAF_CHECK(third.start.empty() && third.stop.empty());
  // Outside the window the old failures are forgotten.
  CAF_CHECK(!p.on_failure(2, 500 * ms).escalate);
}

CAF_TEST(counters_by_role_and_class_and_escalations) {
  supervision_counters c;
  c.restarted("risk", failure_class::drill_crash);
  c.restarted("risk", failure_class::drill_crash);
  c.restarted("oms", failure_class::exception);
  c.escalated("oms");
  std::map<std::string, int64_t> out;
  c.add_to(out, {"risk", "oms", "strategy"});
  CAF_CHECK_EQUAL(out.at("restarts.risk"), 2);
  CAF_CHECK_EQUAL(out.at("restarts_by.risk.drill_crash"), 2);
  CAF_CHECK_EQUAL(out.at("restarts.oms"), 1);
  CAF_CHECK_EQUAL(out.at("restarts_by.oms.exception"), 1);
  CAF_CHECK_EQUAL(out.at("escalated.oms"), 1);
  CAF_CHECK_EQUAL(out.at("escalations.oms"), 1);
  CAF_CHECK_EQUAL(out.at("escalated.risk"), 0);
  CAF_CHECK_EQUAL(out.at("restarts.strategy"), 0);
  CAF_CHECK_EQUAL(out.at("escalations"), 1);
  CAF_CHECK(out.count("restarts_by.strategy.exit") == 0);
  c.cleared("oms");
  out.clear();
  c.add_to(out, {"oms"});
  CAF_CHECK_EQUAL(out.at("escalated.oms"), 0);
  CAF_CHECK_EQUAL(out.at("escalations.oms"), 1);
  CAF_CHECK_EQUAL(c.restarts("risk", failure_class::drill_crash), 2u);
  CAF_CHECK_EQUAL(c.restarts("risk", failure_class::killed), 0u);
}

CAF_TEST(failure_class_names_are_short_and_fixed) {
  CAF_CHECK_EQUAL(std::string(to_string(failure_class::drill_crash)), "drill_crash");
  CAF_CHECK_EQUAL(std::string(to_string(failure_class::escalated)), "escalated");
  CAF_CHECK_EQUAL(std::string(to_string(failure_class::exception)), "exception");
}

CAF_TEST(a_standby_takes_over_failover_after_the_active_went_down) {
  failover_tracker t{"tr1", 500 * ms, 1000 * ms, 0};
  std::string why;
  t.active_up(); // the active joined at start
  CAF_CHECK_EQUAL(t.deadline_ns(), 0);
  CAF_CHECK(t.check(10'000 * ms, true, 0, why) == failover_verdict::wait);
  t.active_down(20'000 * ms);
  CAF_CHECK_EQUAL(t.lost_at_ns(), 20'000 * ms);
  CAF_CHECK(t.check(20'400 * ms, false, 0, why) == failover_verdict::wait);
  CAF_CHECK(t.check(20'500 * ms, false, 0, why) == failover_verdict::take_over);
  t.taken_over(20'501 * ms);
  CAF_CHECK(t.took_over());
  // Once it holds the roles, the old active's comings and goings change nothing.
  t.active_down(30'000 * ms);
  CAF_CHECK(t.check(40'000 * ms, false, 0, why) == failover_verdict::wait);
}

CAF_TEST(an_active_back_within_failover_after_keeps_the_standby_standing_by) {
  failover_tracker t{"tr1", 500 * ms, 1000 * ms, 0};
  std::string why;
  t.active_up();
  t.active_down(100 * ms);
  t.active_up(); // back (re-joined) in time
  CAF_CHECK(t.check(700 * ms, true, 0, why) == failover_verdict::wait);
  // Listed at the deadline (its announce raced the check): no takeover.
  t.active_down(1000 * ms);
  CAF_CHECK(t.check(1600 * ms, true, 0, why) == failover_verdict::wait);
  CAF_CHECK(!t.took_over());
  CAF_CHECK_EQUAL(t.deadline_ns(), 0);
}

CAF_TEST(an_active_never_seen_is_never_taken_over) {
  failover_tracker t{"tr1", 500 * ms, 1000 * ms, 0};
  std::string why;
  CAF_CHECK_EQUAL(t.deadline_ns(), 1500 * ms);
  CAF_CHECK(t.check(1499 * ms, false, 0, why) == failover_verdict::wait);
  // At start + grace + failover-after it says why it does not take over.
  CAF_CHECK(t.check(1500 * ms, false, 0, why) == failover_verdict::refuse);
  CAF_CHECK(why.find("never seen") != std::string::npos);
  CAF_CHECK(t.check(2000 * ms, false, 0, why) == failover_verdict::wait);
  CAF_CHECK(!t.took_over());
  // Once seen and lost, it is taken over.
  t.active_up();
  t.active_down(3000 * ms);
  CAF_CHECK(t.check(3500 * ms, false, 0, why) == failover_verdict::take_over);
}

CAF_TEST(a_closed_gate_refuses_once_per_reason_and_is_asked_again_until_it_opens) {
  failover_tracker t{"tr1", 500 * ms, 0, 0};
  std::string why;
  t.active_up();
  t.active_down(0);
  CAF_CHECK(t.check(500 * ms, false, 1, why) == failover_verdict::refuse);
  CAF_CHECK(why.find("level 1") != std::string::npos);
  CAF_CHECK_EQUAL(t.deadline_ns(), 1000 * ms);
  // The same reason again: not repeated, still re-armed.
  CAF_CHECK(t.check(1000 * ms, false, 1, why) == failover_verdict::wait);
  CAF_CHECK_EQUAL(t.deadline_ns(), 1500 * ms);
  // A higher level is a new reason.
  CAF_CHECK(t.check(1500 * ms, false, 2, why) == failover_verdict::refuse);
  // Reset: the gate opened, the active is still gone.
  CAF_CHECK(t.check(2000 * ms, false, 0, why) == failover_verdict::take_over);
}

CAF_TEST(a_node_that_gave_its_roles_back_stands_by_for_the_new_active) {
  failover_tracker t{"tr1", 500 * ms, 0, 0};
  t.taken_over(0);
  t.stand_by_for("tr2");
  CAF_CHECK(!t.took_over());
  CAF_CHECK_EQUAL(t.active(), "tr2");
  CAF_CHECK_EQUAL(t.deadline_ns(), 0);
  std::string why;
  t.active_down(100 * ms);
  CAF_CHECK(t.check(600 * ms, false, 0, why) == failover_verdict::take_over);
}
