#include "actors/risk/position_book.hpp"

#include <algorithm>
#include <limits>

namespace cwts::risk {

namespace {

__int128 abs128(__int128 v) { return v < 0 ? -v : v; }

// Half away from zero; both operands here are non-negative, so half up.
__int128 divide_rounded(__int128 num, __int128 den) { return (num + den / 2) / den; }

} // namespace

position_book::position_book(size_t remembered_terminal_orders)
  : remembered_limit_(remembered_terminal_orders) {
}

void position_book::remember_terminal(const client_order_id& id) {
  if (remembered_limit_ == 0 || !terminal_ids_.insert(id).second)
    return;
  terminal_order_.push_back(id);
  if (terminal_order_.size() > remembered_limit_) {
    terminal_ids_.erase(terminal_order_.front());
    terminal_order_.pop_front();
  }
}

int64_t position_book::narrow(__int128 value) {
  if (value > std::numeric_limits<int64_t>::max()) {
    ++overflows_;
    return std::numeric_limits<int64_t>::max();
  }
  if (value < std::numeric_limits<int64_t>::min()) {
    ++overflows_;
    return std::numeric_limits<int64_t>::min();
  }
  return static_cast<int64_t>(value);
}

void position_book::on_order_sent(const order_request& req, price market_reference) {
  auto [it, inserted] = orders_.try_emplace(req.id);
  if (!inserted)
    return; // the OMS refuses duplicate ids; never count one twice here
  auto& order = it->second;
  order.sym = req.sym;
  order.strategy = req.strategy;
  order.account = req.account;
  order.valued_at = req.type == order_type::limit ? req.limit_price : market_reference;
  order.order_side = req.order_side;
  order.ordered = req.quantity;
  set_exposure(positions_[req.sym], order, req.quantity, false);
}

report_effect position_book::on_execution_report(const execution_report& rep) {
  auto it = orders_.find(rep.id);
  if (it == orders_.end() && terminal_ids_.count(rep.id) != 0) {
    ++late_reports_;
    return report_effect{};
  }
  if (it == orders_.end()) {
    // Not sent through this book (e.g. placed before a restart): still track
    // it, positions must follow what the venue says happened.
    it = orders_.try_emplace(rep.id).first;
    it->second.sym = rep.sym;
    it->second.order_side = rep.order_side;
    it->second.ordered = rep.cum_qty + rep.leaves_qty;
    if (auto j = journaled_cum_.find(rep.id); j != journaled_cum_.end())
      it->second.cum = j->second; // already in the position (restore_fills)
  }
  auto& order = it->second;
  auto& pos = positions_[order.sym];
  report_effect effect{order.strategy, order.account, qty{}, is_terminal(rep.status)};
  qty fill = rep.cum_qty - order.cum;
  if (fill.is_positive()) {
    apply_fill(pos, order.order_side, fill, rep.last_price);
    order.cum = rep.cum_qty;
    effect.fill = fill;
  }
  qty remaining = effect.terminal ? qty{} : std::max(qty{}, order.ordered - order.cum);
  bool acknowledged = order.acknowledged || rep.status != order_status::pending_new;
  set_exposure(pos, order, remaining, acknowledged);
  if (effect.terminal) {
    remember_terminal(rep.id);
    orders_.erase(it);
  }
  return effect;
}

void position_book::restore_fills(const std::vector<journaled_fill>& fills) {
  for (auto& [sym, pos] : positions_) {
    pos.net = qty{};
    pos.avg_cost = price{};
    pos.realized_pnl = notional{};
    pos.bought = qty{};
    pos.sold = qty{};
  }
  journaled_cum_.clear();
  for (auto& f : fills) {
    if (!f.quantity.is_positive())
      continue;
    apply_fill(positions_[f.sym], f.order_side, f.quantity, f.px);
    journaled_cum_[f.id] += f.quantity;
  }
}

void position_book::restore_order(const order_request& req, qty cum_qty, bool acknowledged,
                                  price market_reference) {
  if (orders_.count(req.id) != 0)
    return;
  on_order_sent(req, market_reference);
  auto& order = orders_.at(req.id);
  order.cum = cum_qty;
  journaled_cum_.erase(req.id); // the tracked cum now says what was counted
  set_exposure(positions_[req.sym], order, req.quantity - cum_qty, acknowledged);
}

bool position_book::knows(const client_order_id& id) const {
  return orders_.count(id) != 0 || terminal_ids_.count(id) != 0;
}

void position_book::on_order_reject(const order_reject& rej) {
  if (rej.reason == reject_reason::duplicate_client_order_id)
    return;
  auto it = orders_.find(rej.id);
  if (it == orders_.end())
    return; // refused before it was sent: never counted
  set_exposure(positions_[it->second.sym], it->second, qty{}, it->second.acknowledged);
  remember_terminal(rej.id);
  orders_.erase(it);
}

void position_book::set_exposure(position& pos, tracked_order& order, qty remaining,
                                 bool acknowledged) {
  bool buy = order.order_side == side::buy;
  qty& old_bucket = order.acknowledged ? (buy ? pos.open_buy : pos.open_sell)
                                       : (buy ? pos.in_flight_buy : pos.in_flight_sell);
  old_bucket -= order.remaining;
  qty& new_bucket = acknowledged ? (buy ? pos.open_buy : pos.open_sell)
                                 : (buy ? pos.in_flight_buy : pos.in_flight_sell);
  new_bucket += remaining;
  // Credit: take out what this order's old remaining added, add the new one.
  // Both products use the same price, so the account total returns to
  // exactly zero when its orders are done.
  __int128 unit = order.valued_at.raw;
  __int128 before = unit * order.remaining.raw / decimal_scale;
  __int128 after = unit * remaining.raw / decimal_scale;
  if (before != after) {
    auto& used = account_exposure_[order.account];
    used = notional::from_raw(narrow(static_cast<__int128>(used.raw) - before + after));
  }
  order.remaining = remaining;
  order.acknowledged = acknowledged;
}

// Average cost is the quantity-weighted mean of the fills that built the
// current position, rounded half up to the price's 8 decimals. Reducing fills
// leave it unchanged; realized PnL of a reducing fill is
// (fill price - avg_cost) × closed qty (sign of the position), truncated
// toward zero at 8 decimals like cwts::notional_of. A fill that flips the
// position through zero realizes the closed part and opens the rest at the
// fill price.
void position_book::apply_fill(position& pos, side s, qty fill, price px) {
  __int128 net = pos.net.raw;
  __int128 delta = s == side::buy ? fill.raw : -static_cast<__int128>(fill.raw);
  (s == side::buy ? pos.bought : pos.sold) += fill;
  if (net == 0 || (net > 0) == (delta > 0)) {
    __int128 new_net = net + delta;
    __int128 cost = static_cast<__int128>(pos.avg_cost.raw) * abs128(net)
                    + static_cast<__int128>(px.raw) * abs128(delta);
    pos.avg_cost = price::from_raw(narrow(divide_rounded(cost, abs128(new_net))));
    pos.net = qty::from_raw(narrow(new_net));
    return;
  }
  __int128 closed = std::min(abs128(net), abs128(delta));
  __int128 per_unit = static_cast<__int128>(px.raw) - pos.avg_cost.raw;
  __int128 pnl = per_unit * closed / decimal_scale;
  pos.realized_pnl += notional::from_raw(narrow(net > 0 ? pnl : -pnl));
  __int128 new_net = net + delta;
  pos.net = qty::from_raw(narrow(new_net));
  if (new_net == 0)
    pos.avg_cost = price{};
  else if ((new_net > 0) != (net > 0))
    pos.avg_cost = px; // flipped: the rest opened at this fill's price
}

position position_book::get(const symbol& sym) const {
  if (auto i = positions_.find(sym); i != positions_.end())
    return i->second;
  return position{};
}

qty position_book::pending_qty(const symbol& sym, side s) const {
  auto i = positions_.find(sym);
  if (i == positions_.end())
    return qty{};
  const auto& p = i->second;
  return s == side::buy ? p.open_buy + p.in_flight_buy : p.open_sell + p.in_flight_sell;
}

qty position_book::pending_qty_of(const symbol& sym, side s, const strategy_id& strategy) const {
  qty out;
  for (const auto& [id, o] : orders_)
    if (o.sym == sym && o.order_side == s && o.strategy == strategy)
      out += o.remaining;
  return out;
}

notional position_book::account_exposure(const account_id& account) const {
  if (last_account_ != nullptr && last_account_->first == account)
    return last_account_->second;
  auto i = account_exposure_.find(account);
  if (i == account_exposure_.end())
    return notional{};
  last_account_ = &*i;
  return i->second;
}

const strategy_id* position_book::strategy_of(const client_order_id& id) const {
  auto i = orders_.find(id);
  return i == orders_.end() ? nullptr : &i->second.strategy;
}

notional position_book::total_pnl(const reference_prices& refs) const {
  __int128 total = 0;
  for (auto& [sym, pos] : positions_) {
    total += pos.realized_pnl.raw;
    auto mark = refs.get(sym);
    if (mark && !pos.net.is_zero())
      total += (static_cast<__int128>(mark->raw) - pos.avg_cost.raw) * pos.net.raw / decimal_scale;
  }
  if (total > std::numeric_limits<int64_t>::max())
    return notional::from_raw(std::numeric_limits<int64_t>::max());
  if (total < std::numeric_limits<int64_t>::min())
    return notional::from_raw(std::numeric_limits<int64_t>::min());
  return notional::from_raw(static_cast<int64_t>(total));
}

std::optional<notional> position_book::unrealized_pnl(const symbol& sym, price mark) const {
  auto p = get(sym);
  if (p.net.is_zero())
    return notional{};
  return notional_of(mark - p.avg_cost, p.net);
}

std::optional<notional> position_book::unrealized_pnl(const symbol& sym,
                                                      const reference_prices& refs) const {
  if (auto mark = refs.get(sym))
    return unrealized_pnl(sym, *mark);
  return std::nullopt;
}

} // namespace cwts::risk
