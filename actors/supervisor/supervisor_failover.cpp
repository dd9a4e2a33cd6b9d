#include <spdlog/spdlog.h>

#include "actors/supervisor/failover_decisions.hpp"
#include "actors/supervisor/supervisor_internal.hpp"

namespace cwts::supervisor_detail {

namespace {

// How often a standby that took over asks its OMS whether it reconciled.
constexpr auto reconcile_poll = std::chrono::milliseconds(100);

} // namespace

// --- failover (failover_tracker.hpp, failover_decisions.hpp) ----------------
// What to do is decided in failover_decisions.cpp (no actors, unit-tested in
// failover_decisions_test); here the inputs are gathered and the acts done.

void set_lease_hold(supervisor_ptr self, bool hold) {
  self->state.lease_hold = hold;
  if (auto* c = child_by_role(self, "lease"); c && c->handle)
    self->send(c->handle, lease_atom::value, hold);
}

void lease_child_started(supervisor_ptr self, supervised_child& c) {
  if (c.handle)
    self->send(c.handle, lease_atom::value, self->state.lease_hold);
}

// This node's leased roles run only under a majority's lease (docs/supervision.md
// "Trading lease"): takeovers and give-backs follow the lease actor's view.
bool lease_on(supervisor_ptr self) {
  auto& st = self->state;
  return failover::lease_on(st.cfg.group, !st.cfg.lease_roles.empty(),
                            child_by_role(self, "lease") != nullptr);
}

namespace {

bool standing_by(supervisor_ptr self) {
  auto& sb = self->state.standby;
  return sb && !sb->took_over();
}

uint8_t gate_level(supervisor_ptr self) {
  auto& gate = self->state.cfg.gate;
  return gate ? gate->level() : 0;
}

} // namespace

void arm_lease(supervisor_ptr self, const std::string& why) {
  auto& st = self->state;
  if (!failover::may_ask_lease(st.lease_armed, standing_by(self)))
    return;
  st.lease_armed = true;
  spdlog::warn("event=failover_lease_asked node={} active={} roles={} reason=\"{}\" "
               "action=take_over_when_granted",
               st.cfg.self.value, st.standby->active(), joined(held_roles(self)), why);
  set_lease_hold(self, true);
}

void schedule_failover_check(supervisor_ptr self) {
  auto& sb = self->state.standby;
  if (!sb)
    return;
  if (auto wait = failover::next_check_in_ns(sb->deadline_ns(), monotonic_ns()))
    self->delayed_send(self, std::chrono::nanoseconds(*wait), tick_atom::value);
}

std::vector<std::string> held_roles(supervisor_ptr self) {
  std::vector<std::string> out;
  for (auto& c : self->state.children)
    if (c.held)
      out.push_back(c.spec.role);
  return out;
}

void poll_reconciled(supervisor_ptr self) {
  self->delayed_send(self, reconcile_poll, deadline_atom::value);
}

void take_over(supervisor_ptr self) {
  auto& st = self->state;
  auto& t = st.takeover;
  auto now = monotonic_ns();
  t = takeover_times{};
  t.lost_mono_ns = st.standby->lost_at_ns() != 0 ? st.standby->lost_at_ns() : now;
  t.lost_wall_ns = wall_of(t.lost_mono_ns);
  t.detected_mono_ns = now;
  t.detected_wall_ns = wall_ns();
  spdlog::warn("event=failover_detected node={} active={} lost_at_ns={} detected_at_ns={} "
               "waited_ms={:.1f} failover_after_ms={}",
               st.cfg.self.value, st.standby->active(), t.lost_wall_ns, t.detected_wall_ns,
               ms(now - t.lost_mono_ns), st.standby->failover_after_ns() / 1'000'000);
  auto roles = held_roles(self);
  for (auto& c : st.children) {
    if (!c.held)
      continue;
    c.held = false;
    c.escalated = false;
    st.counters.cleared(c.spec.role);
    start_child(self, c);
  }
  st.standby->taken_over(monotonic_ns());
  ++st.takeovers;
  roles_changed(self);
  t.roles_up_mono_ns = monotonic_ns();
  t.roles_up_wall_ns = wall_ns();
  t.takeover_ms = (t.roles_up_mono_ns - t.lost_mono_ns) / 1'000'000;
  spdlog::warn("event=failover_roles_up node={} active={} roles={} roles_up_at_ns={} "
               "since_lost_ms={:.1f}",
               st.cfg.self.value, st.standby->active(), joined(roles), t.roles_up_wall_ns,
               ms(t.roles_up_mono_ns - t.lost_mono_ns));
  if (child_by_role(self, "oms")) {
    // The OMS reconciles with the venue before its first order (existing
    // path, docs/reconciliation.md); we only watch for it to say so.
    t.awaiting_reconcile = true;
    poll_reconciled(self);
  }
}

void on_failover_check(supervisor_ptr self) {
  auto& st = self->state;
  if (!st.standby)
    return;
  bool listed = st.peers.count(st.standby->active()) > 0;
  uint8_t level = gate_level(self);
  std::string why;
  auto verdict = st.standby->check(monotonic_ns(), listed, level, why);
  auto d = failover::on_check(verdict, lease_on(self), level);
  switch (d.action) {
    case failover::check_action::ask_lease:
      arm_lease(self, "the active was lost for failover-after-ms");
      break;
    case failover::check_action::take_over:
      take_over(self);
      break;
    case failover::check_action::refuse:
      ++st.refusals;
      spdlog::error("event=failover_refused node={} active={} lost_at_ns={} roles={} reason=\"{}\" "
                    "action={}",
                    st.cfg.self.value, st.standby->active(),
                    st.standby->lost_at_ns() ? wall_of(st.standby->lost_at_ns()) : 0,
                    joined(held_roles(self)), why, d.refusal_action);
      break;
    case failover::check_action::wait:
      break;
  }
  if (d.reschedule)
    schedule_failover_check(self);
}

// The OMS said it is reconciled: the takeover is done. The log line's
// `adopted` count is read from the OMS's stats afterwards, for operators
// only: the decision was made on the typed answer.
void on_oms_reconciled(supervisor_ptr self, const caf::actor& oms) {
  auto& st = self->state;
  auto& t = st.takeover;
  auto now = monotonic_ns();
  t.awaiting_reconcile = false;
  t.unexplained = false;
  t.reconciled_ms = (now - t.lost_mono_ns) / 1'000'000;
  auto log = [self, t, now, at = wall_ns()](int64_t adopted) {
    auto& st = self->state;
    spdlog::warn("event=failover_reconciled node={} active={} lost_at_ns={} "
                 "detected_at_ns={} roles_up_at_ns={} reconciled_at_ns={} "
                 "detect_ms={:.1f} roles_up_ms={:.1f} reconciled_ms={:.1f} "
                 "adopted={} action=trading",
                 st.cfg.self.value, st.standby ? st.standby->active() : "", t.lost_wall_ns,
                 t.detected_wall_ns, t.roles_up_wall_ns, at,
                 ms(t.detected_mono_ns - t.lost_mono_ns), ms(t.roles_up_mono_ns - t.lost_mono_ns),
                 ms(now - t.lost_mono_ns), adopted);
  };
  self->request(oms, std::chrono::seconds(2), stats_atom::value)
    .then(
      [log](const actor_stats& s) {
        auto i = s.counters.find("reconcile.adopted");
        log(i == s.counters.end() ? -1 : i->second);
      },
      [log](caf::error&) { log(-1); });
}

// After a takeover: asks the OMS, typed (precond_atom -> reset_precondition,
// not its reconcile.* counters: issue 17 finding 11), whether it reconciled
// with the venue; until it has, polls again, and says once when its positions
// are unexplained (only an operator ends that).
void on_reconcile_poll(supervisor_ptr self) {
  auto& st = self->state;
  auto* oms = child_by_role(self, "oms");
  switch (failover::on_reconcile_poll(st.takeover.awaiting_reconcile, oms && oms->handle)) {
    case failover::reconcile_action::ask:
      break;
    case failover::reconcile_action::poll:
      poll_reconciled(self);
      return;
    default:
      return;
  }
  auto handle = oms->handle;
  self->request(handle, std::chrono::seconds(2), precond_atom::value)
    .then(
      [self, handle](const reset_precondition& p) {
        auto& st = self->state;
        auto& t = st.takeover;
        auto next = failover::on_reconcile_answer(t.awaiting_reconcile, p.reconciled,
                                                  p.unexplained, t.unexplained_logged);
        if (next == failover::reconcile_action::stop)
          return;
        if (next == failover::reconcile_action::reconciled)
          return on_oms_reconciled(self, handle);
        t.unexplained = p.unexplained;
        if (next == failover::reconcile_action::halted) {
          t.unexplained_logged = true;
          spdlog::error("event=failover_halted node={} active={} reason=\"the OMS did not "
                        "reconcile with the venue: positions unexplained, orders refused until "
                        "an operator runs cwts accept-positions\" detail=\"{}\" action=stay_halted",
                        st.cfg.self.value, st.standby ? st.standby->active() : "", p.detail);
        }
        poll_reconciled(self);
      },
      [self](caf::error&) { poll_reconciled(self); });
}

// A peer lists "failover-for/<us>": it took our roles over while we were
// gone. We give them back (stop them, last started first) and stand by for
// it, so the two never trade side by side.
void give_roles_back(supervisor_ptr self, const std::string& new_active) {
  auto& st = self->state;
  if (!failover::should_give_roles_back(st.cfg.group, standing_by(self),
                                        st.standby ? st.standby->active() : std::string(),
                                        new_active))
    return; // a group, or already standing by for it
  std::vector<std::string> stopped;
  for (auto i = st.children.size(); i-- > 0;) {
    auto& c = st.children[i];
    if (!st.cfg.held_roles.count(c.spec.role) || c.held)
      continue;
    c.held = true;
    if (c.handle) {
      stopped.push_back(c.spec.role);
      stop_child(self, c, caf::exit_reason::user_shutdown);
    }
  }
  if (!st.standby)
    st.standby.emplace(new_active,
                       std::chrono::nanoseconds(st.cfg.standby.failover_after).count(), 0,
                       monotonic_ns());
  st.standby->stand_by_for(new_active);
  st.takeover.awaiting_reconcile = false;
  if (lease_on(self)) {
    // Gates closed now and the grantors told (lease_actor.cpp give_up);
    // it watches the new active's lease from here on.
    st.lease_armed = false;
    st.lease_refusal_logged.clear();
    set_lease_hold(self, false);
  }
  ++st.demotions;
  spdlog::error("event=failover_demoted node={} new_active={} roles_stopped={} "
                "reason=\"{} took over this node's roles while it was gone\" action=standby",
                st.cfg.self.value, new_active, joined(stopped), new_active);
  roles_changed(self);
}

void start_standby(supervisor_ptr self) {
  auto& st = self->state;
  st.standby.emplace(st.cfg.standby.active,
                     std::chrono::nanoseconds(st.cfg.standby.failover_after).count(),
                     std::chrono::nanoseconds(st.cfg.standby.start_grace).count(), monotonic_ns());
  spdlog::warn("event=failover_standby node={} active={} held_roles={} failover_after_ms={} "
               "first_check_after_ms={} lease={}",
               st.cfg.self.value, st.cfg.standby.active, joined(held_roles(self)),
               st.cfg.standby.failover_after.count(),
               (st.standby->deadline_ns() - monotonic_ns()) / 1'000'000,
               lease_on(self) ? "watch" : "off");
  schedule_failover_check(self);
}

// --- the trading lease (lease_actor.hpp) -------------------------------------

// After each lease round. An active node gives its roles back only on proof
// that a majority granted a newer holder (a notice's certificate, or a
// majority's answers of one round naming its running grant): one member's
// word (a restarted grantor, a lapsed link) is no reason to stop trading. A
// standby asks for the lease once it saw the active hold it (its requests
// still wait for a pre-vote, lease_session.hpp), and takes over when a
// majority granted it every leased role. The decision is
// failover::on_lease_view (failover_decisions.hpp); this acts on it.
void on_lease_view(supervisor_ptr self, const lease_view& v) {
  auto& st = self->state;
  failover::lease_facts f;
  f.lease_on = lease_on(self);
  f.stopping = st.stopping;
  f.standing_by = standing_by(self);
  f.self = st.cfg.self.value;
  if (f.standing_by)
    f.active = st.standby->active();
  f.gate_level = gate_level(self);
  f.lease_armed = st.lease_armed;
  f.refusal_logged = st.lease_refusal_logged;
  f.now_ns = monotonic_ns();
  f.yield_until_ns = st.lease_yield_until_ns;
  auto d = failover::on_lease_view(
    f, failover::lease_seen{v.all_held, v.other, v.other_epoch, v.superseded_by,
                            v.superseded_epoch, v.partial_for_ns, v.lease_ns});
  switch (d.action) {
    case failover::lease_action::none:
      return;
    case failover::lease_action::give_roles_back:
      ++st.lease_supersessions;
      spdlog::error("event=lease_superseded node={} holder={} epoch={} action=give_roles_back",
                    st.cfg.self.value, d.to, d.epoch);
      give_roles_back(self, d.to);
      return;
    case failover::lease_action::take_over:
      take_over(self);
      return;
    case failover::lease_action::hand_back_halted:
      st.lease_armed = false;
      set_lease_hold(self, false);
      if (d.log) {
        st.lease_refusal_logged = d.why;
        ++st.refusals;
        spdlog::error("event=failover_refused node={} active={} roles={} reason=\"{}\" "
                      "action=stay_halted",
                      st.cfg.self.value, st.standby->active(), joined(held_roles(self)), d.why);
      }
      return;
    case failover::lease_action::ask_lease:
      arm_lease(self, d.why);
      return;
    case failover::lease_action::yield_split:
      // Gates of the roles held close now and the grantors are told
      // (lease_actor.cpp give_up), so the other candidate's next round can
      // take them.
      st.lease_armed = false;
      st.lease_yield_until_ns = d.until_ns;
      st.lease_refusal_logged.clear();
      ++st.lease_splits_yielded;
      spdlog::warn("event=failover_lease_split_yielded node={} other={} epoch={} reason=\"{}\" "
                   "action=give_up wait_ms={}",
                   st.cfg.self.value, d.to, d.epoch, d.why,
                   (d.until_ns - f.now_ns) / 1'000'000);
      set_lease_hold(self, false);
      return;
    case failover::lease_action::note_held:
      st.lease_refusal_logged = d.why;
      ++st.lease_refusals; // not failover.refusals: those say the node is halted
      spdlog::warn("event=failover_refused node={} active={} roles={} reason=\"{}\" "
                   "action=keep_standing_by",
                   st.cfg.self.value, st.standby->active(), joined(held_roles(self)), d.why);
      return;
  }
}

void add_failover_stats(supervisor_ptr self, std::map<std::string, int64_t>& c) {
  auto& st = self->state;
  if (lease_on(self)) {
    c["failover.lease_superseded"] = st.lease_supersessions;
    c["failover.lease_splits_yielded"] = st.lease_splits_yielded;
  }
  if (!st.standby)
    return;
  c["failover.standby"] = st.standby->took_over() ? 0 : 1;
  c["failover.active"] = st.standby->took_over() ? 1 : 0;
  c["failover.takeovers"] = st.takeovers;
  c["failover.refusals"] = st.refusals;
  c["failover.demotions"] = st.demotions;
  c["failover.takeover_ms"] = st.takeover.takeover_ms;
  c["failover.reconciled_ms"] = st.takeover.reconciled_ms;
  c["failover.reconcile_failed"] = st.takeover.unexplained ? 1 : 0;
  c["failover.lease_asked"] = st.lease_armed ? 1 : 0;
  c["failover.lease_refused"] = st.lease_refusals;
}

} // namespace cwts::supervisor_detail
