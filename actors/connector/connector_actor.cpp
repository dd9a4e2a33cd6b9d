#include "actors/connector/connector_actor.hpp"

#include <memory>
#include <mutex>

#include <spdlog/spdlog.h>

#include "caf/all.hpp"

#include "actors/connector/order_tracker.hpp"
#include "messages/registry.hpp"

namespace cwts {

namespace {

// The validator handle as the stream thread sees it; rewired on restarts.
class actor_slot {
public:
  void set(caf::actor a) {
    std::lock_guard<std::mutex> guard(mtx_);
    actor_ = std::move(a);
  }
  caf::actor get() const {
    std::lock_guard<std::mutex> guard(mtx_);
    return actor_;
  }

private:
  mutable std::mutex mtx_;
  caf::actor actor_;
};

struct connector_state {
  connector_actor_config cfg;
  std::unique_ptr<connector::binance_rest_gateway> gateway;
  std::unique_ptr<connector::market_stream> stream;
  std::shared_ptr<actor_slot> validator = std::make_shared<actor_slot>();
  connector::order_tracker tracker;
  // Orders whose outcome is unknown (timeout, reset): never resent, resolved
  // by query on every poll.
  std::map<client_order_id, symbol> unresolved;
  caf::actor oms;
  int64_t orders_placed = 0;
  int64_t venue_rejects = 0;
  int64_t unknown_outcomes = 0;
  int64_t last_rtt_ns = 0;
  int64_t max_rtt_ns = 0;
  int64_t polls = 0;
  static inline const char* name = "connector";
};

using connector_ptr = caf::stateful_actor<connector_state>*;

void send_reports(connector_ptr self, const std::vector<execution_report>& reports) {
  for (auto& r : reports)
    if (self->state.oms)
      self->send(self->state.oms, r);
}

void send_reject(connector_ptr self, const order_request& req, reject_reason why, std::string text) {
  if (self->state.oms)
    self->send(self->state.oms, order_reject{req.id, req.sym, why, std::move(text), wall_clock_now()});
}

template <class T>
void note_rtt(connector_ptr self, const connector::venue_reply<T>& reply) {
  self->state.last_rtt_ns = reply.rtt_ns;
  self->state.max_rtt_ns = std::max(self->state.max_rtt_ns, reply.rtt_ns);
}

// Resolves an order of unknown outcome by asking the venue; true if settled.
bool resolve(connector_ptr self, const client_order_id& id, const symbol& sym) {
  auto q = self->state.gateway->query_order(sym, id);
  if (q.ok()) {
    send_reports(self, self->state.tracker.on_query_result(q.value, wall_clock_now()));
    return true;
  }
  if (q.kind == connector::reply_kind::rejected && q.error.code == connector::code_no_such_order) {
    if (self->state.oms)
      self->send(self->state.oms, order_reject{id, sym, reject_reason::venue_unreachable,
                                               "outcome was unknown; the venue has no such order",
                                               wall_clock_now()});
    return true;
  }
  return false;
}

void on_order(connector_ptr self, const order_request& req) {
  auto& st = self->state;
  if (!st.cfg.gate->is_open())
    return send_reject(self, req, reject_reason::kill_gate_closed, "kill gate closed at the gateway");
  auto reply = st.gateway->place_order(req);
  note_rtt(self, reply);
  switch (reply.kind) {
    case connector::reply_kind::ok:
      ++st.orders_placed;
      send_reports(self, st.tracker.on_order_response(reply.value, wall_clock_now()));
      return;
    case connector::reply_kind::rejected:
      ++st.venue_rejects;
      return send_reject(self, req, reject_reason::venue_rejected,
                         "code=" + std::to_string(reply.error.code) + " msg=" + reply.error.msg);
    case connector::reply_kind::not_sent:
      return send_reject(self, req, reject_reason::venue_unreachable, reply.detail);
    case connector::reply_kind::unknown:
      ++st.unknown_outcomes;
      spdlog::warn("event=order_outcome_unknown id={} detail=\"{}\" action=query", req.id.value,
                   reply.detail);
      if (!resolve(self, req.id, req.sym))
        st.unresolved.emplace(req.id, req.sym);
      return;
  }
}

void on_cancel(connector_ptr self, const cancel_request& c) {
  auto reply = self->state.gateway->cancel_order(c.sym, c.id);
  note_rtt(self, reply);
  if (reply.ok())
    send_reports(self, self->state.tracker.on_query_result(reply.value, wall_clock_now()));
  // A refused cancel (already filled or canceled) is settled by the next poll.
}

void poll(connector_ptr self) {
  auto& st = self->state;
  ++st.polls;
  for (auto i = st.unresolved.begin(); i != st.unresolved.end();)
    i = resolve(self, i->first, i->second) ? st.unresolved.erase(i) : std::next(i);
  if (st.tracker.open_count() == 0)
    return;
  for (auto& sym : st.cfg.symbols) {
    auto open = st.gateway->open_orders(sym);
    if (!open.ok())
      continue;
    std::vector<client_order_id> gone;
    send_reports(self, st.tracker.on_open_orders(sym, open.value, wall_clock_now(), gone));
    for (auto& id : gone)
      resolve(self, id, sym);
  }
}

channel_result cancel_all(connector_ptr self, const kill_id& id) {
  auto started = monotonic_ns();
  channel_result r{id, self->state.cfg.self, "venue_cancel_all", true, 0, 0, 0, 0, ""};
  auto deadline = std::chrono::steady_clock::now() + self->state.cfg.cancel_all_deadline;
  for (auto& sym : self->state.cfg.symbols) {
    auto one = self->state.gateway->cancel_all(sym, deadline);
    r.orders_canceled += one.canceled;
    r.retries += one.retries;
    if (!one.verified_empty()) {
      r.ok = false;
      r.error += sym.str() + ": " + (one.error.empty() ? "open orders remain" : one.error) + "; ";
    }
    r.open_orders_after += one.remaining.value_or(0);
  }
  r.duration_ns = monotonic_ns() - started;
  poll(self); // the canceled orders' reports flow to the OMS now
  return r;
}

void start(connector_ptr self) {
  auto& st = self->state;
  st.gateway = std::make_unique<connector::binance_rest_gateway>(st.cfg.gateway);
  auto t = st.gateway->server_time();
  if (t.ok()) {
    st.gateway->set_time_offset_ms(t.value.offset_ms);
    spdlog::info("event=venue_clock offset_ms={} rtt_us={:.0f}", t.value.offset_ms,
                 t.value.rtt_ns / 1e3);
  } else {
    spdlog::error("event=venue_clock_failed detail=\"{}\"", t.detail);
  }
  auto slot = st.validator;
  st.stream = std::make_unique<connector::market_stream>(st.cfg.stream, [slot](const trade& tr) {
    if (auto v = slot->get())
      caf::anon_send(v, tr);
  });
  st.stream->start();
}

actor_stats stats(connector_ptr self) {
  auto& st = self->state;
  return actor_stats{"connector",
                     {{"orders_placed", st.orders_placed},
                      {"venue_rejects", st.venue_rejects},
                      {"unknown_outcomes", st.unknown_outcomes},
                      {"unresolved", static_cast<int64_t>(st.unresolved.size())},
                      {"open_tracked", static_cast<int64_t>(st.tracker.open_count())},
                      {"last_rtt_ns", st.last_rtt_ns},
                      {"max_rtt_ns", st.max_rtt_ns},
                      {"polls", st.polls},
                      {"stream_connected", st.stream && st.stream->connected() ? 1 : 0},
                      {"stream_frames", st.stream ? static_cast<int64_t>(st.stream->frames()) : 0},
                      {"stream_parse_errors",
                       st.stream ? static_cast<int64_t>(st.stream->parse_errors()) : 0},
                      {"stream_reconnects",
                       st.stream ? static_cast<int64_t>(st.stream->reconnects()) : 0}}};
}

caf::behavior connector_actor(connector_ptr self, connector_actor_config cfg) {
  self->state.cfg = std::move(cfg);
  start(self);
  self->send(self, poll_atom::value);
  return {
    [=](const order_request& req) { on_order(self, req); },
    [=](const cancel_request& c) { on_cancel(self, c); },
    [=](poll_atom) {
      poll(self);
      self->delayed_send(self, self->state.cfg.poll_interval, poll_atom::value);
    },
    [=](cancel_all_atom, const kill_id& id) { return cancel_all(self, id); },
    [=](const trading_state&) {},
    [=](wire_atom, const role_directory& dir) {
      self->state.oms = find_role(dir, "oms");
      self->state.validator->set(find_role(dir, "validator"));
    },
    [=](stats_atom) { return stats(self); },
  };
}

} // namespace

caf::actor spawn_connector(caf::actor_system& sys, connector_actor_config cfg) {
  return sys.spawn<caf::detached>(connector_actor, std::move(cfg));
}

} // namespace cwts
