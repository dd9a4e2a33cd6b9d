// The OMS's node-wide phase table (actors/oms/oms_phase.hpp), without actors:
// which events move between which phases, and what each phase refuses.
#define CAF_SUITE oms_phase
#include "tests/support/unit_test.hpp"

#include <vector>

#include "actors/oms/oms_phase.hpp"

using namespace cwts;
using namespace cwts::oms;

namespace {

const std::vector<oms_phase> all_phases = {oms_phase::reconciling, oms_phase::trading,
                                           oms_phase::standby, oms_phase::halted};
const std::vector<phase_event> all_events = {
  phase_event::venue_running, phase_event::venues_lost, phase_event::lease_lapsed,
  phase_event::lease_held, phase_event::journal_lost};

// The whole table, written out: (from, event) -> to.
oms_phase expected_next(oms_phase from, phase_event e) {
  using P = oms_phase;
  using E = phase_event;
  if (e == E::journal_lost)
    return P::halted;
  if (from == P::reconciling && e == E::venue_running)
    return P::trading;
  if (from == P::trading && e == E::venues_lost)
    return P::reconciling;
  if (from == P::trading && e == E::lease_lapsed)
    return P::standby;
  if (from == P::standby && e == E::venues_lost)
    return P::reconciling;
  if (from == P::standby && e == E::lease_held)
    return P::trading;
  return from;
}

} // namespace

CAF_TEST(every_event_in_every_phase_follows_the_drawn_table) {
  for (auto from : all_phases)
    for (auto e : all_events) {
      auto step = next_phase(from, e);
      CAF_CHECK_EQUAL(std::string(to_string(step.to)),
                      std::string(to_string(expected_next(from, e))));
      CAF_CHECK_EQUAL(step.changed, step.to != from);
    }
}

CAF_TEST(a_lapsed_lease_moves_trading_to_standby_and_back_when_held_again) {
  phase_machine m;
  CAF_CHECK(m.on(phase_event::venue_running).changed);
  CAF_CHECK(m.current() == oms_phase::trading);
  CAF_CHECK(m.on(phase_event::lease_lapsed).changed);
  CAF_CHECK(m.current() == oms_phase::standby);
  CAF_CHECK(!m.on(phase_event::venue_running).changed); // a venue alone does not give the lease
  CAF_CHECK(m.on(phase_event::lease_held).changed);
  CAF_CHECK(m.current() == oms_phase::trading);
  CAF_CHECK_EQUAL(m.changes(), 3);
}

CAF_TEST(the_lease_does_not_matter_before_a_venue_is_reconciled) {
  phase_machine m;
  CAF_CHECK(!m.on(phase_event::lease_lapsed).changed);
  CAF_CHECK(!m.on(phase_event::lease_held).changed);
  CAF_CHECK(m.current() == oms_phase::reconciling);
  CAF_CHECK_EQUAL(m.changes(), 0);
}

CAF_TEST(losing_every_venue_goes_back_to_reconciling_from_trading_and_standby) {
  for (auto lapsed : {false, true}) {
    phase_machine m;
    m.on(phase_event::venue_running);
    if (lapsed)
      m.on(phase_event::lease_lapsed);
    CAF_CHECK(m.on(phase_event::venues_lost).changed);
    CAF_CHECK(m.current() == oms_phase::reconciling);
  }
}

CAF_TEST(halted_is_entered_from_any_phase_and_never_left) {
  for (auto from : all_phases)
    CAF_CHECK(next_phase(from, phase_event::journal_lost).to == oms_phase::halted);
  phase_machine m;
  m.on(phase_event::venue_running);
  CAF_CHECK(m.on(phase_event::journal_lost).changed);
  for (auto e : all_events) {
    CAF_CHECK(!m.on(e).changed);
    CAF_CHECK(m.current() == oms_phase::halted);
  }
}

CAF_TEST(each_phase_but_trading_refuses_orders_with_its_own_reason) {
  CAF_CHECK(!refusal_of(oms_phase::trading));
  CAF_CHECK(refusal_of(oms_phase::reconciling) == reject_reason::not_reconciled);
  CAF_CHECK(refusal_of(oms_phase::standby) == reject_reason::no_trading_lease);
  CAF_CHECK(refusal_of(oms_phase::halted) == reject_reason::trading_halted);
}

CAF_TEST(refusals_are_counted_per_phase) {
  phase_machine m;
  m.count_refusal();
  m.count_refusal();
  m.on(phase_event::venue_running);
  m.on(phase_event::journal_lost);
  m.count_refusal();
  CAF_CHECK_EQUAL(m.refused(oms_phase::reconciling), 2);
  CAF_CHECK_EQUAL(m.refused(oms_phase::halted), 1);
  CAF_CHECK_EQUAL(m.refused(oms_phase::trading), 0);
}
