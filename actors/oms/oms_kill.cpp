// The OMS shell's part of a kill (cancel-all in scope, a strategy kill's
// confirmed cancels), its reset precondition and its stats.
#include "actors/oms/oms_shell.hpp"

namespace cwts::oms_shell {

bool in_scope(const order_request& o, const kill_command& cmd) {
  switch (cmd.scope) {
    case kill_scope::strategy: return o.strategy.value == cmd.scope_value;
    case kill_scope::symbol: return o.sym.str() == cmd.scope_value;
    case kill_scope::account: return o.account.value == cmd.scope_value;
    default: return true;
  }
}

// Kill level 2+: every live order in the kill's scope (in flight included)
// goes pending_cancel and is journaled, so late reports resolve it. For
// node, cluster, symbol and account scopes the venue channel cancels them at
// the venue in one request per symbol and proves none is left; a strategy
// shares its symbols with others, so its orders are canceled one by one
// here and the channel answers once the venue confirmed every one (or at the
// deadline, with what is still open).
caf::result<channel_result> cancel_all(oms_ptr self, const kill_command& cmd) {
  auto started = monotonic_ns();
  auto& st = self->state;
  auto now = wall_clock_now();
  auto cancels = st.store.mark_all_pending_cancel(
    [&](const order_request& o) { return in_scope(o, cmd); }, now);
  // The regulatory record names the kill and its issuer (issue 22).
  oms::event_context ctx{"kill", cmd.issuer, {}, {}, {},
                         "kill " + cmd.id.value + " level " + to_string(cmd.level)};
  for (auto& m : cancels)
    if (m.previous != order_status::pending_cancel)
      journal_change(self, m.cancel.id, m.previous, {}, {}, ctx);
  // The kill that ended each order, in its trace (docs/tracing.md).
  auto marked = wall_clock_now().ns;
  for (auto& m : cancels)
    st.traces.killed(m.cancel.id, now.ns, marked);
  channel_result r{cmd.id, st.cfg.self, "oms", true, 0, 0, static_cast<int64_t>(cancels.size()),
                   -1, ""};
  if (cmd.scope != kill_scope::strategy || cancels.empty()) {
    r.duration_ns = monotonic_ns() - started;
    return r;
  }
  int64_t unreachable = 0;
  for (auto& m : cancels)
    unreachable += connector_of(self, m.cancel.venue) ? 0 : 1;
  if (unreachable > 0) {
    // Sent where a connector is; the rest is reported, never waited for.
    for (auto& m : cancels)
      send_after_commit(self, connector_of(self, m.cancel.venue), m.cancel);
    r.ok = false;
    r.error = "no connector wired for " + std::to_string(unreachable) + " of "
              + std::to_string(cancels.size()) + " orders: they stay open";
    r.open_orders_after = static_cast<int64_t>(cancels.size());
    r.duration_ns = monotonic_ns() - started;
    return r;
  }
  scoped_cancel wait;
  wait.result = r;
  wait.started_ns = started;
  wait.promise = self->make_response_promise<channel_result>();
  for (auto& m : cancels) {
    wait.open.insert(m.cancel.id);
    // Behind the orders the batch still holds (flushed with the batch).
    send_after_commit(self, connector_of(self, m.cancel.venue), m.cancel);
  }
  auto promise = wait.promise;
  st.scoped_cancels.emplace(cmd.id.value, std::move(wait));
  self->delayed_send(self, st.cfg.scoped_cancel_deadline, deadline_atom::value, cmd.id.value);
  return promise;
}

void finish_scoped_cancel(oms_ptr self, std::map<std::string, scoped_cancel>::iterator it,
                          bool deadline) {
  auto& w = it->second;
  w.result.duration_ns = monotonic_ns() - w.started_ns;
  w.result.open_orders_after = static_cast<int64_t>(w.open.size());
  if (deadline && !w.open.empty()) {
    w.result.ok = false;
    w.result.error = std::to_string(w.open.size()) + " orders not confirmed canceled after "
                     + std::to_string(self->state.cfg.scoped_cancel_deadline.count()) + " ms";
  }
  w.promise.deliver(w.result);
  self->state.scoped_cancels.erase(it);
}

// An order of a strategy kill reached a terminal state (canceled, filled,
// rejected): the venue confirmed it is no longer open.
void settle_scoped_cancels(oms_ptr self, const client_order_id& id) {
  auto& waits = self->state.scoped_cancels;
  for (auto it = waits.begin(); it != waits.end();) {
    auto next = std::next(it);
    if (it->second.open.erase(id) > 0 && it->second.open.empty())
      finish_scoped_cancel(self, it, false);
    it = next;
  }
}

// Whether the OMS is reconciled with the venue, typed: a reset vote, /readyz
// and the supervisor's failover decide on this, not on the reconcile.*
// counters (issue 17 finding 11).
// Reconciled means with every venue of the directory; none is not reconciled.
reset_precondition precondition(oms_ptr self) {
  auto& st = self->state;
  reset_precondition p{"oms", !st.venues.empty(), ""};
  if (st.venues.empty())
    p.detail = "reconciling: waiting for a connector";
  for (auto& [venue, link] : st.venues) {
    if (link.phase == reconcile_phase::running)
      continue;
    p.reconciled = false;
    p.unexplained = p.unexplained || link.phase == reconcile_phase::unexplained;
    p.detail += (p.detail.empty() ? "" : "; ") + venue.value + " "
                + to_string(link.phase) + ": " + link.not_reconciled_why;
  }
  return p;
}

actor_stats stats(oms_ptr self) {
  auto& st = self->state;
  actor_stats s{"oms", {}};
  s.counters["orders_sent"] = st.orders_sent;
  s.counters["lease.epoch_sent"] = st.lease_epoch_sent; // trading lease (lease_stamp.hpp)
  s.counters["fills"] = st.fills;
  s.counters["rejects"] = st.rejects;
  s.counters["illegal_reports"] = st.illegal_reports;
  s.counters["acks"] = st.acks;
  s.counters["in_flight"] = static_cast<int64_t>(st.sent_at.size());
  for (auto& [reason, n] : st.rejects_by_reason)
    s.counters["rejects." + reason] = n;
  s.counters["amends.pending"] = static_cast<int64_t>(st.amends.size());
  s.counters["amends.done"] = st.amends_done;
  s.counters["amends.refused"] = st.amends_refused;
  s.counters["live_orders"] = static_cast<int64_t>(st.store.live_orders().size());
  const auto& j = st.journal.counters();
  s.counters["journal.open"] = st.journal.is_open() ? 1 : 0;
  s.counters["journal.restored"] = st.journal_restored;
  s.counters["journal.writes"] = static_cast<int64_t>(j.writes);
  // Group commit: commits per 1000 journaled events (1000: one commit each).
  s.counters["journal.commits"] = static_cast<int64_t>(j.writes);
  s.counters["journal.records"] = static_cast<int64_t>(j.records);
  s.counters["journal.commits_per_1000_events"]
    = j.records > 0 ? static_cast<int64_t>(j.writes * 1000 / j.records) : 0;
  s.counters["journal.max_batch_records"] = st.max_batch_records;
  s.counters["journal.total_commit_ns"] = j.total_commit_ns;
  s.counters["journal.batches_failed"] = st.batches_failed;
  s.counters["journal.orders_unsent_commit_failed"] = st.orders_unsent_commit_failed;
  s.counters["journal.records_replayed"] = st.records_replayed;
  s.counters["journal.records_lost"] = st.records_lost;
  s.counters["journal.rejects_journaled"] = st.rejects_journaled;
  s.counters["journal.rejects_not_journaled"] = st.rejects_not_journaled;
  s.counters["journal.halted"] = st.journal_halted.empty() ? 0 : 1;
  s.counters["journal.kills_requested"] = st.kills_requested;
  s.counters["journal.kills_unsent"] = st.kills_unsent;
  s.counters["journal.failures"] = static_cast<int64_t>(j.failures);
  s.counters["journal.last_write_ns"] = j.last_write_ns;
  s.counters["journal.max_write_ns"] = j.max_write_ns;
  s.counters["journal.total_write_ns"] = j.total_write_ns;
  const auto& ck = st.journal.checkpoints();
  s.counters["journal.checkpoints"] = static_cast<int64_t>(ck.runs.load());
  s.counters["journal.checkpoint_failures"] = static_cast<int64_t>(ck.failures.load());
  s.counters["journal.checkpoint_max_ns"] = ck.max_ns.load();
  auto pre = precondition(self);
  s.counters["reconcile.phase_running"] = pre.reconciled ? 1 : 0;
  s.counters["reconcile.phase_unexplained"] = pre.unexplained ? 1 : 0;
  int64_t last_ns = 0;
  for (auto& [venue, link] : st.venues) {
    s.counters["venue." + venue.value + ".running"] = link.phase == reconcile_phase::running;
    s.counters["venue." + venue.value + ".orders_sent"] = link.orders_sent;
    s.counters["venue." + venue.value + ".fills"] = link.fills;
    last_ns = std::max(last_ns, link.last_reconcile_ns);
  }
  for (const auto* rec : st.store.live_orders())
    ++s.counters["venue." + rec->request.venue.value + ".live_orders"];
  s.counters["reconcile.rounds"] = st.reconciliations;
  s.counters["reconcile.adopted"] = st.adopted;
  s.counters["reconcile.never_reached"] = st.never_reached;
  s.counters["reconcile.caught_up"] = st.caught_up;
  s.counters["reconcile.last_ns"] = last_ns;
  s.counters["reports.foreign_venue"] = st.foreign_venue_reports;
  s.counters["commands.accepted"] = st.commands_accepted;
  s.counters["commands.refused"] = st.commands_refused;
  for (auto s_ : {order_status::accepted, order_status::partially_filled, order_status::filled,
                  order_status::canceled, order_status::rejected, order_status::expired})
    s.counters[std::string("status.") + to_string(s_)] = static_cast<int64_t>(st.store.count(s_));
  add_ship_stats(self, s); // ship.*, takeover.* (journal_ship_oms.cpp)
  return s;
}

// Live orders for the admin API (/api/orders): what risk gets after a
// restore, the request, filled quantity and whether the venue has it.
std::vector<restored_order> open_orders(oms_ptr self) {
  std::vector<restored_order> out;
  for (const auto* rec : self->state.store.live_orders())
    out.push_back(restored_order{rec->request, rec->cum_qty, rec->acknowledged});
  return out;
}

} // namespace cwts::oms_shell
