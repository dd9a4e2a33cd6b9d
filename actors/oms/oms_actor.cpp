#include "actors/oms/oms_actor.hpp"

#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "caf/all.hpp"

#include "actors/oms/order_journal.hpp"
#include "actors/oms/order_store.hpp"
#include "messages/registry.hpp"

namespace cwts {

namespace {

struct oms_state {
  oms_actor_config cfg;
  oms::order_store store;
  oms::order_journal journal;
  bool journal_wanted = false; // a path was configured
  int64_t journal_restored = 0;
  caf::actor connector;
  caf::actor risk;
  caf::actor strategy;
  int64_t orders_sent = 0;
  int64_t fills = 0;
  int64_t rejects = 0;
  int64_t illegal_reports = 0;
  static inline const char* name = "oms";
};

using oms_ptr = caf::stateful_actor<oms_state>*;

template <class T>
void tell_owners(oms_ptr self, const T& msg) {
  if (self->state.risk)
    self->send(self->state.risk, msg);
  if (self->state.strategy)
    self->send(self->state.strategy, msg);
}

void reject(oms_ptr self, const order_request& req, reject_reason reason, std::string detail) {
  ++self->state.rejects;
  order_reject rej{req.id, req.sym, reason, std::move(detail), wall_clock_now()};
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
  if (auto err = st.journal.record_update(*rec, previous, fill_qty, fill_price))
    spdlog::error("event=journal_write_failed id={} status={} error=\"{}\"", id.value,
                  to_string(rec->status), err.message());
}

void on_order(oms_ptr self, const order_request& req) {
  auto& st = self->state;
  if (auto dup = st.store.submit(req, wall_clock_now())) {
    ++st.rejects;
    tell_owners(self, *dup);
    return;
  }
  // Gate first: a kill that closed the gate after risk passed this order
  // still stops it here.
  if (!st.cfg.gate->is_open())
    return reject(self, req, reject_reason::kill_gate_closed, "kill gate closed");
  if (!st.connector)
    return reject(self, req, reject_reason::venue_unreachable, "no connector wired");
  // Journal before send (DESIGN.md §3): an order the journal does not hold
  // must never reach the venue, or a crash would leave it unknown to us.
  if (st.journal_wanted) {
    auto entered = st.store.find(req.id)->entered_at[oms::index_of(order_status::pending_new)];
    if (auto err = st.journal.record_submitted(req, entered)) {
      spdlog::error("event=journal_write_failed id={} error=\"{}\"", req.id.value, err.message());
      return reject(self, req, reject_reason::trading_halted,
                    "journal write failed: " + err.message());
    }
  }
  ++st.orders_sent;
  self->send(st.connector, req);
}

void on_report(oms_ptr self, const execution_report& rep) {
  auto upd = self->state.store.apply(rep);
  if (upd.outcome == oms::apply_outcome::illegal || upd.outcome == oms::apply_outcome::unknown_order) {
    ++self->state.illegal_reports;
    spdlog::warn("event=report_refused id={} outcome={} detail=\"{}\"", rep.id.value,
                 oms::to_string(upd.outcome), upd.detail);
    return;
  }
  if (!upd.changed())
    return;
  journal_change(self, upd.id, upd.previous, upd.fill_qty, upd.fill_price);
  if (upd.has_fill())
    ++self->state.fills;
  tell_owners(self, rep);
}

void on_cancel(oms_ptr self, const cancel_request& c) {
  auto& st = self->state;
  const auto* rec = st.store.find(c.id);
  auto previous = rec ? rec->status : order_status::pending_new;
  auto cancel = st.store.request_cancel(c.id, wall_clock_now());
  if (!cancel)
    return;
  journal_change(self, c.id, previous);
  // A cancel only lowers risk: it is sent even if the journal failed.
  if (st.connector)
    self->send(st.connector, *cancel);
}

void on_venue_reject(oms_ptr self, const order_reject& rej) {
  ++self->state.rejects;
  auto upd = self->state.store.apply(rej);
  if (!upd.changed())
    return;
  journal_change(self, upd.id, upd.previous);
  tell_owners(self, rej);
}

channel_result cancel_all(oms_ptr self, const kill_id& id) {
  auto started = monotonic_ns();
  auto& store = self->state.store;
  std::vector<std::pair<client_order_id, order_status>> before;
  for (const auto* rec : store.live_orders())
    before.emplace_back(rec->request.id, rec->status);
  auto cancels = store.mark_all_pending_cancel(std::nullopt, wall_clock_now());
  for (auto& [order, previous] : before)
    if (previous != order_status::pending_cancel)
      journal_change(self, order, previous);
  // The venue channel cancels them at the venue in one request per symbol;
  // here every live order is marked so late reports resolve them.
  return channel_result{id, self->state.cfg.self, "oms", true, monotonic_ns() - started, 0,
                        static_cast<int64_t>(cancels.size()), -1, ""};
}

actor_stats stats(oms_ptr self) {
  auto& st = self->state;
  actor_stats s{"oms", {}};
  s.counters["orders_sent"] = st.orders_sent;
  s.counters["fills"] = st.fills;
  s.counters["rejects"] = st.rejects;
  s.counters["illegal_reports"] = st.illegal_reports;
  s.counters["live_orders"] = static_cast<int64_t>(st.store.live_orders().size());
  const auto& j = st.journal.counters();
  s.counters["journal.open"] = st.journal.is_open() ? 1 : 0;
  s.counters["journal.restored"] = st.journal_restored;
  s.counters["journal.writes"] = static_cast<int64_t>(j.writes);
  s.counters["journal.failures"] = static_cast<int64_t>(j.failures);
  s.counters["journal.last_write_ns"] = j.last_write_ns;
  s.counters["journal.max_write_ns"] = j.max_write_ns;
  s.counters["journal.total_write_ns"] = j.total_write_ns;
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
  // Restored orders are not yet reconciled with the venue (issue 5).
  spdlog::info("event=journal_restored live={} path={}", st.journal_restored, st.cfg.journal_path);
}

caf::behavior oms_actor(oms_ptr self, oms_actor_config cfg) {
  self->state.cfg = std::move(cfg);
  open_journal(self);
  return {
    [=](const order_request& req) { on_order(self, req); },
    [=](const cancel_request& c) { on_cancel(self, c); },
    [=](const execution_report& rep) { on_report(self, rep); },
    [=](const order_reject& rej) { on_venue_reject(self, rej); },
    [=](cancel_all_atom, const kill_id& id) { return cancel_all(self, id); },
    [=](const trading_state&) {
      // The gate is the authority; the state is logged by the coordinator.
    },
    [=](wire_atom, const role_directory& dir) {
      self->state.connector = find_role(dir, "connector");
      self->state.risk = find_role(dir, "risk");
      self->state.strategy = find_role(dir, "strategy");
    },
    [=](stats_atom) { return stats(self); },
  };
}

} // namespace

caf::actor spawn_oms(caf::actor_system& sys, oms_actor_config cfg) {
  return sys.spawn(oms_actor, std::move(cfg));
}

} // namespace cwts
