// Kraken account queries (docs.kraken.com "Spot REST API" / Account Data):
// balances, open/closed/queried orders and the account's trades.
#include <algorithm>

#include "venue/kraken/kraken_rest_api.hpp"

namespace cwts::venue {

namespace {

// ClosedOrders and TradesHistory: "Returns 50 results at a time".
constexpr size_t page_size = 50;
// QueryOrders: "50 maximum".
constexpr size_t max_query = 50;

template <class T>
std::optional<T> take(kraken_read<T> v, std::optional<kraken_error>& err) {
  if (auto e = std::get_if<kraken_error>(&v)) {
    err = *e;
    return std::nullopt;
  }
  return std::get<std::optional<T>>(v);
}

// The common filters of the order listings.
struct order_filter {
  bool trades = false;
  std::optional<int64_t> userref;
  std::string cl_ord_id;
};

std::variant<order_filter, kraken_error> read_filter(const request_params& p) {
  order_filter f;
  std::optional<kraken_error> err;
  f.trades = take(kraken_bool(p, "trades"), err).value_or(false);
  if (err) return *err;
  f.userref = take(kraken_int(p, "userref"), err);
  if (err) return *err;
  if (auto c = kraken_str(p, "cl_ord_id")) f.cl_ord_id = *c;
  return f;
}

bool matches(const order_filter& f, const kraken_order_tags* t) {
  if (f.userref && (!t || t->userref != *f.userref)) return false;
  if (!f.cl_ord_id.empty() && (!t || t->cl_ord_id != f.cl_ord_id)) return false;
  return true;
}

// A time bound in Unix seconds (decimals allowed) or a txid whose order's
// time is used; ms.
std::variant<std::optional<int64_t>, kraken_error>
time_bound(const request_params& p, std::string_view name, const kraken_trade& trade,
           const std::string& account) {
  auto v = kraken_str(p, name);
  if (!v) return std::optional<int64_t>{};
  if (parse_kraken_txid(*v)) {
    auto o = trade.find(account, *v, {});
    if (auto e = std::get_if<kraken_error>(&o)) return *e;
    return std::optional<int64_t>{std::get<order>(o).time_ms};
  }
  char* end = nullptr;
  double secs = std::strtod(v->c_str(), &end);
  if (*end != '\0' || secs < 0) return kraken_invalid(name);
  return std::optional<int64_t>{static_cast<int64_t>(secs * 1000)};
}

// One TradesHistory entry, keyed by the trade's txid.
void write_trade(json_writer& w, const account_trade& t, int64_t symbol_index,
                 const matching_engine& engine, const std::string& account) {
  auto& rules = *engine.rules(t.sym);
  auto o = engine.query(account, t.sym, order_key{t.order_id, {}});
  auto* ord = std::get_if<order>(&o);
  // Commission is charged in the asset received (base on a buy).
  int64_t fee = t.is_buyer ? static_cast<int64_t>(static_cast<__int128>(t.commission.raw)
                                                  * t.px.raw / decimal_scale)
                           : t.commission.raw;
  w.key(kraken_trade_txid(symbol_index, t.trade_id)).begin_object()
    .field("ordertxid", kraken_txid(t.order_id))
    .field("postxid", "")
    .field("pair", kraken_names_of(rules).key)
    .key("time").raw(kraken_seconds(t.time_ms))
    .field("type", t.is_buyer ? "buy" : "sell")
    .field("ordertype", ord ? kraken_ordertype(*ord) : "limit")
    .field("price", kraken_px(rules, t.px))
    .field("cost", kraken_cost(rules, t.quote_qty.raw))
    .field("fee", kraken_cost(rules, fee))
    .field("vol", kraken_vol(rules, t.quantity))
    .field("margin", kraken_cost(rules, 0))
    .field("leverage", "0")
    .field("misc", "")
    .field_num("trade_id", t.trade_id)
    .field_bool("maker", t.is_maker)
    .end_object();
}

} // namespace

http_reply kraken_rest_api::balance(const kraken_args&, const std::string& account, int64_t) {
  json_writer w;
  w.begin_object();
  // Kraken's Balance is the total: free and held by open orders.
  for (auto& [asset, b] : engine_.balances().of(account))
    w.field(kraken_asset(asset), kraken_amount((b.free + b.locked).raw));
  w.end_object();
  return ok(w.str_view());
}

http_reply kraken_rest_api::balance_ex(const kraken_args&, const std::string& account, int64_t) {
  json_writer w;
  w.begin_object();
  for (auto& [asset, b] : engine_.balances().of(account))
    w.key(kraken_asset(asset)).begin_object()
      .field("balance", kraken_amount((b.free + b.locked).raw))
      .field("hold_trade", kraken_amount(b.locked.raw))
      .field("credit", kraken_amount(0)).field("credit_used", kraken_amount(0))
      .end_object();
  w.end_object();
  return ok(w.str_view());
}

http_reply kraken_rest_api::open_orders(const kraken_args& a, const std::string& account,
                                        int64_t) {
  auto f = read_filter(a.top);
  if (auto e = std::get_if<kraken_error>(&f)) return error(*e);
  auto& filter = std::get<order_filter>(f);
  json_writer w;
  w.begin_object().key("open").begin_object();
  for (auto& o : engine_.open_orders(account, std::nullopt)) {
    auto t = trade_.tags(o.order_id);
    if (!matches(filter, t)) continue;
    w.key(kraken_txid(o.order_id));
    write_kraken_order(w, o, *engine_.rules(o.sym), t, filter.trades, engine_);
  }
  w.end_object().end_object();
  return ok(w.str_view());
}

http_reply kraken_rest_api::closed_orders(const kraken_args& a, const std::string& account,
                                          int64_t) {
  auto f = read_filter(a.top);
  if (auto e = std::get_if<kraken_error>(&f)) return error(*e);
  auto& filter = std::get<order_filter>(f);
  auto start = time_bound(a.top, "start", trade_, account);
  if (auto e = std::get_if<kraken_error>(&start)) return error(*e);
  auto end = time_bound(a.top, "end", trade_, account);
  if (auto e = std::get_if<kraken_error>(&end)) return error(*e);
  std::optional<kraken_error> err;
  auto ofs = take(kraken_int(a.top, "ofs"), err).value_or(0);
  if (err || ofs < 0) return error(kraken_invalid("ofs"));
  auto closetime = kraken_str(a.top, "closetime");
  if (closetime && *closetime != "open" && *closetime != "close" && *closetime != "both")
    return error(kraken_invalid("closetime"));
  bool by_open = closetime && *closetime == "open";
  auto lo = std::get<std::optional<int64_t>>(start);
  auto hi = std::get<std::optional<int64_t>>(end);
  std::vector<order> closed;
  for (auto& r : engine_.all_rules())
    for (auto& o : engine_.all_orders(account, r.sym)) {
      if (o.is_open() || !matches(filter, trade_.tags(o.order_id))) continue;
      auto at = by_open ? o.time_ms : o.update_time_ms;
      // start/end are exclusive bounds (Kraken: "Starting unix timestamp or
      // order tx ID of results (exclusive)").
      if ((lo && at <= *lo) || (hi && at >= *hi)) continue;
      closed.push_back(o);
    }
  // Newest first.
  std::sort(closed.begin(), closed.end(), [](const order& x, const order& y) {
    return x.update_time_ms != y.update_time_ms ? x.update_time_ms > y.update_time_ms
                                                : x.order_id > y.order_id;
  });
  json_writer w;
  w.begin_object().key("closed").begin_object();
  auto first = std::min(closed.size(), static_cast<size_t>(ofs));
  for (size_t i = first; i < closed.size() && i < first + page_size; ++i) {
    auto& o = closed[i];
    w.key(kraken_txid(o.order_id));
    write_kraken_order(w, o, *engine_.rules(o.sym), trade_.tags(o.order_id), filter.trades,
                       engine_);
  }
  w.end_object().field_num("count", static_cast<int64_t>(closed.size())).end_object();
  return ok(w.str_view());
}

http_reply kraken_rest_api::query_orders(const kraken_args& a, const std::string& account,
                                         int64_t) {
  auto f = read_filter(a.top);
  if (auto e = std::get_if<kraken_error>(&f)) return error(*e);
  auto& filter = std::get<order_filter>(f);
  std::vector<order> found;
  if (auto list = kraken_str(a.top, "txid")) {
    auto ids = kraken_list(*list);
    if (ids.size() > max_query) return error(kraken_invalid("txid"));
    for (auto& id : ids) {
      auto o = trade_.find(account, id, {});
      if (auto e = std::get_if<kraken_error>(&o)) return error(*e);
      if (matches(filter, trade_.tags(std::get<order>(o).order_id))) found.push_back(std::get<order>(o));
    }
  } else if (filter.userref || !filter.cl_ord_id.empty()) {
    for (auto& r : engine_.all_rules())
      for (auto& o : engine_.all_orders(account, r.sym))
        if (matches(filter, trade_.tags(o.order_id))) found.push_back(o);
  } else {
    return error(kraken_invalid("txid"));
  }
  json_writer w;
  w.begin_object();
  for (auto& o : found) {
    w.key(kraken_txid(o.order_id));
    write_kraken_order(w, o, *engine_.rules(o.sym), trade_.tags(o.order_id), filter.trades,
                       engine_);
  }
  w.end_object();
  return ok(w.str_view());
}

http_reply kraken_rest_api::trades_history(const kraken_args& a, const std::string& account,
                                           int64_t) {
  // Spot only: every trade is a "no position" trade, so each `type` filter
  // but the position ones returns them all.
  if (auto t = kraken_str(a.top, "type");
      t && *t != "all" && *t != "any position" && *t != "closed position"
      && *t != "closing position" && *t != "no position")
    return error(kraken_invalid("type"));
  bool positions_only = false;
  if (auto t = kraken_str(a.top, "type"))
    positions_only = *t == "any position" || *t == "closed position" || *t == "closing position";
  auto start = time_bound(a.top, "start", trade_, account);
  if (auto e = std::get_if<kraken_error>(&start)) return error(*e);
  auto end = time_bound(a.top, "end", trade_, account);
  if (auto e = std::get_if<kraken_error>(&end)) return error(*e);
  std::optional<kraken_error> err;
  auto ofs = take(kraken_int(a.top, "ofs"), err).value_or(0);
  if (err || ofs < 0) return error(kraken_invalid("ofs"));
  auto lo = std::get<std::optional<int64_t>>(start);
  auto hi = std::get<std::optional<int64_t>>(end);
  struct row {
    account_trade t;
    int64_t index = 0;
  };
  std::vector<row> rows;
  if (!positions_only) {
    int64_t index = 0;
    for (auto& r : engine_.all_rules()) {
      for (auto& t : engine_.trades_of(account, r.sym))
        if ((!lo || t.time_ms > *lo) && (!hi || t.time_ms < *hi)) rows.push_back({t, index});
      ++index;
    }
  }
  std::sort(rows.begin(), rows.end(), [](const row& x, const row& y) {
    return x.t.time_ms != y.t.time_ms ? x.t.time_ms > y.t.time_ms : x.t.trade_id > y.t.trade_id;
  });
  json_writer w;
  w.begin_object().key("trades").begin_object();
  auto first = std::min(rows.size(), static_cast<size_t>(ofs));
  for (size_t i = first; i < rows.size() && i < first + page_size; ++i) {
    write_trade(w, rows[i].t, rows[i].index, engine_, account);
  }
  w.end_object().field_num("count", static_cast<int64_t>(rows.size())).end_object();
  return ok(w.str_view());
}

} // namespace cwts::venue
