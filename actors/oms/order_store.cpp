#include "actors/oms/order_store.hpp"

#include <algorithm>

namespace cwts::oms {

const char* to_string(apply_outcome o) {
  switch (o) {
    case apply_outcome::applied: return "applied";
    case apply_outcome::duplicate: return "duplicate";
    case apply_outcome::illegal: return "illegal";
    case apply_outcome::unknown_order: return "unknown_order";
  }
  return "?";
}

std::optional<order_reject> order_store::submit(const order_request& req, timestamp_ns now) {
  auto [it, inserted] = orders_.try_emplace(req.id);
  if (!inserted) {
    order_reject rej;
    rej.id = req.id;
    rej.sym = req.sym;
    rej.venue = req.venue;
    rej.reason = reject_reason::duplicate_client_order_id;
    rej.detail = "client order id " + req.id.value + " already used";
    rej.ts_init = now;
    return rej;
  }
  auto& r = it->second;
  r.request = req;
  r.status = order_status::pending_new;
  r.leaves_qty = req.quantity;
  r.entered_at[index_of(order_status::pending_new)] = now;
  r.last_update = now;
  ++by_status_[index_of(order_status::pending_new)];
  live_by_symbol_[req.sym].insert(req.id);
  return std::nullopt;
}

bool order_store::restore(const order_record& rec) {
  auto [it, inserted] = orders_.try_emplace(rec.request.id, rec);
  if (!inserted)
    return false;
  ++by_status_[index_of(rec.status)];
  if (rec.is_live())
    live_by_symbol_[rec.request.sym].insert(rec.request.id);
  return true;
}

order_update order_store::apply(const execution_report& rep) {
  auto it = orders_.find(rep.id);
  if (it == orders_.end())
    return unknown(rep.id, rep.sym, "execution report");
  auto& r = it->second;
  auto t = machine_.on_report(r, rep);
  if (t.outcome == verdict::duplicate)
    return make_update(r, apply_outcome::duplicate);
  if (t.outcome == verdict::illegal) {
    auto u = make_update(r, apply_outcome::illegal);
    u.error = t.error;
    u.detail = std::string(to_string(t.error)) + ": report " + to_string(rep.status) + " cum "
               + rep.cum_qty.to_string() + " for order in " + to_string(r.status) + " cum "
               + r.cum_qty.to_string();
    return u;
  }
  auto previous = r.status;
  if (rep.venue_id.value != 0)
    r.venue_id = rep.venue_id;
  r.venue_status = rep.status;
  r.acknowledged = r.acknowledged || rep.status != order_status::rejected;
  r.last_text = rep.text;
  r.cum_qty = rep.cum_qty;
  if (t.fill.is_positive())
    record_fill(r, t.fill, rep.last_price);
  r.leaves_qty = is_terminal(t.next) ? qty{} : r.request.quantity - r.cum_qty;
  enter(r, t.next, rep.ts_init.ns != 0 ? rep.ts_init : rep.ts_event);
  auto u = make_update(r, apply_outcome::applied);
  u.previous = previous;
  u.fill_qty = t.fill;
  u.fill_price = t.fill.is_positive() ? rep.last_price : price{};
  return u;
}

order_update order_store::apply(const order_reject& rej) {
  auto it = orders_.find(rej.id);
  if (it == orders_.end())
    return unknown(rej.id, rej.sym, "order reject");
  auto& r = it->second;
  if (rej.reason == reject_reason::duplicate_client_order_id) {
    // Refuses a second order under this id; the original is untouched.
    auto u = make_update(r, apply_outcome::duplicate);
    u.detail = "duplicate-id reject concerns a second order; original unchanged";
    return u;
  }
  auto t = machine_.on_send_failure(r);
  if (t.outcome != verdict::apply) {
    auto u = make_update(r, apply_outcome::illegal);
    u.error = t.error;
    u.detail = std::string(to_string(t.error)) + ": reject for order in " + to_string(r.status);
    return u;
  }
  auto previous = r.status;
  r.last_text = rej.detail;
  r.leaves_qty = qty{};
  enter(r, order_status::rejected, rej.ts_init);
  auto u = make_update(r, apply_outcome::applied);
  u.previous = previous;
  return u;
}

std::optional<cancel_request> order_store::request_cancel(const client_order_id& id,
                                                          timestamp_ns now) {
  auto it = orders_.find(id);
  if (it == orders_.end())
    return std::nullopt;
  auto& r = it->second;
  if (machine_.on_cancel_request(r).outcome != verdict::apply)
    return std::nullopt;
  enter(r, order_status::pending_cancel, now);
  return cancel_request{r.request.id, r.request.sym, now, r.request.venue};
}

order_update order_store::cancel_rejected(const client_order_id& id, timestamp_ns now) {
  auto it = orders_.find(id);
  if (it == orders_.end())
    return unknown(id, symbol{}, "cancel reject");
  auto& r = it->second;
  auto t = machine_.on_cancel_reject(r);
  if (t.outcome != verdict::apply) {
    auto u = make_update(r, apply_outcome::illegal);
    u.error = t.error;
    u.detail = std::string(to_string(t.error)) + ": cancel reject for order in "
               + to_string(r.status);
    return u;
  }
  auto previous = r.status;
  enter(r, t.next, now);
  auto u = make_update(r, apply_outcome::applied);
  u.previous = previous;
  return u;
}

// Orders already pending_cancel get their cancel sent again: the first one
// may be lost, and a kill must leave nothing open (DESIGN.md kill level 2).
std::vector<order_store::marked_cancel>
order_store::mark_all_pending_cancel(const std::function<bool(const order_request&)>& in_scope,
                                     timestamp_ns now) {
  std::vector<marked_cancel> out;
  for (const auto* live : live_orders()) {
    if (!in_scope(live->request))
      continue;
    auto& r = orders_.at(live->request.id);
    auto previous = r.status;
    if (previous != order_status::pending_cancel)
      enter(r, order_status::pending_cancel, now);
    out.push_back(marked_cancel{cancel_request{r.request.id, r.request.sym, now, r.request.venue}, previous});
  }
  return out;
}

const order_record* order_store::find(const client_order_id& id) const {
  auto it = orders_.find(id);
  return it == orders_.end() ? nullptr : &it->second;
}

std::vector<const order_record*> order_store::live_orders() const {
  std::vector<const order_record*> out;
  for (const auto& [sym, ids] : live_by_symbol_)
    for (const auto& id : ids)
      out.push_back(&orders_.at(id));
  return sorted(std::move(out));
}

std::vector<const order_record*> order_store::live_orders(const symbol& sym) const {
  std::vector<const order_record*> out;
  if (auto it = live_by_symbol_.find(sym); it != live_by_symbol_.end())
    for (const auto& id : it->second)
      out.push_back(&orders_.at(id));
  return sorted(std::move(out));
}

size_t order_store::purge_terminal(timestamp_ns cutoff) {
  size_t dropped = 0;
  for (auto it = orders_.begin(); it != orders_.end();) {
    if (!it->second.is_live() && it->second.last_update < cutoff) {
      --by_status_[index_of(it->second.status)];
      it = orders_.erase(it);
      ++dropped;
    } else {
      ++it;
    }
  }
  return dropped;
}

order_update order_store::make_update(const order_record& r, apply_outcome outcome) const {
  order_update u;
  u.outcome = outcome;
  u.id = r.request.id;
  u.sym = r.request.sym;
  u.order_side = r.request.order_side;
  u.previous = r.status;
  u.current = r.status;
  u.cum_qty = r.cum_qty;
  u.leaves_qty = r.leaves_qty;
  return u;
}

order_update order_store::unknown(const client_order_id& id, const symbol& sym, const char* what) {
  ++unknown_inputs_;
  order_update u;
  u.outcome = apply_outcome::unknown_order;
  u.error = transition_error::unknown_order;
  u.id = id;
  u.sym = sym;
  u.detail = std::string(what) + " for unknown client order id " + id.value;
  return u;
}

void order_store::enter(order_record& r, order_status next, timestamp_ns at) {
  r.last_update = at;
  if (next == r.status)
    return;
  --by_status_[index_of(r.status)];
  ++by_status_[index_of(next)];
  r.status = next;
  r.entered_at[index_of(next)] = at;
  if (is_terminal(next)) {
    auto it = live_by_symbol_.find(r.request.sym);
    if (it != live_by_symbol_.end()) {
      it->second.erase(r.request.id);
      if (it->second.empty())
        live_by_symbol_.erase(it);
    }
  }
}

// Average fill price = sum of fill notionals / cum_qty; each fill's notional
// is truncated at 8 decimals (cwts::notional_of), the mean is truncated by
// cwts::average_price. Kept on overflow at the last representable mean.
void order_store::record_fill(order_record& r, qty fill, price px) {
  if (auto value = notional_of(px, fill))
    r.filled_notional += *value;
  if (auto avg = average_price(r.filled_notional, r.cum_qty))
    r.avg_fill_price = *avg;
}

std::vector<const order_record*>
order_store::sorted(std::vector<const order_record*> v) const {
  std::sort(v.begin(), v.end(), [](const order_record* a, const order_record* b) {
    auto ta = a->entered_at[index_of(order_status::pending_new)];
    auto tb = b->entered_at[index_of(order_status::pending_new)];
    if (ta != tb)
      return ta < tb;
    return a->request.id < b->request.id;
  });
  return v;
}

} // namespace cwts::oms
