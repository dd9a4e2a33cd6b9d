#include "venue/matching_engine.hpp"

#include <algorithm>

namespace cwts::venue {

namespace {

bool crosses(const order& taker, price level_px) {
  if (taker.type == order_type::market) return true;
  return taker.side == order_side::buy ? level_px <= taker.px : level_px >= taker.px;
}

notional value_of(price px, qty q) {
  // Filters bound price and quantity, so the product fits; saturate anyway.
  return notional_of(px, q).value_or(notional::from_raw(INT64_MAX));
}

} // namespace

void matching_engine::add_symbol(const symbol_rules& rules) {
  books_[rules.sym].rules = rules;
}

const symbol_rules* matching_engine::rules(symbol sym) const {
  auto b = find_book(sym);
  return b ? &b->rules : nullptr;
}

std::vector<symbol_rules> matching_engine::all_rules() const {
  std::vector<symbol_rules> out;
  for (auto& [sym, b] : books_)
    out.push_back(b.rules);
  return out;
}

matching_engine::book* matching_engine::find_book(symbol sym) {
  auto it = books_.find(sym);
  return it == books_.end() ? nullptr : &it->second;
}

const matching_engine::book* matching_engine::find_book(symbol sym) const {
  auto it = books_.find(sym);
  return it == books_.end() ? nullptr : &it->second;
}

std::optional<venue_error> matching_engine::validate(const book& b,
                                                     const place_request& req) const {
  if (!req.venue_owned) {
    if (auto err = check_filters(b.rules, req.side, req.type, req.px, req.quantity, b.last))
      return err;
    if (open_count(req.account, b.rules.sym) >= b.rules.max_num_orders)
      return venue_error{-1013, "Filter failure: MAX_NUM_ORDERS", 400};
    // Binance rejects a newClientOrderId already used by an open order of the
    // account with -2010 "Duplicate order sent.".
    auto acc = client_ids_.find(req.account);
    if (acc != client_ids_.end() && !req.client_order_id.empty()) {
      auto id = acc->second.find(req.client_order_id);
      if (id != acc->second.end()) {
        auto o = orders_.find(id->second);
        if (o != orders_.end() && o->second.is_open())
          return venue_error{-2010, "Duplicate order sent.", 400};
      }
    }
    // errors.md -2010: "LIMIT_MAKER order type would immediately match and
    // trade, and not be a pure maker order."
    if (req.type == order_type::limit_maker) {
      auto top = best(b.rules.sym, opposite(req.side));
      if (top && (req.side == order_side::buy ? top->px <= req.px : top->px >= req.px))
        return venue_error{-2010, "Order would immediately match and take.", 400};
    }
    if (auto err = check_funds(b, req)) return err;
  } else if (!req.quantity.is_positive()
             || (has_price(req.type) && !req.px.is_positive())) {
    return venue_error{-1013, "Filter failure: LOT_SIZE", 400};
  }
  return std::nullopt;
}

order_result matching_engine::place_in_book(const place_request& req, int64_t now_ms) {
  auto b = find_book(req.sym);
  if (!b) return venue_error{-1121, "Invalid symbol.", 400};
  if (auto err = validate(*b, req)) return *err;
  order o;
  o.order_id = next_order_id_++;
  o.account = req.account;
  o.sym = req.sym;
  o.side = req.side;
  o.type = req.type;
  // LIMIT_MAKER rests like a GTC LIMIT order (Binance reports GTC for it).
  o.tif = req.type == order_type::limit ? req.tif : time_in_force::gtc;
  o.px = has_price(req.type) ? req.px : price{};
  o.orig_qty = req.quantity;
  o.client_order_id = req.client_order_id.empty()
                        ? "cwtsvenue" + std::to_string(o.order_id)
                        : req.client_order_id;
  o.venue_owned = req.venue_owned;
  o.stp = req.stp;
  o.time_ms = o.update_time_ms = now_ms;
  if (!o.venue_owned)
    reserve(*b, o);
  // FOK: "the order must be filled entirely or it expires" without any fill.
  bool fok_fails = o.type == order_type::limit && o.tif == time_in_force::fok
                   && crossing_quantity(*b, o) < o.orig_qty;
  if (!fok_fails)
    match(*b, o, now_ms);
  if (o.status == order_status::expired_in_match) {
    // Expired by self-trade prevention; its fills so far stand.
  } else if (o.remaining().is_zero()) {
    o.status = order_status::filled;
  } else if (has_price(o.type) && o.tif == time_in_force::gtc) {
    o.status = o.executed_qty.is_zero() ? order_status::new_order
                                        : order_status::partially_filled;
  } else {
    // IOC/FOK remainder and MARKET without enough liquidity expire.
    o.status = order_status::expired;
  }
  if (o.is_open())
    rest(*b, o);
  else if (!o.venue_owned)
    release(*b, o);
  if (!o.venue_owned) {
    client_ids_[o.account][o.client_order_id] = o.order_id;
    publish(o);
  }
  if (o.is_open() || !o.venue_owned)
    orders_.emplace(o.order_id, o);
  return o;
}

qty matching_engine::crossing_quantity(const book& b, const order& taker) const {
  const auto& opp = taker.side == order_side::buy ? b.asks : b.bids;
  qty total;
  for (auto& [key, level] : opp) {
    if (!crosses(taker, price::from_raw(key < 0 ? -key : key))) break;
    total += level.total;
    if (total >= taker.orig_qty) return total;
  }
  return total;
}

void matching_engine::match(book& b, order& taker, int64_t now_ms) {
  auto& opp = taker.side == order_side::buy ? b.asks : b.bids;
  while (taker.remaining().is_positive() && !opp.empty()) {
    auto level = opp.begin();
    auto level_px = price::from_raw(level->first < 0 ? -level->first : level->first);
    if (!crosses(taker, level_px)) break;
    auto& lvl = level->second;
    auto& queue = lvl.ids;
    bool stopped = false;
    while (!queue.empty() && taker.remaining().is_positive()) {
      auto maker_id = queue.front();
      auto& maker = orders_.at(maker_id);
      if (taker.stp != stp_mode::none && !maker.venue_owned && !taker.venue_owned
          && maker.account == taker.account) {
        stopped = prevent_self_trade(b, taker, lvl, now_ms);
        if (stopped) break;
        continue;
      }
      auto q = std::min(taker.remaining(), maker.remaining());
      lvl.total -= q; // before execute, which publishes the level's change
      execute(b, taker, maker, level_px, q, now_ms);
      if (maker.remaining().is_zero()) {
        queue.pop_front();
        finish(maker, now_ms);
        if (maker.venue_owned)
          orders_.erase(maker_id);
      }
    }
    if (queue.empty())
      opp.erase(level);
    if (stopped) return;
  }
}

bool matching_engine::prevent_self_trade(book& b, order& taker, price_level& level,
                                         int64_t now_ms) {
  // stp_faq.md: EXPIRE_MAKER expires the resting order, EXPIRE_TAKER the
  // incoming one, EXPIRE_BOTH both; status EXPIRED_IN_MATCH.
  if (taker.stp == stp_mode::expire_maker || taker.stp == stp_mode::expire_both) {
    auto& maker = orders_.at(level.ids.front());
    level.ids.pop_front();
    level.total -= maker.remaining();
    maker.status = order_status::expired_in_match;
    maker.update_time_ms = now_ms;
    release(b, maker);
    --open_counts_[maker.account][maker.sym];
    touch(b, maker.side, maker.px);
    publish(maker);
  }
  if (taker.stp == stp_mode::expire_maker) return false;
  taker.status = order_status::expired_in_match;
  taker.update_time_ms = now_ms;
  return true;
}

void matching_engine::execute(book& b, order& taker, order& maker, price px, qty q,
                              int64_t now_ms) {
  auto trade_id = b.next_trade_id++;
  for (order* o : {&taker, &maker}) {
    o->executed_qty += q;
    o->cummulative_quote_qty += value_of(px, q);
    o->update_time_ms = now_ms;
  }
  taker.fills.push_back(order_fill{px, q, trade_id, qty{}, false});
  maker.fills.push_back(order_fill{px, q, trade_id, qty{}, true});
  for (order* o : {&taker, &maker}) {
    if (o->venue_owned) continue;
    auto fee = settle(b, *o, px, q, o == &maker);
    o->fills.back().commission = fee;
    account_trades_[o->account].push_back(account_trade{
      b.rules.sym, trade_id, o->order_id, px, q, value_of(px, q), now_ms,
      o->side == order_side::buy, o == &maker, fee});
  }
  b.last = px;
  touch(b, maker.side, px);
  if (maker.remaining().is_positive()) {
    maker.status = order_status::partially_filled;
    publish(maker);
  }
  public_trade t{b.rules.sym, trade_id, px, q, now_ms, maker.side == order_side::buy,
                 !(taker.venue_owned && maker.venue_owned), taker.order_id};
  for (auto& f : trade_listeners_)
    f(t);
}

void matching_engine::finish(order& o, int64_t now_ms) {
  o.status = order_status::filled;
  if (!o.venue_owned) {
    release(*find_book(o.sym), o);
    --open_counts_[o.account][o.sym]; // a filled maker left the book
  }
  o.update_time_ms = now_ms;
  publish(o);
}

void matching_engine::rest(book& b, order& o) {
  auto& side = o.side == order_side::buy ? b.bids : b.asks;
  auto& level = side[level_key(o.side, o.px)];
  level.ids.push_back(o.order_id);
  level.total += o.remaining();
  if (o.venue_owned)
    b.venue_orders.push_back(o.order_id);
  else
    ++open_counts_[o.account][o.sym];
  touch(b, o.side, o.px);
}

void matching_engine::unlink(book& b, const order& o) {
  auto& side = o.side == order_side::buy ? b.bids : b.asks;
  auto level = side.find(level_key(o.side, o.px));
  if (level == side.end()) return;
  auto& queue = level->second.ids;
  auto at = std::find(queue.begin(), queue.end(), o.order_id);
  if (at == queue.end()) return;
  queue.erase(at);
  level->second.total -= o.remaining();
  if (queue.empty())
    side.erase(level);
  if (!o.venue_owned)
    --open_counts_[o.account][o.sym];
  touch(b, o.side, o.px);
}

int64_t matching_engine::open_count(const std::string& account, symbol sym) const {
  auto acc = open_counts_.find(account);
  if (acc == open_counts_.end()) return 0;
  auto it = acc->second.find(sym);
  return it == acc->second.end() ? 0 : it->second;
}

void matching_engine::touch(book& b, order_side side, price px) {
  ++b.update_id;
  for (auto& f : book_listeners_)
    f(b.rules.sym, side, px, b.update_id);
}

void matching_engine::publish(const order& o) {
  if (o.venue_owned) return;
  for (auto& f : order_listeners_)
    f(o);
}

} // namespace cwts::venue
