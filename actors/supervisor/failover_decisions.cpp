#include "actors/supervisor/failover_decisions.hpp"

#include <algorithm>

namespace cwts::failover {

std::string gate_closed_reason(uint8_t gate_level) {
  return "the node's gate is closed at level " + std::to_string(gate_level)
         + " (a kill or the durable halt state): the cluster is halted, a reset must "
           "reopen it";
}

bool lease_on(bool group, bool has_lease_roles, bool has_lease_child) {
  return !group && has_lease_roles && has_lease_child;
}

bool may_ask_lease(bool lease_armed, bool standing_by) {
  return !lease_armed && standing_by;
}

std::optional<int64_t> next_check_in_ns(int64_t deadline_ns, int64_t now_ns) {
  if (deadline_ns == 0)
    return std::nullopt;
  return std::max<int64_t>(deadline_ns - now_ns, 0) + 1'000'000;
}

check_decision on_check(failover_verdict verdict, bool lease_on, uint8_t gate_level) {
  check_decision d;
  switch (verdict) {
    case failover_verdict::take_over:
      if (lease_on) {
        // Lost for failover-after: ask for its lease (granted only once its
        // grant ran out at a majority); the takeover follows the grant, and
        // the checks go on meanwhile.
        d.action = check_action::ask_lease;
        break;
      }
      d.action = check_action::take_over;
      d.reschedule = false; // the roles run: no deadline left
      break;
    case failover_verdict::refuse:
      d.action = check_action::refuse;
      // A closed gate keeps the node halted; an active never seen keeps it waiting.
      d.refusal_action = gate_level > 0 ? "stay_halted" : "keep_waiting";
      break;
    case failover_verdict::wait:
      break;
  }
  return d;
}

// An active node gives its roles back only on proof that a majority granted
// a newer holder (the lease session filters stale and unproven epochs): one
// member's word is no reason to stop trading. A standby asks for the lease
// once it saw the active hold it, and takes over when a majority granted it
// every leased role, unless the cluster is halted.
lease_decision on_lease_view(const lease_facts& f, const lease_seen& v) {
  lease_decision d;
  if (!f.lease_on || f.stopping)
    return d;
  if (!f.standing_by) {
    if (v.superseded_by.empty() || v.superseded_by == f.self)
      return d;
    d.action = lease_action::give_roles_back;
    d.to = v.superseded_by;
    d.epoch = v.superseded_epoch;
    return d;
  }
  if (v.all_held) {
    if (f.gate_level == 0) {
      d.action = lease_action::take_over;
      return d;
    }
    // A halted cluster stays halted: the lease is given back unused.
    d.action = lease_action::hand_back_halted;
    d.why = gate_closed_reason(f.gate_level);
    d.log = d.why != f.refusal_logged;
    return d;
  }
  if (!f.lease_armed) {
    if (f.now_ns < f.yield_until_ns)
      return d; // yielded a split: the other candidate takes the rest first
    if (v.other == f.active && f.gate_level == 0) {
      d.action = lease_action::ask_lease;
      d.why = "the active's lease is seen held (epoch " + std::to_string(v.other_epoch)
              + "): a request every renew-ms, granted once it ran out";
    }
    return d;
  }
  if (v.other.empty())
    return d;
  auto split_after = split_after_leases * v.lease_ns;
  if (split_after > 0 && v.partial_for_ns >= split_after && f.self > v.other) {
    d.action = lease_action::yield_split;
    d.to = v.other;
    d.epoch = v.other_epoch;
    d.until_ns = f.now_ns + split_after;
    d.why = "split lease: only some leased roles held for " + std::to_string(v.partial_for_ns / 1'000'000)
            + " ms while " + v.other + " holds others (epoch " + std::to_string(v.other_epoch)
            + "); the higher node id gives its part up";
    d.log = true;
    return d;
  }
  auto why = "lease held by " + v.other + " (epoch " + std::to_string(v.other_epoch) + ")";
  if (why == f.refusal_logged)
    return d;
  d.action = lease_action::note_held;
  d.why = std::move(why);
  d.log = true;
  return d;
}

bool should_give_roles_back(bool group, bool standing_by, const std::string& active,
                            const std::string& new_active) {
  if (group)
    return false;
  return !(standing_by && active == new_active); // else already standing by for it
}

reconcile_action on_reconcile_poll(bool awaiting, bool oms_running) {
  if (!awaiting)
    return reconcile_action::stop;
  return oms_running ? reconcile_action::ask : reconcile_action::poll;
}

reconcile_action on_reconcile_answer(bool awaiting, bool reconciled, bool unexplained,
                                     bool unexplained_logged) {
  if (!awaiting)
    return reconcile_action::stop;
  if (reconciled)
    return reconcile_action::reconciled;
  if (unexplained && !unexplained_logged)
    return reconcile_action::halted;
  return reconcile_action::poll;
}

} // namespace cwts::failover
