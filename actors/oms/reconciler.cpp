#include "actors/oms/reconciler.hpp"

#include <algorithm>
#include <map>

namespace cwts::oms {

namespace {

const venue_order_state* find_state(const std::vector<venue_order_state>& list,
                                    const client_order_id& id) {
  auto it = std::find_if(list.begin(), list.end(),
                         [&](const venue_order_state& v) { return v.id == id; });
  return it == list.end() ? nullptr : &*it;
}

// The report that moves `rec` to the venue's state `v`; nullopt when the two
// agree. A gap in fills becomes one fill at the quote-weighted price of the
// fills we missed.
std::optional<execution_report> catch_up(const order_record& rec, const venue_order_state& v,
                                         timestamp_ns now) {
  auto missed = v.executed_qty - rec.cum_qty;
  bool same_status = v.status == rec.status
                     || (rec.status == order_status::pending_cancel && !is_terminal(v.status));
  if (same_status && !missed.is_positive())
    return std::nullopt;
  execution_report r;
  r.id = rec.request.id;
  r.venue_id = v.venue_id;
  r.sym = rec.request.sym;
  r.venue = rec.request.venue;
  r.order_side = rec.request.order_side;
  r.status = v.status;
  r.cum_qty = v.executed_qty;
  r.leaves_qty = is_terminal(v.status) ? qty{} : v.orig_qty - v.executed_qty;
  if (missed.is_positive()) {
    r.last_qty = missed;
    r.last_price = average_price(v.cum_quote - rec.filled_notional, missed).value_or(v.limit_price);
  }
  r.text = "reconciliation";
  r.ts_event = v.update_time;
  r.ts_init = now;
  return r;
}


} // namespace

order_record venue_order_record(const venue_order_state& v, const venue_name& venue,
                                timestamp_ns at, std::string text) {
  order_record rec;
  auto& q = rec.request;
  q.id = v.id;
  q.venue = venue;
  q.strategy = adopted_strategy;
  q.sym = v.sym;
  q.order_side = v.order_side;
  q.type = v.type;
  q.tif = v.tif;
  q.limit_price = v.limit_price;
  q.quantity = v.orig_qty;
  q.ts_init = v.update_time;
  rec.status = v.status;
  rec.venue_status = v.status;
  rec.acknowledged = true;
  rec.venue_id = v.venue_id;
  rec.cum_qty = v.executed_qty;
  rec.leaves_qty = is_terminal(v.status) ? qty{} : v.orig_qty - v.executed_qty;
  rec.filled_notional = v.cum_quote;
  if (v.executed_qty.is_positive())
    rec.avg_fill_price = average_price(v.cum_quote, v.executed_qty).value_or(v.limit_price);
  rec.entered_at[index_of(order_status::pending_new)] = at;
  rec.entered_at[index_of(v.status)] = at;
  rec.last_update = at;
  rec.last_text = std::move(text);
  return rec;
}

reconciliation_plan plan_reconciliation(const order_store& store, const venue_snapshot& snap,
                                        timestamp_ns now) {
  reconciliation_plan plan;
  for (const auto* rec : store.live_orders()) {
    if (rec->request.venue != snap.venue)
      continue; // another venue's connector reconciles it
    const auto& id = rec->request.id;
    const auto* v = find_state(snap.open_orders, id);
    if (v == nullptr)
      v = find_state(snap.ended, id);
    if (v == nullptr) {
      bool unknown = std::find(snap.unknown_at_venue.begin(), snap.unknown_at_venue.end(), id)
                     != snap.unknown_at_venue.end();
      if (unknown)
        plan.never_reached.push_back(order_reject{
          id, rec->request.sym, reject_reason::unknown_order,
          "reconciliation: the venue has no such order; it never reached the venue", now,
          snap.venue});
      else
        plan.unsettled.push_back(id);
      continue;
    }
    if (v->executed_qty < rec->cum_qty) {
      plan.contradictions.push_back("order " + id.value + ": journal filled "
                                    + rec->cum_qty.to_string() + ", venue only "
                                    + v->executed_qty.to_string());
      continue;
    }
    if (auto rep = catch_up(*rec, *v, now))
      plan.reports.push_back(std::move(*rep));
    if (rec->status == order_status::pending_cancel && !is_terminal(v->status))
      plan.cancels_to_resend.push_back(cancel_request{id, rec->request.sym, now, snap.venue});
  }
  for (const auto& v : snap.open_orders)
    if (store.find(v.id) == nullptr)
      plan.adopted.push_back(venue_order_record(v, snap.venue, now, "adopted by reconciliation"));
  return plan;
}

std::string position_check::summary() const {
  std::string out;
  for (auto& d : unexplained)
    out += d.asset + " expected " + d.expected.to_string() + " venue "
           + d.actual.to_string() + "; ";
  return out;
}

position_check check_positions(const position_baseline& baseline,
                               const std::vector<journaled_fill>& fills,
                               const venue_snapshot& snap, qty tolerance) {
  std::map<symbol, std::string> base_of;
  for (auto& a : snap.assets)
    base_of[a.sym] = a.base;
  std::map<std::string, qty> expected;
  for (auto& [sym, base] : base_of)
    expected[base] = qty{};
  for (auto& b : baseline.amounts)
    if (expected.count(b.asset))
      expected[b.asset] = b.free + b.locked;
  for (auto& f : fills) {
    auto base = base_of.find(f.sym);
    if (base == base_of.end())
      continue; // a symbol this node no longer trades: not part of the check
    auto& e = expected[base->second];
    e = f.order_side == side::buy ? e + f.quantity : e - f.quantity;
  }
  position_check out;
  for (auto& [asset, want] : expected) {
    qty have;
    for (auto& b : snap.balances)
      if (b.asset == asset)
        have = b.free + b.locked;
    out.holdings.push_back(asset_balance{asset, have, qty{}});
    auto diff = have - want;
    if (diff.raw < 0)
      diff = qty{} - diff;
    if (diff > tolerance)
      out.unexplained.push_back(position_difference{asset, want, have});
  }
  return out;
}

} // namespace cwts::oms
