#include "venue/kraken/kraken_trade.hpp"

#include <algorithm>

namespace cwts::venue {

namespace {

bool has(const venue_error& e, const char* s) { return e.msg.find(s) != std::string::npos; }

// Decimals a price was written with beyond the pair's precision.
bool too_precise(price px, const symbol_rules& r) {
  auto decimals = kraken_pair_decimals(r);
  int64_t unit = 1;
  for (int i = decimals; i < decimal_places; ++i) unit *= 10;
  return px.raw % unit != 0;
}

// A limit price the pair accepts (AddOrder's and AmendOrder's checks).
std::optional<kraken_error> price_error(price px, const symbol_rules& r) {
  if (!px.is_positive()) return kraken_fail(kraken_err::invalid_price);
  if (too_precise(px, r))
    return kraken_error{std::string(kraken_err::invalid_price) + ":" + kraken_names_of(r).altname
                          + " price can only be specified up to "
                          + std::to_string(kraken_pair_decimals(r)) + " decimals.",
                        200};
  if (!on_step(px.raw, 0, r.tick_size.raw)) return kraken_fail(kraken_err::tick_size);
  return std::nullopt;
}

} // namespace

kraken_error kraken_from_engine(const venue_error& e) {
  switch (e.code) {
  case -1121: return kraken_fail(kraken_err::unknown_pair);
  case -1003: return kraken_fail(kraken_err::order_rate_limit);
  case -1021: return kraken_fail(kraken_err::invalid_nonce);
  case -2011:
  case -2013: return kraken_fail(kraken_err::unknown_order);
  case -2010:
    if (has(e, "insufficient")) return kraken_fail(kraken_err::insufficient_funds);
    if (has(e, "Duplicate")) return kraken_fail(kraken_err::duplicate_order);
    if (has(e, "immediately match")) return kraken_fail(kraken_err::post_only);
    break;
  case -1013:
    if (has(e, "LOT_SIZE")) return kraken_invalid("volume");
    if (has(e, "NOTIONAL")) return kraken_fail(kraken_err::cost_minimum);
    if (has(e, "PERCENT_PRICE") || has(e, "PRICE_FILTER"))
      return kraken_fail(kraken_err::invalid_price);
    if (has(e, "MAX_NUM_ORDERS")) return kraken_fail(kraken_err::orders_limit);
    break;
  default: break;
  }
  return kraken_fail(kraken_err::invalid_order);
}

kraken_error kraken_trade::counted(kraken_error e) {
  errors_.count(e.text);
  return e;
}

std::optional<kraken_error> kraken_trade::charge(const std::string& account, symbol sym,
                                                 double cost, int64_t now_ms) {
  return trading_.charge(account, sym, cost, now_ms);
}

void kraken_trade::remember(int64_t order_id, kraken_order_tags t) {
  if (tags_.emplace(order_id, std::move(t)).second) tag_order_.push_back(order_id);
  while (tag_order_.size() > kraken_max_tagged_orders) {
    tags_.erase(tag_order_.front());
    tag_order_.pop_front();
  }
}

const kraken_order_tags* kraken_trade::tags(int64_t order_id) const {
  auto it = tags_.find(order_id);
  return it == tags_.end() ? nullptr : &it->second;
}

kraken_outcome<order> kraken_trade::find(const std::string& account, const std::string& txid,
                                         const std::string& cl_ord_id) const {
  order_key key;
  if (!txid.empty()) {
    key.order_id = parse_kraken_txid(txid);
    if (!key.order_id) return kraken_fail(kraken_err::unknown_order);
  } else if (!cl_ord_id.empty()) {
    key.orig_client_order_id = cl_ord_id;
  } else {
    return kraken_invalid("txid");
  }
  // A txid does not name its pair: ask each book (a handful of symbols).
  for (auto& r : engine_.all_rules()) {
    auto found = engine_.query(account, r.sym, key);
    if (auto o = std::get_if<order>(&found)) return *o;
  }
  return kraken_fail(kraken_err::unknown_order);
}

kraken_outcome<kraken_placed> kraken_trade::place(const std::string& account,
                                                  const kraken_order_request& r,
                                                  int64_t now_ms) {
  auto out = place_checked(account, r, now_ms);
  if (auto e = std::get_if<kraken_error>(&out)) return counted(*e);
  return out;
}

kraken_outcome<kraken_placed> kraken_trade::place_checked(const std::string& account,
                                                          const kraken_order_request& r,
                                                          int64_t now_ms) {
  if (!r.rules) return kraken_fail(kraken_err::unknown_pair);
  const auto& rules = *r.rules;
  if (!r.volume.is_positive() || r.volume > rules.max_qty) return kraken_invalid("volume");
  if (r.volume < rules.min_qty) return kraken_fail(kraken_err::order_minimum);
  if (!on_step(r.volume.raw, rules.min_qty.raw, rules.step_size.raw))
    return kraken_invalid("volume");
  bool limit = r.type != order_type::market;
  if (limit) {
    if (auto e = price_error(r.px, rules)) return *e;
    __int128 cost = static_cast<__int128>(r.px.raw) * r.volume.raw / decimal_scale;
    if (cost < rules.min_notional.raw) return kraken_fail(kraken_err::cost_minimum);
  }
  if (!r.cl_ord_id.empty() && !kraken_cl_ord_id_ok(r.cl_ord_id)) return kraken_invalid("cl_ord_id");
  if (r.expire_ms) {
    if (*r.expire_ms <= now_ms) return kraken_invalid("expiretm");
    if (gtd_.size() >= kraken_max_gtd_orders) return kraken_fail(kraken_err::orders_limit);
  }
  kraken_placed placed;
  placed.descr = kraken_descr_order(r.side, r.type, r.volume, r.px, rules);
  // validate=true: "Validate inputs only. Do not submit order."
  if (r.validate) return placed;
  if (auto e = charge(account, rules.sym, 1, now_ms)) return *e;
  // Fault plan reject-orders: the armed refusal in Kraken's terms.
  if (auto e = faults_.take_order_reject(0)) return kraken_from_engine(*e);
  place_request req;
  req.account = account;
  req.sym = rules.sym;
  req.side = r.side;
  req.type = r.type;
  req.tif = r.tif;
  req.px = limit ? r.px : price{};
  req.quantity = r.volume;
  req.client_order_id = r.cl_ord_id;
  auto result = engine_.place(req, now_ms);
  if (auto e = std::get_if<venue_error>(&result)) return kraken_from_engine(*e);
  const auto& o = std::get<order>(result);
  kraken_order_tags t;
  t.userref = r.userref;
  t.cl_ord_id = r.cl_ord_id;
  t.post_only = r.type == order_type::limit_maker;
  if (r.expire_ms) {
    t.expire_ms = *r.expire_ms;
    if (o.is_open()) gtd_.emplace(*r.expire_ms, std::make_pair(account, o.order_id));
  }
  remember(o.order_id, std::move(t));
  placed.order_id = o.order_id;
  placed.txid = kraken_txid(o.order_id);
  return placed;
}

size_t kraken_trade::cancel_one(const std::string& account, const order& o, int64_t now_ms,
                                const char* reason) {
  auto done = engine_.cancel(account, o.sym, order_key{o.order_id, {}}, now_ms);
  if (!std::holds_alternative<order>(done)) return 0;
  auto it = tags_.find(o.order_id);
  if (it != tags_.end()) it->second.reason = reason;
  return 1;
}

std::vector<order> kraken_trade::orders_with_userref(const std::string& account,
                                                     int32_t userref) const {
  std::vector<order> out;
  for (auto& o : engine_.open_orders(account, std::nullopt)) {
    auto t = tags(o.order_id);
    if (t && t->userref == userref) out.push_back(o);
  }
  return out;
}

kraken_outcome<size_t> kraken_trade::cancel(const std::string& account,
                                            const kraken_order_ref& ref, int64_t now_ms) {
  std::vector<order> targets;
  if (ref.userref) {
    targets = orders_with_userref(account, *ref.userref);
  } else {
    auto found = find(account, ref.txid, ref.cl_ord_id);
    if (auto e = std::get_if<kraken_error>(&found)) return counted(*e);
    auto& o = std::get<order>(found);
    if (!o.is_open()) return counted(kraken_fail(kraken_err::unknown_order));
    targets.push_back(o);
  }
  size_t n = 0;
  for (auto& o : targets) {
    // The younger the order, the more its cancel costs (never refused).
    trading_.add(account, o.sym, kraken_cancel_penalty(now_ms - o.time_ms), now_ms);
    n += cancel_one(account, o, now_ms, "User requested");
  }
  return n;
}

kraken_outcome<kraken_amended> kraken_trade::amend(const std::string& account,
                                                   const kraken_amend_request& r,
                                                   int64_t now_ms) {
  auto fail = [&](kraken_error e) -> kraken_outcome<kraken_amended> { return counted(e); };
  if (!r.order_qty && !r.limit_price) return fail(kraken_invalid("order_qty"));
  auto found = find(account, r.txid, r.cl_ord_id);
  if (auto e = std::get_if<kraken_error>(&found)) return fail(*e);
  auto o = std::get<order>(found);
  if (!o.is_open()) return fail(kraken_fail(kraken_err::unknown_order));
  const auto* rules = engine_.rules(o.sym);
  if (!rules) return fail(kraken_fail(kraken_err::unknown_pair));
  if (r.limit_price)
    if (auto e = price_error(*r.limit_price, *rules)) return fail(*e);
  if (r.order_qty
      && (!r.order_qty->is_positive() || *r.order_qty > rules->max_qty
          || !on_step(r.order_qty->raw, rules->min_qty.raw, rules->step_size.raw)))
    return fail(kraken_invalid("order_qty"));
  if (auto e = charge(account, o.sym, 1, now_ms)) return fail(*e);
  kraken_amended out;
  out.order_id = o.order_id;
  if (r.order_qty && *r.order_qty <= o.executed_qty) {
    // "If an amend request will reduce the order quantity below the
    // existing filled quantity, the remaining quantity will be cancelled."
    if (cancel_one(account, o, now_ms, "User requested") == 0)
      return fail(kraken_fail(kraken_err::unknown_order));
    out.amend_id = kraken_amend_id(++amend_seq_);
    return out;
  }
  if (r.order_qty && *r.order_qty < rules->min_qty)
    return fail(kraken_fail(kraken_err::order_minimum));
  order_amend change;
  change.px = r.limit_price;
  change.quantity = r.order_qty;
  change.post_only = r.post_only;
  auto amended = engine_.amend(account, o.sym, order_key{o.order_id, {}}, change, now_ms);
  if (auto e = std::get_if<venue_error>(&amended))
    return fail(e->msg.find("LOT_SIZE") != std::string::npos ? kraken_invalid("order_qty")
                                                              : kraken_from_engine(*e));
  out.amend_id = kraken_amend_id(++amend_seq_);
  return out;
}

kraken_outcome<kraken_edited> kraken_trade::edit(const std::string& account,
                                                 const kraken_edit_request& r, int64_t now_ms) {
  auto fail = [&](kraken_error e) -> kraken_outcome<kraken_edited> { return counted(e); };
  kraken_outcome<order> found = kraken_fail(kraken_err::unknown_order);
  if (r.ref.userref) {
    // A userref names the order only when exactly one open order has it.
    auto with = orders_with_userref(account, *r.ref.userref);
    if (with.size() > 1) return fail(kraken_fail(kraken_err::invalid_order));
    if (with.size() == 1) found = with.front();
  } else {
    found = find(account, r.ref.txid, r.ref.cl_ord_id);
  }
  if (auto e = std::get_if<kraken_error>(&found)) return fail(*e);
  auto old = std::get<order>(found);
  if (!old.is_open()) return fail(kraken_fail(kraken_err::unknown_order));
  if (r.rules && r.rules->sym != old.sym) return fail(kraken_fail(kraken_err::unknown_order));
  if (old.type == order_type::market) return fail(kraken_invalid("ordertype"));
  auto old_tags = tags(old.order_id);
  kraken_order_request next;
  next.rules = engine_.rules(old.sym);
  next.side = old.side;
  next.type = old.type;
  next.tif = old.tif;
  next.px = r.px.value_or(old.px);
  next.volume = r.volume.value_or(old.remaining());
  next.userref = r.userref.value_or(old_tags ? old_tags->userref : 0);
  // Checks first, so a bad edit leaves the original working.
  next.validate = true;
  auto checked = place_checked(account, next, now_ms);
  if (auto e = std::get_if<kraken_error>(&checked)) return fail(*e);
  kraken_edited out;
  out.original_txid = kraken_txid(old.order_id);
  out.volume = next.volume;
  out.px = next.px;
  out.descr = std::get<kraken_placed>(checked).descr;
  if (r.validate) return out;
  trading_.add(account, old.sym, kraken_cancel_penalty(now_ms - old.time_ms), now_ms);
  if (cancel_one(account, old, now_ms, "Order replaced") == 0)
    return fail(kraken_fail(kraken_err::unknown_order));
  next.validate = false;
  auto placed = place_checked(account, next, now_ms);
  if (auto e = std::get_if<kraken_error>(&placed)) return fail(*e);
  out.order_id = std::get<kraken_placed>(placed).order_id;
  out.txid = std::get<kraken_placed>(placed).txid;
  return out;
}

size_t kraken_trade::cancel_all(const std::string& account, int64_t now_ms) {
  size_t n = 0;
  for (auto& o : engine_.open_orders(account, std::nullopt))
    n += cancel_one(account, o, now_ms, "User requested");
  return n;
}

kraken_outcome<kraken_dead_man_state> kraken_trade::cancel_all_after(const std::string& account,
                                                                     int64_t timeout_s,
                                                                     int64_t now_ms) {
  if (timeout_s < 0 || timeout_s > kraken_dead_man_max_s) return counted(kraken_invalid("timeout"));
  kraken_dead_man_state s;
  s.current_ms = now_ms;
  // "timeout: Duration (in seconds) to set/extend the timer by. 0 disables."
  if (timeout_s == 0) dead_man_.disarm(account);
  else s.trigger_ms = dead_man_.arm(account, timeout_s, now_ms);
  return s;
}

kraken_trade::tick_result kraken_trade::tick(int64_t now_ms) {
  tick_result out;
  for (auto& account : dead_man_.expire(now_ms)) {
    size_t n = 0;
    for (auto& o : engine_.open_orders(account, std::nullopt))
      n += cancel_one(account, o, now_ms, "Dead man's switch");
    out.dead_man.push_back({account, n});
  }
  while (!gtd_.empty() && gtd_.begin()->first <= now_ms) {
    auto [account, id] = gtd_.begin()->second;
    gtd_.erase(gtd_.begin());
    auto found = find(account, kraken_txid(id), {});
    auto o = std::get_if<order>(&found);
    if (!o || !o->is_open()) continue;
    if (cancel_one(account, *o, now_ms, "Order expired") == 0) continue;
    auto it = tags_.find(id);
    if (it != tags_.end()) it->second.expired = true;
    ++out.expired;
  }
  return out;
}

} // namespace cwts::venue
