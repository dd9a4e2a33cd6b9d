#include "actors/connector/venue_session.hpp"

#include <algorithm>

#include "actors/connector/snapshot_support.hpp"
#include "actors/connector/stream_update.hpp"

namespace cwts::connector {

namespace {

order_reject reject(const order_request& req, reject_reason why, std::string text) {
  return order_reject{req.id, req.sym, why, std::move(text), wall_clock_now()};
}

venue_order_state to_state(const venue_order& o) {
  return venue_order_state{o.client_id,   o.order_id,    o.sym,
                           o.order_side,  o.type,        o.tif,
                           o.status,      o.limit_price, o.orig_qty,
                           o.executed_qty, o.cumulative_quote_qty, o.update_time};
}

} // namespace

order_reject venue_session::late_reject(const order_request& o, const std::string& where,
                                        const late_refusal& why) const {
  return reject(o, why.reason,
                why.detail.empty() ? "kill gate closed " + where : why.detail + " (" + where + ")");
}

venue_session::venue_session(gateway_config cfg, std::vector<symbol> symbols)
  : gateway_(std::move(cfg)), symbols_(std::move(symbols)) {
}

venue_reply<server_time_sample> venue_session::sync_clock() {
  auto t = gateway_.server_time();
  if (t.ok()) {
    gateway_.set_time_offset_ms(t.value.offset_ms);
    if (ws_)
      ws_->set_time_offset_ms(t.value.offset_ms);
    if (pipeline_)
      pipeline_->set_time_offset_ms(t.value.offset_ms);
  }
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
    // The request may still reach the venue until its recvWindow ran out.
    if (auto i = refused_after_ms_.find(id);
        i != refused_after_ms_.end() && wall_clock_now().ns / 1'000'000 <= i->second)
      return false;
    refused_after_ms_.erase(id);
    out.emplace_back(order_reject{id, sym, reject_reason::venue_unreachable,
                                  "outcome was unknown; the venue has no such order",
                                  wall_clock_now()});
    return true;
  }
  return false;
}

void venue_session::enable_ws_api(ws_api_config cfg) {
  ws_ = std::make_unique<ws_api_orders>(std::move(cfg));
  ws_->set_time_offset_ms(gateway_.time_offset_ms());
}

void venue_session::enable_ws_api_pipeline(ws_api_config cfg, ws_api_pipeline_config pipeline,
                                           ws_api_pipeline::done_fn on_done) {
  pipeline_ = std::make_unique<ws_api_pipeline>(std::move(cfg), pipeline, std::move(on_done));
  pipeline_->set_time_offset_ms(gateway_.time_offset_ms());
  pipeline_->set_admission(admits_);
  pipeline_->set_refusal_reason(why_refused_);
}

void venue_session::drop_queued(const std::vector<symbol>& which, const std::string& why) {
  if (pipeline_)
    pipeline_->drop_queued(
      [which](const order_request& o) {
        return std::find(which.begin(), which.end(), o.sym) != which.end();
      },
      why);
}

void venue_session::start_ws_api() {
  if (pipeline_)
    pipeline_->start();
}

void venue_session::stop_ws_api() {
  if (pipeline_)
    pipeline_->stop();
}

std::vector<session_output> venue_session::on_ws_api_done(ws_api_completion c) {
  std::vector<session_output> out;
  auto& reply = c.reply;
  if (c.call == ws_api_call::place) {
    if (c.gate_closed) {
      ++counters_.gate_refused_late;
      out.emplace_back(late_reject(c.order, "while queued for the WebSocket API", c.refusal));
      return out;
    }
    // Nothing left (the connection never opened): REST carries it, unless
    // a kill closed the gate meanwhile (up to connect_timeout later).
    if (reply.kind == reply_kind::not_sent && c.connect_failed) {
      ++counters_.ws_api_fallbacks;
      if (admits_ && !admits_(c.order)) {
        ++counters_.gate_refused_late;
        out.emplace_back(late_reject(c.order, "before the REST fallback",
                                     why_refused_ ? why_refused_(c.order) : late_refusal{}));
        return out;
      }
      ++counters_.orders_rest;
      reply = gateway_.place_order(c.order);
    } else {
      ++counters_.orders_ws_api;
    }
    if (reply.kind == reply_kind::unknown && c.refused_after_ms > 0)
      refused_after_ms_[c.order.id] = c.refused_after_ms;
    note_rtt(reply);
    settle_place(c.order, reply, out);
    count_unresolved();
    return out;
  }
  // A cancel the WebSocket API did not carry, or whose answer never came,
  // goes again over REST (repeating a cancel is harmless): otherwise the
  // OMS's order could stay pending_cancel. Not after a stop (a level-4 cut
  // sends nothing; the reconciliation after the reset settles it).
  bool retry = !c.stopped && (reply.kind == reply_kind::not_sent || reply.kind == reply_kind::unknown);
  if (retry) {
    if (c.connect_failed)
      ++counters_.ws_api_fallbacks;
    ++counters_.cancels_retried_rest;
    reply = gateway_.cancel_order(c.cancel.sym, c.cancel.id);
  }
  note_rtt(reply);
  settle_cancel(reply, out);
  return out;
}

// A refused cancel (already filled or canceled) is settled by the next poll.
void venue_session::settle_cancel(const venue_reply<venue_order>& reply,
                                  std::vector<session_output>& out) {
  if (reply.ok())
    append(out, tracker_.on_query_result(reply.value, wall_clock_now()));
}

venue_reply<venue_order> venue_session::send_place(const order_request& req) {
  if (ws_) {
    auto r = ws_->place_order(req);
    // not_sent with the connection down: nothing left, REST may carry it.
    if (r.kind != reply_kind::not_sent || ws_->connected()) {
      ++counters_.orders_ws_api;
      return r;
    }
    ++counters_.ws_api_fallbacks;
  }
  ++counters_.orders_rest;
  return gateway_.place_order(req);
}

venue_reply<venue_order> venue_session::send_cancel(const cancel_request& c) {
  if (ws_) {
    auto r = ws_->cancel_order(c.sym, c.id);
    if (r.kind != reply_kind::not_sent || ws_->connected())
      return r;
    ++counters_.ws_api_fallbacks;
  }
  return gateway_.cancel_order(c.sym, c.id);
}

std::vector<session_output> venue_session::place(const order_request& req, bool gate_open) {
  std::vector<session_output> out;
  if (!gate_open) {
    out.emplace_back(reject(req, reject_reason::kill_gate_closed, "kill gate closed at the gateway"));
    return out;
  }
  if (pipeline_) {
    pipeline_->place(req); // its end: on_ws_api_done
    return out;
  }
  auto reply = send_place(req);
  note_rtt(reply);
  settle_place(req, reply, out);
  count_unresolved();
  return out;
}

void venue_session::settle_place(const order_request& req, const venue_reply<venue_order>& reply,
                                 std::vector<session_output>& out) {
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
}

std::vector<session_output> venue_session::cancel(const cancel_request& c) {
  std::vector<session_output> out;
  if (pipeline_) {
    pipeline_->cancel(c);
    return out;
  }
  auto reply = send_cancel(c);
  note_rtt(reply);
  settle_cancel(reply, out);
  return out;
}

std::vector<session_output> venue_session::poll() {
  std::vector<session_output> out;
  ++counters_.polls;
  for (auto i = unresolved_.begin(); i != unresolved_.end();)
    i = resolve(i->first, i->second, out) ? unresolved_.erase(i) : std::next(i);
  for (auto i = refused_after_ms_.begin(); i != refused_after_ms_.end();)
    i = unresolved_.count(i->first) ? std::next(i) : refused_after_ms_.erase(i);
  count_unresolved();
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
  for (auto& o : out)
    counters_.poll_reports += std::holds_alternative<execution_report>(o) ? 1 : 0;
  return out;
}

std::vector<session_output> venue_session::on_execution(const execution_event& e) {
  std::vector<session_output> out;
  ++counters_.stream_events;
  append(out, apply_stream_update(tracker_, to_venue_order(e), e.last_qty, e.last_price,
                                  wall_clock_now(), unresolved_, counters_,
                                  counters_.stream_resolved));
  return out;
}

void venue_session::on_balances(const account_position& p) {
  ++counters_.balance_updates;
  for (auto& b : p.balances)
    balances_[b.asset] = b;
  counters_.balance_assets = static_cast<int64_t>(balances_.size());
}

void venue_session::on_balance_delta(const balance_delta&) {
  ++counters_.balance_deltas;
}

channel_result venue_session::cancel_all(const kill_id& id, const node_id& self,
                                         const std::vector<symbol>& which,
                                         std::chrono::milliseconds deadline,
                                         std::vector<session_output>& out) {
  auto started = monotonic_ns();
  channel_result r{id, self, "venue_cancel_all", true, 0, 0, 0, 0, ""};
  auto until = std::chrono::steady_clock::now() + deadline;
  // Places of `which` not yet written are dropped and held back; those in
  // flight are waited for, so each is live at the venue before the DELETE
  // (and canceled by it) or surely not placed. Bounded by the deadline.
  bool quiet = true;
  if (pipeline_)
    quiet = pipeline_->quiesce(
      [which](const order_request& o) {
        return std::find(which.begin(), which.end(), o.sym) != which.end();
      },
      "kill " + id.value + ": cancel-all goes ahead of orders not yet sent", until);
  if (!quiet) {
    r.ok = false;
    r.error += "orders still in flight on the WebSocket API at the deadline; ";
  }
  for (auto& sym : which) {
    auto one = gateway_.cancel_all(sym, until);
    r.orders_canceled += one.canceled;
    r.retries += one.retries;
    if (!one.verified_empty()) {
      r.ok = false;
      r.error += sym.str() + ": " + (one.error.empty() ? "open orders remain" : one.error) + "; ";
    }
    r.open_orders_after += one.remaining.value_or(0);
  }
  if (pipeline_)
    pipeline_->resume();
  r.duration_ns = monotonic_ns() - started;
  // The canceled orders' final states flow to the OMS from here.
  auto settled = poll();
  out.insert(out.end(), settled.begin(), settled.end());
  return r;
}

channel_result venue_session::cancel_own(const kill_id& id, const node_id& self,
                                         const std::vector<symbol>& which,
                                         std::chrono::milliseconds deadline,
                                         std::vector<session_output>& out) {
  auto started = monotonic_ns();
  channel_result r{id, self, "venue_cancel_own", true, 0, 0, 0, 0, ""};
  auto until = std::chrono::steady_clock::now() + deadline;
  auto in_scope = [which](const symbol& s) {
    return std::find(which.begin(), which.end(), s) != which.end();
  };
  // As in cancel_all: no place of `which` lands after the cancels.
  bool quiet = true;
  if (pipeline_)
    quiet = pipeline_->quiesce([in_scope](const order_request& o) { return in_scope(o.sym); },
                               "kill " + id.value + ": cancel goes ahead of orders not yet sent",
                               until);
  if (!quiet) {
    r.ok = false;
    r.error += "orders still in flight on the WebSocket API at the deadline; ";
  }
  // Ours only: placed by this session and open in the tracker (never those
  // a reconciliation adopted from the shared account), or placed with an
  // outcome still unknown.
  std::vector<cancel_request> mine;
  for (auto& c : tracker_.placed_open_orders())
    if (in_scope(c.sym))
      mine.push_back(c);
  for (auto& [oid, sym] : unresolved_)
    if (in_scope(sym))
      mine.push_back(cancel_request{oid, sym, {}, {}});
  for (auto& c : mine) {
    if (std::chrono::steady_clock::now() >= until) {
      r.ok = false;
      r.error += c.id.value + ": deadline passed before its cancel; ";
      continue;
    }
    // REST, answered here (the WebSocket API's cancels end asynchronously).
    auto reply = gateway_.cancel_order(c.sym, c.id);
    note_rtt(reply);
    if (reply.ok()) {
      ++r.orders_canceled;
      settle_cancel(reply, out);
    } else if (reply.kind == reply_kind::rejected
               && (reply.error.code == code_unknown_order_sent
                   || reply.error.code == code_no_such_order)) {
      // Already ended (filled, canceled) or never placed: the poll below settles it.
    } else {
      r.ok = false;
      r.error += c.id.value + ": " + to_string(reply.kind) + " "
                 + (reply.kind == reply_kind::rejected
                      ? std::to_string(reply.error.code) + " " + reply.error.msg
                      : reply.detail)
                 + "; ";
    }
  }
  if (pipeline_)
    pipeline_->resume();
  auto settled = poll();
  out.insert(out.end(), settled.begin(), settled.end());
  for (auto& c : mine)
    if (tracker_.find(c.id) != nullptr || unresolved_.count(c.id) != 0)
      ++r.open_orders_after;
  if (r.open_orders_after > 0)
    r.ok = false;
  r.duration_ns = monotonic_ns() - started;
  return r;
}

bool venue_session::open_orders_unchanged(venue_snapshot& snap) {
  size_t seen = 0;
  for (auto& sym : symbols_) {
    auto again = gateway_.open_orders(sym);
    ++snap.requests;
    if (!again.ok())
      return false;
    for (auto& o : again.value) {
      if (!open_and_unchanged(snap, o.client_id, o.executed_qty))
        return false;
      ++seen;
    }
  }
  return seen == snap.open_orders.size();
}

venue_snapshot venue_session::snapshot(const reconcile_orders& req) {
  auto started = monotonic_ns();
  venue_snapshot snap;
  snap.round = req.round;
  snap.complete = true;
  for (auto& sym : symbols_) {
    auto open = gateway_.open_orders(sym);
    ++snap.requests;
    note_rtt(open);
    if (!open.ok()) {
      note_failure(snap, "openOrders " + sym.str(), open.detail);
      continue;
    }
    for (auto& o : open.value) {
      tracker_.track(o);
      snap.open_orders.push_back(to_state(o));
    }
    auto assets = gateway_.assets_of(sym);
    ++snap.requests;
    if (assets.ok())
      snap.assets.push_back(assets.value);
    else
      note_failure(snap, "exchangeInfo " + sym.str(), assets.detail);
  }
  for (auto& order : req.live) {
    bool listed = std::any_of(snap.open_orders.begin(), snap.open_orders.end(),
                              [&](const venue_order_state& o) { return o.id == order.id; });
    if (listed)
      continue;
    auto q = gateway_.query_order(order.sym, order.id);
    ++snap.requests;
    if (q.ok()) {
      tracker_.track(q.value);
      snap.ended.push_back(to_state(q.value));
    } else if (q.kind == reply_kind::rejected && q.error.code == code_no_such_order) {
      snap.unknown_at_venue.push_back(order.id);
    } else {
      note_failure(snap, "order " + order.id.value, q.detail);
    }
  }
  auto balances = gateway_.account_balances();
  ++snap.requests;
  if (balances.ok())
    snap.balances = std::move(balances.value);
  else
    note_failure(snap, "account", balances.detail);
  // Balances must match the orders: a fill between the order queries and
  // the account query would show in one and not the other. The open orders
  // are read again; any change makes the snapshot incomplete (asked again).
  if (snap.complete && !open_orders_unchanged(snap))
    note_failure(snap, "snapshot", "orders filled while it was taken");
  counters_.open_tracked = static_cast<int64_t>(tracker_.open_count());
  snap.duration_ns = monotonic_ns() - started;
  snap.taken_at = wall_clock_now();
  return snap;
}

order_history_answer venue_session::order_history(const order_history_query& q) {
  order_history_answer a;
  a.round = q.round;
  a.supported = true;
  a.complete = true;
  int page = std::clamp(q.page, 1, 1000); // Binance's allOrders limit
  for (auto& sym : symbols_) {
    auto all = gateway_.all_orders(sym, page, q.since.millis()); // 0: the newest page
    ++a.requests;
    note_rtt(all);
    if (!all.ok()) {
      a.complete = false;
      a.error += (a.error.empty() ? "" : "; ") + ("allOrders " + sym.str() + ": " + all.detail);
      continue;
    }
    for (auto& o : all.value)
      a.orders.push_back(to_state(o));
  }
  return a;
}

} // namespace cwts::connector
