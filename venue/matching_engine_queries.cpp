// Cancel, query and book inspection: the parts of matching_engine that never
// execute trades.
#include "venue/matching_engine.hpp"

#include <algorithm>

namespace cwts::venue {

const order* matching_engine::find_order(const std::string& account, symbol sym,
                                         const order_key& key) const {
  int64_t id = 0;
  if (key.order_id) {
    id = *key.order_id;
  } else {
    auto acc = client_ids_.find(account);
    if (acc == client_ids_.end()) return nullptr;
    auto it = acc->second.find(key.orig_client_order_id);
    if (it == acc->second.end()) return nullptr;
    id = it->second;
  }
  auto it = orders_.find(id);
  if (it == orders_.end()) return nullptr;
  const order& o = it->second;
  // An account never sees another account's or the venue's orders.
  if (o.venue_owned || o.account != account || o.sym != sym) return nullptr;
  // Binance: when both are sent, orderId is used and must match the client id.
  if (key.order_id && !key.orig_client_order_id.empty()
      && o.client_order_id != key.orig_client_order_id)
    return nullptr;
  return &o;
}

order_result matching_engine::cancel_in_book(const std::string& account, symbol sym,
                                             const order_key& key, int64_t now_ms,
                                             const std::string& cancel_client_id) {
  auto b = find_book(sym);
  if (!b) return venue_error{-1121, "Invalid symbol.", 400};
  auto found = find_order(account, sym, key);
  // errors.md -2011: cancelling an unknown or already closed order.
  if (!found || !found->is_open()) return venue_error{-2011, "Unknown order sent.", 400};
  auto& o = orders_.at(found->order_id);
  unlink(*b, o);
  release(*b, o);
  o.status = order_status::canceled;
  o.cancel_client_order_id = cancel_client_id.empty()
                               ? "cwtscancel" + std::to_string(o.order_id)
                               : cancel_client_id;
  o.update_time_ms = now_ms;
  publish(o);
  return o;
}

order_result matching_engine::amend_quantity_in_book(const std::string& account, symbol sym,
                                                     const order_key& key, qty new_qty,
                                                     const std::string& new_client_id,
                                                     int64_t now_ms) {
  auto b = find_book(sym);
  if (!b) return venue_error{-1121, "Invalid symbol.", 400};
  auto found = find_order(account, sym, key);
  if (!found || !found->is_open()) return venue_error{-2013, "Order does not exist.", 400};
  // errors.md -2038: "newQty must be ... less than the order's quantity".
  if (new_qty >= found->orig_qty)
    return venue_error{-2038, "Order amend (quantity increase) is not supported.", 400};
  const auto& r = b->rules;
  if (new_qty < r.min_qty || (r.step_size.is_positive() && (new_qty - r.min_qty).raw % r.step_size.raw))
    return venue_error{-1013, "Filter failure: LOT_SIZE", 400};
  auto renamed = new_client_id.empty() ? "cwtsamend" + std::to_string(found->order_id) + "x"
                                           + std::to_string(found->amendments + 1)
                                       : new_client_id;
  if (auto other = find_order(account, sym, order_key{std::nullopt, renamed});
      other && other->is_open() && other->order_id != found->order_id)
    return venue_error{-2010, "Duplicate order sent.", 400};
  auto& o = orders_.at(found->order_id);
  auto cut = o.orig_qty - new_qty;
  if (new_qty <= o.executed_qty) {
    // Nothing left to rest: the order is done at what it executed.
    unlink(*b, o);
    release(*b, o);
    o.orig_qty = o.executed_qty;
    o.status = order_status::filled;
  } else {
    auto& side = o.side == order_side::buy ? b->bids : b->asks;
    auto level = side.find(level_key(o.side, o.px));
    if (level != side.end()) level->second.total -= cut;
    release_part(*b, o, cut);
    o.orig_qty = new_qty;
    touch(*b, o.side, o.px); // same place in the queue, less quantity
  }
  o.pre_amend_client_order_id = o.client_order_id;
  o.client_order_id = renamed;
  client_ids_[account][renamed] = o.order_id;
  ++o.amendments;
  o.update_time_ms = now_ms;
  publish(o);
  return o;
}

order_result matching_engine::query(const std::string& account, symbol sym,
                                    const order_key& key) const {
  if (!find_book(sym)) return venue_error{-1121, "Invalid symbol.", 400};
  auto found = find_order(account, sym, key);
  // errors.md -2013 NO_SUCH_ORDER "Order does not exist."
  if (!found) return venue_error{-2013, "Order does not exist.", 400};
  return *found;
}

std::vector<order> matching_engine::open_orders(const std::string& account,
                                                std::optional<symbol> sym) const {
  std::vector<order> out;
  for (auto& [id, o] : orders_)
    if (o.is_open() && !o.venue_owned && o.account == account && (!sym || o.sym == *sym))
      out.push_back(o);
  std::sort(out.begin(), out.end(),
            [](const order& a, const order& b) { return a.order_id < b.order_id; });
  return out;
}

std::vector<order> matching_engine::all_orders(const std::string& account, symbol sym) const {
  std::vector<order> out;
  for (auto& [id, o] : orders_)
    if (!o.venue_owned && o.account == account && o.sym == sym)
      out.push_back(o);
  std::sort(out.begin(), out.end(),
            [](const order& a, const order& b) { return a.order_id < b.order_id; });
  return out;
}

std::vector<account_trade> matching_engine::trades_of(const std::string& account,
                                                      symbol sym) const {
  std::vector<account_trade> out;
  auto it = account_trades_.find(account);
  if (it == account_trades_.end()) return out;
  for (auto& t : it->second)
    if (t.sym == sym) out.push_back(t);
  return out;
}

std::variant<std::vector<order>, venue_error>
matching_engine::cancel_all_in_book(const std::string& account, symbol sym, int64_t now_ms) {
  if (!find_book(sym)) return venue_error{-1121, "Invalid symbol.", 400};
  std::vector<order> canceled;
  for (auto& o : open_orders(account, sym)) {
    auto r = cancel(account, sym, order_key{o.order_id, {}}, now_ms);
    if (auto done = std::get_if<order>(&r))
      canceled.push_back(std::move(*done));
  }
  // Binance answers -2011 "Unknown order sent." when there was nothing open.
  if (canceled.empty()) return venue_error{-2011, "Unknown order sent.", 400};
  return canceled;
}

void matching_engine::withdraw_venue_liquidity(symbol sym) {
  auto b = find_book(sym);
  if (!b) return;
  for (auto id : b->venue_orders) {
    auto it = orders_.find(id);
    if (it == orders_.end()) continue; // already filled and dropped
    unlink(*b, it->second);
    orders_.erase(it);
  }
  b->venue_orders.clear();
}

std::optional<price> matching_engine::last_price(symbol sym) const {
  auto b = find_book(sym);
  return b ? b->last : std::nullopt;
}

std::vector<book_level> matching_engine::depth(symbol sym, order_side side) const {
  std::vector<book_level> out;
  auto b = find_book(sym);
  if (!b) return out;
  const auto& levels = side == order_side::buy ? b->bids : b->asks;
  for (auto& [key, level] : levels)
    out.push_back(book_level{price::from_raw(key < 0 ? -key : key), level.total,
                             level.ids.size()});
  return out;
}

std::optional<book_level> matching_engine::best(symbol sym, order_side side) const {
  auto b = find_book(sym);
  if (!b) return std::nullopt;
  const auto& levels = side == order_side::buy ? b->bids : b->asks;
  if (levels.empty()) return std::nullopt;
  auto& [key, level] = *levels.begin();
  return book_level{price::from_raw(key < 0 ? -key : key), level.total, level.ids.size()};
}

qty matching_engine::level_quantity(symbol sym, order_side side, price px) const {
  auto b = find_book(sym);
  if (!b) return qty{};
  const auto& levels = side == order_side::buy ? b->bids : b->asks;
  auto it = levels.find(level_key(side, px));
  return it == levels.end() ? qty{} : it->second.total;
}

int64_t matching_engine::last_update_id(symbol sym) const {
  auto b = find_book(sym);
  return b ? b->update_id : 0;
}

} // namespace cwts::venue
