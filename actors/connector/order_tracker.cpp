#include "actors/connector/order_tracker.hpp"

#include <algorithm>

namespace cwts::connector {

namespace {

execution_report make_report(const client_order_id& id, const order_tracker::state& s,
                             timestamp_ns ts_event, timestamp_ns now) {
  execution_report r;
  r.id = id;
  r.venue_id = s.venue_id;
  r.sym = s.sym;
  r.order_side = s.order_side;
  r.status = s.status;
  r.cum_qty = s.executed;
  // FIX: LeavesQty is 0 once the order is done (filled, canceled, expired).
  r.leaves_qty = is_terminal(s.status) ? qty{} : s.orig_qty - s.executed;
  r.ts_event = ts_event;
  r.ts_init = now;
  return r;
}

order_tracker::state initial_state(const venue_order& o) {
  order_tracker::state s;
  s.venue_id = o.order_id;
  s.sym = o.sym;
  s.order_side = o.order_side;
  s.orig_qty = o.orig_qty;
  s.status = order_status::pending_new;
  return s;
}

// Fills listed in a FULL reply, when they add up to executedQty exactly.
bool fills_consistent(const venue_order& o) {
  if (o.fills.empty())
    return false;
  qty sum;
  for (const auto& f : o.fills)
    sum += f.quantity;
  return sum == o.executed_qty;
}

} // namespace

const order_tracker::state* order_tracker::find(const client_order_id& id) const {
  auto it = open_.find(id);
  return it == open_.end() ? nullptr : &it->second;
}

void order_tracker::apply(state& s, const venue_order& o, timestamp_ns now,
                          std::vector<execution_report>& out) {
  auto delta_qty = o.executed_qty - s.executed;
  auto delta_quote = o.cumulative_quote_qty - s.cum_quote;
  if (o.status == s.status && !delta_qty.is_positive())
    return; // nothing new (a stale snapshot never moves an order backwards)
  execution_report r;
  if (delta_qty.is_positive()) {
    s.executed = o.executed_qty;
    s.cum_quote = o.cumulative_quote_qty;
  }
  s.status = o.status;
  r = make_report(o.client_id, s, o.update_time, now);
  if (delta_qty.is_positive()) {
    r.last_qty = delta_qty;
    // last_price = delta quote / delta qty (quantity-weighted over the
    // fills that happened between two polls).
    r.last_price = average_price(delta_quote, delta_qty).value_or(price{});
  }
  out.push_back(std::move(r));
}

std::vector<execution_report> order_tracker::on_order_response(const venue_order& o,
                                                               timestamp_ns now) {
  std::vector<execution_report> out;
  auto s = initial_state(o);
  s.placed_here = true;
  if (!o.has_details) {
    // ACK: accepted, nothing else known yet; polling fills in the rest.
    s.status = order_status::accepted;
    out.push_back(make_report(o.client_id, s, o.update_time, now));
    open_[o.client_id] = s;
    return out;
  }
  if (fills_consistent(o)) {
    for (std::size_t i = 0; i < o.fills.size(); ++i) {
      const auto& f = o.fills[i];
      s.executed += f.quantity;
      s.cum_quote += notional_of(f.px, f.quantity).value_or(notional{});
      bool last = i + 1 == o.fills.size();
      s.status = last ? o.status : order_status::partially_filled;
      auto r = make_report(o.client_id, s, o.update_time, now);
      r.last_qty = f.quantity;
      r.last_price = f.px;
      out.push_back(std::move(r));
    }
    // The venue's cumulative quote is authoritative for later deltas.
    s.cum_quote = o.cumulative_quote_qty;
  } else {
    apply(s, o, now, out);
  }
  if (!is_terminal(o.status))
    open_[o.client_id] = s;
  else
    note_closed(o.client_id);
  return out;
}

std::vector<execution_report>
order_tracker::on_open_orders(const symbol& sym, const std::vector<venue_order>& snapshot,
                              timestamp_ns now, std::vector<client_order_id>& disappeared) {
  std::vector<execution_report> out;
  for (const auto& o : snapshot) {
    auto it = open_.find(o.client_id);
    if (it != open_.end())
      apply(it->second, o, now, out);
  }
  for (const auto& [id, s] : open_) {
    if (s.sym != sym)
      continue;
    bool listed = std::any_of(snapshot.begin(), snapshot.end(),
                              [&](const venue_order& o) { return o.client_id == id; });
    if (!listed)
      disappeared.push_back(id);
  }
  return out;
}

void order_tracker::track(const venue_order& o) {
  if (is_terminal(o.status))
    return;
  auto s = initial_state(o);
  s.executed = o.executed_qty;
  s.cum_quote = o.cumulative_quote_qty;
  s.status = o.status;
  // Adopted: not this session's, unless its own place reply came first.
  if (auto it = open_.find(o.client_id); it != open_.end())
    s.placed_here = it->second.placed_here;
  open_[o.client_id] = s;
}

std::vector<execution_report> order_tracker::on_query_result(const venue_order& o,
                                                             timestamp_ns now) {
  std::vector<execution_report> out;
  auto it = open_.find(o.client_id);
  if (it == open_.end())
    return out;
  apply(it->second, o, now, out);
  if (is_terminal(it->second.status)) {
    open_.erase(it);
    note_closed(o.client_id);
  }
  return out;
}

void order_tracker::note_closed(const client_order_id& id) {
  if (!closed_.insert(id).second)
    return;
  closed_order_.push_back(id);
  if (closed_order_.size() > closed_kept) {
    closed_.erase(closed_order_.front());
    closed_order_.pop_front();
  }
}

namespace {

// Order of progress of a status; a report never moves an order to a lower rank.
int rank(order_status s) {
  switch (s) {
    case order_status::pending_new: return 0;
    case order_status::accepted: return 1;
    case order_status::partially_filled:
    case order_status::pending_cancel: return 2;
    default: return 3; // terminal
  }
}

} // namespace

order_tracker::event_effect
order_tracker::on_execution_event(const venue_order& o, qty last_qty, price last_price,
                                  timestamp_ns now, std::vector<execution_report>& out) {
  auto it = open_.find(o.client_id);
  if (it == open_.end())
    return closed_.count(o.client_id) != 0 ? event_effect::settled_order
                                            : event_effect::unknown_order;
  auto& s = it->second;
  if (o.executed_qty < s.executed || (o.executed_qty == s.executed && rank(o.status) < rank(s.status)))
    return event_effect::no_change;
  auto before = out.size();
  auto delta = o.executed_qty - s.executed;
  apply(s, o, now, out);
  if (out.size() == before)
    return event_effect::no_change;
  // One fill event seen right after the previous state: its exact price.
  if (delta.is_positive() && delta == last_qty && last_price.is_positive())
    out.back().last_price = last_price;
  if (is_terminal(s.status)) {
    open_.erase(it);
    note_closed(o.client_id);
  }
  return event_effect::reported;
}

} // namespace cwts::connector
