// The OMS shell's reconciliation with each venue (reconciler.hpp) and the
// operator's accept-positions command.
#include "actors/oms/oms_shell.hpp"

#include <spdlog/spdlog.h>

namespace cwts::oms_shell {

const char* to_string(reconcile_phase p) {
  switch (p) {
    case reconcile_phase::reconciling: return "reconciling";
    case reconcile_phase::unexplained: return "unexplained";
    case reconcile_phase::running: return "running";
  }
  return "?";
}


void start_round(oms_ptr self, const venue_name& venue) {
  auto* link = link_of(self, venue);
  if (link == nullptr || !link->connector)
    return;
  ++link->round;
  reconcile_orders req{link->round, {}, venue};
  for (const auto* rec : self->state.store.live_orders())
    if (rec->request.venue == venue)
      req.live.push_back(rec->request);
  self->send(link->connector, req);
  // A connector that never answers (venue down, restarted) is asked again.
  self->delayed_send(self, self->state.cfg.snapshot_timeout, retry_atom::value, venue.value,
                     link->round);
}

void retry_later(oms_ptr self, const venue_name& venue, venue_link& link, std::string why) {
  ++link.failed_rounds;
  link.not_reconciled_why = std::move(why);
  self->delayed_send(self, self->state.cfg.reconcile_retry, retry_atom::value, venue.value,
                     link.round);
}

// An adopted order is journaled as submitted, then at the venue's state, so
// the position check counts its fills and a restart restores it.
void adopt(oms_ptr self, const oms::order_record& rec) {
  auto& st = self->state;
  if (st.journal_wanted) {
    bool known = false;
    if (auto err = st.journal.contains(rec.request.id, known); !err && known) {
      spdlog::error("event=reconcile_contradiction id={} detail=\"the venue shows the order open; "
                    "the journal has it ended\"", rec.request.id.value);
      if (auto* link = link_of(self, rec.request.venue))
        link->last_check.unexplained.push_back({"order " + rec.request.id.value, {}, {}});
      return;
    }
    open_batch(self);
    bool lost = false;
    oms::event_context ctx{"reconciliation", {}, {}, {}, {}, "adopted from the venue"};
    auto err = st.commits.submitted(rec.request, rec.last_update, ctx);
    if (!err)
      err = st.commits.updated(rec, order_status::pending_new, rec.cum_qty, rec.avg_fill_price,
                               lost, ctx);
    if (err)
      spdlog::error("event=journal_write_failed id={} error=\"{}\"", rec.request.id.value,
                    err.message());
    if (lost)
      halt_trading(self, "the adopted order " + rec.request.id.value + " is not durable");
  }
  st.store.restore(rec);
  ++st.adopted;
  spdlog::warn("event=order_adopted id={} symbol={} side={} status={} cum={} qty={}",
               rec.request.id.value, rec.request.sym.str(), to_string(rec.request.order_side),
               to_string(rec.status), rec.cum_qty.to_string(), rec.request.quantity.to_string());
}

void apply_plan(oms_ptr self, const oms::reconciliation_plan& plan) {
  auto& st = self->state;
  for (auto& rec : plan.adopted)
    adopt(self, rec);
  for (auto& rep : plan.reports) {
    ++st.caught_up;
    on_report(self, rep);
  }
  for (auto& rej : plan.never_reached) {
    ++st.never_reached;
    on_venue_reject(self, rej);
  }
  for (auto& c : plan.cancels_to_resend)
    if (auto connector = connector_of(self, c.venue))
      self->send(connector, c);
  for (auto& why : plan.contradictions)
    spdlog::error("event=reconcile_contradiction detail=\"{}\"", why);
}

// Tells risk every fill since the journal began, so positions, average cost
// and realized PnL continue where the crashed process left them, then every
// live order, so its exposure and credit count again.
void send_positions_to_risk(oms_ptr self) {
  auto& st = self->state;
  if (!st.journal_wanted || !st.journal.is_open() || !st.risk)
    return;
  std::vector<journaled_fill> fills;
  if (auto err = st.journal.all_fills(fills)) {
    spdlog::error("event=journal_read_failed what=fills error=\"{}\"", err.message());
    return;
  }
  self->send(st.risk, std::move(fills));
  std::vector<restored_order> live;
  for (const auto* rec : st.store.live_orders())
    live.push_back(restored_order{rec->request, rec->cum_qty, rec->acknowledged});
  self->send(st.risk, std::move(live));
}

// The position check of one venue's account against its baseline in the
// journal. True when explained (or when there is nothing to check against:
// no journal).
bool positions_explained(oms_ptr self, venue_link& link, const venue_snapshot& snap) {
  auto& st = self->state;
  if (!st.journal_wanted || !st.journal.is_open())
    return true;
  oms::position_baseline base;
  std::vector<journaled_fill> fills;
  auto err = st.journal.load_baseline(snap.venue, base);
  if (!err && base.seq != 0)
    err = st.journal.fills_since(base.event_seq, snap.venue, fills);
  if (err) {
    link.last_check = {};
    link.last_check.unexplained.push_back({"journal: " + err.message(), {}, {}});
    return false;
  }
  link.last_check = oms::check_positions(base, fills, snap, st.cfg.position_tolerance);
  if (base.seq != 0)
    return link.last_check.explained();
  // The first reconciliation of this venue in this journal: what the venue
  // holds is the start.
  oms::position_baseline taken;
  flush(self); // a baseline is its own transaction, after the batch
  if (auto e = st.journal.record_baseline(snap.venue, link.last_check.holdings, "reconciliation",
                                          "first reconciliation of this journal", wall_clock_now(),
                                          taken)) {
    link.last_check.unexplained.push_back({"journal: " + e.message(), {}, {}});
    return false;
  }
  spdlog::info("event=position_baseline_taken venue={} seq={} assets={}", snap.venue.value,
               taken.seq, taken.amounts.size());
  link.last_check.unexplained.clear();
  return true;
}

void on_snapshot(oms_ptr self, const venue_snapshot& snap) {
  auto& st = self->state;
  auto* link = link_of(self, snap.venue);
  if (link == nullptr || snap.round != link->round)
    return; // an answer to a round already given up
  ++st.reconciliations;
  link->last_reconcile_ns = snap.duration_ns;
  if (!snap.complete) {
    spdlog::warn("event=reconcile_incomplete venue={} round={} error=\"{}\"", snap.venue.value,
                 snap.round, snap.error);
    return retry_later(self, snap.venue, *link, "venue snapshot incomplete: " + snap.error);
  }
  auto plan = oms::plan_reconciliation(st.store, snap, wall_clock_now());
  apply_plan(self, plan);
  spdlog::info("event=reconciled venue={} round={} venue_open={} caught_up={} adopted={} "
               "never_reached={} unsettled={} requests={} duration_us={}",
               snap.venue.value, snap.round, snap.open_orders.size(), plan.reports.size(),
               plan.adopted.size(), plan.never_reached.size(), plan.unsettled.size(),
               snap.requests, snap.duration_ns / 1000);
  if (link->phase == reconcile_phase::unexplained)
    return; // only an operator ends it
  if (!plan.unsettled.empty())
    return retry_later(self, snap.venue, *link,
                       std::to_string(plan.unsettled.size()) + " orders not yet settled");
  if (catch_up_pending(self, snap.venue, *link))
    return; // a takeover: the venue's order history first, then a fresh round judges
  bool explained = positions_explained(self, *link, snap) && plan.contradictions.empty();
  if (explained && takeover_mismatch(self, snap.venue, *link, plan))
    return; // the replica is not whole: held for an operator
  if (explained) {
    bool resumed = link->phase != reconcile_phase::running;
    link->phase = reconcile_phase::running;
    link->failed_rounds = 0;
    link->not_reconciled_why.clear();
    if (resumed)
      send_positions_to_risk(self);
    spdlog::info("event=reconcile_done venue={} phase=running live_orders={}", snap.venue.value,
                 st.store.live_orders().size());
    return;
  }
  auto why = "positions unexplained: " + link->last_check.summary()
             + (plan.contradictions.empty() ? "" : "contradictions: " + plan.contradictions.front());
  if (link->failed_rounds + 1 < st.cfg.unexplained_rounds)
    return retry_later(self, snap.venue, *link, why); // a fill between queries explains itself next round
  link->phase = reconcile_phase::unexplained;
  link->not_reconciled_why = why + " (awaiting operator accept-positions)";
  spdlog::error("event=position_unexplained node={} venue={} detail=\"{}\"", st.cfg.self.value,
                snap.venue.value, why);
  takeover_mismatch(self, snap.venue, *link, plan); // after a takeover: says so
}

command_result accept_positions(oms_ptr self, const operator_command& cmd) {
  auto& st = self->state;
  auto refuse = [&](std::string why) {
    ++st.commands_refused;
    spdlog::warn("event=command_refused id={} action={} issuer={} reason=\"{}\"", cmd.id.value,
                 to_string(cmd.action), cmd.issuer.value, why);
    return command_result{cmd.id, st.cfg.self, false, std::move(why)};
  };
  if (cmd.action != operator_action::accept_positions)
    return refuse(std::string("the OMS does not apply ") + to_string(cmd.action));
  if (!st.cfg.operators)
    return refuse("no operator keys configured on this node");
  if (auto why = st.cfg.operators->verify(cmd, wall_clock_now()); !why.empty())
    return refuse(why);
  if (cmd.target != st.cfg.self.value)
    return refuse("command is for node '" + cmd.target + "', this is '" + st.cfg.self.value + "'");
  // The operator accepts what every unexplained venue holds now.
  std::string taken_seqs;
  for (auto& [venue, link] : st.venues) {
    if (link.phase != reconcile_phase::unexplained)
      continue;
    oms::position_baseline taken;
    flush(self);
    if (auto err = st.journal.record_baseline(venue, link.last_check.holdings, cmd.issuer.value,
                                              cmd.reason, wall_clock_now(), taken))
      return refuse("journal: " + err.message());
    spdlog::warn("event=positions_accepted id={} issuer={} venue={} baseline={} was=\"{}\" "
                 "reason=\"{}\"", cmd.id.value, cmd.issuer.value, venue.value, taken.seq,
                 link.last_check.summary(), cmd.reason);
    link.phase = reconcile_phase::running;
    link.failed_rounds = 0;
    link.not_reconciled_why.clear();
    taken_seqs += (taken_seqs.empty() ? "" : ", ") + venue.value + " "
                  + std::to_string(taken.seq);
  }
  if (taken_seqs.empty())
    return refuse("nothing to accept: no venue's positions are unexplained");
  ++st.commands_accepted;
  st.takeover_mismatch = false; // the operator accepted the venue's holdings
  send_positions_to_risk(self);
  return command_result{cmd.id, st.cfg.self, true,
                        "baseline " + taken_seqs + " taken; trading resumes"};
}

} // namespace cwts::oms_shell
