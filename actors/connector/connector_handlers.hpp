#pragma once
// The message handlers every connector actor shell shares, the Binance one
// (connector_actor.cpp) and the FIX one (actors/fix/fix_connector_actor.cpp):
// the kill channels, reconcile snapshots, the worker's cancel-all reports,
// trading states, the liveness tick, the directory, and the status queries.
// Each shell adds its order path and brings the functions its venue does
// differently (issue 18: one shell, adapters behind it).
//
// The state of either shell has: guard (sender_guard), oms and validator
// (shared_ptr<actor_slot>), kill (caf::actor), worker (serial_worker),
// session (with snapshot(reconcile_orders)), cancel_alls (seq -> promise),
// disconnected_by (optional<kill_id>) and liveness (venue_liveness).

#include <chrono>
#include <cstdint>
#include <string>

#include <spdlog/spdlog.h>

#include "caf/message_handler.hpp"
#include "caf/result.hpp"

#include "actors/connector/connector_shell.hpp"
#include "common/sender_guard.hpp"
#include "messages/registry.hpp"
#include "messages/time.hpp"

namespace cwts::connector {

// True when a level-4 kill keeps the venue cut: nothing goes out for `req`,
// and the OMS learns why (an order_reject sent as this connector).
template <class Self>
bool refused_while_cut(Self* self, const order_request& req) {
  auto& st = self->state;
  if (!st.disconnected_by)
    return false;
  ++st.refused_disconnected;
  if (auto dest = st.oms->get())
    self->send(dest, order_reject{req.id, req.sym, reject_reason::venue_unreachable,
                                  "venue disconnected by full-stop kill " + st.disconnected_by->value,
                                  wall_clock_now(), req.venue});
  return true;
}

// The handlers of a shell whose own namespace defines, for its `Self`, the
// functions every shell has (found by argument-dependent lookup, so each
// shell keeps them private to its file):
//   caf::result<channel_result> cancel_all(Self*, const kill_command&);
//   channel_result disconnect(Self*, const kill_command&);
//   void on_liveness_tick(Self*);
//   actor_stats stats(Self*);
//   reset_precondition precondition(Self*);
//   connector_status status(Self*);
//   order_book_snapshot book_snapshot(Self*, const std::string&, uint32_t);
// `protocol` names it in log lines ("binance", "fix"); `reconnect()` connects
// again once a reset ended a level-4 cut.
template <class Self, class Reconnect>
caf::message_handler shared_connector_handlers(Self* self, const char* protocol,
                                               std::chrono::milliseconds liveness_every,
                                               Reconnect reconnect) {
  return {
    // Kill channels: asked by this node's kill coordinator only (a peer's
    // level-4 disconnect comes through it, kill_coordinator_actor.cpp).
    [=](cancel_all_atom, const kill_command& cmd) -> caf::result<channel_result> {
      if (!self->state.guard.local(self, "cancel_all"))
        return sender_guard::refusal("cancel_all");
      return cancel_all(self, cmd);
    },
    [=](disconnect_atom, const kill_command& cmd) -> caf::result<channel_result> {
      if (!self->state.guard.local(self, "disconnect"))
        return sender_guard::refusal("disconnect");
      return disconnect(self, cmd);
    },
    [=](const reconcile_orders& req) {
      if (!self->state.guard.local_or(self, self->state.oms->get(), "reconcile_orders"))
        return;
      auto session = self->state.session;
      auto oms = self->state.oms;
      caf::actor_addr me = self->address();
      // Sent as this connector: the OMS takes a snapshot from no one else.
      self->state.worker->post([=] { send_as_connector(me, *oms, session->snapshot(req)); });
    },
    [=](report_atom, uint64_t seq, const channel_result& r) {
      if (!self->state.guard.local(self, "cancel_all_report"))
        return; // a forged "nothing open" answer
      auto i = self->state.cancel_alls.find(seq);
      if (i == self->state.cancel_alls.end())
        return;
      i->second.deliver(r);
      self->state.cancel_alls.erase(i);
    },
    [=](const trading_state& ts) {
      // trading_state{none} reconnects a level-4 cut: the coordinator's only.
      if (!self->state.guard.local(self, "trading_state"))
        return;
      auto& st = self->state;
      if (st.disconnected_by && ts.level == kill_level::none) {
        spdlog::warn("event=venue_reconnect protocol={} after={} cause={}", protocol,
                     st.disconnected_by->value, ts.cause.value);
        st.disconnected_by.reset();
        reconnect();
        st.liveness.restart(monotonic_ns());
      }
    },
    [=](tick_atom) {
      on_liveness_tick(self);
      self->delayed_send(self, liveness_every, tick_atom::value);
    },
    [=](wire_atom, const role_directory& dir) {
      if (!self->state.guard.local(self, "wire"))
        return;
      self->state.oms->set(find_role(dir, "oms"));
      self->state.validator->set(find_role(dir, "validator"));
      self->state.kill = find_role(dir, "kill");
    },
    [=](stats_atom) { return with_refusals(stats(self), self->state.guard); },
    [=](precond_atom) { return precondition(self); },
    [=](connector_status_atom) { return status(self); },
    [=](book_atom, const std::string& sym, uint32_t depth) { return book_snapshot(self, sym, depth); },
  };
}

} // namespace cwts::connector
