// In-place amends of a resting limit order: a new price and/or a new total
// quantity, keeping the order's id, client id and account (Kraken
// AmendOrder / amend_order, OKX amend-order). Kraken's "Spot Atomic Amends"
// guide: identifiers stay, previous fills stay, "queue priority in the
// order book will be maintained where possible" — which, as on every
// price-time book, means a quantity decrease keeps it and a price change or
// a quantity increase loses it.
#include "venue/matching_engine.hpp"

namespace cwts::venue {

order_result matching_engine::amend_in_book(const std::string& account, symbol sym,
                                            const order_key& key, const order_amend& r,
                                            int64_t now_ms) {
  auto b = find_book(sym);
  if (!b) return venue_error{-1121, "Invalid symbol.", 400};
  auto found = find_order(account, sym, key);
  // Only limit orders rest, so an open order here always has a price.
  if (!found || !found->is_open() || !has_price(found->type))
    return venue_error{-2013, "Order does not exist.", 400};
  auto new_px = r.px.value_or(found->px);
  auto new_qty = r.quantity.value_or(found->orig_qty);
  bool repriced = new_px != found->px;
  // What already executed stays executed: the amend must leave something
  // to rest (the protocol layers decide what a smaller size means to them).
  if (new_qty <= found->executed_qty)
    return venue_error{-2038, "New quantity must be above the executed quantity.", 400};
  // The price band is checked against the last trade only for a new price:
  // a pure size change must not fail because the market moved away.
  if (auto err = check_filters(b->rules, found->side, found->type, new_px, new_qty,
                               repriced ? b->last : std::nullopt))
    return *err;
  // Kraken's AmendOrder post_only: "the limit price change will be rejected
  // if the order cannot be posted passively on the book"; a post-only order
  // is refused the same way rather than being canceled (its place() twin).
  if (r.post_only || found->type == order_type::limit_maker) {
    auto top = best(sym, opposite(found->side));
    if (top && (found->side == order_side::buy ? top->px <= new_px : top->px >= new_px))
      return venue_error{-2010, "Order would immediately match and take.", 400};
  }
  if (!repriced && new_qty == found->orig_qty) return *found; // nothing changes
  auto& o = orders_.at(found->order_id);
  // Funds first, so a refusal leaves the order exactly as it was.
  if (!relock(*b, o, lock_needed(o.side, new_px, new_qty - o.executed_qty)))
    return venue_error{-2010, "Account has insufficient balance for requested action.", 400};
  o.pre_amend_client_order_id = o.client_order_id;
  ++o.amendments;
  o.update_time_ms = now_ms;
  if (!repriced && new_qty < o.orig_qty) {
    // Smaller at the same price: same place in the queue, less quantity.
    auto& side = o.side == order_side::buy ? b->bids : b->asks;
    auto level = side.find(level_key(o.side, o.px));
    if (level != side.end()) level->second.total -= o.orig_qty - new_qty;
    o.orig_qty = new_qty;
    touch(*b, o.side, o.px);
    publish(o);
    return o;
  }
  // Priority lost: off the book at the old terms, back in at the new ones,
  // taking first what the new price crosses (trade ids come from the book,
  // so a replay gives the same ids).
  unlink(*b, o);
  o.px = new_px;
  o.orig_qty = new_qty;
  match(*b, o, now_ms);
  if (o.status == order_status::expired_in_match) {
    release(*b, o); // self-trade prevention expired it; its fills stand
  } else if (o.remaining().is_zero()) {
    o.status = order_status::filled;
    release(*b, o);
  } else {
    o.status = o.executed_qty.is_zero() ? order_status::new_order
                                        : order_status::partially_filled;
    rest(*b, o);
  }
  publish(o);
  return o;
}

} // namespace cwts::venue
