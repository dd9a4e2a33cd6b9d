#include "actors/oms/oms_actor.hpp"

#include <map>
#include <set>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "caf/all.hpp"

#include "actors/oms/commit_outbox.hpp"
#include "actors/oms/order_journal.hpp"
#include "actors/oms/order_store.hpp"
#include "actors/oms/reconciler.hpp"
#include "common/metrics/latency_registry.hpp"
#include "common/metrics/measured_behavior.hpp"
#include "common/order_gate.hpp"
#include "common/sender_guard.hpp"
#include "messages/registry.hpp"

namespace cwts {

namespace {

// The OMS's own word that the journal batch it opened is to be committed.
using flush_atom = caf::atom_constant<caf::atom("jflush")>;

// Reconciliation phases (issue 5). New orders pass only in `running`:
//
//   start / connector (re)wired --> reconciling --(orders settled, positions
//   explained)--> running
//   reconciling --(positions unexplained after max rounds, or a contradiction)
//   --> unexplained --(operator accept_positions)--> running
//
// Reports, cancels and kills are handled in every phase: they only settle or
// lower risk.
enum class reconcile_phase : uint8_t { reconciling, unexplained, running };

const char* to_string(reconcile_phase p) {
  switch (p) {
    case reconcile_phase::reconciling: return "reconciling";
    case reconcile_phase::unexplained: return "unexplained";
    case reconcile_phase::running: return "running";
  }
  return "?";
}

struct scoped_cancel {
  channel_result result;
  int64_t started_ns = 0;
  std::set<client_order_id> open;
  caf::response_promise promise;
};

// One venue the OMS routes to: its connector (from the directory) and the
// reconciliation with that venue's account. Orders for a venue go out only
// while its link is running; a venue's reconciliation never holds another's.
struct venue_link {
  caf::actor connector;
  reconcile_phase phase = reconcile_phase::reconciling;
  int64_t round = 0;
  int64_t failed_rounds = 0; // consecutive rounds that did not settle everything
  std::string not_reconciled_why = "waiting for the connector";
  oms::position_check last_check;
  int64_t last_reconcile_ns = 0;
  int64_t orders_sent = 0; // per venue (stats "venue.<v>.orders_sent")
  int64_t fills = 0;
};

struct oms_state {
  oms_actor_config cfg;
  oms::order_store store;
  oms::order_journal journal;
  bool journal_wanted = false; // a path was configured
  int64_t journal_restored = 0;
  // Group commit (commit_outbox.hpp): sends held until the batch commits.
  oms::commit_outbox outbox;
  bool flush_pending = false; // a flush_atom is in the mailbox
  int64_t batches_failed = 0;
  int64_t orders_unsent_commit_failed = 0;
  int64_t max_batch_records = 0;
  // By venue, one per connector role of the directory (so bounded by config).
  std::map<venue_name, venue_link> venues;
  caf::actor risk;
  caf::actor strategy;
  int64_t orders_sent = 0;
  int64_t fills = 0;
  int64_t rejects = 0;
  int64_t illegal_reports = 0;
  // Metrics (docs/monitoring.md): first venue answers, rejects by reason, and
  // when each order in flight went to the connector (monotonic ns), for the
  // submit -> venue ack round trip; an entry leaves at the first answer.
  int64_t acks = 0;
  std::map<std::string, int64_t> rejects_by_reason;
  std::map<client_order_id, int64_t> sent_at;
  metrics::latency_histogram* roundtrip = nullptr;
  // Amends: original id -> replacement waiting for the original's cancel.
  std::map<client_order_id, order_request> amends;
  int64_t amends_done = 0;
  int64_t amends_refused = 0;
  // Reconciliation, over every venue.
  int64_t reconciliations = 0;
  int64_t adopted = 0;
  int64_t never_reached = 0;
  int64_t caught_up = 0;
  int64_t foreign_venue_reports = 0; // a report naming another venue than its order's
  int64_t commands_accepted = 0;
  int64_t commands_refused = 0;
  // Strategy kills waiting for the venue to confirm their cancels, by kill id.
  std::map<std::string, scoped_cancel> scoped_cancels;
  // Safety messages only from this node's actors; what the venue said
  // (reports, rejects, snapshots) also from the connector the directory
  // lists, which may run on another node (common/sender_guard.hpp).
  sender_guard guard{"oms"};
  static inline const char* name = "oms";
};

using oms_ptr = caf::stateful_actor<oms_state>*;

venue_link* link_of(oms_ptr self, const venue_name& v) {
  auto it = self->state.venues.find(v);
  return it == self->state.venues.end() ? nullptr : &it->second;
}

caf::actor connector_of(oms_ptr self, const venue_name& v) {
  auto* link = link_of(self, v);
  return link ? link->connector : caf::actor{};
}

// True when the current message comes from the connector the directory lists
// for `venue` or an actor of this node; else refused and counted as `kind`.
// What the venue said moves orders and positions: a CAF client holding the
// OMS's handle must not forge a fill, a reject or a snapshot (issue 17
// finding 6), and one venue's connector cannot speak for another venue.
bool from_connector(oms_ptr self, const char* kind, const venue_name& venue) {
  return self->state.guard.local_or(self, connector_of(self, venue), kind,
                                    "the connector of that venue in its directory");
}

// The venue whose connector sent the current message (empty if none).
venue_name sending_venue(oms_ptr self) {
  for (auto& [v, link] : self->state.venues)
    if (link.connector && link.connector.address() == self->current_sender())
      return v;
  return {};
}

// True when the current message comes from the risk actor the directory
// lists or an actor of this node: orders, amends and cancels reach the OMS
// only past pre-trade risk, never straight from a CAF client holding the
// OMS's handle (issue 17 finding 6).
bool from_risk(oms_ptr self, const char* kind) {
  return self->state.guard.local_or(self, self->state.risk, kind, "the risk actor of its directory");
}

void settle_scoped_cancels(oms_ptr self, const client_order_id& id);

// Opens a journal batch before a record is written (journal on and open),
// and asks for its commit behind whatever is in the mailbox now.
void open_batch(oms_ptr self) {
  auto& st = self->state;
  if (!st.journal_wanted || !st.journal.is_open() || st.journal.in_batch())
    return;
  if (auto err = st.journal.begin_batch()) {
    // Records are then written one transaction each, as before batches.
    spdlog::error("event=journal_batch_failed step=begin error=\"{}\"", err.message());
    return;
  }
  if (!st.flush_pending) {
    st.flush_pending = true;
    self->send(self, flush_atom::value);
  }
}

// Sends now, or after the open batch commits (commit_outbox.hpp).
template <class T>
void send_after_commit(oms_ptr self, const caf::actor& dest, const T& msg,
                       std::optional<order_request> order = std::nullopt) {
  if (!dest)
    return;
  if (self->state.journal.in_batch())
    self->state.outbox.add(dest, caf::make_message(msg), std::move(order));
  else
    self->send(dest, msg);
}

template <class T>
void tell_owners(oms_ptr self, const T& msg) {
  send_after_commit(self, self->state.risk, msg);
  send_after_commit(self, self->state.strategy, msg);
}

void reject(oms_ptr self, const order_request& req, reject_reason reason, std::string detail);

// Commits the open batch, then sends what waited for it, in order. A failed
// commit leaves none of the batch's records durable: its orders are rejected
// unsent (trading_halted), the rest is sent (the venue's reports happened).
void flush(oms_ptr self) {
  auto& st = self->state;
  if (!st.journal.in_batch())
    return;
  st.max_batch_records = std::max<int64_t>(st.max_batch_records,
                                           static_cast<int64_t>(st.journal.batch_records()));
  auto err = st.journal.commit_batch();
  if (err) {
    ++st.batches_failed;
    spdlog::error("event=journal_batch_failed step=commit records={} error=\"{}\"",
                  st.journal.batch_records(), err.message());
  }
  for (auto& d : st.outbox.take()) {
    if (err && d.order) {
      ++st.orders_unsent_commit_failed;
      st.sent_at.erase(d.order->id);
      reject(self, *d.order, reject_reason::trading_halted,
             "journal commit failed: " + err.message());
      continue;
    }
    self->send(d.dest, std::move(d.msg));
  }
}

void count_reject(oms_ptr self, reject_reason reason) {
  ++self->state.rejects;
  ++self->state.rejects_by_reason[to_string(reason)];
}

void send_to_venue(oms_ptr self, const order_request& req) {
  auto& st = self->state;
  // Orders the venue never answers (a lost connector) must not grow this
  // without bound; the reconciliation settles them, the histogram skips them.
  if (st.sent_at.size() >= 65536)
    st.sent_at.erase(st.sent_at.begin());
  st.sent_at[req.id] = monotonic_ns();
  auto* link = link_of(self, req.venue);
  ++link->orders_sent; // may_send checked the link exists
  send_after_commit(self, link->connector, req, req);
}

// The venue's first answer to an order we sent: the round trip ends here.
void venue_answered(oms_ptr self, const client_order_id& id, bool acked) {
  auto& st = self->state;
  auto it = st.sent_at.find(id);
  if (it == st.sent_at.end())
    return;
  if (acked) {
    ++st.acks;
    st.roundtrip->record(monotonic_ns() - it->second);
  }
  st.sent_at.erase(it);
}

void reject(oms_ptr self, const order_request& req, reject_reason reason, std::string detail) {
  count_reject(self, reason);
  order_reject rej{req.id, req.sym, reason, std::move(detail), wall_clock_now(), req.venue};
  self->state.store.apply(rej);
  tell_owners(self, rej);
}

// Journals a change the store applied. A failure cannot undo what the venue
// did: it is logged and counted, and the journal's next write tells.
void journal_change(oms_ptr self, const client_order_id& id, order_status previous,
                    qty fill_qty = {}, price fill_price = {}) {
  auto& st = self->state;
  if (!st.journal_wanted)
    return;
  const auto* rec = st.store.find(id);
  if (rec == nullptr)
    return;
  open_batch(self);
  if (auto err = st.journal.record_update(*rec, previous, fill_qty, fill_price))
    spdlog::error("event=journal_write_failed id={} status={} error=\"{}\"", id.value,
                  to_string(rec->status), err.message());
}

// Registers the order in the store; a reused client order id is refused.
bool register_order(oms_ptr self, const order_request& req) {
  auto& st = self->state;
  if (auto dup = st.store.submit(req, wall_clock_now())) {
    count_reject(self, dup->reason);
    tell_owners(self, *dup);
    return false;
  }
  return true;
}

// Whether a registered order may go out now; if not it is rejected (and the
// owners told) with the reason.
bool may_send(oms_ptr self, const order_request& req) {
  auto& st = self->state;
  // Gate first: a kill that closed the gate after risk passed this order
  // still stops it here.
  if (!gate_admits(*st.cfg.gate, req))
    return reject(self, req, reject_reason::kill_gate_closed,
                  "kill gate closed at level " + std::to_string(gate_level_for(*st.cfg.gate, req))),
           false;
  auto* link = link_of(self, req.venue);
  if (link == nullptr || !link->connector)
    return reject(self, req, reject_reason::venue_not_connected,
                  "no connector of venue '" + req.venue.value + "' in the cluster directory"),
           false;
  if (link->phase != reconcile_phase::running)
    return reject(self, req, reject_reason::not_reconciled,
                  "OMS " + std::string(to_string(link->phase)) + " with venue '" + req.venue.value
                    + "': " + link->not_reconciled_why),
           false;
  return true;
}

// Journal before send (DESIGN.md §3): an order the journal does not hold
// must never reach the venue, or a crash would leave it unknown to us.
bool journal_submission(oms_ptr self, const order_request& req) {
  auto& st = self->state;
  if (!st.journal_wanted)
    return true;
  auto entered = st.store.find(req.id)->entered_at[oms::index_of(order_status::pending_new)];
  open_batch(self);
  if (auto err = st.journal.record_submitted(req, entered)) {
    spdlog::error("event=journal_write_failed id={} error=\"{}\"", req.id.value, err.message());
    reject(self, req, reject_reason::trading_halted, "journal write failed: " + err.message());
    return false;
  }
  return true;
}

void on_order(oms_ptr self, const order_request& req) {
  if (!register_order(self, req) || !may_send(self, req) || !journal_submission(self, req))
    return;
  ++self->state.orders_sent;
  send_to_venue(self, req);
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
  if (orig == nullptr || orig->status != order_status::canceled) {
    ++st.amends_refused;
    reject(self, replacement, reject_reason::replace_refused,
           "original " + id.value + " ended " + ended + " before its cancel");
  } else if (may_send(self, replacement)) {
    ++st.amends_done;
    ++st.orders_sent;
    send_to_venue(self, replacement);
    return;
  }
  // The replacement was journaled as submitted: its end is journaled too.
  journal_change(self, replacement.id, order_status::pending_new);
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
  journal_change(self, upd.id, upd.previous, upd.fill_qty, upd.fill_price);
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

void on_cancel(oms_ptr self, const cancel_request& c) {
  auto& st = self->state;
  const auto* rec = st.store.find(c.id);
  auto previous = rec ? rec->status : order_status::pending_new;
  auto cancel = st.store.request_cancel(c.id, wall_clock_now());
  if (!cancel)
    return;
  journal_change(self, c.id, previous);
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
  journal_change(self, upd.id, upd.previous);
  tell_owners(self, rej);
  settle_amend(self, upd.id);
  if (upd.became_terminal())
    settle_scoped_cancels(self, upd.id);
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
  const auto* orig = st.store.find(a.original);
  std::string why;
  if (orig == nullptr)
    why = "original " + a.original.value + " unknown";
  else if (!orig->is_live() || orig->status == order_status::pending_cancel)
    why = "original " + a.original.value + " is " + to_string(orig->status);
  else if (orig->request.sym != req.sym || orig->request.order_side != req.order_side
           || orig->request.venue != req.venue)
    why = "a replacement cannot change venue, symbol or side";
  else if (st.amends.count(a.original))
    why = "an amend of " + a.original.value + " is already pending";
  if (!register_order(self, req))
    return;
  if (!why.empty()) {
    ++st.amends_refused;
    return reject(self, req, reject_reason::replace_refused, why);
  }
  if (!may_send(self, req) || !journal_submission(self, req))
    return;
  st.amends.emplace(a.original, req);
  on_cancel(self, cancel_request{a.original, req.sym, wall_clock_now(), req.venue});
}

// --- Reconciliation -------------------------------------------------------

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
    auto err = st.journal.record_submitted(rec.request, rec.last_update);
    if (!err)
      err = st.journal.record_update(rec, order_status::pending_new, rec.cum_qty, rec.avg_fill_price);
    if (err)
      spdlog::error("event=journal_write_failed id={} error=\"{}\"", rec.request.id.value,
                    err.message());
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
  bool explained = positions_explained(self, *link, snap) && plan.contradictions.empty();
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
  send_positions_to_risk(self);
  return command_result{cmd.id, st.cfg.self, true,
                        "baseline " + taken_seqs + " taken; trading resumes"};
}

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
  for (auto& m : cancels)
    if (m.previous != order_status::pending_cancel)
      journal_change(self, m.cancel.id, m.previous);
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
      if (auto connector = connector_of(self, m.cancel.venue))
        self->send(connector, m.cancel);
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
    self->send(connector_of(self, m.cancel.venue), m.cancel);
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
  return s;
}

// Opens the journal and restores its live orders. A journal that does not
// open leaves the OMS running with every new order rejected (journal before
// send), so the operator sees the reason in the rejects, the log and stats.
void open_journal(oms_ptr self) {
  auto& st = self->state;
  st.journal_wanted = !st.cfg.journal_path.empty();
  if (!st.journal_wanted)
    return;
  st.journal.set_legacy_venue(st.cfg.legacy_venue);
  if (auto err = st.journal.open(st.cfg.journal_path)) {
    spdlog::error("event=journal_open_failed path={} error=\"{}\"", st.cfg.journal_path,
                  err.message());
    return;
  }
  std::vector<oms::order_record> live;
  if (auto err = st.journal.load(live)) {
    spdlog::error("event=journal_load_failed path={} error=\"{}\"", st.cfg.journal_path,
                  err.message());
    st.journal.close();
    return;
  }
  for (auto& rec : live)
    st.journal_restored += st.store.restore(rec) ? 1 : 0;
  // Restored orders are reconciled with the venue once a connector is wired.
  spdlog::info("event=journal_restored live={} path={}", st.journal_restored, st.cfg.journal_path);
}

// Live orders for the admin API (/api/orders): what risk gets after a
// restore, the request, filled quantity and whether the venue has it.
std::vector<restored_order> open_orders(oms_ptr self) {
  std::vector<restored_order> out;
  for (const auto* rec : self->state.store.live_orders())
    out.push_back(restored_order{rec->request, rec->cum_qty, rec->acknowledged});
  return out;
}

caf::behavior oms_actor(oms_ptr self, oms_actor_config cfg) {
  self->state.guard.install(self); // strays dropped and counted, never fatal
  self->state.cfg = std::move(cfg);
  self->state.roundtrip = &metrics::latency_registry::global().get(
    metrics::order_roundtrip_family,
    "Order round trip: OMS sends to the connector -> first venue answer (ack or fill).");
  open_journal(self);
  return metrics::measured(self, "oms", {
    // Past pre-trade risk only (from_risk).
    [=](const order_request& r) { if (from_risk(self, "order_request")) on_order(self, r); },
    [=](const cancel_request& c) { if (from_risk(self, "cancel_request")) on_cancel(self, c); },
    [=](const amend_request& a) { if (from_risk(self, "amend_request")) on_amend(self, a); },
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
      auto r = cancel_all(self, cmd);
      flush(self); // the kill's cancels go now, not behind the mailbox
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
    [=](const venue_snapshot& snap) {
      if (from_connector(self, "venue_snapshot", snap.venue))
        on_snapshot(self, snap);
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
    [=](const operator_command& cmd) { return accept_positions(self, cmd); },
    [=](wire_atom, const role_directory& dir) {
      if (!self->state.guard.local(self, "wire"))
        return;
      auto& st = self->state;
      st.risk = find_role(dir, "risk");
      st.strategy = find_role(dir, "strategy");
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
    },
    [=](stats_atom) { return with_refusals(stats(self), self->state.guard); },
    [=](precond_atom) { return precondition(self); },
    [=](open_orders_atom) { return open_orders(self); },
  });
}

} // namespace

caf::actor spawn_oms(caf::actor_system& sys, oms_actor_config cfg) {
  return sys.spawn(oms_actor, std::move(cfg));
}

} // namespace cwts
