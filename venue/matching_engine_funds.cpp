// Balance checks and movements of matching_engine (rest-api.md "Account
// information"; errors.md -2010 "Account has insufficient balance for
// requested action."). Commissions are taken from the asset received.
#include "venue/matching_engine.hpp"

#include <algorithm>

namespace cwts::venue {

namespace {

qty as_qty(notional n) { return qty::from_raw(n.raw); }

notional cost_of(price px, qty q) {
  return notional_of(px, q).value_or(notional::from_raw(INT64_MAX));
}

} // namespace

notional matching_engine::market_cost(const book& b, order_side side, qty quantity) const {
  // What a MARKET BUY of `quantity` would pay walking the asks now.
  const auto& opp = side == order_side::buy ? b.asks : b.bids;
  notional total;
  qty left = quantity;
  for (auto& [key, level] : opp) {
    auto px = price::from_raw(key < 0 ? -key : key);
    for (auto id : level.ids) {
      auto q = std::min(left, orders_.at(id).remaining());
      total += cost_of(px, q);
      left -= q;
      if (left.is_zero()) return total;
    }
  }
  return total;
}

std::optional<venue_error> matching_engine::check_funds(const book& b,
                                                        const place_request& req) const {
  const auto& r = b.rules;
  bool enough = true;
  if (req.side == order_side::sell) {
    enough = balances_.free(req.account, r.base_asset) >= req.quantity;
  } else {
    auto need = req.type == order_type::market ? market_cost(b, req.side, req.quantity)
                                               : cost_of(req.px, req.quantity);
    enough = balances_.free(req.account, r.quote_asset) >= as_qty(need);
  }
  if (enough) return std::nullopt;
  return venue_error{-2010, "Account has insufficient balance for requested action.", 400};
}

void matching_engine::reserve(const book& b, order& o) {
  // Only LIMIT orders lock funds; a MARKET order spends free funds as it fills.
  if (!has_price(o.type)) return;
  bool buy = o.side == order_side::buy;
  o.locked = buy ? as_qty(cost_of(o.px, o.orig_qty)) : o.orig_qty;
  balances_.lock(o.account, buy ? b.rules.quote_asset : b.rules.base_asset, o.locked);
}

qty matching_engine::settle(const book& b, order& o, price px, qty q, bool maker) {
  const auto& base = b.rules.base_asset;
  const auto& quote = b.rules.quote_asset;
  auto paid = as_qty(cost_of(px, q));
  auto rate = maker ? commission_.maker : commission_.taker;
  auto received = o.side == order_side::buy ? q : paid;
  auto fee = qty::from_raw(
    static_cast<int64_t>(static_cast<__int128>(received.raw) * rate.raw / decimal_scale));
  if (o.side == order_side::buy) {
    balances_.credit(o.account, base, q - fee);
    if (has_price(o.type)) {
      // The lock was at the limit price; the fill may be cheaper.
      auto freed = std::min(o.locked, as_qty(cost_of(o.px, q)));
      o.locked -= freed;
      balances_.unlock(o.account, quote, freed);
    }
    balances_.spend_free(o.account, quote, paid);
  } else {
    if (has_price(o.type)) {
      auto freed = std::min(o.locked, q);
      o.locked -= freed;
      balances_.unlock(o.account, base, freed);
    }
    balances_.spend_free(o.account, base, q);
    balances_.credit(o.account, quote, paid - fee);
  }
  return fee;
}

qty matching_engine::lock_needed(order_side side, price px, qty remaining) const {
  return side == order_side::buy ? as_qty(cost_of(px, remaining)) : remaining;
}

bool matching_engine::relock(const book& b, order& o, qty need) {
  const auto& asset = o.side == order_side::buy ? b.rules.quote_asset : b.rules.base_asset;
  // The order's own lock counts: it is given back before the new one is taken.
  if (balances_.free(o.account, asset) + o.locked < need) return false;
  if (need > o.locked) balances_.lock(o.account, asset, need - o.locked);
  else balances_.unlock(o.account, asset, o.locked - need);
  o.locked = need;
  return true;
}

void matching_engine::release_part(const book& b, order& o, qty cut) {
  if (o.locked.is_zero() || !has_price(o.type)) return;
  bool buy = o.side == order_side::buy;
  auto freed = std::min(o.locked, buy ? as_qty(cost_of(o.px, cut)) : cut);
  o.locked -= freed;
  balances_.unlock(o.account, buy ? b.rules.quote_asset : b.rules.base_asset, freed);
}

void matching_engine::release(const book& b, order& o) {
  if (o.locked.is_zero()) return;
  bool buy = o.side == order_side::buy;
  balances_.unlock(o.account, buy ? b.rules.quote_asset : b.rules.base_asset, o.locked);
  o.locked = qty{};
}

} // namespace cwts::venue
