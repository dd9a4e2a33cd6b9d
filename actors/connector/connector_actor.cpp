#include "actors/connector/connector_actor.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>

#include <spdlog/spdlog.h>

#include "caf/all.hpp"

#include "actors/connector/binance_adapter.hpp"
#include "actors/connector/cancel_scope.hpp"
#include "actors/connector/connector_shell.hpp"
#include "actors/connector/okx/okx_adapter.hpp"
#include "actors/connector/okx/okx_market_stream.hpp"
#include "actors/connector/venue_adapter.hpp"
#include "actors/connector/venue_liveness.hpp"
#include "actors/fix/fix_adapter.hpp"
#include "common/metrics/measured_behavior.hpp"
#include "common/node_kill_request.hpp"
#include "common/order_gate.hpp"
#include "common/sender_guard.hpp"
#include "common/serial_worker.hpp"
#include "messages/registry.hpp"

namespace cwts {

namespace {

using connector::actor_slot;
using connector::oms_outbox;
using connector::send_all_as_connector;
using connector::send_as_connector;
using connector::venue_adapter;

// The worker's word that the adapter's start() returned (connecting -> live).
using started_atom = caf::atom_constant<caf::atom("started")>;

struct connector_state {
  connector_actor_config cfg;
  std::shared_ptr<oms_outbox> oms = std::make_shared<oms_outbox>();
  std::shared_ptr<actor_slot> validator = std::make_shared<actor_slot>();
  // The trading lease and the OMS's epoch fence (order_fence.hpp), read on
  // the thread that sends; set at spawn.
  std::shared_ptr<connector::order_fence> fence;
  // Destroyed bottom-up: the worker first (finishing its job; the adapter is
  // stopped before, so nothing posts to it any more), then the stream, then
  // the adapter they used.
  std::shared_ptr<venue_adapter> adapter;
  std::unique_ptr<connector::market_source> stream;
  std::unique_ptr<serial_worker> worker;
  std::map<uint64_t, caf::response_promise> cancel_alls;
  uint64_t next_cancel_all = 0;
  // The level-4 kill that keeps the venue cut (the cut behavior's reason).
  std::optional<kill_id> disconnected_by;
  int64_t disconnects = 0;
  int64_t refused_disconnected = 0;
  // Kill channels, trading states, directories and the worker's reports
  // only from this node's actors (common/sender_guard.hpp).
  sender_guard guard{"connector"};
  std::shared_ptr<std::atomic<int64_t>> reconcile_requests = std::make_shared<std::atomic<int64_t>>(0);
  // Lost venue: sampled on the liveness timer; one order-channel probe at a time.
  connector::venue_liveness liveness{connector::venue_liveness_config{}, 0};
  std::chrono::milliseconds liveness_every{1000};
  caf::actor kill;
  bool probe_in_flight = false;
  int64_t probes = 0;
  int64_t probe_failures = 0;
  int64_t kills_requested = 0;
  int64_t kills_unsent = 0;
  int64_t cancels_scoped = 0; // level-2 kills without the lease: own orders only
  int64_t cancels_scope_unavailable = 0; // ... where the protocol cannot: account-wide
  uint64_t logged_md_tls = 0; // TLS handshake failures already logged
  ~connector_state() {
    if (adapter)
      adapter->stop();
  }
  static inline const char* name = "connector";
};

using connector_ptr = caf::stateful_actor<connector_state>*;

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
  // An order that waited inside the adapter is refused there as the gate's
  // (kill_gate_closed) when its lease lapsed or a newer epoch came meanwhile.
  const kill_gate* gate = st.cfg.gate;
  auto fence = st.fence;
  ctx.admits = [gate, fence](const order_request& o) {
    return (gate == nullptr || gate_admits(*gate, o)) && fence->still_admits(o, monotonic_ns());
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

// A fifth of the limit, between 100 ms and 1 s: the venue is declared lost
// within a fifth of the limit after it is, and probes stay rare.
std::chrono::milliseconds liveness_interval(const connector_actor_config& cfg) {
  return std::clamp(cfg.lost_halt / 5, std::chrono::milliseconds(100),
                    std::chrono::milliseconds(1000));
}

void on_probe(connector_ptr self, bool answered, const std::string& detail) {
  auto& st = self->state;
  st.probe_in_flight = false;
  if (!answered)
    ++st.probe_failures;
  st.liveness.on_rest(answered, monotonic_ns(), detail);
}

// The order channel's probe, never more than one at a time; a blocking one
// runs on the worker, queued behind orders, and answers with poll_atom.
void probe_order_channel(connector_ptr self) {
  auto& st = self->state;
  if (st.probe_in_flight || !st.adapter->may_probe())
    return;
  st.probe_in_flight = true;
  ++st.probes;
  auto adapter = st.adapter;
  if (!adapter->capabilities().blocking_order_calls) {
    auto p = adapter->probe();
    on_probe(self, p.answered, p.detail);
    return;
  }
  caf::actor_addr me = self->address();
  st.worker->post([adapter, me] {
    auto p = adapter->probe();
    if (auto a = caf::actor_cast<caf::actor>(me))
      caf::send_as(a, a, poll_atom::value, p.answered, p.detail);
  });
}

void request_lost_venue_kill(connector_ptr self, const connector::venue_lost& lost) {
  auto& st = self->state;
  auto cmd = make_node_kill(st.cfg.signer, kill_level::cancel_all, "connector", "venue_lost",
                            "venue " + st.cfg.venue.value + ": " + lost.describe());
  spdlog::critical("event=venue_lost protocol={} rest_down_ms={} rest_failures={} market_down_ms={} "
                   "user_data_down_ms={} limit_ms={} kill_id={} error=\"{}\"",
                   st.adapter->protocol(),
                   lost.rest_down_ns < 0 ? -1 : lost.rest_down_ns / 1'000'000, lost.rest_failures,
                   lost.market_down_ns < 0 ? -1 : lost.market_down_ns / 1'000'000,
                   lost.user_data_down_ns < 0 ? -1 : lost.user_data_down_ns / 1'000'000,
                   lost.limit_ns / 1'000'000, cmd.id.value, lost.rest_error);
  if (request_node_kill(self, st.kill, cmd, "connector", st.cfg.kill_report_timeout))
    ++st.kills_requested;
  else
    ++st.kills_unsent;
}

// Every liveness tick while not cut: sample, probe, judge.
void on_liveness_tick(connector_ptr self) {
  auto& st = self->state;
  if (st.stream->tls_failures() != st.logged_md_tls) {
    st.logged_md_tls = st.stream->tls_failures();
    if (st.logged_md_tls > 0)
      spdlog::error("event=venue_tls_refused stream=market count={} reason=\"{}\"", st.logged_md_tls,
                    st.stream->last_connect_error());
  }
  auto now = monotonic_ns();
  st.liveness.on_market_stream(st.stream->connected(), now);
  if (auto fills = st.adapter->fill_stream_connected())
    st.liveness.on_user_data_stream(*fills, now);
  probe_order_channel(self);
  if (auto lost = st.liveness.update(now, st.cfg.gate ? st.cfg.gate->level() : 0))
    request_lost_venue_kill(self, *lost);
}

caf::result<channel_result> cancel_all(connector_ptr self, const kill_command& cmd) {
  auto& st = self->state;
  auto id = cmd.id;
  // A strategy's orders are canceled one by one by the OMS: nothing here.
  auto which = symbols_in_scope(cmd, st.cfg.self, st.cfg.account, st.cfg.symbols);
  if (which.empty())
    return channel_result{id, st.cfg.self, "venue_cancel_all", true, 0, 0, 0, -1, ""};
  auto seq = st.next_cancel_all++;
  auto rp = self->make_response_promise<channel_result>();
  st.cancel_alls.emplace(seq, rp);
  caf::actor_addr me = self->address();
  auto adapter = st.adapter;
  auto oms = st.oms;
  auto node = st.cfg.self;
  auto deadline = st.cfg.cancel_all_deadline;
  // The account belongs to the lease holder: without the lease, only this
  // node's own orders (cancel_scope.hpp; partition drill finding 2).
  auto scope = connector::decide_cancel_scope(st.cfg.lease, st.fence->role(),
                                              connector::oms_lease_role,
                                              st.fence->highest_seen(), monotonic_ns());
  if (scope.scoped && !st.adapter->capabilities().cancel_own) {
    // The kill must stop trading: without a cancel by own id on this
    // protocol, the account-wide cancel-all runs (it may cancel a lease
    // holder's orders too; docs/connector.md).
    ++st.cancels_scope_unavailable;
    spdlog::warn("event=kill_cancel_scope_unavailable kill={} role={} protocol={} "
                 "reason=\"{}\" action=cancel_all",
                 id.value, st.fence->role(), st.adapter->protocol(), scope.reason);
    scope.scoped = false;
  }
  if (scope.scoped) {
    ++st.cancels_scoped;
    spdlog::warn("event=kill_cancel_scoped kill={} role={} lease_held={} held_epoch={} "
                 "newer_epoch={} reason=\"{}\"",
                 id.value, st.fence->role(), scope.lease_held, scope.held_epoch,
                 scope.newer_epoch, scope.reason);
  }
  bool scoped = scope.scoped;
  // At once, not behind the worker's queue: orders of the kill's scope
  // still waiting inside the adapter are dropped now.
  adapter->drop_queued(which, "kill " + id.value + ": cancel-all goes ahead of orders not yet sent");
  st.worker->post([=] {
    std::vector<connector::adapter_output> out;
    auto result = scoped ? adapter->cancel_own(id, node, which, deadline, out)
                         : adapter->cancel_all(id, node, which, deadline, out);
    if (scoped)
      spdlog::warn("event=kill_cancel_scoped_done kill={} ok={} canceled={} open_after={} "
                   "error=\"{}\"", id.value, result.ok, result.orders_canceled,
                   result.open_orders_after, result.error);
    send_all_as_connector(me, *oms, std::move(out));
    if (auto a = caf::actor_cast<caf::actor>(me))
      caf::send_as(a, a, report_atom::value, seq, result);
  });
  return rp;
}

// Kill level 4 (full stop): the market stream and the order channel stop.
// Measured: from the command to every stream thread joined.
channel_result cut_venue(connector_ptr self, const kill_command& cmd) {
  auto& st = self->state;
  auto started = monotonic_ns();
  st.disconnected_by = cmd.id;
  ++st.disconnects;
  st.adapter->stop();
  // Again behind whatever the worker has queued: an adapter start() still
  // queued there would otherwise reopen the channel.
  auto adapter = st.adapter;
  st.worker->post([adapter] { adapter->stop(); });
  st.stream->stop();
  spdlog::critical("event=venue_disconnected kill={} protocol={} reason=\"full stop\"",
                   cmd.id.value, adapter->protocol());
  return channel_result{cmd.id, st.cfg.self, "venue_disconnect", true,
                        monotonic_ns() - started, 0, 0, -1, ""};
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

bool venue_lost_now(connector_ptr self) {
  auto& st = self->state;
  return st.liveness.enabled() && st.liveness.lost(monotonic_ns());
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
        return connector::place_fenced(a, *fence, gate, req);
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

caf::actor spawn_connector(caf::actor_system& sys, connector_actor_config cfg,
                           venue_adapter_factory make_adapter) {
  // Event-based: the adapter's blocking calls run on the shell's worker.
  return sys.spawn(connector_actor, std::move(cfg), std::move(make_adapter));
}

caf::actor spawn_connector(caf::actor_system& sys, connector_actor_config cfg) {
  auto make = adapter_for(cfg);
  return spawn_connector(sys, std::move(cfg), std::move(make));
}

} // namespace cwts
