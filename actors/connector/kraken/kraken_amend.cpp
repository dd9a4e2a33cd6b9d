// kraken_session::amend: AmendOrder (REST) or amend_order (WS v2) of an
// unfilled limit order, in place.

#include "actors/connector/kraken/kraken_session.hpp"
#include "actors/connector/kraken/kraken_ws_orders.hpp"

namespace cwts::connector::kraken {

namespace {

order_reject reject(const order_request& req, reject_reason why, std::string text) {
  return order_reject{req.id, req.sym, why, std::move(text), wall_clock_now()};
}

} // namespace

kraken_reply<std::string> kraken_session::send_amend(const kraken_pair& p,
                                                     const std::string& cl_ord_id,
                                                     const qty& new_qty, const price& new_px) {
  if (ws_) {
    auto r = ws_->amend_order(p, cl_ord_id, new_qty, new_px);
    if (r.kind != reply_kind::not_sent || ws_->connected()) {
      ++counters_.orders_ws;
      return r;
    }
    ++counters_.ws_fallbacks;
  }
  ++counters_.orders_rest;
  kraken_fields f{{"cl_ord_id", cl_ord_id}};
  f.emplace_back("order_qty", kraken_decimal(new_qty.raw, p.lot_decimals)); // required
  if (new_px.is_positive())
    f.emplace_back("limit_price", kraken_decimal(new_px.raw, p.pair_decimals));
  return rest_.amend_order(f);
}

// Kraken AmendOrder changes the order in place (txid and cl_ord_id stay):
// for the OMS the original ends (canceled) and the replacement goes on as
// a new order. Only unfilled orders are amended (order_qty would count the
// fills).
std::vector<kraken_output> kraken_session::amend(const client_order_id& orig,
                                                 const order_request& replacement) {
  std::vector<kraken_output> out;
  const auto* p = pair_of(replacement.sym);
  const auto* state = tracker_.find(orig);
  if (p == nullptr || state == nullptr || replacement.type != order_type::limit) {
    out.emplace_back(reject(replacement, reject_reason::replace_refused,
                            "amend needs a live limit order of a known pair"));
    return out;
  }
  auto key = venue_key(orig);
  auto now_at = find_order(orig, call_priority::order);
  if (state->executed.is_positive() || !now_at.order || now_at.order->vol_exec.is_positive()) {
    out.emplace_back(reject(replacement, reject_reason::replace_refused,
                            now_at.order || state->executed.is_positive()
                              ? "amend of a partly filled order: cancel it and place a new one"
                              : "amend: the original could not be read"));
    return out;
  }
  // The quantity always goes (Kraken requires order_qty); the price only
  // when it changes.
  bool same_qty = now_at.order->vol == replacement.quantity;
  auto new_px = now_at.order->px == replacement.limit_price ? price{} : replacement.limit_price;
  kraken_reply<std::string> reply;
  reply.kind = reply_kind::ok; // nothing to change: the order only changes its id
  if (!same_qty || new_px.is_positive())
    reply = send_amend(*p, key, replacement.quantity, new_px);
  if (reply.kind == reply_kind::unknown) {
    // Applied or not: the order's price and volume say.
    auto q = find_order(orig, call_priority::order);
    if (q.order && q.order->px == replacement.limit_price && q.order->vol == replacement.quantity)
      reply.kind = reply_kind::ok;
  }
  if (!reply.ok()) {
    if (reply.kind == reply_kind::rejected)
      count_reject(reply.error);
    out.emplace_back(reject(replacement, reject_reason::replace_refused,
                            "amend not applied: " + (reply.detail.empty() ? reply.error : reply.detail)));
    return out;
  }
  ++counters_.amends;
  auto before = *state;
  auto now = wall_clock_now();
  execution_report ended;
  ended.id = orig;
  ended.venue_id = before.venue_id;
  ended.sym = before.sym;
  ended.order_side = before.order_side;
  ended.status = order_status::canceled;
  ended.cum_qty = before.executed;
  ended.text = "amended into " + replacement.id.value;
  ended.ts_event = now;
  ended.ts_init = now;
  tracker_.forget(orig);
  out.emplace_back(ended);
  // The venue's order keeps its cl_ord_id and now answers to the replacement's id.
  ids_.amended(key, replacement.id);
  venue_order v;
  v.sym = replacement.sym;
  v.order_id = before.venue_id;
  v.client_id = replacement.id;
  v.has_details = true;
  v.order_side = before.order_side;
  v.status = order_status::accepted;
  v.limit_price = replacement.limit_price;
  v.orig_qty = replacement.quantity;
  tracker_.track(v);
  execution_report live;
  live.id = replacement.id;
  live.venue_id = before.venue_id;
  live.sym = replacement.sym;
  live.order_side = before.order_side;
  live.status = order_status::accepted;
  live.cum_qty = qty{};
  live.leaves_qty = replacement.quantity;
  live.ts_event = now;
  live.ts_init = now;
  out.emplace_back(live);
  counters_.open_tracked = static_cast<int64_t>(tracker_.open_count());
  return out;
}

} // namespace cwts::connector::kraken
