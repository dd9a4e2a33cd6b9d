#include "actors/oms/order_traces.hpp"

namespace cwts::oms {

trace::trace_context order_traces::sent(const order_request& req, int64_t entered_ns,
                                        int64_t now_ns) {
  auto ctx = trace::record(req.trace, trace::hop::oms_send, req.id.value, entered_ns, now_ns);
  if (!ctx.sampled())
    return ctx;
  if (by_id_.size() >= max_ && !by_id_.count(req.id))
    by_id_.erase(by_id_.begin());
  by_id_[req.id] = entry{ctx, now_ns, false};
  return ctx;
}

void order_traces::changed(const client_order_id& id, order_status now, bool fill,
                           int64_t received_ns, int64_t now_ns) {
  auto it = by_id_.find(id);
  if (it == by_id_.end())
    return;
  auto& e = it->second;
  const auto& v = id.value;
  if (!e.answered) {
    e.answered = true;
    trace::record(e.ctx, trace::hop::venue_ack, v, e.sent_ns, now_ns);
  }
  auto from = received_ns > 0 ? received_ns : now_ns;
  if (fill)
    trace::record(e.ctx, trace::hop::fill, v, from, now_ns);
  if (now == order_status::canceled)
    trace::record(e.ctx, trace::hop::cancel, v, from, now_ns);
  else if (now == order_status::rejected)
    trace::record(e.ctx, trace::hop::reject, v, from, now_ns);
  if (is_terminal(now))
    by_id_.erase(it);
}

void order_traces::killed(const client_order_id& id, int64_t started_ns, int64_t now_ns) {
  if (auto it = by_id_.find(id); it != by_id_.end())
    trace::record(it->second.ctx, trace::hop::kill, id.value, started_ns, now_ns);
}

void order_traces::refused(const order_request& req, int64_t now_ns) {
  auto it = by_id_.find(req.id);
  auto& ctx = it != by_id_.end() ? it->second.ctx : req.trace;
  trace::record(ctx, trace::hop::reject, req.id.value, now_ns, now_ns);
  if (it != by_id_.end())
    by_id_.erase(it);
}

} // namespace cwts::oms
