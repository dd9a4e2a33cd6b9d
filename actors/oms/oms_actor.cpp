#include "actors/oms/oms_actor.hpp"

#include <spdlog/spdlog.h>

#include "actors/oms/lease_stamp.hpp"
#include "actors/oms/oms_open_orders_query.hpp"
#include "actors/oms/oms_shell.hpp"
#include "common/metrics/latency_registry.hpp"
#include "common/metrics/measured_behavior.hpp"
#include "common/order_gate.hpp"

namespace cwts {

namespace oms_shell {

// Registers the order in the store; a reused client order id is refused.
bool register_order(oms_ptr self, const order_request& req) {
  auto& st = self->state;
  if (auto dup = st.store.submit(req, wall_clock_now())) {
    count_reject(self, dup->reason);
    journal_reject(self, req, dup->reason, dup->detail, "oms");
    tell_owners(self, *dup);
    return false;
  }
  return true;
}

// Why an order for `req.venue` cannot go there now, whatever the OMS's
// phase: no connector of that venue, or that venue's reconciliation is not
// running (oms_reconcile.cpp). Nothing when its venue routes.
std::optional<std::pair<reject_reason, std::string>> venue_refusal(oms_ptr self,
                                                                   const order_request& req) {
  auto* link = link_of(self, req.venue);
  if (link == nullptr || !link->connector)
    return std::make_pair(reject_reason::venue_not_connected,
                          "no connector of venue '" + req.venue.value
                            + "' in the cluster directory");
  if (link->phase != reconcile_phase::running)
    return std::make_pair(reject_reason::not_reconciled,
                          "OMS " + std::string(to_string(link->phase)) + " with venue '"
                            + req.venue.value + "': " + link->not_reconciled_why);
  return std::nullopt;
}

// An order (or replacement) the current phase does not route: refused with
// the phase's reason (oms_phase.hpp refusal_of) and counted per phase. The
// gate still comes first (its refusals are the gate's, not counted in the
// phase: docs/oms.md), and a venue's own reason is more precise than the
// phase's, so the operator reads the same reject as before phases existed.
void refuse_in_phase(oms_ptr self, const order_request& req, bool journaled,
                     const client_order_id& related) {
  auto& st = self->state;
  auto phase = st.phase.current();
  if (!gate_admits(*st.cfg.gate, req))
    return reject(self, req, reject_reason::kill_gate_closed,
                  "kill gate closed at level " + std::to_string(gate_level_for(*st.cfg.gate, req)),
                  journaled, related);
  st.phase.count_refusal();
  if (phase == oms::oms_phase::halted)
    return reject(self, req, reject_reason::trading_halted,
                  "OMS halted, journal unreliable: " + st.journal_halted, journaled, related);
  if (auto venue = venue_refusal(self, req))
    return reject(self, req, venue->first, std::move(venue->second), journaled, related);
  auto reason = oms::refusal_of(phase).value_or(reject_reason::trading_halted);
  auto why = std::string("OMS ") + oms::to_string(phase);
  if (phase == oms::oms_phase::standby)
    why += ": " + oms::stamp_lease(st.cfg.lease, lease_clock_ns()).why;
  reject(self, req, reason, std::move(why), journaled, related);
}

// In standby: whether the trading lease is held again now; if so the OMS
// trades again (the order that asked goes the trading way).
bool lease_back(oms_ptr self) {
  auto lease = oms::stamp_lease(self->state.cfg.lease, lease_clock_ns());
  if (!lease.held)
    return false;
  on_phase_event(self, oms::phase_event::lease_held,
                 "an order found the lease held at epoch " + std::to_string(lease.epoch));
  return true;
}

// Whether a registered order may go out now: the trading-lease epoch to
// stamp on it, or nothing when it is rejected (and the owners told) with
// the reason. Only the trading phase routes; an order reaches here in
// another phase only when the phase changed while its message was handled
// (a journal loss, the lease lapsing) or as an amend's replacement
// (settle_amend, from a report, handled in every phase).
std::optional<int64_t> may_send(oms_ptr self, const order_request& req, bool journaled) {
  auto& st = self->state;
  auto refuse = [&](reject_reason reason, std::string why) -> std::optional<int64_t> {
    reject(self, req, reason, std::move(why), journaled);
    return std::nullopt;
  };
  if (st.phase.current() == oms::oms_phase::standby)
    lease_back(self);
  if (st.phase.current() != oms::oms_phase::trading) {
    refuse_in_phase(self, req, journaled);
    return std::nullopt;
  }
  // Gate first: a kill that closed the gate after risk passed this order
  // still stops it here.
  if (!gate_admits(*st.cfg.gate, req))
    return refuse(reject_reason::kill_gate_closed,
                  "kill gate closed at level " + std::to_string(gate_level_for(*st.cfg.gate, req)));
  if (auto venue = venue_refusal(self, req))
    return refuse(venue->first, std::move(venue->second));
  // The trading lease last, nearest the send (lease_stamp.hpp): a node that
  // does not hold role "oms" now sends nothing; the epoch goes on the order.
  // An order held for its batch's commit asks again as it leaves (send_to_venue).
  auto lease = oms::stamp_lease(st.cfg.lease, lease_clock_ns());
  if (!lease.held) {
    on_phase_event(self, oms::phase_event::lease_lapsed, lease.why);
    return refuse(reject_reason::no_trading_lease, std::move(lease.why));
  }
  return lease.epoch;
}

void on_order(oms_ptr self, const order_request& req) {
  // Risk's flatten orders (level-3/4 kills) are risk's decision, not a strategy's.
  oms::event_context ctx{req.flatten ? "risk" : "strategy", {}, {}, {}, {}, {}};
  if (!register_order(self, req))
    return;
  auto epoch = may_send(self, req);
  if (!epoch || !journal_submission(self, req, ctx))
    return;
  send_to_venue(self, req, *epoch);
}

// After a change to `id`: a replacement waiting for it goes out once the
// original is canceled, or is refused when the original ended otherwise.
void settle_amend(oms_ptr self, const client_order_id& id) {
  auto& st = self->state;
  auto it = st.amends.find(id);
  if (it == st.amends.end())
    return;
  const auto* orig = st.store.find(id);
  if (orig != nullptr && orig->is_live())
    return;
  auto replacement = std::move(it->second);
  st.amends.erase(it);
  std::string ended = orig ? to_string(orig->status) : "unknown";
  // The replacement was journaled as submitted: its reject is journaled as its end.
  if (orig == nullptr || orig->status != order_status::canceled) {
    ++st.amends_refused;
    reject(self, replacement, reject_reason::replace_refused,
           "original " + id.value + " ended " + ended + " before its cancel", true, id);
  } else if (auto epoch = may_send(self, replacement, true)) {
    send_to_venue(self, replacement, *epoch, true);
  }
}

void on_report(oms_ptr self, const execution_report& rep) {
  // A venue reports only on its own orders: a connector (or anyone holding
  // its handle) cannot fill another venue's order.
  if (const auto* rec = self->state.store.find(rep.id); rec && rec->request.venue != rep.venue) {
    ++self->state.foreign_venue_reports;
    ++self->state.illegal_reports;
    spdlog::warn("event=report_refused id={} outcome=foreign_venue detail=\"the order trades at "
                 "'{}', the report came from '{}'\"", rep.id.value, rec->request.venue.value,
                 rep.venue.value);
    return;
  }
  auto upd = self->state.store.apply(rep);
  if (upd.outcome == oms::apply_outcome::illegal || upd.outcome == oms::apply_outcome::unknown_order) {
    ++self->state.illegal_reports;
    spdlog::warn("event=report_refused id={} outcome={} detail=\"{}\"", rep.id.value,
                 oms::to_string(upd.outcome), upd.detail);
    return;
  }
  if (!upd.changed())
    return;
  venue_answered(self, upd.id, true);
  if (const auto* rec = self->state.store.find(upd.id))
    self->state.traces.changed(upd.id, rec->status, upd.has_fill(), rep.ts_init.ns,
                               wall_clock_now().ns);
  oms::event_context ctx{"venue", {}, {}, {}, rep.ts_event, {}};
  ctx.clock = connector_clock(self);
  if (rep.status == order_status::rejected)
    ctx.reject_rule = to_string(reject_reason::venue_rejected);
  journal_change(self, upd.id, upd.previous, upd.fill_qty, upd.fill_price, ctx);
  if (upd.became_terminal())
    settle_scoped_cancels(self, upd.id);
  if (upd.has_fill()) {
    ++self->state.fills;
    if (auto* link = link_of(self, rep.venue))
      ++link->fills;
  }
  tell_owners(self, rep);
  settle_amend(self, upd.id);
}

void on_cancel(oms_ptr self, const cancel_request& c, const oms::event_context& ctx) {
  auto& st = self->state;
  const auto* rec = st.store.find(c.id);
  auto previous = rec ? rec->status : order_status::pending_new;
  auto cancel = st.store.request_cancel(c.id, wall_clock_now());
  if (!cancel)
    return;
  journal_change(self, c.id, previous, {}, {}, ctx);
  // A cancel only lowers risk: it is sent even if the journal failed (after
  // the batch, so it never overtakes its order on the way to the venue).
  send_after_commit(self, connector_of(self, cancel->venue), *cancel);
}

void on_venue_reject(oms_ptr self, const order_reject& rej) {
  if (const auto* rec = self->state.store.find(rej.id); rec && rec->request.venue != rej.venue) {
    ++self->state.foreign_venue_reports;
    ++self->state.illegal_reports;
    spdlog::warn("event=reject_refused id={} detail=\"the order trades at '{}', the reject came "
                 "from '{}'\"", rej.id.value, rec->request.venue.value, rej.venue.value);
    return;
  }
  count_reject(self, rej.reason);
  venue_answered(self, rej.id, false);
  auto upd = self->state.store.apply(rej);
  if (!upd.changed())
    return;
  self->state.traces.changed(upd.id, order_status::rejected, false, rej.ts_init.ns,
                             wall_clock_now().ns);
  oms::event_context ctx{"venue", {}, to_string(rej.reason), {}, {}, {}};
  ctx.clock = connector_clock(self);
  journal_change(self, upd.id, upd.previous, {}, {}, ctx);
  tell_owners(self, rej);
  settle_amend(self, upd.id);
  if (upd.became_terminal())
    settle_scoped_cancels(self, upd.id);
}

// Why `a` cannot replace its original, in any phase ('' : it can): the
// same reject (replace_refused, amends.refused) whether the OMS trades or not.
std::string amend_refusal(oms_ptr self, const amend_request& a) {
  auto& st = self->state;
  const auto& req = a.replacement;
  const auto* orig = st.store.find(a.original);
  if (orig == nullptr)
    return "original " + a.original.value + " unknown";
  if (!orig->is_live() || orig->status == order_status::pending_cancel)
    return "original " + a.original.value + " is " + to_string(orig->status);
  if (orig->request.sym != req.sym || orig->request.order_side != req.order_side
      || orig->request.venue != req.venue)
    return "a replacement cannot change venue, symbol or side";
  if (st.amends.count(a.original))
    return "an amend of " + a.original.value + " is already pending";
  return {};
}

// Registers the replacement; false when it is refused (a reused id, or
// amend_refusal's `why`), rejected and counted.
bool admit_amend(oms_ptr self, const amend_request& a, const std::string& why) {
  if (!register_order(self, a.replacement))
    return false;
  if (why.empty())
    return true;
  ++self->state.amends_refused;
  reject(self, a.replacement, reject_reason::replace_refused, why, false, a.original);
  return false;
}

// Amend (FIX cancel/replace, 35=G): the replacement is registered and
// journaled at once, the original's cancel is sent, and the replacement goes
// out only when the venue confirms the cancel, so both are never live at the
// venue together. If the original ends any other way (filled, expired) the
// replacement is refused; after a crash in between, reconciliation finds the
// replacement unknown at the venue and rejects it.
void on_amend(oms_ptr self, const amend_request& a) {
  auto& st = self->state;
  const auto& req = a.replacement;
  if (!admit_amend(self, a, amend_refusal(self, a)))
    return;
  if (!may_send(self, req)
      || !journal_submission(self, req, oms::event_context{"amend", {}, {}, a.original, {}, {}}))
    return;
  st.amends.emplace(a.original, req);
  on_cancel(self, cancel_request{a.original, req.sym, wall_clock_now(), req.venue},
            oms::event_context{"amend", {}, {}, req.id, {}, {}});
}

// After a handler that may move a venue's reconciliation (a snapshot, an
// operator's accept, a rewire): the phase hears whether any venue routes.
// Entering trading asks the lease at once, so that a node without it shows
// standby before its first order.
void sync_venues(oms_ptr self, const std::string& why) {
  auto& st = self->state;
  bool any = false;
  // A venue routes only with its connector listed: one that left the
  // directory keeps its reconciliation's phase, but nothing can go there.
  for (auto& [venue, link] : st.venues)
    any = any || (link.phase == reconcile_phase::running && link.connector);
  if (!any) {
    on_phase_event(self, oms::phase_event::venues_lost, why + ": no venue is reconciled and connected");
    return;
  }
  if (st.phase.current() != oms::oms_phase::reconciling)
    return;
  on_phase_event(self, oms::phase_event::venue_running, why);
  if (auto lease = oms::stamp_lease(st.cfg.lease, lease_clock_ns()); !lease.held)
    on_phase_event(self, oms::phase_event::lease_lapsed, lease.why);
}

// Stats (docs/oms.md "Phases"): phase.<name> is 1 for the current phase,
// phase.refused.<name> the orders each phase refused, phase.changes.
void add_phase_stats(oms_ptr self, actor_stats& s) {
  const auto& m = self->state.phase;
  for (auto p : {oms::oms_phase::reconciling, oms::oms_phase::trading, oms::oms_phase::standby,
                 oms::oms_phase::halted}) {
    s.counters[std::string("phase.") + oms::to_string(p)] = m.current() == p ? 1 : 0;
    s.counters[std::string("phase.refused.") + oms::to_string(p)] = m.refused(p);
  }
  s.counters["phase.changes"] = m.changes();
}

namespace {

// An order in a phase that does not route: registered (a reused id is
// refused as always), then refused with the phase's reason.
void refuse_order(oms_ptr self, const order_request& req) {
  if (register_order(self, req))
    refuse_in_phase(self, req, false);
}

// An amend the amend checks refuse is refused replace_refused as in trading
// (counted in amends.refused); a valid one with the phase's reason.
void refuse_amend(oms_ptr self, const amend_request& a) {
  if (admit_amend(self, a, amend_refusal(self, a)))
    refuse_in_phase(self, a.replacement, false, a.original);
}

// What every phase handles: reports, cancels and kills only settle state or
// lower risk; reconciliation, wiring, the journal's own timers, queries.
caf::message_handler common_handlers(oms_ptr self) {
  return {
    [=](const cancel_request& c) {
      if (from_risk(self, "cancel_request"))
        on_cancel(self, c, oms::event_context{"strategy", {}, {}, {}, {}, {}});
    },
    // Risk's pre-trade rejects, for the regulatory record only (issue 22):
    // the strategy already has the reject from risk.
    [=](risk_rejected_atom, const order_request& req, const order_reject& rej) {
      if (from_risk(self, "risk_rejected"))
        journal_reject(self, req, rej.reason, rej.detail, "risk");
    },
    // `suppressed` refusals of one (strategy, rule) that risk did not forward
    // one by one (actors/risk/reject_forwarding.hpp): one row that says so.
    [=](risk_rejected_atom, const order_request& req, const order_reject& rej, int64_t suppressed) {
      if (from_risk(self, "risk_rejected") && suppressed > 0)
        journal_reject(self, req, rej.reason, rej.detail, "risk_summary");
    },
    [=](const execution_report& rep) {
      if (from_connector(self, "execution_report", rep.venue))
        on_report(self, rep);
    },
    [=](const order_reject& rej) {
      if (from_connector(self, "order_reject", rej.venue))
        on_venue_reject(self, rej);
    },
    [=](cancel_all_atom, const kill_command& cmd) -> caf::result<channel_result> {
      if (!self->state.guard.local(self, "cancel_all"))
        return sender_guard::refusal("cancel_all");
      // Orders already held go first, so no cancel overtakes its order;
      // the kill's cancels go now, not behind the mailbox.
      flush(self);
      auto r = cancel_all(self, cmd);
      flush(self);
      return r;
    },
    [=](flush_atom) {
      if (!self->state.guard.local(self, "journal_flush")) // its own
        return;
      self->state.flush_pending = false;
      flush(self);
    },
    [=](deadline_atom, const std::string& kill) {
      if (!self->state.guard.local(self, "deadline")) // its own timer's
        return;
      auto it = self->state.scoped_cancels.find(kill);
      if (it != self->state.scoped_cancels.end())
        finish_scoped_cancel(self, it, true);
    },
    [=](const trading_state&) {
      self->state.guard.local(self, "trading_state"); // counted if from outside
      // The gate is the authority; the state is logged by the coordinator.
    },
    [=](const order_history_answer& a) {
      if (from_connector(self, "order_history_answer", a.venue))
        on_order_history(self, a);
    },
    [=](const venue_snapshot& snap) {
      if (from_connector(self, "venue_snapshot", snap.venue)) {
        on_snapshot(self, snap);
        sync_venues(self, "reconciliation with '" + snap.venue.value + "'");
      }
    },
    [=](retry_atom, const std::string& venue, int64_t round) {
      if (!self->state.guard.local(self, "reconcile_retry")) // its own timer's
        return;
      auto* link = link_of(self, venue_name{venue});
      if (link && round == link->round && link->phase == reconcile_phase::reconciling)
        start_round(self, venue_name{venue});
    },
    // A connector asks for a round: its user-data stream came back after a
    // disconnect (events sent meanwhile are lost, so that venue's state is
    // read again), or it has just learnt of this OMS and may have refused a
    // round asked before (the directories of two nodes arrive in any order).
    [=](retry_atom) {
      auto venue = sending_venue(self);
      if (venue.empty()) {
        self->state.guard.local_or(self, caf::actor{}, "reconcile_request",
                                   "a connector of its directory");
        return;
      }
      if (link_of(self, venue)->phase != reconcile_phase::unexplained)
        start_round(self, venue);
    },
    [=](const operator_command& cmd) {
      auto res = accept_positions(self, cmd);
      sync_venues(self, "operator " + cmd.issuer.value + " accepted positions");
      return res;
    },
    [=](wire_atom, const role_directory& dir) {
      if (!self->state.guard.local(self, "wire"))
        return;
      auto& st = self->state;
      st.risk = find_role(dir, "risk");
      st.strategy = find_role(dir, "strategy");
      st.kill = find_role(dir, "kill");
      wire_replica(self, dir); // the standby's journal replica, if listed
      // A new connector has a fresh session that tracks nothing: reconcile
      // that venue (at start, and after a connector restart or failover).
      auto connectors = connectors_in(dir);
      for (auto& [venue, connector] : connectors) {
        auto& link = st.venues[venue];
        if (connector == link.connector)
          continue;
        link.connector = connector;
        if (link.phase == reconcile_phase::running) {
          link.phase = reconcile_phase::reconciling;
          link.not_reconciled_why = "connector restarted";
        }
        start_round(self, venue);
      }
      // A venue whose connector left the directory: its orders wait (and
      // are refused) until one is back; the link keeps its reconciliation.
      for (auto& [venue, link] : st.venues)
        if (!connectors.count(venue))
          link.connector = caf::actor{};
      sync_venues(self, "connectors rewired");
    },
    [=](stats_atom) {
      auto s = stats(self);
      add_phase_stats(self, s);
      return with_refusals(std::move(s), self->state.guard);
    },
    [=](precond_atom) { return precondition(self); },
    [=](open_orders_atom) { return open_orders(self); },
    // A strategy resyncing after this OMS (re)started (issue 24).
    [=](const open_orders_query& q) { return on_open_orders_query(self, q); },
  };
}

// The order path of one phase (oms_phase.hpp): only `trading` routes; in
// `standby` an order first asks whether the lease is back.
caf::message_handler order_handlers(oms_ptr self, oms::oms_phase phase) {
  switch (phase) {
    case oms::oms_phase::trading:
      return {
        // Past pre-trade risk only (from_risk).
        [=](const order_request& r) { if (from_risk(self, "order_request")) on_order(self, r); },
        [=](const amend_request& a) { if (from_risk(self, "amend_request")) on_amend(self, a); },
      };
    case oms::oms_phase::standby:
      return {
        [=](const order_request& r) {
          if (!from_risk(self, "order_request"))
            return;
          if (lease_back(self))
            on_order(self, r);
          else
            refuse_order(self, r);
        },
        [=](const amend_request& a) {
          if (!from_risk(self, "amend_request"))
            return;
          if (lease_back(self))
            on_amend(self, a);
          else
            refuse_amend(self, a);
        },
      };
    case oms::oms_phase::reconciling:
    case oms::oms_phase::halted:
      break;
  }
  return {
    [=](const order_request& r) { if (from_risk(self, "order_request")) refuse_order(self, r); },
    [=](const amend_request& a) { if (from_risk(self, "amend_request")) refuse_amend(self, a); },
  };
}

caf::behavior phase_behavior(oms_ptr self, oms::oms_phase phase) {
  return metrics::measured(self, "oms", order_handlers(self, phase).or_else(common_handlers(self)));
}

caf::behavior oms_actor(oms_ptr self, oms_actor_config cfg) {
  self->state.guard.install(self); // strays dropped and counted, never fatal
  self->state.cfg = std::move(cfg);
  self->state.roundtrip = &metrics::latency_registry::global().get(
    metrics::order_roundtrip_family,
    "Order round trip: OMS sends to the connector -> first venue answer (ack or fill).");
  open_journal(self);
  return phase_behavior(self, self->state.phase.current());
}

} // namespace

void on_phase_event(oms_ptr self, oms::phase_event event, const std::string& why) {
  auto& st = self->state;
  auto from = st.phase.current();
  auto step = st.phase.on(event);
  if (!step.changed)
    return;
  auto level = step.to == oms::oms_phase::trading ? spdlog::level::info : spdlog::level::warn;
  spdlog::log(level, "event=oms_phase node={} from={} to={} cause={} detail=\"{}\"",
              st.cfg.self.value, oms::to_string(from), oms::to_string(step.to),
              oms::to_string(event), why);
  self->become(phase_behavior(self, step.to));
}

} // namespace oms_shell

caf::actor spawn_oms(caf::actor_system& sys, oms_actor_config cfg) {
  return sys.spawn(oms_shell::oms_actor, std::move(cfg));
}

} // namespace cwts
