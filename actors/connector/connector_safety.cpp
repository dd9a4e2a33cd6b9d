// The connector shell's safety paths: the lost-venue trigger (liveness
// samples, the order channel's probe, the node kill it requests) and the
// kill channels (level-2 cancel-all, scoped to this node's own orders
// without the lease; level-4 cut of the venue).

#include <algorithm>

#include <spdlog/spdlog.h>

#include "actors/connector/cancel_scope.hpp"
#include "actors/connector/connector_state.hpp"
#include "common/node_kill_request.hpp"
#include "common/order_gate.hpp"
#include "messages/registry.hpp"

namespace cwts::connector_detail {

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

namespace {

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

} // namespace

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
                                              st.fence->highest_seen(), lease_clock_ns());
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

bool venue_lost_now(connector_ptr self) {
  auto& st = self->state;
  return st.liveness.enabled() && st.liveness.lost(monotonic_ns());
}

} // namespace cwts::connector_detail
