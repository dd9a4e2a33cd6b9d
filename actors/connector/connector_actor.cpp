#include "actors/connector/connector_actor.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include <spdlog/spdlog.h>

#include "caf/all.hpp"

#include "actors/connector/venue_liveness.hpp"
#include "actors/connector/venue_session.hpp"
#include "actors/fix/fix_connector_actor.hpp"
#include "common/node_kill_request.hpp"
#include "common/order_gate.hpp"
#include "common/periodic_timer.hpp"
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

struct connector_state {
  connector_actor_config cfg;
  // Members are destroyed bottom-up: the timer stops first, then the worker
  // (finishing its job), then the stream, then the session they used.
  std::shared_ptr<connector::venue_session> session;
  std::shared_ptr<oms_outbox> oms = std::make_shared<oms_outbox>();
  std::shared_ptr<actor_slot> validator = std::make_shared<actor_slot>();
  std::map<uint64_t, caf::response_promise> cancel_alls;
  uint64_t next_cancel_all = 0;
  std::unique_ptr<connector::market_stream> stream;
  std::unique_ptr<serial_worker> worker;
  // Posts to the worker: stopped before it.
  std::unique_ptr<connector::user_data_stream> user_data;
  std::shared_ptr<std::atomic<int64_t>> reconcile_requests = std::make_shared<std::atomic<int64_t>>(0);
  std::shared_ptr<std::atomic<bool>> poll_queued = std::make_shared<std::atomic<bool>>(false);
  std::unique_ptr<periodic_timer> poll_timer;
  int64_t clock_offset_ms = 0;
  // Set while a level-4 kill keeps the venue disconnected (its kill id).
  std::optional<kill_id> disconnected_by;
  int64_t disconnects = 0;
  int64_t refused_disconnected = 0;
  // Kill channels, trading states, directories and the worker's reports
  // only from this node's actors (common/sender_guard.hpp).
  sender_guard guard{"connector"};
  // Lost venue: sampled on the liveness timer; one REST probe at a time.
  connector::venue_liveness liveness{connector::venue_liveness_config{}, 0};
  caf::actor kill;
  bool probe_in_flight = false;
  int64_t probes = 0;
  int64_t probe_failures = 0;
  int64_t kills_requested = 0;
  int64_t kills_unsent = 0;
  // TLS handshake failures already logged, per stream.
  uint64_t logged_md_tls = 0;
  uint64_t logged_uds_tls = 0;
  static inline const char* name = "connector";
};

using connector_ptr = caf::stateful_actor<connector_state>*;

// One log line per 429 or 418 the venue sent (rest-api.md, LIMITS): the
// gateway itself sends nothing until Retry-After has passed.
struct rate_limit_log {
  int64_t http_429 = 0;
  int64_t http_418 = 0;
};

void log_rate_limits(const connector::venue_session& session, rate_limit_log& seen) {
  auto& l = session.rate_limits();
  if (auto n = l.http_418.load(); n != seen.http_418) {
    seen.http_418 = n;
    spdlog::error("event=venue_ip_banned status=418 pause_ms={} count={} detail=\"no request is "
                  "sent to the venue until Retry-After has passed\"",
                  session.rate_limit_pause().count(), n);
  }
  if (auto n = l.http_429.load(); n != seen.http_429) {
    seen.http_429 = n;
    spdlog::warn("event=venue_rate_limited status=429 pause_ms={} count={}",
                 session.rate_limit_pause().count(), n);
  }
}

// Events go through the session on the worker, in order with REST replies
// and polls. A re-subscription asks the OMS for a reconciliation round.
void start_user_data(connector_ptr self, int64_t clock_offset_ms) {
  auto& st = self->state;
  if (auto why = connector::validate(st.cfg.user_data); !why.empty()) {
    spdlog::error("event=user_data_stream_disabled reason=\"{}\"", why);
    return;
  }
  auto* worker = st.worker.get();
  auto session = st.session;
  auto oms = st.oms;
  auto requests = st.reconcile_requests;
  caf::actor_addr me = self->address();
  connector::user_data_stream::callbacks cbs;
  cbs.on_execution = [=](const connector::execution_event& e) {
    worker->post([=] { send_all_as_connector(me, *oms, session->on_execution(e)); });
  };
  cbs.on_balances = [=](const connector::account_position& p) {
    worker->post([=] { session->on_balances(p); });
  };
  cbs.on_balance_delta = [=](const connector::balance_delta& d) {
    worker->post([=] { session->on_balance_delta(d); });
  };
  cbs.on_subscribed = [=](uint64_t count) {
    spdlog::info("event=user_data_subscribed count={}", count);
    if (count < 2)
      return; // the first: the OMS reconciles when it is wired to us
    ++*requests;
    send_as_connector(me, *oms, retry_atom::value);
  };
  st.user_data = std::make_unique<connector::user_data_stream>(st.cfg.user_data, std::move(cbs));
  st.user_data->set_time_offset_ms(clock_offset_ms);
  st.user_data->start();
}

// Market stream, user-data stream and polling: what a level-4 kill cuts and
// a reset starts again.
void start_streams(connector_ptr self) {
  auto& st = self->state;
  auto validator = st.validator;
  // One message per burst of frames (market_stream flushes when no further
  // frame is ready): the validator checks and republishes it as a batch.
  // A venue whose feed is off for the validator still streams: its link,
  // liveness and local book stay measured.
  bool feed = st.cfg.feed_validator;
  st.stream = std::make_unique<connector::market_stream>(st.cfg.stream, [validator, feed](market_batch&& b) {
    if (auto v = validator->get(); v && feed)
      caf::anon_send(v, std::move(b));
  });
  st.stream->start();

  // A poll is only queued when the previous one ran, so a slow venue never
  // piles polls up behind orders.
  auto* worker = st.worker.get();
  auto session = st.session;
  auto oms = st.oms;
  auto queued = st.poll_queued;
  caf::actor_addr me = self->address();
  if (st.cfg.use_user_data_stream)
    start_user_data(self, st.clock_offset_ms);
  auto* uds = st.user_data.get();
  auto streaming_interval = st.cfg.poll_interval_streaming;
  auto last_poll = std::make_shared<std::chrono::steady_clock::time_point>();
  auto seen = std::make_shared<rate_limit_log>();
  st.poll_timer = std::make_unique<periodic_timer>(st.cfg.poll_interval, [=] {
    log_rate_limits(*session, *seen);
    // While the user-data stream is subscribed, polls are only the fallback.
    auto now = std::chrono::steady_clock::now();
    if (uds != nullptr && uds->subscribed() && now - *last_poll < streaming_interval)
      return;
    if (queued->exchange(true))
      return;
    *last_poll = now;
    worker->post([=] {
      queued->store(false);
      send_all_as_connector(me, *oms, session->poll());
    });
  });
}

void start(connector_ptr self) {
  auto& st = self->state;
  st.session = std::make_shared<connector::venue_session>(st.cfg.gateway, st.cfg.symbols);
  if (st.cfg.use_ws_api_orders) {
    if (auto why = connector::validate(st.cfg.ws_api); !why.empty())
      spdlog::error("event=ws_api_orders_disabled reason=\"{}\"", why);
    else
      st.session->enable_ws_api(st.cfg.ws_api);
  }
  auto t = st.session->sync_clock();
  if (t.ok()) {
    st.clock_offset_ms = t.value.offset_ms;
    spdlog::info("event=venue_clock offset_ms={} rtt_us={:.0f}", t.value.offset_ms,
                 t.value.rtt_ns / 1e3);
  } else {
    spdlog::error("event=venue_clock_failed detail=\"{}\"", t.detail);
  }
  st.worker = std::make_unique<serial_worker>();
  start_streams(self);
  st.liveness = connector::venue_liveness{
    connector::venue_liveness_config{std::chrono::nanoseconds(st.cfg.lost_halt).count(),
                                     st.cfg.lost_rest_failures},
    monotonic_ns()};
}

// A fifth of the limit, between 100 ms and 1 s: the venue is declared lost
// within a fifth of the limit after it is, and probes stay rare.
std::chrono::milliseconds liveness_interval(const connector_actor_config& cfg) {
  return std::clamp(cfg.lost_halt / 5, std::chrono::milliseconds(100),
                    std::chrono::milliseconds(1000));
}

// GET /api/v3/time on the worker (it blocks up to the request timeout),
// queued behind orders, never more than one at a time. Any reply, even an
// error, proves the venue answers; none is a failure. While the gateway
// pauses for a 429/418 it sends nothing, so no probe is made.
void probe_rest(connector_ptr self) {
  auto& st = self->state;
  if (st.probe_in_flight || st.session->rate_limit_pause().count() > 0)
    return;
  st.probe_in_flight = true;
  ++st.probes;
  caf::actor_addr me = self->address();
  auto session = st.session;
  st.worker->post([=] {
    auto t = session->sync_clock();
    bool answered = t.kind == connector::reply_kind::ok || t.kind == connector::reply_kind::rejected;
    if (auto a = caf::actor_cast<caf::actor>(me))
      caf::send_as(a, a, poll_atom::value, answered, answered ? std::string{} : t.detail);
  });
}

void request_lost_venue_kill(connector_ptr self, const connector::venue_lost& lost) {
  auto& st = self->state;
  auto cmd = make_node_kill(st.cfg.signer, kill_level::cancel_all, "connector", "venue_lost",
                            "venue " + st.cfg.venue.value + ": " + lost.describe());
  spdlog::critical("event=venue_lost rest_down_ms={} rest_failures={} market_down_ms={} "
                   "user_data_down_ms={} limit_ms={} kill_id={} error=\"{}\"",
                   lost.rest_down_ns < 0 ? -1 : lost.rest_down_ns / 1'000'000, lost.rest_failures,
                   lost.market_down_ns < 0 ? -1 : lost.market_down_ns / 1'000'000,
                   lost.user_data_down_ns < 0 ? -1 : lost.user_data_down_ns / 1'000'000,
                   lost.limit_ns / 1'000'000, cmd.id.value, lost.rest_error);
  if (request_node_kill(self, st.kill, cmd, "connector", st.cfg.kill_report_timeout))
    ++st.kills_requested;
  else
    ++st.kills_unsent;
}

// wss connections refused in the TLS handshake (a certificate that did not
// verify, a name mismatch): one error line per tick while the count grows.
void log_tls_failures(connector_ptr self) {
  auto& st = self->state;
  if (st.stream && st.stream->tls_failures() != st.logged_md_tls) {
    st.logged_md_tls = st.stream->tls_failures();
    if (st.logged_md_tls > 0)
      spdlog::error("event=venue_tls_refused stream=market count={} reason=\"{}\"", st.logged_md_tls,
                    st.stream->last_connect_error());
  }
  if (st.user_data && st.user_data->tls_failures() != st.logged_uds_tls) {
    st.logged_uds_tls = st.user_data->tls_failures();
    if (st.logged_uds_tls > 0)
      spdlog::error("event=venue_tls_refused stream=user_data count={} reason=\"{}\"",
                    st.logged_uds_tls, st.user_data->last_error());
  }
}

// Every liveness tick: sample, probe, judge. A level-4 kill's deliberate
// disconnect is not a lost venue: nothing is sampled while it holds.
void on_liveness_tick(connector_ptr self) {
  auto& st = self->state;
  if (st.disconnected_by)
    return;
  log_tls_failures(self);
  auto now = monotonic_ns();
  st.liveness.on_market_stream(st.stream && st.stream->connected(), now);
  if (st.user_data)
    st.liveness.on_user_data_stream(st.user_data->connected(), now);
  probe_rest(self);
  if (auto lost = st.liveness.update(now, st.cfg.gate ? st.cfg.gate->level() : 0))
    request_lost_venue_kill(self, *lost);
}

// Kill level 4 (full stop): after the venue channel, the streams and polls
// stop and every order is refused here until a reset. Measured: from the
// command to every stream thread joined.
channel_result disconnect(connector_ptr self, const kill_command& cmd) {
  auto& st = self->state;
  auto started = monotonic_ns();
  channel_result r{cmd.id, st.cfg.self, "venue_disconnect", true, 0, 0, 0, -1, ""};
  if (!st.disconnected_by) {
    st.disconnected_by = cmd.id;
    ++st.disconnects;
    st.poll_timer.reset();
    if (st.user_data)
      st.user_data->stop();
    st.stream->stop();
    spdlog::critical("event=venue_disconnected kill={} reason=\"full stop\"", cmd.id.value);
  }
  r.duration_ns = monotonic_ns() - started;
  return r;
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
  auto session = st.session;
  auto oms = st.oms;
  auto node = st.cfg.self;
  auto deadline = st.cfg.cancel_all_deadline;
  st.worker->post([=] {
    std::vector<connector::session_output> out;
    auto result = session->cancel_all(id, node, which, deadline, out);
    send_all_as_connector(me, *oms, out);
    if (auto a = caf::actor_cast<caf::actor>(me))
      caf::send_as(a, a, report_atom::value, seq, result);
  });
  return rp;
}

// Market streams and local books (names shared with the metrics exporter).
void market_data_stats(const connector::market_stream& s, std::map<std::string, int64_t>& k) {
  using kind = connector::market_event_kind;
  for (auto e : {kind::trade, kind::agg_trade, kind::book_ticker, kind::depth_update})
    k[std::string("md.frames.") + connector::to_string(e)] = static_cast<int64_t>(s.frames_of(e));
  k["md.batches"] = static_cast<int64_t>(s.batches());
  k["md.proactive_reconnects"] = static_cast<int64_t>(s.proactive_reconnects());
  k["md.unknown_symbol_frames"] = static_cast<int64_t>(s.unknown_symbol_frames());
  // Connections refused in the TLS handshake (wrong CA, name mismatch).
  k["md.tls_failures"] = static_cast<int64_t>(s.tls_failures());
  k["book.resyncs"] = static_cast<int64_t>(s.book_resyncs());
  k["book.gaps"] = static_cast<int64_t>(s.book_gaps());
  k["book.crossed"] = static_cast<int64_t>(s.book_crossed());
  k["book.snapshots"] = static_cast<int64_t>(s.snapshots());
  k["book.snapshot_failures"] = static_cast<int64_t>(s.snapshot_failures());
  auto now = wall_clock_now().ns;
  for (std::size_t i = 0; i < s.symbols().size(); ++i) {
    auto name = s.symbols()[i].str();
    k["book.synced." + name] = s.book_synced(i) ? 1 : 0;
    auto last = s.last_frame_ns(i);
    // -1: nothing received yet for the symbol.
    k["md.feed_age_ms." + name] = last == 0 ? -1 : (now - last) / 1'000'000;
  }
}

// A reset vote asks whether the venue is lost now (the latch stays set while
// the node is halted).
reset_precondition precondition(connector_ptr self) {
  auto& st = self->state;
  bool lost = st.liveness.enabled() && st.liveness.lost(monotonic_ns());
  return reset_precondition{connector_role(st.cfg.venue), true, lost ? "venue_lost" : ""};
}

// What /readyz and the health rules decide on (the same facts stay
// exported as counters for dashboards).
connector_status status(connector_ptr self) {
  auto& st = self->state;
  bool lost = st.liveness.enabled() && st.liveness.lost(monotonic_ns());
  return connector::make_connector_status(st.stream.get(), st.cfg.stream.depth, lost,
                                          st.disconnected_by.has_value());
}

actor_stats stats(connector_ptr self) {
  auto& st = self->state;
  auto& c = st.session->counters();
  auto& s = *st.stream;
  actor_stats out{connector_role(st.cfg.venue),
                     {{"orders_placed", c.orders_placed.load()},
                      {"venue_rejects", c.venue_rejects.load()},
                      {"unknown_outcomes", c.unknown_outcomes.load()},
                      {"unresolved", c.unresolved.load()},
                      {"open_tracked", c.open_tracked.load()},
                      {"last_rtt_ns", c.last_rtt_ns.load()},
                      {"max_rtt_ns", c.max_rtt_ns.load()},
                      {"polls", c.polls.load()},
                      {"queued_requests", static_cast<int64_t>(st.worker->pending())},
                      {"stream_connected", s.connected() ? 1 : 0},
                      {"stream_frames", static_cast<int64_t>(s.frames())},
                      {"stream_parse_errors", static_cast<int64_t>(s.parse_errors())},
                      {"stream_reconnects", static_cast<int64_t>(s.reconnects())},
                      {"poll_reports", c.poll_reports.load()},
                      {"stream_reports", c.stream_reports.load()},
                      {"balance_updates", c.balance_updates.load()},
                      {"balance_assets", c.balance_assets.load()},
                      {"balance_deltas", c.balance_deltas.load()},
                      {"rate_limited_429", st.session->rate_limits().http_429.load()},
                      {"ip_banned_418", st.session->rate_limits().http_418.load()},
                      {"requests_refused_rate_limited", st.session->rate_limits().refused.load()},
                      {"rate_limit_pause_ms", st.session->rate_limit_pause().count()},
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
    k["rest_probes"] = st.probes;
    k["rest_probe_failures"] = st.probe_failures;
    k["rest_consecutive_failures"] = st.liveness.rest_failures();
  }
  out.counters["kills_requested"] = st.kills_requested;
  out.counters["kills_unsent"] = st.kills_unsent;
  market_data_stats(s, out.counters);
  out.counters["orders.ws_api"] = c.orders_ws_api.load();
  out.counters["orders.rest"] = c.orders_rest.load();
  out.counters["orders.ws_api_fallbacks"] = c.ws_api_fallbacks.load();
  if (auto* u = st.user_data.get()) {
    auto& k = out.counters;
    k["uds_connected"] = u->connected() ? 1 : 0;
    k["uds_subscribed"] = u->subscribed() ? 1 : 0;
    k["uds_subscriptions"] = static_cast<int64_t>(u->subscriptions());
    k["uds_subscribe_errors"] = static_cast<int64_t>(u->subscribe_errors());
    k["uds_reconnects"] = static_cast<int64_t>(u->reconnects());
    k["uds_tls_failures"] = static_cast<int64_t>(u->tls_failures());
    k["uds_proactive_reconnects"] = static_cast<int64_t>(u->proactive_reconnects());
    k["uds_frames"] = static_cast<int64_t>(u->frames());
    k["uds_events"] = static_cast<int64_t>(u->events());
    for (std::size_t i = 0; i < connector::frame_issue_count; ++i) {
      auto issue = static_cast<connector::frame_issue>(i);
      k[std::string("uds_frame_errors.") + connector::to_string(issue)]
        = static_cast<int64_t>(u->frame_errors(issue));
    }
    k["uds_events_no_change"] = c.stream_no_change.load();
    k["uds_events_settled_order"] = c.stream_settled_order.load();
    k["uds_events_unknown_order"] = c.stream_unknown_order.load();
    k["uds_resolved_unknown_outcomes"] = c.stream_resolved.load();
    k["reconcile_requests"] = st.reconcile_requests->load();
  }
  return out;
}

// (book_atom, symbol, depth): a copy of the symbol's local book. The copy is
// taken on the stream thread (market_stream::book); the actor waits for it at
// most 250 ms, which it only ever does when that thread is stuck.
order_book_snapshot book_snapshot(connector_ptr self, const std::string& sym, uint32_t depth) {
  auto& st = self->state;
  return connector::take_book_snapshot(st.stream.get(), st.cfg.stream.depth, st.cfg.stream.symbols,
                                       st.disconnected_by, sym, depth);
}

caf::behavior connector_actor(connector_ptr self, connector_actor_config cfg) {
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
      if (!self->state.guard.local_or(self, self->state.oms->get(), "order_request"))
        return;
      if (connector::refused_while_cut(self, req))
        return; // level 4 cut the venue
      auto session = self->state.session;
      auto oms = self->state.oms;
      caf::actor_addr me = self->address();
      if (connector::refused_foreign_venue(me, *oms, req))
        return;
      // The gate is read on the worker, right before the REST call.
      self->state.worker->post(
        [=] { send_all_as_connector(me, *oms, session->place(req, gate_admits(*gate, req))); });
    },
    [=](const cancel_request& c) {
      if (!self->state.guard.local_or(self, self->state.oms->get(), "cancel_request"))
        return;
      auto session = self->state.session;
      auto oms = self->state.oms;
      caf::actor_addr me = self->address();
      if (connector::refused_foreign_venue(me, *oms, c))
        return;
      self->state.worker->post([=] { send_all_as_connector(me, *oms, session->cancel(c)); });
    },
    [=](poll_atom, bool answered, const std::string& detail) {
      if (!self->state.guard.local(self, "poll"))
        return;
      self->state.probe_in_flight = false;
      if (!answered)
        ++self->state.probe_failures;
      self->state.liveness.on_rest(answered, monotonic_ns(), detail);
    },
  };
  auto reconnect = [self] { start_streams(self); };
  return metrics::measured(self, connector_role(self->state.cfg.venue),
                           order_path.or_else(connector::shared_connector_handlers(
                             self, "binance", liveness_every, reconnect)));
}

} // namespace

caf::actor spawn_connector(caf::actor_system& sys, connector_actor_config cfg) {
  if (cfg.protocol == connector_actor_config::protocol_kind::fix)
    return spawn_fix_connector(sys, std::move(cfg));
  // Event-based: blocking REST calls run on the session's worker thread.
  return sys.spawn(connector_actor, std::move(cfg));
}

} // namespace cwts
