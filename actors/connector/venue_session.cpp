#include "actors/connector/venue_session.hpp"

#include <algorithm>

namespace cwts::connector {

namespace {

order_reject reject(const order_request& req, reject_reason why, std::string text) {
  return order_reject{req.id, req.sym, why, std::move(text), wall_clock_now()};
}

} // namespace

venue_session::venue_session(gateway_config cfg, std::vector<symbol> symbols)
  : gateway_(std::move(cfg)), symbols_(std::move(symbols)) {
}

venue_reply<server_time_sample> venue_session::sync_clock() {
  auto t = gateway_.server_time();
  if (t.ok())
    gateway_.set_time_offset_ms(t.value.offset_ms);
  return t;
}

template <class T>
void venue_session::note_rtt(const venue_reply<T>& reply) {
  counters_.last_rtt_ns = reply.rtt_ns;
  if (reply.rtt_ns > counters_.max_rtt_ns)
    counters_.max_rtt_ns = reply.rtt_ns;
}

void venue_session::append(std::vector<session_output>& out, std::vector<execution_report> reports) {
  for (auto& r : reports)
    out.emplace_back(std::move(r));
  counters_.open_tracked = static_cast<int64_t>(tracker_.open_count());
}

bool venue_session::resolve(const client_order_id& id, const symbol& sym,
                            std::vector<session_output>& out) {
  auto q = gateway_.query_order(sym, id);
  if (q.ok()) {
    append(out, tracker_.on_query_result(q.value, wall_clock_now()));
    return true;
  }
  if (q.kind == reply_kind::rejected && q.error.code == code_no_such_order) {
    out.emplace_back(order_reject{id, sym, reject_reason::venue_unreachable,
                                  "outcome was unknown; the venue has no such order",
                                  wall_clock_now()});
    return true;
  }
  return false;
}

std::vector<session_output> venue_session::place(const order_request& req, bool gate_open) {
  std::vector<session_output> out;
  if (!gate_open) {
    out.emplace_back(reject(req, reject_reason::kill_gate_closed, "kill gate closed at the gateway"));
    return out;
  }
  auto reply = gateway_.place_order(req);
  note_rtt(reply);
  switch (reply.kind) {
    case reply_kind::ok:
      ++counters_.orders_placed;
      append(out, tracker_.on_order_response(reply.value, wall_clock_now()));
      break;
    case reply_kind::rejected:
      ++counters_.venue_rejects;
      out.emplace_back(reject(req, reject_reason::venue_rejected,
                              "code=" + std::to_string(reply.error.code) + " msg=" + reply.error.msg));
      break;
    case reply_kind::not_sent:
      out.emplace_back(reject(req, reject_reason::venue_unreachable, reply.detail));
      break;
    case reply_kind::unknown:
      ++counters_.unknown_outcomes;
      if (!resolve(req.id, req.sym, out))
        unresolved_.emplace(req.id, req.sym);
      break;
  }
  counters_.unresolved = static_cast<int64_t>(unresolved_.size());
  return out;
}

std::vector<session_output> venue_session::cancel(const cancel_request& c) {
  std::vector<session_output> out;
  auto reply = gateway_.cancel_order(c.sym, c.id);
  note_rtt(reply);
  // A refused cancel (already filled or canceled) is settled by the next poll.
  if (reply.ok())
    append(out, tracker_.on_query_result(reply.value, wall_clock_now()));
  return out;
}

std::vector<session_output> venue_session::poll() {
  std::vector<session_output> out;
  ++counters_.polls;
  for (auto i = unresolved_.begin(); i != unresolved_.end();)
    i = resolve(i->first, i->second, out) ? unresolved_.erase(i) : std::next(i);
  counters_.unresolved = static_cast<int64_t>(unresolved_.size());
  if (tracker_.open_count() == 0)
    return out;
  for (auto& sym : symbols_) {
    auto open = gateway_.open_orders(sym);
    if (!open.ok())
      continue;
    std::vector<client_order_id> gone;
    append(out, tracker_.on_open_orders(sym, open.value, wall_clock_now(), gone));
    for (auto& id : gone)
      resolve(id, sym, out);
  }
  return out;
}

channel_result venue_session::cancel_all(const kill_id& id, const node_id& self,
                                         std::chrono::milliseconds deadline,
                                         std::vector<session_output>& out) {
  auto started = monotonic_ns();
  channel_result r{id, self, "venue_cancel_all", true, 0, 0, 0, 0, ""};
  auto until = std::chrono::steady_clock::now() + deadline;
  for (auto& sym : symbols_) {
    auto one = gateway_.cancel_all(sym, until);
    r.orders_canceled += one.canceled;
    r.retries += one.retries;
    if (!one.verified_empty()) {
      r.ok = false;
      r.error += sym.str() + ": " + (one.error.empty() ? "open orders remain" : one.error) + "; ";
    }
    r.open_orders_after += one.remaining.value_or(0);
  }
  r.duration_ns = monotonic_ns() - started;
  // The canceled orders' final states flow to the OMS from here.
  auto settled = poll();
  out.insert(out.end(), settled.begin(), settled.end());
  return r;
}

} // namespace cwts::connector
