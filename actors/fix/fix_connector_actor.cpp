#include "actors/fix/fix_connector_actor.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include <spdlog/spdlog.h>

#include "caf/all.hpp"

#include "actors/connector/venue_liveness.hpp"
#include "actors/fix/fix_order_session.hpp"
#include "common/node_kill.hpp"
#include "common/node_kill_request.hpp"
#include "common/order_gate.hpp"
#include "common/sender_guard.hpp"
#include "common/serial_worker.hpp"
#include "actors/connector/connector_handlers.hpp"
#include "actors/connector/connector_shell.hpp"
#include "messages/registry.hpp"
#include "common/metrics/measured_behavior.hpp"

namespace cwts {

namespace {

using connector::actor_slot;
using connector::oms_outbox;
using connector::send_all_as_connector;
using connector::send_as_connector;

struct fix_connector_state {
  connector_actor_config cfg;
  std::shared_ptr<oms_outbox> oms = std::make_shared<oms_outbox>();
  std::shared_ptr<actor_slot> validator = std::make_shared<actor_slot>();
  // Destroyed bottom-up: the worker finishes its job before the session goes.
  std::shared_ptr<fix::fix_order_session> session;
  std::unique_ptr<connector::market_stream> stream;
  std::unique_ptr<serial_worker> worker;
  std::map<uint64_t, caf::response_promise> cancel_alls;
  uint64_t next_cancel_all = 0;
  std::optional<kill_id> disconnected_by;
  int64_t disconnects = 0;
  int64_t refused_disconnected = 0;
  // Kill channels, trading states, directories and the worker's reports
  // only from this node's actors (common/sender_guard.hpp).
  sender_guard guard{"connector"};
  std::shared_ptr<std::atomic<int64_t>> reconcile_requests = std::make_shared<std::atomic<int64_t>>(0);
  // Lost venue ([venue] lost-halt-ms): the FIX session logged out counts as
  // the order channel unanswered, the market stream as with Binance.
  connector::venue_liveness liveness{connector::venue_liveness_config{}, 0};
  caf::actor kill;
  int64_t kills_requested = 0;
  int64_t kills_unsent = 0;
  static inline const char* name = "connector";
};

using fix_connector_ptr = caf::stateful_actor<fix_connector_state>*;

void start_stream(fix_connector_ptr self) {
  auto& st = self->state;
  auto validator = st.validator;
  // A venue whose feed is off for the validator still streams: its link,
  // liveness and local book stay measured.
  bool feed = st.cfg.feed_validator;
  st.stream = std::make_unique<connector::market_stream>(st.cfg.stream, [validator, feed](market_batch&& b) {
    if (auto v = validator->get(); v && feed)
      caf::anon_send(v, std::move(b));
  });
  st.stream->start();
}

void start_session(fix_connector_ptr self) {
  auto& st = self->state;
  if (auto why = st.session->start(); !why.empty())
    spdlog::error("event=fix_session_failed target={} host={} port={} reason=\"{}\"",
                  st.cfg.fix.target_comp_id, st.cfg.fix.host, st.cfg.fix.port, why);
  else
    spdlog::info("event=fix_session_started sender={} target={} host={} port={} heartbeat_s={} "
                 "store={} next_sender_seq={} next_target_seq={}",
                 st.cfg.fix.sender_comp_id, st.cfg.fix.target_comp_id, st.cfg.fix.host,
                 st.cfg.fix.port, st.cfg.fix.heartbeat_s, st.cfg.fix.store_dir,
                 st.session->next_sender_seq(), st.session->next_target_seq());
}

void start(fix_connector_ptr self) {
  auto& st = self->state;
  auto oms = st.oms;
  auto requests = st.reconcile_requests;
  // Reports reach the OMS from the FIX engine's thread as this connector.
  caf::actor_addr me = self->address();
  st.session = std::make_shared<fix::fix_order_session>(
    st.cfg.fix, st.cfg.symbols,
    [oms, me](const std::vector<fix::session_output>& out) {
      send_all_as_connector(me, *oms, out);
    });
  // Every logon after the first: whatever the resend did not bring back is
  // found by a reconciliation round.
  st.session->on_logon([oms, requests, me](int64_t logons) {
    spdlog::info("event=fix_logon count={}", logons);
    if (logons < 2)
      return;
    ++*requests;
    send_as_connector(me, *oms, retry_atom::value);
  });
  st.worker = std::make_unique<serial_worker>();
  start_session(self);
  start_stream(self);
  st.liveness = connector::venue_liveness{
    connector::venue_liveness_config{std::chrono::nanoseconds(st.cfg.lost_halt).count(),
                                     st.cfg.lost_rest_failures},
    monotonic_ns()};
}

// A fifth of the limit, between 100 ms and 1 s (as the Binance connector).
std::chrono::milliseconds liveness_interval(const connector_actor_config& cfg) {
  return std::clamp(cfg.lost_halt / 5, std::chrono::milliseconds(100),
                    std::chrono::milliseconds(1000));
}

// Every liveness tick: the session's logon state is the order channel's
// probe, the market stream's flag its stream sample; a venue lost for
// lost-halt-ms sends one level-2 node kill signed with the node key.
void on_liveness_tick(fix_connector_ptr self) {
  auto& st = self->state;
  if (st.disconnected_by)
    return;
  auto now = monotonic_ns();
  bool up = st.session->logged_on();
  st.liveness.on_rest(up, now, up ? std::string() : "FIX session to " + st.cfg.fix.target_comp_id
                                                      + " not logged on");
  st.liveness.on_market_stream(st.stream && st.stream->connected(), now);
  auto lost = st.liveness.update(now, st.cfg.gate ? st.cfg.gate->level() : 0);
  if (!lost)
    return;
  auto cmd = make_node_kill(st.cfg.signer, kill_level::cancel_all, "connector", "venue_lost",
                            "venue " + st.cfg.venue.value + ": " + lost->describe());
  spdlog::critical("event=venue_lost protocol=fix fix_down_ms={} market_down_ms={} limit_ms={} "
                   "kill_id={} error=\"{}\"",
                   lost->rest_down_ns < 0 ? -1 : lost->rest_down_ns / 1'000'000,
                   lost->market_down_ns < 0 ? -1 : lost->market_down_ns / 1'000'000,
                   lost->limit_ns / 1'000'000, cmd.id.value, lost->rest_error);
  if (request_node_kill(self, st.kill, cmd, "connector", st.cfg.kill_report_timeout))
    ++st.kills_requested;
  else
    ++st.kills_unsent;
}

caf::result<channel_result> cancel_all(fix_connector_ptr self, const kill_command& cmd) {
  auto& st = self->state;
  auto id = cmd.id;
  auto which = symbols_in_scope(cmd, st.cfg.self, st.cfg.account, st.cfg.symbols);
  if (which.empty())
    return channel_result{id, st.cfg.self, "venue_cancel_all", true, 0, 0, 0, -1, ""};
  auto seq = st.next_cancel_all++;
  auto rp = self->make_response_promise<channel_result>();
  st.cancel_alls.emplace(seq, rp);
  caf::actor_addr me = self->address();
  auto session = st.session;
  auto node = st.cfg.self;
  auto deadline = st.cfg.cancel_all_deadline;
  st.worker->post([=] {
    auto result = session->cancel_all(id, node, which, deadline);
    spdlog::warn("event=fix_cancel_all kill={} ok={} canceled={} open_after={} retries={} "
                 "duration_us={} error=\"{}\"",
                 id.value, result.ok, result.orders_canceled, result.open_orders_after,
                 result.retries, result.duration_ns / 1000, result.error);
    if (auto a = caf::actor_cast<caf::actor>(me))
      caf::send_as(a, a, report_atom::value, seq, result);
  });
  return rp;
}

// Kill level 4: log out of the FIX session and stop the market stream.
channel_result disconnect(fix_connector_ptr self, const kill_command& cmd) {
  auto& st = self->state;
  auto started = monotonic_ns();
  channel_result r{cmd.id, st.cfg.self, "venue_disconnect", true, 0, 0, 0, -1, ""};
  if (!st.disconnected_by) {
    st.disconnected_by = cmd.id;
    ++st.disconnects;
    st.session->stop();
    st.stream->stop();
    spdlog::critical("event=venue_disconnected kill={} protocol=fix reason=\"full stop\"",
                     cmd.id.value);
  }
  r.duration_ns = monotonic_ns() - started;
  return r;
}

// A reset vote asks whether the venue is lost now.
reset_precondition precondition(fix_connector_ptr self) {
  auto& st = self->state;
  bool lost = st.liveness.enabled() && st.liveness.lost(monotonic_ns());
  return reset_precondition{connector_role(st.cfg.venue), true, lost ? "venue_lost" : ""};
}

// What /readyz and the health rules decide on (the same facts stay
// exported as counters for dashboards).
connector_status status(fix_connector_ptr self) {
  auto& st = self->state;
  bool lost = st.liveness.enabled() && st.liveness.lost(monotonic_ns());
  return connector::make_connector_status(st.stream.get(), st.cfg.stream.depth, lost,
                                          st.disconnected_by.has_value());
}

actor_stats stats(fix_connector_ptr self) {
  auto& st = self->state;
  auto& c = st.session->counters();
  auto& e = st.session->engine_counters();
  actor_stats out{connector_role(st.cfg.venue),
                  {{"protocol_fix", 1},
                   {"fix_logged_on", st.session->logged_on() ? 1 : 0},
                   {"fix_logons", e.logons.load()},
                   {"fix_logouts", e.logouts.load()},
                   {"fix_next_sender_seq", st.session->next_sender_seq()},
                   {"fix_next_target_seq", st.session->next_target_seq()},
                   {"fix_resend_requests_sent", e.resend_requests_sent.load()},
                   {"fix_resend_requests_received", e.resend_requests_received.load()},
                   {"fix_poss_dup_received", e.poss_dup_received.load()},
                   {"fix_resends_gap_filled", e.resends_gap_filled.load()},
                   {"fix_app_resent", e.app_resent.load()},
                   {"fix_session_rejects_received", e.session_rejects_received.load()},
                   {"fix_session_rejects_sent", e.session_rejects_sent.load()},
                   {"orders_placed", c.orders_sent.load()},
                   {"orders_refused_logged_out", c.orders_refused_logged_out.load()},
                   {"cancels_sent", c.cancels_sent.load()},
                   {"venue_rejects", c.venue_rejects.load()},
                   {"cancel_rejects", c.cancel_rejects.load()},
                   {"stream_reports", c.reports.load()},
                   {"duplicate_reports", c.duplicate_reports.load()},
                   {"unknown_order_reports", c.unknown_order_reports.load()},
                   {"malformed_messages", c.malformed.load()},
                   {"mass_cancels", c.mass_cancels.load()},
                   {"request_timeouts", c.request_timeouts.load()},
                   {"queued_requests", static_cast<int64_t>(st.worker->pending())},
                   {"reconcile_requests", st.reconcile_requests->load()},
                   {"venue_disconnected", st.disconnected_by ? 1 : 0},
                   {"full_stop_disconnects", st.disconnects},
                   {"orders_refused_disconnected", st.refused_disconnected},
                      {"orders_refused_foreign_venue", st.oms->foreign_refused}}};
  if (st.liveness.enabled()) {
    auto& k = out.counters;
    auto now = monotonic_ns();
    k["venue_lost_now"] = st.liveness.lost(now) ? 1 : 0;
    k["breach_now.venue_lost"] = k["venue_lost_now"]; // a reset vote is no while it is 1
    k["venue_lost_breaches"] = static_cast<int64_t>(st.liveness.breaches());
    k["venue_lost_active"] = st.liveness.latched() ? 1 : 0;
  }
  out.counters["kills_requested"] = st.kills_requested;
  out.counters["kills_unsent"] = st.kills_unsent;
  if (st.stream) {
    auto& s = *st.stream;
    out.counters["stream_connected"] = s.connected() ? 1 : 0;
    out.counters["stream_frames"] = static_cast<int64_t>(s.frames());
    out.counters["stream_parse_errors"] = static_cast<int64_t>(s.parse_errors());
    out.counters["stream_reconnects"] = static_cast<int64_t>(s.reconnects());
    out.counters["book.resyncs"] = static_cast<int64_t>(s.book_resyncs());
    out.counters["book.gaps"] = static_cast<int64_t>(s.book_gaps());
  }
  return out;
}

// (book_atom, symbol, depth): the local order book the market stream keeps
// (market data stays on WebSocket with FIX order entry), as the Binance
// connector answers it; the copy is taken on the stream thread.
order_book_snapshot book_snapshot(fix_connector_ptr self, const std::string& sym, uint32_t depth) {
  auto& st = self->state;
  return connector::take_book_snapshot(st.stream.get(), st.cfg.stream.depth, st.cfg.stream.symbols,
                                       st.disconnected_by, sym, depth);
}

caf::behavior fix_connector_actor(fix_connector_ptr self, connector_actor_config cfg) {
  self->state.guard.install(self); // strays dropped and counted, never fatal
  self->state.cfg = std::move(cfg);
  self->state.oms->set_venue(self->state.cfg.venue);
  start(self);
  auto gate = self->state.cfg.gate;
  auto liveness_every = liveness_interval(self->state.cfg);
  if (self->state.liveness.enabled())
    self->delayed_send(self, liveness_every, tick_atom::value);
  caf::message_handler order_path{
    // The order path: from the OMS the directory lists (it may be on
    // another node) or this node's actors; never from any CAF client.
    [=](const order_request& req) {
      auto& st = self->state;
      if (!st.guard.local_or(self, st.oms->get(), "order_request"))
        return;
      if (connector::refused_while_cut(self, req)
          || connector::refused_foreign_venue(self->address(), *st.oms, req))
        return;
      // FIX sends do not block: the gate is read right before the send.
      send_all_as_connector(self->address(), *st.oms,
                            st.session->place(req, gate_admits(*gate, req)));
    },
    [=](const cancel_request& c) {
      if (!self->state.guard.local_or(self, self->state.oms->get(), "cancel_request")
          || connector::refused_foreign_venue(self->address(), *self->state.oms, c))
        return;
      send_all_as_connector(self->address(), *self->state.oms, self->state.session->cancel(c));
    },
  };
  auto reconnect = [self] {
    start_session(self);
    start_stream(self);
  };
  return metrics::measured(self, connector_role(self->state.cfg.venue),
                           order_path.or_else(connector::shared_connector_handlers(
                             self, "fix", liveness_every, reconnect)));
}

} // namespace

caf::actor spawn_fix_connector(caf::actor_system& sys, connector_actor_config cfg) {
  return sys.spawn(fix_connector_actor, std::move(cfg));
}

} // namespace cwts
