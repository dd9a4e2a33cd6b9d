// The OMS shell's part of journal shipping and of a takeover (issue 24;
// journal_ship_actor.hpp, journal_ship_takeover.hpp, docs/reconciliation.md
// "Takeover from the truth").
#include "actors/oms/oms_shell.hpp"

#include <spdlog/spdlog.h>

#include "actors/oms/journal_ship_takeover.hpp"

namespace cwts::oms_shell {

// Right after the journal opened, before its orders are loaded: the OMS
// claims the file (a replica refuses a sealed file, inside the same SQLite
// lock as its writes, so nothing lands after the load). A file a replica
// wrote is the old active's journal: this start is a takeover from it.
bool claim_journal(oms_ptr self) {
  auto& st = self->state;
  oms::ship_state before;
  if (auto err = st.journal.seal(st.cfg.self, wall_clock_now(), before)) {
    spdlog::error("event=journal_claim_failed path={} error=\"{}\"", st.cfg.journal_path,
                  err.message());
    return false;
  }
  if (!before.origin.empty() && before.origin != st.cfg.self.value && !before.sealed()) {
    st.takeover_from = before.origin;
    st.replica_incomplete = before.incomplete;
    if (auto err = st.journal.last_event_at(st.takeover_last_event))
      spdlog::error("event=journal_read_failed what=last_event error=\"{}\"", err.message());
    spdlog::warn("event=journal_takeover node={} from={} stream={} seq={} complete={} "
                 "reason=\"{}\"", st.cfg.self.value, before.origin, before.stream, before.seq,
                 before.incomplete.empty() ? 1 : 0, before.incomplete);
  }
  return true;
}

// After the restore: every commit from now on is shipped (a local message
// to the shipper, which signs and sends; the OMS never waits for it).
void start_shipping(oms_ptr self) {
  auto& st = self->state;
  journal_marks start;
  if (auto err = st.journal.marks(start)) {
    spdlog::error("event=journal_ship_failed step=marks error=\"{}\"", err.message());
    return;
  }
  st.ship = std::make_shared<ship_counters>();
  journal_shipper_config cfg{st.cfg.self, st.cfg.kill_signer.key, wall_clock_now().ns, start,
                             oms::ship_limits{}, st.ship};
  st.shipper = spawn_journal_shipper(self->system(), std::move(cfg));
  self->link_to(st.shipper); // it ships this OMS's stream: it ends with it
  auto err = st.journal.start_capture([self](std::string&& patchset) {
    auto& s = self->state;
    ++s.ship->queued;
    self->send(s.shipper, ship_atom::value, std::move(patchset), wall_clock_now());
  });
  if (err)
    spdlog::error("event=journal_ship_failed step=capture error=\"{}\"", err.message());
}

void wire_replica(oms_ptr self, const role_directory& dir) {
  auto& st = self->state;
  if (st.shipper)
    self->send(st.shipper, ship_atom::value, find_role(dir, replica_role(st.cfg.self)));
}

void add_ship_stats(oms_ptr self, actor_stats& s) {
  auto& st = self->state;
  s.counters["takeover.from_replica"] = st.takeover_from.empty() ? 0 : 1;
  s.counters["takeover.replica_complete"] = st.replica_incomplete.empty() ? 1 : 0;
  s.counters["takeover.mismatch"] = st.takeover_mismatch ? 1 : 0;
  s.counters["takeover.mismatches"] = st.takeover_mismatches;
  s.counters["takeover.recovered_orders"] = st.recovered_orders;
  s.counters["takeover.recovered_fills"] = st.recovered_fills;
  if (!st.ship)
    return;
  auto& c = *st.ship;
  s.counters["ship.queued"] = c.queued;
  s.counters["ship.shipped"] = c.shipped;
  s.counters["ship.sent"] = c.sent;
  s.counters["ship.resent"] = c.resent;
  s.counters["ship.acked"] = c.acked;
  s.counters["ship.behind"] = c.behind;
  s.counters["ship.evicted"] = c.evicted;
  s.counters["ship.gone"] = c.gone;
  s.counters["ship.no_replica"] = c.no_replica;
  s.counters["ship.refused"] = c.refused;
  s.counters["ship.last_lag_us"] = c.last_lag_ns < 0 ? -1 : c.last_lag_ns / 1000;
  s.counters["ship.max_lag_us"] = c.max_lag_ns / 1000;
  s.counters["ship.capture_failures"] = static_cast<int64_t>(st.journal.counters().ship_failures);
}

// Once per venue after a takeover, when the round settled every order:
// true when venue and journal disagree, and the venue is then held
// (unexplained) until an operator's accept-positions, with the difference
// logged, in the stats and in the OMS's precondition detail.
bool takeover_mismatch(oms_ptr self, const venue_name& venue, venue_link& link,
                       const oms::reconciliation_plan& plan) {
  auto& st = self->state;
  if (st.takeover_from.empty() || !st.takeover_judged.insert(venue).second)
    return false;
  oms::takeover_view v{st.takeover_from, st.replica_incomplete,
                       static_cast<int64_t>(plan.adopted.size()), plan.contradictions,
                       st.journal.is_open() ? &link.last_check : nullptr};
  v.contradictions.insert(v.contradictions.end(), st.catch_up_contradictions.begin(),
                          st.catch_up_contradictions.end());
  auto verdict = oms::judge_takeover(v);
  if (verdict.agree) {
    spdlog::info("event=takeover_agreed node={} from={} venue={} adopted={} action=trading",
                 st.cfg.self.value, st.takeover_from, venue.value, v.adopted);
    return false;
  }
  st.takeover_mismatch = true;
  ++st.takeover_mismatches;
  link.phase = reconcile_phase::unexplained;
  link.not_reconciled_why = "takeover from " + st.takeover_from + ": venue and journal differ: "
                            + verdict.difference + " (awaiting operator accept-positions)";
  spdlog::error("event=takeover_mismatch node={} from={} venue={} adopted={} difference=\"{}\" "
                "action=halted_until_accept_positions", st.cfg.self.value, st.takeover_from,
                venue.value, v.adopted, verdict.difference);
  return true;
}

} // namespace cwts::oms_shell
