#include "actors/oms/oms_actor.hpp"

#include <spdlog/spdlog.h>

#include "caf/all.hpp"

#include "actors/oms/order_store.hpp"
#include "messages/registry.hpp"

namespace cwts {

namespace {

struct oms_state {
  oms_actor_config cfg;
  oms::order_store store;
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
  if (upd.has_fill())
    ++self->state.fills;
  tell_owners(self, rep);
}

channel_result cancel_all(oms_ptr self, const kill_id& id) {
  auto started = monotonic_ns();
  auto cancels = self->state.store.mark_all_pending_cancel(std::nullopt, wall_clock_now());
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
  for (auto s_ : {order_status::accepted, order_status::partially_filled, order_status::filled,
                  order_status::canceled, order_status::rejected, order_status::expired})
    s.counters[std::string("status.") + to_string(s_)] = static_cast<int64_t>(st.store.count(s_));
  return s;
}

caf::behavior oms_actor(oms_ptr self, oms_actor_config cfg) {
  self->state.cfg = std::move(cfg);
  return {
    [=](const order_request& req) { on_order(self, req); },
    [=](const cancel_request& c) {
      auto cancel = self->state.store.request_cancel(c.id, wall_clock_now());
      if (cancel && self->state.connector)
        self->send(self->state.connector, *cancel);
    },
    [=](const execution_report& rep) { on_report(self, rep); },
    [=](const order_reject& rej) {
      ++self->state.rejects;
      auto upd = self->state.store.apply(rej);
      if (upd.changed())
        tell_owners(self, rej);
    },
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
