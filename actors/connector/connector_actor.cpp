#include "actors/connector/connector_actor.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>

#include <spdlog/spdlog.h>

#include "caf/all.hpp"

#include "actors/connector/binance_adapter.hpp"
#include "actors/connector/connector_shell.hpp"
#include "actors/connector/connector_state.hpp"
#include "actors/connector/okx/okx_adapter.hpp"
#include "actors/connector/okx/okx_market_stream.hpp"
#include "actors/connector/venue_adapter.hpp"
#include "actors/connector/venue_liveness.hpp"
#include "actors/fix/fix_adapter.hpp"
#include "common/metrics/measured_behavior.hpp"
#include "common/order_gate.hpp"
#include "common/sender_guard.hpp"
#include "common/serial_worker.hpp"
#include "common/trace/recorder.hpp"
#include "messages/registry.hpp"

namespace cwts {

namespace connector_detail {

namespace {

// The worker's word that the adapter's start() returned (connecting -> live).
using started_atom = caf::atom_constant<caf::atom("started")>;

// What the adapter may use from any thread: the worker, and the OMS as this
// connector (`me` is weak: nothing is sent once the actor is gone).
connector::adapter_context context_of(connector_ptr self) {
  auto& st = self->state;
  auto* worker = st.worker.get();
  auto oms = st.oms;
  auto requests = st.reconcile_requests;
  caf::actor_addr me = self->address();
  connector::adapter_context ctx;
  ctx.post = [worker](std::function<void()> job) { worker->post(std::move(job)); };
  ctx.report = [me, oms](std::vector<connector::adapter_output> out) {
    send_all_as_connector(me, *oms, std::move(out));
  };
  ctx.request_reconcile = [me, oms, requests] {
    ++*requests;
    send_as_connector(me, *oms, retry_atom::value);
  };
  // The gate and the lease are atomic: safe from the adapter's own threads.
  // An order that waited inside the adapter is refused there when a kill
  // closed the gate, its lease lapsed or a newer epoch came meanwhile, each
  // with its own reason (a lapse is a failover, not a kill).
  const kill_gate* gate = st.cfg.gate;
  auto fence = st.fence;
  ctx.admits = [gate, fence](const order_request& o) {
    return (gate == nullptr || gate_admits(*gate, o)) && fence->still_admits(o, lease_clock_ns());
  };
  ctx.why_refused = [gate, fence](const order_request& o) {
    connector::late_refusal r; // the gate's, also when all admits again by now
    if (gate != nullptr && !gate_admits(*gate, o))
      return r;
    auto v = fence->recheck(o, lease_clock_ns());
    if (!v.admitted()) {
      r.reason = v.reason();
      r.detail = fence->describe(v);
    }
    return r;
  };
  return ctx;
}

// One message per burst of frames (each source flushes when no further
// frame is ready): the validator checks and republishes it as a batch. A
// venue whose feed is off for the validator still streams: its link,
// liveness and local book stay measured. The source follows [venue]
// protocol: OKX's public WebSocket for okx, Kraken's WebSocket v2 for
// kraken; Binance's combined stream for binance and fix (FIX venues stream
// Binance-shaped market data).
void start_stream(connector_ptr self) {
  auto& st = self->state;
  auto validator = st.validator;
  bool feed = st.cfg.feed_validator;
  auto to_validator = [validator, feed](market_batch&& b) {
    if (auto v = validator->get(); v && feed)
      caf::anon_send(v, std::move(b));
  };
  if (st.cfg.protocol == connector_actor_config::protocol_kind::okx) {
    if (auto why = connector::okx::validate(st.cfg.okx_stream); !why.empty())
      spdlog::error("event=market_data_config_invalid protocol=okx error=\"{}\"", why);
    st.stream = std::make_unique<connector::okx::okx_market_stream>(st.cfg.okx_stream, to_validator);
  } else if (st.cfg.protocol == connector_actor_config::protocol_kind::kraken) {
    if (auto why = connector::kraken::validate(st.cfg.kraken_stream); !why.empty())
      spdlog::error("event=market_data_config_invalid protocol=kraken error=\"{}\"", why);
    st.stream = std::make_unique<connector::kraken::kraken_market_stream>(st.cfg.kraken_stream,
                                                                          to_validator);
  } else {
    st.stream = std::make_unique<connector::market_stream>(st.cfg.stream, to_validator);
  }
  st.stream->start();
}

// The adapter starts on the worker (Binance syncs its clock over REST);
// orders queue behind it.
void start_adapter(connector_ptr self) {
  auto adapter = self->state.adapter;
  caf::actor_addr me = self->address();
  self->state.worker->post([adapter, me] {
    adapter->start();
    if (auto a = caf::actor_cast<caf::actor>(me))
      caf::send_as(a, a, started_atom::value);
  });
}

// An order-path call of the adapter: on the worker where it blocks (REST),
// here otherwise (a FIX send); its reports go to the OMS as this connector.
template <class Call>
void on_order_channel(connector_ptr self, Call call) {
  auto& st = self->state;
  auto adapter = st.adapter;
  auto oms = st.oms;
  caf::actor_addr me = self->address();
  auto job = [=] { send_all_as_connector(me, *oms, call(*adapter)); };
  auto caps = adapter->capabilities();
  if (caps.blocking_order_calls && !caps.orders_without_blocking)
    st.worker->post(std::move(job));
  else
    job();
}

// The shell's counters, then the adapter's own.
actor_stats stats(connector_ptr self) {
  auto& st = self->state;
  actor_stats out{connector_role(st.cfg.venue),
                  {{"queued_requests", static_cast<int64_t>(st.worker->pending())},
                   {"reconcile_requests", st.reconcile_requests->load()},
                   {"venue_disconnected", st.disconnected_by ? 1 : 0},
                   {"full_stop_disconnects", st.disconnects},
                   {"orders_refused_disconnected", st.refused_disconnected},
                   {"orders_refused_foreign_venue", st.oms->foreign_refused},
                   {"rejected.no_trading_lease", st.fence->refused_no_lease()},
                   {"rejected.fenced_epoch", st.fence->refused_fenced()},
                   {"lease.highest_epoch_seen", st.fence->highest_seen()},
                   {"kills_requested", st.kills_requested},
                   {"kills_unsent", st.kills_unsent},
                   {"kill_cancels_scoped", st.cancels_scoped},
                   {"kill_cancels_scope_unavailable", st.cancels_scope_unavailable}}};
  auto& k = out.counters;
  if (st.liveness.enabled()) {
    auto now = monotonic_ns();
    k["venue_lost_now"] = st.liveness.lost(now) ? 1 : 0;
    k["breach_now.venue_lost"] = k["venue_lost_now"]; // a reset vote is no while it is 1
    k["venue_lost_breaches"] = static_cast<int64_t>(st.liveness.breaches());
    k["venue_lost_active"] = st.liveness.latched() ? 1 : 0;
    k["rest_probes"] = st.probes;
    k["rest_probe_failures"] = st.probe_failures;
    k["rest_consecutive_failures"] = st.liveness.rest_failures();
  }
  // Market data and local books (names shared with the metrics exporter).
  st.stream->add_counters(k);
  st.adapter->add_counters(k);
  return out;
}

caf::behavior measured(connector_ptr self, const caf::message_handler& handlers) {
  return metrics::measured(self, connector_role(self->state.cfg.venue), handlers);
}

// What every phase answers alike.
caf::message_handler common_handlers(connector_ptr self) {
  return {
    [=](const cancel_request& c) {
      auto& st = self->state;
      if (!st.guard.local_or(self, st.oms->get(), "cancel_request")
          || connector::refused_foreign_venue(self->address(), *st.oms, c))
        return;
      on_order_channel(self, [c](venue_adapter& a) { return a.cancel(c); });
    },
    // Kill channels: asked by this node's kill coordinator only (a peer's
    // level-4 disconnect comes through it, kill_coordinator_actor.cpp).
    [=](cancel_all_atom, const kill_command& cmd) -> caf::result<channel_result> {
      if (!self->state.guard.local(self, "cancel_all"))
        return sender_guard::refusal("cancel_all");
      return cancel_all(self, cmd);
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
    [=](const reconcile_orders& req) {
      auto& st = self->state;
      if (!st.guard.local_or(self, st.oms->get(), "reconcile_orders"))
        return;
      auto adapter = st.adapter;
      auto oms = st.oms;
      caf::actor_addr me = self->address();
      // Sent as this connector: the OMS takes a snapshot from no one else.
      st.worker->post([=] { send_as_connector(me, *oms, adapter->snapshot(req)); });
    },
    [=](const order_history_query& q) {
      // A takeover's catch-up (issue 24): asked by the OMS only, answered as
      // this connector like a snapshot.
      auto& st = self->state;
      if (!st.guard.local_or(self, st.oms->get(), "order_history_query"))
        return;
      auto adapter = st.adapter;
      auto oms = st.oms;
      caf::actor_addr me = self->address();
      st.worker->post([=] { send_as_connector(me, *oms, adapter->order_history(q)); });
    },
    [=](poll_atom, bool answered, const std::string& detail) {
      if (self->state.guard.local(self, "poll"))
        on_probe(self, answered, detail);
    },
    [=](started_atom) {
      // A start that a cut overtook: the cut stopped the adapter again.
      self->state.guard.local(self, "started");
    },
    [=](wire_atom, const role_directory& dir) {
      if (!self->state.guard.local(self, "wire"))
        return;
      auto oms = find_role(dir, "oms");
      bool new_oms = oms && oms != self->state.oms->get();
      self->state.oms->set(oms);
      self->state.validator->set(find_role(dir, "validator"));
      self->state.kill = find_role(dir, "kill");
      // Directories reach the nodes in any order: a round the OMS asked for
      // before this connector knew it was refused, so it is asked again now
      // rather than at the OMS's snapshot timeout.
      if (new_oms)
        self->send(oms, retry_atom::value);
    },
    [=](stats_atom) { return with_refusals(stats(self), self->state.guard); },
    // A reset vote asks whether the venue is lost now (the latch stays set
    // while the node is halted).
    [=](precond_atom) {
      return reset_precondition{connector_role(self->state.cfg.venue), true,
                                venue_lost_now(self) ? "venue_lost" : ""};
    },
    // What /readyz and the health rules decide on (the same facts stay
    // exported as counters for dashboards).
    [=](connector_status_atom) {
      auto& st = self->state;
      return connector::make_connector_status(st.stream.get(), venue_lost_now(self),
                                              st.disconnected_by.has_value());
    },
    [=](book_atom, const std::string& sym, uint32_t depth) {
      auto& st = self->state;
      return connector::take_book_snapshot(st.stream.get(), st.stream->symbols(),
                                           st.disconnected_by, sym, depth);
    },
  };
}

caf::behavior cut(connector_ptr self);

// connecting and live: orders go out; a level-4 kill cuts the venue.
caf::message_handler open_handlers(connector_ptr self) {
  auto gate = self->state.cfg.gate;
  caf::message_handler open{
    // The order path: from the OMS the directory lists (it may be on
    // another node) or this node's actors; never from any CAF client.
    [=](const order_request& req) {
      auto& st = self->state;
      if (!st.guard.local_or(self, st.oms->get(), "order_request")
          || connector::refused_foreign_venue(self->address(), *st.oms, req))
        return;
      // The lease, the epoch fence and the gate are read right before the
      // send (on the worker for REST).
      auto fence = st.fence;
      on_order_channel(self, [req, gate, fence](venue_adapter& a) {
        // The venue_send span (docs/tracing.md): the call to the venue, a
        // REST round trip or a WebSocket API write (its answer is the OMS's
        // venue_ack).
        auto started = wall_clock_now().ns;
        auto out = connector::place_fenced(a, *fence, gate, req);
        trace::record(req.trace, trace::hop::venue_send, req.id.value, started,
                      wall_clock_now().ns);
        return out;
      });
    },
    [=](disconnect_atom, const kill_command& cmd) -> caf::result<channel_result> {
      if (!self->state.guard.local(self, "disconnect"))
        return sender_guard::refusal("disconnect");
      auto r = cut_venue(self, cmd);
      self->become(cut(self));
      return r;
    },
    [=](const trading_state&) {
      self->state.guard.local(self, "trading_state"); // only a cut waits for one
    },
    [=](tick_atom) {
      on_liveness_tick(self);
      self->delayed_send(self, self->state.liveness_every, tick_atom::value);
    },
  };
  return open.or_else(common_handlers(self));
}

caf::behavior live(connector_ptr self) {
  return measured(self, open_handlers(self));
}

caf::behavior connecting(connector_ptr self) {
  caf::message_handler started{
    [=](started_atom) {
      if (self->state.guard.local(self, "started"))
        self->become(live(self));
    },
  };
  return measured(self, started.or_else(open_handlers(self)));
}

// Level 4: nothing reaches the venue until a reset reopens the gate. A
// deliberate disconnect is not a lost venue: nothing is sampled.
caf::behavior cut(connector_ptr self) {
  caf::message_handler cut_handlers{
    [=](const order_request& req) {
      auto& st = self->state;
      if (!st.guard.local_or(self, st.oms->get(), "order_request"))
        return;
      ++st.refused_disconnected;
      if (auto dest = st.oms->get())
        self->send(dest, order_reject{req.id, req.sym, reject_reason::venue_unreachable,
                                      "venue disconnected by full-stop kill " + st.disconnected_by->value,
                                      wall_clock_now(), req.venue});
    },
    [=](disconnect_atom, const kill_command& cmd) -> caf::result<channel_result> {
      if (!self->state.guard.local(self, "disconnect"))
        return sender_guard::refusal("disconnect");
      return channel_result{cmd.id, self->state.cfg.self, "venue_disconnect", true, 0, 0, 0, -1, ""};
    },
    [=](const trading_state& ts) {
      // trading_state{none} reconnects a level-4 cut: the coordinator's only.
      auto& st = self->state;
      if (!st.guard.local(self, "trading_state") || ts.level != kill_level::none)
        return;
      spdlog::warn("event=venue_reconnect protocol={} after={} cause={}", st.adapter->protocol(),
                   st.disconnected_by->value, ts.cause.value);
      st.disconnected_by.reset();
      start_stream(self);
      start_adapter(self);
      st.liveness.restart(monotonic_ns());
      self->become(connecting(self));
    },
    [=](tick_atom) { self->delayed_send(self, self->state.liveness_every, tick_atom::value); },
  };
  return measured(self, cut_handlers.or_else(common_handlers(self)));
}

caf::behavior connector_actor(connector_ptr self, connector_actor_config cfg,
                              venue_adapter_factory make_adapter) {
  auto& st = self->state;
  st.guard.install(self); // strays dropped and counted, never fatal
  st.cfg = std::move(cfg);
  st.oms->set_venue(st.cfg.venue);
  st.fence = std::make_shared<connector::order_fence>(st.cfg.lease, connector_role(st.cfg.venue));
  st.worker = std::make_unique<serial_worker>();
  st.adapter = make_adapter(context_of(self));
  start_stream(self);
  start_adapter(self);
  st.liveness = connector::venue_liveness{
    connector::venue_liveness_config{std::chrono::nanoseconds(st.cfg.lost_halt).count(),
                                     st.cfg.lost_rest_failures},
    monotonic_ns()};
  st.liveness_every = liveness_interval(st.cfg);
  if (st.liveness.enabled())
    self->delayed_send(self, st.liveness_every, tick_atom::value);
  return connecting(self);
}

// The adapter [venue] protocol names.
venue_adapter_factory adapter_for(const connector_actor_config& cfg) {
  if (cfg.protocol == connector_actor_config::protocol_kind::fix)
    return [fix = cfg.fix, symbols = cfg.symbols](const connector::adapter_context& ctx) {
      return std::make_shared<fix::fix_adapter>(fix, symbols, ctx);
    };
  // OKX: the adapter arms and refreshes the venue's cancel-all-after itself
  // when its config sets dead_mans_switch (okx_adapter.hpp).
  if (cfg.protocol == connector_actor_config::protocol_kind::okx)
    return [okx = cfg.okx](const connector::adapter_context& ctx) {
      return std::make_shared<connector::okx::okx_adapter>(okx, ctx);
    };
  // Kraken: the same for CancelAllOrdersAfter (kraken_adapter.hpp).
  if (cfg.protocol == connector_actor_config::protocol_kind::kraken)
    return [kraken = cfg.kraken](const connector::adapter_context& ctx) {
      return std::make_shared<connector::kraken::kraken_adapter>(kraken, ctx);
    };
  connector::binance_adapter_config b;
  b.venue_name = cfg.venue.value;
  b.gateway = cfg.gateway;
  b.symbols = cfg.symbols;
  b.poll_interval = cfg.poll_interval;
  b.poll_interval_streaming = cfg.poll_interval_streaming;
  b.use_user_data_stream = cfg.use_user_data_stream;
  b.user_data = cfg.user_data;
  b.use_ws_api_orders = cfg.use_ws_api_orders;
  b.ws_api = cfg.ws_api;
  b.ws_api_pipeline = cfg.ws_api_pipeline;
  return [b](const connector::adapter_context& ctx) {
    return std::make_shared<connector::binance_adapter>(b, ctx);
  };
}

} // namespace
} // namespace connector_detail

caf::actor spawn_connector(caf::actor_system& sys, connector_actor_config cfg,
                           venue_adapter_factory make_adapter) {
  // Event-based: the adapter's blocking calls run on the shell's worker.
  return sys.spawn(connector_detail::connector_actor, std::move(cfg), std::move(make_adapter));
}

caf::actor spawn_connector(caf::actor_system& sys, connector_actor_config cfg) {
  auto make = connector_detail::adapter_for(cfg);
  return spawn_connector(sys, std::move(cfg), std::move(make));
}

} // namespace cwts
