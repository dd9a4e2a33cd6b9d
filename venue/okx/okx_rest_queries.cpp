// GET /api/v5/trade/{order,orders-pending,orders-history,fills} and
// /api/v5/account/balance.
#include <algorithm>
#include <charconv>

#include "venue/okx/okx_json.hpp"
#include "venue/okx/okx_rest_api.hpp"

namespace cwts::venue {

namespace {

constexpr int64_t okx_history_window_ms = 7LL * 24 * 3600 * 1000; // orders-history: 7 days

std::optional<int64_t> read_id(const request_params& p, std::string_view name, bool& bad) {
  auto text = p.get(name);
  if (!text || text->empty()) return std::nullopt;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size() || v < 0) bad = true;
  return v;
}

// OKX paging over ids, newest (highest) first: `after` returns ids below
// it, `before` ids above it (the `limit` closest to it), at most `limit`.
struct page_query {
  std::optional<int64_t> after, before;
  size_t limit = 100;
};

std::variant<page_query, okx_error> read_page(const request_params& p) {
  page_query q;
  bool bad = false;
  q.after = read_id(p, "after", bad);
  if (bad) return okx_param_error("after");
  q.before = read_id(p, "before", bad);
  if (bad) return okx_param_error("before");
  if (auto l = p.get("limit"); l && !l->empty()) {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(l->data(), l->data() + l->size(), v);
    if (ec != std::errc() || end != l->data() + l->size() || v < 1 || v > 100)
      return okx_param_error("limit", "must be 1..100");
    q.limit = static_cast<size_t>(v);
  }
  return q;
}

// Sorts `items` by id descending and keeps the page.
template <class T, class Id>
void paginate(std::vector<T>& items, const page_query& q, Id id) {
  items.erase(std::remove_if(items.begin(), items.end(),
                             [&](const T& x) {
                               return (q.after && id(x) >= *q.after)
                                      || (q.before && id(x) <= *q.before);
                             }),
              items.end());
  std::sort(items.begin(), items.end(), [&](const T& a, const T& b) { return id(a) > id(b); });
  if (items.size() <= q.limit) return;
  if (q.before && !q.after) items.erase(items.begin(), items.end() - static_cast<long>(q.limit));
  else items.resize(q.limit);
}

// instType (optional unless required) and instId filters; `none` when the
// type is a valid one this venue has nothing of (not SPOT).
std::optional<okx_error> read_scope(const matching_engine& engine, const request_params& p,
                                    bool type_required, const symbol_rules*& only, bool& none) {
  auto type = p.get("instType");
  if (type_required && (!type || type->empty())) return okx_param_empty("instType");
  if (type && !type->empty() && !okx_inst_type_valid(*type)) return okx_param_error("instType");
  none = type && !type->empty() && *type != "SPOT";
  only = nullptr;
  if (auto id = p.get("instId"); id && !id->empty()) {
    only = okx_find_instrument(engine, *id);
    if (!only) return okx_error{okx_code::inst_unknown, "Instrument ID does not exist.", 400};
  }
  return std::nullopt;
}

// What every listing reads first: its scope (read_scope) and its page.
struct listing {
  const symbol_rules* only = nullptr;
  bool none = false;
  page_query page;
};

std::variant<listing, okx_error> read_listing(const matching_engine& engine,
                                              const request_params& p, bool type_required) {
  listing l;
  if (auto e = read_scope(engine, p, type_required, l.only, l.none)) return *e;
  auto page = read_page(p);
  if (auto e = std::get_if<okx_error>(&page)) return *e;
  l.page = std::get<page_query>(page);
  return l;
}

// The orders as a JSON array of OKX order objects.
std::string orders_json(const matching_engine& engine, const std::vector<order>& orders) {
  json_writer w;
  w.begin_array();
  for (auto& o : orders)
    if (auto r = engine.rules(o.sym)) write_okx_order(w, o, *r);
  w.end_array();
  return w.take();
}

} // namespace

http_reply okx_rest_api::query_order(const request_params& p, const std::string& account,
                                     int64_t) {
  auto id = p.get("instId");
  if (!id || id->empty()) return error(okx_param_empty("instId"));
  auto r = okx_find_instrument(engine_, *id);
  if (!r) return error({okx_code::inst_unknown, "Instrument ID does not exist.", 400});
  order_key key;
  auto ord = p.get("ordId");
  auto cl = p.get("clOrdId");
  if (ord && !ord->empty()) {
    bool bad = false;
    key.order_id = read_id(p, "ordId", bad);
    if (bad) return error(okx_param_error("ordId"));
  } else if (cl && !cl->empty()) {
    key.orig_client_order_id = *cl;
  } else {
    return error({okx_code::either_param, "Either parameter ordId or clOrdId is required.", 400});
  }
  auto found = engine_.query(account, r->sym, key);
  if (std::holds_alternative<venue_error>(found))
    return error({okx_code::order_unknown, "Order does not exist.", 400});
  json_writer w;
  w.begin_array();
  write_okx_order(w, std::get<order>(found), *r);
  w.end_array();
  return ok(w.take());
}

http_reply okx_rest_api::orders_pending(const request_params& p, const std::string& account,
                                        int64_t) {
  auto l = read_listing(engine_, p, false);
  if (auto e = std::get_if<okx_error>(&l)) return error(*e);
  auto& [only, none, page] = std::get<listing>(l);
  if (none) return ok("[]");
  auto type = p.get("ordType");
  auto state = p.get("state");
  if (state && !state->empty() && *state != "live" && *state != "partially_filled")
    return error(okx_param_error("state"));
  auto orders = engine_.open_orders(account, only ? std::optional<symbol>(only->sym) : std::nullopt);
  orders.erase(std::remove_if(orders.begin(), orders.end(),
                              [&](const order& o) {
                                return (type && !type->empty() && okx_ord_type(o) != *type)
                                       || (state && !state->empty() && okx_state(o) != *state);
                              }),
               orders.end());
  paginate(orders, page, [](const order& o) { return o.order_id; });
  return ok(orders_json(engine_, orders));
}

http_reply okx_rest_api::orders_history(const request_params& p, const std::string& account,
                                        int64_t now_ms) {
  auto l = read_listing(engine_, p, true);
  if (auto e = std::get_if<okx_error>(&l)) return error(*e);
  auto& [only, none, page] = std::get<listing>(l);
  if (none) return ok("[]");
  auto type = p.get("ordType");
  auto state = p.get("state");
  if (state && !state->empty() && *state != "filled" && *state != "canceled")
    return error(okx_param_error("state"));
  std::vector<order> orders;
  for (auto& r : engine_.all_rules()) {
    if (only && only->sym != r.sym) continue;
    for (auto& o : engine_.all_orders(account, r.sym))
      if (!o.is_open() && now_ms - o.update_time_ms <= okx_history_window_ms
          && (!type || type->empty() || okx_ord_type(o) == *type)
          && (!state || state->empty() || okx_state(o) == *state))
        orders.push_back(o);
  }
  paginate(orders, page, [](const order& o) { return o.order_id; });
  return ok(orders_json(engine_, orders));
}

http_reply okx_rest_api::fills(const request_params& p, const std::string& account, int64_t) {
  auto l = read_listing(engine_, p, false);
  if (auto e = std::get_if<okx_error>(&l)) return error(*e);
  auto& [only, none, page] = std::get<listing>(l);
  if (none) return ok("[]");
  bool bad = false;
  auto ord_id = read_id(p, "ordId", bad);
  if (bad) return error(okx_param_error("ordId"));
  struct fill {
    int64_t bill_id = 0;
    account_trade t;
    const symbol_rules* r = nullptr;
  };
  std::vector<fill> all;
  // billId: the trade id (per instrument) times 256 plus the instrument's
  // index, unique across instruments and increasing within one.
  auto rules = engine_.all_rules();
  for (size_t i = 0; i < rules.size() && i < 256; ++i) {
    if (only && only->sym != rules[i].sym) continue;
    for (auto& t : engine_.trades_of(account, rules[i].sym))
      if (!ord_id || t.order_id == *ord_id)
        all.push_back({t.trade_id * 256 + static_cast<int64_t>(i), t, engine_.rules(rules[i].sym)});
  }
  paginate(all, page, [](const fill& f) { return f.bill_id; });
  json_writer w;
  w.begin_array();
  for (auto& f : all) {
    auto& r = *f.r;
    auto o = engine_.query(account, r.sym, order_key{f.t.order_id, {}});
    auto cl = std::holds_alternative<order>(o) ? okx_cl_ord_id(std::get<order>(o)) : "";
    w.begin_object().field("instType", "SPOT").field("instId", okx_inst_id(r))
      .field("tradeId", std::to_string(f.t.trade_id)).field("ordId", std::to_string(f.t.order_id))
      .field("clOrdId", cl).field("billId", std::to_string(f.bill_id)).field("tag", "")
      .field("fillPx", okx_px(r, f.t.px)).field("fillSz", okx_sz(r, f.t.quantity))
      .field("side", f.t.is_buyer ? "buy" : "sell").field("posSide", "net")
      .field("execType", f.t.is_maker ? "M" : "T")
      .field("feeCcy", f.t.is_buyer ? r.base_asset : r.quote_asset)
      .field("fee", f.t.commission.is_zero() ? "0" : okx_trim(-f.t.commission.raw))
      .field("ts", std::to_string(f.t.time_ms)).field("fillTime", std::to_string(f.t.time_ms))
      .end_object();
  }
  w.end_array();
  return ok(w.take());
}

http_reply okx_rest_api::balance(const request_params& p, const std::string& account,
                                 int64_t now_ms) {
  // ccy: "BTC,ETH" (at most 20); all held currencies when absent.
  std::vector<std::string> wanted;
  if (auto c = p.get("ccy"); c && !c->empty()) {
    size_t pos = 0;
    while (pos <= c->size()) {
      auto comma = c->find(',', pos);
      auto end = comma == std::string::npos ? c->size() : comma;
      if (end == pos) return error(okx_param_error("ccy"));
      wanted.push_back(c->substr(pos, end - pos));
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
    if (wanted.size() > 20) return error(okx_param_error("ccy", "at most 20 currencies"));
  }
  auto now = std::to_string(now_ms);
  json_writer w;
  // totalEq/adjEq are USD valuations OKX computes from its index prices;
  // this venue has none, so they are left empty.
  w.begin_array().begin_object().field("adjEq", "").field("totalEq", "").field("uTime", now)
    .key("details").begin_array();
  for (auto& [ccy, b] : engine_.balances().of(account)) {
    if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), ccy) == wanted.end()) continue;
    auto total = okx_trim((b.free + b.locked).raw);
    w.begin_object().field("ccy", ccy).field("eq", total).field("cashBal", total)
      .field("availBal", okx_trim(b.free.raw)).field("availEq", okx_trim(b.free.raw))
      .field("frozenBal", okx_trim(b.locked.raw)).field("ordFrozen", okx_trim(b.locked.raw))
      .field("eqUsd", "").field("uTime", now).end_object();
  }
  w.end_array().end_object().end_array();
  return ok(w.take());
}

} // namespace cwts::venue
