#define CAF_SUITE failover_decisions
#include "tests/support/unit_test.hpp"

// The supervisor's failover decisions without actors (failover_decisions.hpp):
// every act, with the inputs that lead to it, and the inputs that must not act.

#include "actors/supervisor/failover_decisions.hpp"

using namespace cwts;
using namespace cwts::failover;

namespace {

constexpr int64_t ms = 1'000'000;

// tr2 stands by for tr1, the lease on, gate open, not asked yet.
lease_facts standby_facts() {
  lease_facts f;
  f.lease_on = true;
  f.standing_by = true;
  f.self = "tr2";
  f.active = "tr1";
  return f;
}

// tr1 holds its roles under the lease.
lease_facts active_facts() {
  lease_facts f;
  f.lease_on = true;
  f.standing_by = false;
  f.self = "tr1";
  return f;
}

lease_seen held_by(std::string node, int64_t epoch) {
  lease_seen v;
  v.other = std::move(node);
  v.other_epoch = epoch;
  return v;
}

lease_seen superseded(std::string node, int64_t epoch) {
  lease_seen v;
  v.superseded_by = std::move(node);
  v.superseded_epoch = epoch;
  return v;
}

lease_seen all_held() {
  lease_seen v;
  v.all_held = true;
  return v;
}

} // namespace

// --- the lease is on ---------------------------------------------------------

CAF_TEST(the_lease_is_on_only_for_a_node_with_leased_roles_and_a_lease_child) {
  CAF_CHECK(lease_on(false, true, true));
  CAF_CHECK(!lease_on(true, true, true));   // a group supervisor
  CAF_CHECK(!lease_on(false, false, true)); // no leased roles (no members)
  CAF_CHECK(!lease_on(false, true, false)); // no lease actor
}

CAF_TEST(a_standby_asks_for_the_lease_once_and_never_after_it_took_over) {
  CAF_CHECK(may_ask_lease(false, true));
  CAF_CHECK(!may_ask_lease(true, true));   // already asked
  CAF_CHECK(!may_ask_lease(false, false)); // took over (or no standby)
}

CAF_TEST(the_next_check_is_one_ms_past_the_deadline_and_none_without_one) {
  CAF_CHECK(!next_check_in_ns(0, 5'000 * ms));
  auto in = next_check_in_ns(5'000 * ms, 4'000 * ms);
  CAF_REQUIRE(in);
  CAF_CHECK_EQUAL(*in, 1'001 * ms);
  // A deadline already passed: checked 1 ms from now, never in the past.
  in = next_check_in_ns(5'000 * ms, 6'000 * ms);
  CAF_REQUIRE(in);
  CAF_CHECK_EQUAL(*in, 1 * ms);
}

// --- at the deadline --------------------------------------------------------

CAF_TEST(without_a_lease_the_deadline_takes_over_and_stops_checking) {
  auto d = on_check(failover_verdict::take_over, false, 0);
  CAF_CHECK(d.action == check_action::take_over);
  CAF_CHECK(!d.reschedule);
}

CAF_TEST(with_a_lease_the_deadline_only_asks_for_it_and_keeps_checking) {
  auto d = on_check(failover_verdict::take_over, true, 0);
  CAF_CHECK(d.action == check_action::ask_lease);
  CAF_CHECK(d.reschedule);
}

CAF_TEST(a_refusal_says_stay_halted_on_a_closed_gate_and_keep_waiting_otherwise) {
  auto d = on_check(failover_verdict::refuse, false, 1);
  CAF_CHECK(d.action == check_action::refuse);
  CAF_CHECK(d.reschedule);
  CAF_CHECK_EQUAL(std::string(d.refusal_action), "stay_halted");
  d = on_check(failover_verdict::refuse, true, 0); // the active never seen
  CAF_CHECK(d.action == check_action::refuse);
  CAF_CHECK(d.reschedule);
  CAF_CHECK_EQUAL(std::string(d.refusal_action), "keep_waiting");
}

CAF_TEST(a_wait_does_nothing_but_check_again) {
  for (bool lease : {false, true}) {
    auto d = on_check(failover_verdict::wait, lease, 0);
    CAF_CHECK(d.action == check_action::wait);
    CAF_CHECK(d.reschedule);
  }
}

CAF_TEST(the_tracker_and_the_decisions_end_to_end_take_over_only_past_the_deadline) {
  failover_tracker t{"tr1", 500 * ms, 1000 * ms, 0};
  std::string why;
  t.active_up();
  t.active_down(10'000 * ms);
  auto early = on_check(t.check(10'400 * ms, false, 0, why), false, 0);
  CAF_CHECK(early.action == check_action::wait);
  // The active re-listed at the deadline: no takeover.
  t.active_down(20'000 * ms);
  auto back = on_check(t.check(20'500 * ms, true, 0, why), false, 0);
  CAF_CHECK(back.action == check_action::wait);
  t.active_down(30'000 * ms);
  auto halted = on_check(t.check(30'500 * ms, false, 2, why), false, 2);
  CAF_CHECK(halted.action == check_action::refuse);
  CAF_CHECK_EQUAL(why, gate_closed_reason(2));
  auto due = on_check(t.check(31'000 * ms, false, 0, why), false, 0);
  CAF_CHECK(due.action == check_action::take_over);
}

// --- a lease view on the active ---------------------------------------------

CAF_TEST(an_active_gives_its_roles_back_to_a_proven_newer_holder) {
  auto d = on_lease_view(active_facts(), superseded("tr2", 7));
  CAF_CHECK(d.action == lease_action::give_roles_back);
  CAF_CHECK_EQUAL(d.to, "tr2");
  CAF_CHECK_EQUAL(d.epoch, 7);
}

CAF_TEST(an_active_keeps_trading_on_anything_but_a_proof) {
  // No proof: another member's grant named, even the standby's.
  CAF_CHECK(on_lease_view(active_facts(), held_by("tr2", 8)).action == lease_action::none);
  // A proof naming this node itself is no reason to stop.
  CAF_CHECK(on_lease_view(active_facts(), superseded("tr1", 8)).action == lease_action::none);
  // Every lease held, as it should be.
  CAF_CHECK(on_lease_view(active_facts(), all_held()).action == lease_action::none);
  // Stale supersession epochs never reach the view: lease_session filters
  // them (lease_session_test); the decision trusts what the session proved.
}

CAF_TEST(no_lease_view_acts_while_the_lease_is_off_or_the_node_stops) {
  auto off = active_facts();
  off.lease_on = false;
  CAF_CHECK(on_lease_view(off, superseded("tr2", 7)).action == lease_action::none);
  auto stopping = active_facts();
  stopping.stopping = true;
  CAF_CHECK(on_lease_view(stopping, superseded("tr2", 7)).action == lease_action::none);
  auto sb_off = standby_facts();
  sb_off.lease_on = false;
  CAF_CHECK(on_lease_view(sb_off, all_held()).action == lease_action::none);
  auto sb_stopping = standby_facts();
  sb_stopping.stopping = true;
  CAF_CHECK(on_lease_view(sb_stopping, all_held()).action == lease_action::none);
}

// --- a lease view on the standby --------------------------------------------

CAF_TEST(a_standby_granted_every_leased_role_takes_over_when_the_gate_is_open) {
  auto f = standby_facts();
  f.lease_armed = true;
  CAF_CHECK(on_lease_view(f, all_held()).action == lease_action::take_over);
}

CAF_TEST(a_standby_does_not_take_over_before_every_role_is_granted) {
  auto f = standby_facts();
  f.lease_armed = true;
  auto v = held_by("tr1", 3);
  v.all_held = false;
  CAF_CHECK(on_lease_view(f, v).action != lease_action::take_over);
  CAF_CHECK(on_lease_view(f, lease_seen{}).action == lease_action::none);
}

CAF_TEST(a_halted_standby_hands_a_granted_lease_back_and_says_so_once) {
  auto f = standby_facts();
  f.lease_armed = true;
  f.gate_level = 1;
  auto d = on_lease_view(f, all_held());
  CAF_CHECK(d.action == lease_action::hand_back_halted);
  CAF_CHECK_EQUAL(d.why, gate_closed_reason(1));
  CAF_CHECK(d.log);
  // The same reason again: handed back again, not logged again.
  f.refusal_logged = d.why;
  d = on_lease_view(f, all_held());
  CAF_CHECK(d.action == lease_action::hand_back_halted);
  CAF_CHECK(!d.log);
  // A new level is a new reason.
  f.gate_level = 2;
  d = on_lease_view(f, all_held());
  CAF_CHECK(d.action == lease_action::hand_back_halted);
  CAF_CHECK(d.log);
}

CAF_TEST(a_standby_asks_for_the_lease_once_it_sees_the_active_hold_it) {
  auto d = on_lease_view(standby_facts(), held_by("tr1", 4));
  CAF_CHECK(d.action == lease_action::ask_lease);
  CAF_CHECK_EQUAL(d.why, "the active's lease is seen held (epoch 4): a request every "
                         "renew-ms, granted once it ran out");
}

CAF_TEST(a_standby_does_not_ask_for_a_lease_another_node_holds_or_while_halted) {
  // Held by a member that is not the active this node stands by for.
  CAF_CHECK(on_lease_view(standby_facts(), held_by("gw1", 4)).action == lease_action::none);
  // Held by no one yet.
  CAF_CHECK(on_lease_view(standby_facts(), lease_seen{}).action == lease_action::none);
  // The active holds it, but the gate is closed.
  auto halted = standby_facts();
  halted.gate_level = 1;
  CAF_CHECK(on_lease_view(halted, held_by("tr1", 4)).action == lease_action::none);
}

CAF_TEST(an_armed_standby_says_once_per_holder_and_epoch_who_holds_the_lease) {
  auto f = standby_facts();
  f.lease_armed = true;
  auto d = on_lease_view(f, held_by("tr1", 4));
  CAF_CHECK(d.action == lease_action::note_held);
  CAF_CHECK_EQUAL(d.why, "lease held by tr1 (epoch 4)");
  CAF_CHECK(d.log);
  // The same holder at the same epoch: nothing new to say.
  f.refusal_logged = d.why;
  CAF_CHECK(on_lease_view(f, held_by("tr1", 4)).action == lease_action::none);
  // A renewed epoch is said again.
  d = on_lease_view(f, held_by("tr1", 5));
  CAF_CHECK(d.action == lease_action::note_held);
  CAF_CHECK_EQUAL(d.why, "lease held by tr1 (epoch 5)");
  // Held by no one: nothing to say (the next round may grant it).
  CAF_CHECK(on_lease_view(f, lease_seen{}).action == lease_action::none);
}

// Two standbys each won some of the leased roles (partition drill split-2-2
// under load: s1 held connector.binance at epoch 3, a1 held oms at epoch 3,
// each renewing its part until the role-lost kill).
CAF_TEST(a_split_lease_is_given_up_by_the_higher_node_id_only_after_two_leases) {
  auto f = standby_facts(); // tr2, standing by for tr1
  f.lease_armed = true;
  f.now_ns = 50'000 * ms;
  auto v = held_by("tr1", 3);
  v.lease_ns = 900 * ms;
  // A takeover's own partial rounds: not a split yet.
  v.partial_for_ns = 1'700 * ms;
  CAF_CHECK(on_lease_view(f, v).action == lease_action::note_held);
  v.partial_for_ns = 1'800 * ms;
  auto d = on_lease_view(f, v);
  CAF_REQUIRE(d.action == lease_action::yield_split);
  CAF_CHECK_EQUAL(d.to, "tr1");
  CAF_CHECK_EQUAL(d.epoch, 3);
  CAF_CHECK_EQUAL(d.until_ns, 50'000 * ms + 1'800 * ms);
  CAF_CHECK(d.log);
  CAF_CHECK_EQUAL(d.why, "split lease: only some leased roles held for 1800 ms while tr1 holds "
                         "others (epoch 3); the higher node id gives its part up");
  // The lower id keeps its part: tr1 seeing tr2 hold the rest.
  auto lower = standby_facts();
  lower.self = "tr1";
  lower.active = "tr2";
  lower.lease_armed = true;
  auto w = held_by("tr2", 3);
  w.lease_ns = 900 * ms;
  w.partial_for_ns = 5'000 * ms;
  CAF_CHECK(on_lease_view(lower, w).action == lease_action::note_held);
  // Nothing held (partial_for 0) or a lease duration unknown: never a split.
  v.partial_for_ns = 0;
  CAF_CHECK(on_lease_view(f, v).action != lease_action::yield_split);
  v.partial_for_ns = 5'000 * ms;
  v.lease_ns = 0;
  CAF_CHECK(on_lease_view(f, v).action != lease_action::yield_split);
}

CAF_TEST(after_yielding_a_split_a_standby_asks_again_only_when_the_wait_is_over) {
  auto f = standby_facts();
  f.lease_armed = false;
  f.now_ns = 10'000 * ms;
  f.yield_until_ns = 11'800 * ms;
  CAF_CHECK(on_lease_view(f, held_by("tr1", 3)).action == lease_action::none);
  f.now_ns = 11'800 * ms;
  CAF_CHECK(on_lease_view(f, held_by("tr1", 3)).action == lease_action::ask_lease);
}

CAF_TEST(a_standby_never_gives_roles_back_on_a_supersession) {
  auto f = standby_facts();
  f.lease_armed = true;
  CAF_CHECK(on_lease_view(f, superseded("tr3", 9)).action == lease_action::none);
}

// --- a peer lists failover-for/<us> -----------------------------------------

CAF_TEST(roles_go_back_to_a_new_active_unless_already_standing_by_for_it) {
  // The old active (holding its roles) learns of tr2.
  CAF_CHECK(should_give_roles_back(false, false, "", "tr2"));
  // A node that took over tr1's roles learns tr1 took them back: it gives them.
  CAF_CHECK(should_give_roles_back(false, false, "tr1", "tr1"));
  // Standing by for another node: now for tr3.
  CAF_CHECK(should_give_roles_back(false, true, "tr1", "tr3"));
  // Already standing by for it: nothing.
  CAF_CHECK(!should_give_roles_back(false, true, "tr2", "tr2"));
  // A group never does.
  CAF_CHECK(!should_give_roles_back(true, false, "", "tr2"));
}

// --- after a takeover: reconciliation ---------------------------------------

CAF_TEST(the_reconcile_poll_asks_a_running_oms_and_waits_for_one_that_is_not) {
  CAF_CHECK(on_reconcile_poll(true, true) == reconcile_action::ask);
  CAF_CHECK(on_reconcile_poll(true, false) == reconcile_action::poll);
  CAF_CHECK(on_reconcile_poll(false, true) == reconcile_action::stop);
  CAF_CHECK(on_reconcile_poll(false, false) == reconcile_action::stop);
}

CAF_TEST(the_oms_answer_ends_the_takeover_only_when_reconciled) {
  CAF_CHECK(on_reconcile_answer(true, true, false, false) == reconcile_action::reconciled);
  // Reconciled after an operator accepted unexplained positions.
  CAF_CHECK(on_reconcile_answer(true, true, false, true) == reconcile_action::reconciled);
  CAF_CHECK(on_reconcile_answer(true, false, false, false) == reconcile_action::poll);
  // Unexplained: halted, said once, then polled quietly.
  CAF_CHECK(on_reconcile_answer(true, false, true, false) == reconcile_action::halted);
  CAF_CHECK(on_reconcile_answer(true, false, true, true) == reconcile_action::poll);
  // An answer after the roles were given back (or a second answer) does nothing.
  CAF_CHECK(on_reconcile_answer(false, true, false, false) == reconcile_action::stop);
  CAF_CHECK(on_reconcile_answer(false, false, true, false) == reconcile_action::stop);
}
