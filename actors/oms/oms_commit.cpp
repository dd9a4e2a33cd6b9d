// The OMS shell's group commit and journal (group_commit.hpp), lookups,
// and what every part sends: orders to the venue, rejects to the owners.
#include "actors/oms/oms_shell.hpp"

#include <spdlog/spdlog.h>

#include "actors/oms/lease_stamp.hpp"
#include "common/node_kill_request.hpp"

namespace cwts::oms_shell {

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

// Opens a journal batch before a record is written (journal on and open),
// and asks for its commit behind whatever is in the mailbox now.
void open_batch(oms_ptr self) {
  auto& st = self->state;
  if (!st.journal_wanted)
    return;
  oms::journal_error err;
  if (!st.commits.open(err)) {
    // Records are then written one transaction each, as before batches.
    if (err)
      spdlog::error("event=journal_batch_failed step=begin error=\"{}\"", err.message());
    return;
  }
  if (!st.flush_pending) {
    st.flush_pending = true;
    self->send(self, flush_atom::value);
  }
}

// Commits the open batch, then sends what waited for it, in order
// (group_commit.hpp: a failed commit is written again record by record).
// An order whose submission is still not durable is rejected unsent
// (trading_halted), and so is an amend's replacement waiting for its
// original's cancel; a lost state change halts trading. The rest is sent
// (the venue's reports happened).
void flush(oms_ptr self) {
  auto& st = self->state;
  if (!st.commits.holding())
    return;
  auto out = st.commits.flush([self](const order_request& req, const std::string& why) {
    ++self->state.orders_unsent_commit_failed;
    self->state.sent_at.erase(req.id);
    reject(self, req, reject_reason::trading_halted, why);
  });
  st.max_batch_records = std::max<int64_t>(st.max_batch_records, static_cast<int64_t>(out.records));
  st.records_replayed += out.replayed;
  st.rejects_not_journaled += out.rejects_lost;
  if (out.commit_error) {
    ++st.batches_failed;
    spdlog::error("event=journal_batch_failed step=commit records={} replayed={} lost={} "
                  "not_durable={} error=\"{}\" replay_error=\"{}\"",
                  out.records, out.replayed, out.lost, out.not_durable.size(),
                  out.commit_error.message(), out.why);
  }
  for (auto& id : out.not_durable)
    for (auto it = st.amends.begin(); it != st.amends.end(); ++it)
      if (it->second.id == id) {
        auto replacement = std::move(it->second);
        st.amends.erase(it);
        ++st.amends_refused;
        ++st.orders_unsent_commit_failed;
        reject(self, replacement, reject_reason::trading_halted,
               "journal commit failed, replacement not durable: " + out.why);
        break;
      }
  if (out.lost > 0) {
    st.records_lost += out.lost;
    halt_trading(self, std::to_string(out.lost) + " state changes not durable after a failed "
                         "journal commit: " + out.why);
  }
  // An order refused as it left (its lease gone, or its submission not
  // durable) wrote its reject into a new batch: committed now, so that a
  // flush leaves no batch open (a baseline is written right after one) and
  // the owners learn it without waiting. That batch holds no order: once.
  if (st.commits.holding())
    flush(self);
}

// The journal lost state changes (fills, reports, cancels): a restart would
// restore wrong orders and positions. The OMS refuses new orders from now on
// (may_send, trading_halted) and asks the node's kill coordinator for a
// signed node halt ([kill] node-key-name, the auto-triggers' path), once.
void halt_trading(oms_ptr self, const std::string& why) {
  auto& st = self->state;
  if (!st.journal_halted.empty())
    return;
  st.journal_halted = why;
  on_phase_event(self, oms::phase_event::journal_lost, why); // to `halted`, for good
  auto signer = st.cfg.kill_signer;
  if (signer.self.value.empty())
    signer.self = st.cfg.self;
  auto cmd = make_node_kill(signer, kill_level::halt_new_orders, "oms",
                            "journal_failed", "OMS journal unreliable: " + why);
  spdlog::error("event=oms_halted reason=journal_failed kill_id={} detail=\"{}\"", cmd.id.value,
                why);
  if (request_node_kill(self, st.kill, cmd, "oms", st.cfg.kill_report_timeout))
    ++st.kills_requested;
  else
    ++st.kills_unsent;
}

void count_reject(oms_ptr self, reject_reason reason) {
  ++self->state.rejects;
  ++self->state.rejects_by_reason[to_string(reason)];
}

void send_to_venue(oms_ptr self, const order_request& req, int64_t epoch, bool replacement) {
  auto& st = self->state;
  // Orders the venue never answers (a lost connector) must not grow this
  // without bound; the reconciliation settles them, the histogram skips them.
  if (st.sent_at.size() >= 65536)
    st.sent_at.erase(st.sent_at.begin());
  st.sent_at[req.id] = monotonic_ns();
  auto entered = wall_clock_now().ns; // the oms_send span: held for its commit included
  // The connector is looked up as the order leaves, not at admission: a
  // rewire while it was held names another one (or none).
  auto leave = [self, replacement, entered](order_request out, int64_t stamped) {
    auto& st = self->state;
    out.trace = st.traces.sent(out, entered, wall_clock_now().ns);
    ++st.orders_sent;
    auto* link = link_of(self, out.venue);
    ++link->orders_sent; // may_send (or the held order's check) found the link
    if (replacement)
      ++st.amends_done;
    st.lease_epoch_sent = stamped;
    out.lease_epoch = stamped;
    self->send(link->connector, out);
  };
  if (!st.commits.holding())
    return leave(req, epoch); // may_send's check was the moment it leaves
  // Held until its submission's batch commits: what the mailbox held before
  // the commit ran first (a connector restart, a journal loss, the lease
  // lapsing), so as it leaves the order asks again that the OMS trades, that
  // its venue routes and that the lease is held; the epoch read then is the
  // one it carries. Refused, the submission is journaled: the reject is its
  // REJECTED event.
  st.commits.hold([self, req, epoch, replacement, leave] {
    auto& st = self->state;
    auto unsent = [&] {
      st.sent_at.erase(req.id);
      if (replacement)
        ++st.amends_refused;
    };
    if (st.phase.current() != oms::oms_phase::trading) {
      unsent();
      return refuse_in_phase(self, req, true);
    }
    if (auto venue = venue_refusal(self, req)) {
      unsent();
      return reject(self, req, venue->first, std::move(venue->second), true);
    }
    auto now = oms::stamp_lease_again(st.cfg.lease, lease_clock_ns(), epoch);
    if (now.held)
      return leave(req, now.epoch);
    unsent();
    on_phase_event(self, oms::phase_event::lease_lapsed, now.why);
    reject(self, req, reject_reason::no_trading_lease, std::move(now.why), true);
  }, req);
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

void reject(oms_ptr self, const order_request& req, reject_reason reason, std::string detail,
            bool journaled, const client_order_id& related) {
  count_reject(self, reason);
  order_reject rej{req.id, req.sym, reason, std::move(detail), wall_clock_now(), req.venue};
  self->state.traces.refused(req, rej.ts_init.ns);
  const auto* rec = self->state.store.find(req.id);
  auto previous = rec ? rec->status : order_status::pending_new;
  auto upd = self->state.store.apply(rej);
  if (!journaled)
    journal_reject(self, req, reason, rej.detail, "oms", related);
  else if (upd.changed())
    journal_change(self, req.id, previous, {}, {},
                   oms::event_context{"oms", {}, to_string(reason), related, {}, {}});
  tell_owners(self, rej);
}

void journal_reject(oms_ptr self, const order_request& req, reject_reason reason,
                    const std::string& detail, const std::string& initiator,
                    const client_order_id& related) {
  auto& st = self->state;
  if (!st.journal_wanted)
    return;
  if (!st.journal.is_open()) {
    // The journal did not open (every order is refused for it): the reject
    // is in the log and the stats, not a second failed write.
    ++st.rejects_not_journaled;
    return;
  }
  open_batch(self);
  oms::event_context ctx{initiator, {}, to_string(reason), related, {}, {}};
  if (auto err = st.commits.rejected(req, ctx, detail, wall_clock_now())) {
    ++st.rejects_not_journaled;
    spdlog::error("event=journal_write_failed id={} kind=reject error=\"{}\"", req.id.value,
                  err.message());
    return;
  }
  ++st.rejects_journaled;
}

// Journals a change the store applied. A failure cannot undo what the venue
// did: it is logged and counted, and the journal's next write tells.
void journal_change(oms_ptr self, const client_order_id& id, order_status previous,
                    qty fill_qty, price fill_price, const oms::event_context& ctx) {
  auto& st = self->state;
  if (!st.journal_wanted)
    return;
  const auto* rec = st.store.find(id);
  if (rec == nullptr)
    return;
  open_batch(self);
  bool lost = false;
  if (auto err = st.commits.updated(*rec, previous, fill_qty, fill_price, lost, ctx))
    spdlog::error("event=journal_write_failed id={} status={} error=\"{}\"", id.value,
                  to_string(rec->status), err.message());
  if (lost) {
    ++st.records_lost;
    halt_trading(self, "the change of " + id.value + " to " + to_string(rec->status)
                         + " is not durable");
  }
}

// A venue report's or reject's time is its connector's ts_init, taken on the
// connector's node (CLOCK_REALTIME there): the record says so, not the OMS's
// clock (review R1 M4). Called while handling the connector's message.
std::string connector_clock(oms_ptr self) {
  auto& st = self->state;
  if (sent_by_this_node(self))
    return "connector_clock@" + st.cfg.self.value;
  const auto& sender = self->current_sender();
  if (!sender)
    return "connector_clock@" + sender_node_name(self);
  if (sender->node() != st.clock_node || st.clock_name.empty()) {
    st.clock_node = sender->node();
    st.clock_name = "connector_clock@" + sender_node_name(self);
  }
  return st.clock_name;
}

// Journal before send (DESIGN.md §3): an order the journal does not hold
// must never reach the venue, or a crash would leave it unknown to us.
bool journal_submission(oms_ptr self, const order_request& req, const oms::event_context& ctx) {
  auto& st = self->state;
  if (!st.journal_wanted)
    return true;
  auto entered = st.store.find(req.id)->entered_at[oms::index_of(order_status::pending_new)];
  open_batch(self);
  if (auto err = st.commits.submitted(req, entered, ctx)) {
    spdlog::error("event=journal_write_failed id={} error=\"{}\"", req.id.value, err.message());
    reject(self, req, reject_reason::trading_halted, "journal write failed: " + err.message());
    return false;
  }
  return true;
}

// A configured journal that did not open (or claim, or load): the OMS
// cannot journal before it sends, so it is `halted` from the start (every
// new order refused trading_halted with this reason), not `trading` with
// each order failing its write. No node kill is asked: nothing was sent,
// and the kill coordinator is not wired yet.
void journal_unusable(oms_ptr self, const std::string& why) {
  auto& st = self->state;
  st.journal_halted = why;
  on_phase_event(self, oms::phase_event::journal_lost, why);
}

// Opens the journal and restores its live orders. A journal that does not
// open leaves the OMS running, halted (journal_unusable), so the operator
// sees the reason in the rejects, the log and stats.
void open_journal(oms_ptr self) {
  auto& st = self->state;
  st.journal_wanted = !st.cfg.journal_path.empty();
  if (!st.journal_wanted)
    return;
  st.journal.set_legacy_venue(st.cfg.legacy_venue);
  st.journal.set_faults(st.cfg.journal_faults);
  // Event times are wall_clock_now() (CLOCK_REALTIME, UTC) of this node,
  // except a venue report's (its connector's clock: connector_clock()).
  st.journal.set_writer(st.cfg.self, "oms_clock@" + st.cfg.self.value);
  if (auto err = st.journal.open(st.cfg.journal_path)) {
    spdlog::error("event=journal_open_failed path={} error=\"{}\"", st.cfg.journal_path,
                  err.message());
    return journal_unusable(self, "journal did not open: " + err.message());
  }
  if (!claim_journal(self)) { // journal_ship_oms.cpp: before the load
    st.journal.close();
    return journal_unusable(self, "journal could not be claimed (event=journal_claim_failed)");
  }
  std::vector<oms::order_record> live;
  if (auto err = st.journal.load(live)) {
    spdlog::error("event=journal_load_failed path={} error=\"{}\"", st.cfg.journal_path,
                  err.message());
    st.journal.close();
    return journal_unusable(self, "journal did not load: " + err.message());
  }
  for (auto& rec : live)
    st.journal_restored += st.store.restore(rec) ? 1 : 0;
  // Restored orders are reconciled with the venue once a connector is wired.
  spdlog::info("event=journal_restored live={} path={}", st.journal_restored, st.cfg.journal_path);
  start_shipping(self); // to the standby's replica (journal_ship_oms.cpp)
}

} // namespace cwts::oms_shell
