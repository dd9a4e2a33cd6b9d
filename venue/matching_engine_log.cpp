// The engine's public order operations: each runs the book operation and
// records it in the per-account order log (order_log.hpp, issue 24), so every
// protocol that reaches the book is covered by one hook. Venue-owned
// liquidity (the replay) is never recorded.

#include "venue/matching_engine.hpp"

namespace cwts::venue {

namespace {

std::string text(const std::optional<price>& p) {
  return p ? p->to_string() : std::string();
}
std::string text(const std::optional<qty>& q) {
  return q ? q->to_string() : std::string();
}

} // namespace

void matching_engine::log_result(const char* action, const std::string& account, symbol sym,
                                 const order_key* key, const order_result& r,
                                 const std::string& side, const std::string& quantity,
                                 const std::string& px, const std::string& client_id) {
  order_log_record rec;
  rec.account = account;
  rec.action = action;
  rec.symbol = std::string(sym.view());
  rec.side = side;
  rec.quantity = quantity;
  rec.price = px;
  rec.client_order_id = client_id;
  if (auto o = std::get_if<order>(&r)) {
    rec.outcome = "accepted";
    rec.order_id = o->order_id;
    rec.status = std::string(to_string(o->status));
    rec.side = std::string(to_string(o->side));
    if (rec.quantity.empty())
      rec.quantity = o->orig_qty.to_string();
    if (rec.price.empty() && has_price(o->type))
      rec.price = o->px.to_string();
    if (rec.client_order_id.empty())
      rec.client_order_id = o->client_order_id;
  } else {
    auto& e = std::get<venue_error>(r);
    rec.outcome = "refused";
    rec.error_code = e.code;
    rec.error = e.msg;
    if (key && key->order_id)
      rec.order_id = *key->order_id;
    if (rec.client_order_id.empty() && key)
      rec.client_order_id = key->orig_client_order_id;
  }
  order_log_->record(std::move(rec));
}

order_result matching_engine::place(const place_request& req, int64_t now_ms) {
  auto r = place_in_book(req, now_ms);
  if (order_log_ && !req.venue_owned)
    log_result("new", req.account, req.sym, nullptr, r, std::string(to_string(req.side)),
               req.quantity.to_string(), has_price(req.type) ? req.px.to_string() : std::string(),
               req.client_order_id);
  return r;
}

order_result matching_engine::cancel(const std::string& account, symbol sym, const order_key& key,
                                     int64_t now_ms, const std::string& cancel_client_id) {
  auto r = cancel_in_book(account, sym, key, now_ms, cancel_client_id);
  // The canceled order's own client id identifies what was canceled.
  if (order_log_)
    log_result("cancel", account, sym, &key, r, {}, {}, {}, {});
  return r;
}

order_result matching_engine::amend_quantity(const std::string& account, symbol sym,
                                             const order_key& key, qty new_qty,
                                             const std::string& new_client_id, int64_t now_ms) {
  auto r = amend_quantity_in_book(account, sym, key, new_qty, new_client_id, now_ms);
  if (order_log_)
    log_result("amend", account, sym, &key, r, {}, new_qty.to_string(), {}, {});
  return r;
}

order_result matching_engine::amend(const std::string& account, symbol sym, const order_key& key,
                                    const order_amend& a, int64_t now_ms) {
  auto r = amend_in_book(account, sym, key, a, now_ms);
  if (order_log_)
    log_result("amend", account, sym, &key, r, {}, text(a.quantity), text(a.px), {});
  return r;
}

std::variant<std::vector<order>, venue_error>
matching_engine::cancel_all(const std::string& account, symbol sym, int64_t now_ms) {
  // Each order it cancels is recorded by cancel(); a cancel-all that found
  // nothing open is recorded here, so that request is not lost either.
  auto r = cancel_all_in_book(account, sym, now_ms);
  if (order_log_)
    if (auto e = std::get_if<venue_error>(&r))
      log_result("cancel_all", account, sym, nullptr, *e, {}, {}, {}, {});
  return r;
}

} // namespace cwts::venue
