// Kraken trading endpoints (docs.kraken.com "Spot REST API" / Trading):
// parameters read here, the operations themselves in kraken_trade.
#include <cctype>
#include <cstdio>
#include <ctime>

#include "venue/kraken/kraken_rest_api.hpp"
#include "venue/okx/okx_auth.hpp"

namespace cwts::venue {

namespace {

std::string iso_seconds(int64_t ms) {
  auto secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// RFC 3339 "2024-01-01T12:00:00Z" or with a fraction ("...:00.123Z"); ms.
std::optional<int64_t> parse_rfc3339(const std::string& text) {
  std::string s = text;
  if (s.size() == 20 && s[19] == 'Z') s = s.substr(0, 19) + ".000Z";
  else if (s.size() > 24 && s.back() == 'Z' && s[19] == '.') s = s.substr(0, 23) + "Z";
  return parse_okx_iso_time(s);
}

bool all_digits(const std::string& s) {
  if (s.empty() || s.size() > 10) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

template <class T>
std::optional<T> take(kraken_read<T> v, std::optional<kraken_error>& err) {
  if (auto e = std::get_if<kraken_error>(&v)) {
    err = *e;
    return std::nullopt;
  }
  return std::get<std::optional<T>>(v);
}

// "deadline": refuses a request that arrives after it.
std::optional<kraken_error> check_deadline(const request_params& p, int64_t now_ms) {
  auto d = kraken_str(p, "deadline");
  if (!d) return std::nullopt;
  auto at = parse_rfc3339(*d);
  if (!at) return kraken_invalid("deadline");
  if (*at < now_ms) return kraken_fail(kraken_err::deadline_elapsed);
  return std::nullopt;
}

std::variant<int32_t, kraken_error> read_userref(const std::string& text) {
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0 || v < INT32_MIN || v > INT32_MAX)
    return kraken_invalid("userref");
  return static_cast<int32_t>(v);
}

// oflags: post (post-only), fcib/fciq/nompp accepted; viqc refused.
std::optional<kraken_error> read_flags(const request_params& p, kraken_order_request& r) {
  auto flags = kraken_str(p, "oflags");
  if (!flags) return std::nullopt;
  for (auto& f : kraken_list(*flags)) {
    if (f == "post") {
      if (r.type != order_type::limit) return kraken_invalid("oflags");
      r.type = order_type::limit_maker;
    } else if (f != "fcib" && f != "fciq" && f != "nompp") {
      // fcib/fciq (fee currency) and nompp (market price protection) do not
      // change what this venue does: it charges the asset received. viqc
      // (volume in quote) is not supported.
      return kraken_invalid("oflags");
    }
  }
  return std::nullopt;
}

// timeinforce GTC (default), IOC, or GTD with expiretm: "+<n>" seconds from
// now or a Unix time in seconds.
std::optional<kraken_error> read_time_in_force(const request_params& p, kraken_order_request& r,
                                               int64_t now_ms) {
  auto tif = kraken_str(p, "timeinforce");
  if (!tif || *tif == "GTC") return std::nullopt;
  if (*tif == "IOC") {
    r.tif = time_in_force::ioc;
    return std::nullopt;
  }
  if (*tif != "GTD") return kraken_invalid("timeinforce");
  auto exp = kraken_str(p, "expiretm");
  if (!exp) return kraken_invalid("expiretm");
  bool relative = exp->front() == '+';
  auto digits = relative ? exp->substr(1) : *exp;
  char* end = nullptr;
  auto v = std::strtoll(digits.c_str(), &end, 10);
  if (digits.empty() || *end != '\0' || v <= 0 || v > 10'000'000'000LL)
    return kraken_invalid("expiretm");
  r.expire_ms = relative ? now_ms + v * 1000 : v * 1000;
  return std::nullopt;
}

} // namespace

std::variant<kraken_order_request, kraken_error>
read_kraken_order(const request_params& p, const symbol_rules* pair, int64_t now_ms) {
  kraken_order_request r;
  r.rules = pair;
  if (!r.rules) return kraken_fail(kraken_err::unknown_pair);
  auto type = kraken_str(p, "type");
  if (!type) return kraken_invalid("type");
  if (*type == "buy") r.side = order_side::buy;
  else if (*type == "sell") r.side = order_side::sell;
  else return kraken_invalid("type");
  auto ordertype = kraken_str(p, "ordertype");
  if (!ordertype) return kraken_invalid("ordertype");
  if (*ordertype == "limit") r.type = order_type::limit;
  else if (*ordertype == "market") r.type = order_type::market;
  else return kraken_invalid("ordertype"); // stop-loss, take-profit, iceberg...: not here
  std::optional<kraken_error> err;
  auto volume = take(kraken_qty(p, "volume"), err);
  if (err) return *err;
  if (!volume) return kraken_invalid("volume");
  r.volume = *volume;
  if (r.type == order_type::limit) {
    auto px = take(kraken_price(p, "price"), err);
    if (err) return *err;
    if (!px) return kraken_invalid("price");
    r.px = *px;
  }
  if (auto e = read_flags(p, r)) return *e;
  if (auto e = read_time_in_force(p, r, now_ms)) return *e;
  if (r.type == order_type::limit_maker && r.tif == time_in_force::ioc)
    return kraken_invalid("timeinforce");
  if (r.type == order_type::market && r.tif != time_in_force::gtc && !r.expire_ms)
    r.tif = time_in_force::ioc;
  if (auto u = kraken_str(p, "userref")) {
    auto v = read_userref(*u);
    if (auto e = std::get_if<kraken_error>(&v)) return *e;
    r.userref = std::get<int32_t>(v);
  }
  if (auto c = kraken_str(p, "cl_ord_id")) r.cl_ord_id = *c;
  auto validate = take(kraken_bool(p, "validate"), err);
  if (err) return *err;
  r.validate = validate.value_or(false);
  return r;
}

http_reply kraken_rest_api::add_order(const kraken_args& a, const std::string& account,
                                      int64_t now_ms) {
  if (auto e = check_deadline(a.top, now_ms)) return error(*e);
  std::optional<kraken_error> err;
  auto pair = pair_param(a.top, err);
  if (!pair) return error(*err);
  auto req = read_kraken_order(a.top, pair, now_ms);
  if (auto e = std::get_if<kraken_error>(&req)) return error(*e);
  auto placed = trade_.place(account, std::get<kraken_order_request>(req), now_ms);
  // kraken_trade counted a refusal already.
  if (auto e = std::get_if<kraken_error>(&placed))
    return {e->http_status, kraken_error_body(e->text), {}};
  auto& p = std::get<kraken_placed>(placed);
  json_writer w;
  w.begin_object().key("descr").begin_object().field("order", p.descr).end_object();
  if (!p.txid.empty()) w.key("txid").begin_array().str(p.txid).end_array();
  w.end_object();
  return ok(w.str_view());
}

http_reply kraken_rest_api::add_order_batch(const kraken_args& a, const std::string& account,
                                            int64_t now_ms) {
  if (auto e = check_deadline(a.top, now_ms)) return error(*e);
  std::optional<kraken_error> err;
  auto pair = pair_param(a.top, err);
  if (!pair) return error(*err);
  if (a.orders.empty() || a.orders.size() > kraken_max_batch) return error(kraken_invalid("orders"));
  auto validate = take(kraken_bool(a.top, "validate"), err);
  if (err) return error(*err);
  json_writer w;
  w.begin_object().key("orders").begin_array();
  // One entry per order, in order: its txid and descr, or its error (the
  // others still go in: Kraken answers a batch order by order).
  for (auto& entry : a.orders) {
    auto req = read_kraken_order(entry, pair, now_ms);
    if (auto e = std::get_if<kraken_error>(&req)) {
      errors_.count(e->text);
      w.begin_object().field("error", e->text).end_object();
      continue;
    }
    auto& r = std::get<kraken_order_request>(req);
    if (validate.value_or(false)) r.validate = true;
    auto placed = trade_.place(account, r, now_ms);
    if (auto e = std::get_if<kraken_error>(&placed)) {
      w.begin_object().field("error", e->text).end_object();
      continue;
    }
    auto& p = std::get<kraken_placed>(placed);
    w.begin_object().key("descr").begin_object().field("order", p.descr).end_object();
    if (!p.txid.empty()) w.field("txid", p.txid);
    w.end_object();
  }
  w.end_array().end_object();
  return ok(w.str_view());
}

http_reply kraken_rest_api::amend_order(const kraken_args& a, const std::string& account,
                                        int64_t now_ms) {
  if (auto e = check_deadline(a.top, now_ms)) return error(*e);
  kraken_amend_request r;
  if (auto t = kraken_str(a.top, "txid")) r.txid = *t;
  if (auto c = kraken_str(a.top, "cl_ord_id")) r.cl_ord_id = *c;
  if (r.txid.empty() && r.cl_ord_id.empty()) return error(kraken_invalid("txid"));
  // Iceberg and trigger orders are not traded here.
  if (kraken_str(a.top, "display_qty")) return error(kraken_invalid("display_qty"));
  if (kraken_str(a.top, "trigger_price")) return error(kraken_invalid("trigger_price"));
  std::optional<kraken_error> err;
  r.order_qty = take(kraken_qty(a.top, "order_qty"), err);
  if (err) return error(*err);
  r.limit_price = take(kraken_price(a.top, "limit_price"), err);
  if (err) return error(*err);
  // post_only: "the limit price change will be rejected if the order cannot
  // be posted passively on the book".
  r.post_only = take(kraken_bool(a.top, "post_only"), err).value_or(false);
  if (err) return error(*err);
  auto done = trade_.amend(account, r, now_ms);
  if (auto e = std::get_if<kraken_error>(&done)) return {e->http_status, kraken_error_body(e->text), {}};
  json_writer w;
  w.begin_object().field("amend_id", std::get<kraken_amended>(done).amend_id).end_object();
  return ok(w.str_view());
}

http_reply kraken_rest_api::edit_order(const kraken_args& a, const std::string& account,
                                       int64_t now_ms) {
  if (auto e = check_deadline(a.top, now_ms)) return error(*e);
  std::optional<kraken_error> err;
  kraken_edit_request r;
  r.rules = pair_param(a.top, err);
  if (!r.rules) return error(*err);
  auto txid = kraken_str(a.top, "txid");
  if (!txid) return error(kraken_invalid("txid"));
  // "txid: Original Order ID or User Reference Id (userref)".
  if (all_digits(*txid)) {
    auto v = read_userref(*txid);
    if (auto e = std::get_if<kraken_error>(&v)) return error(*e);
    r.ref.userref = std::get<int32_t>(v);
  } else {
    r.ref.txid = *txid;
  }
  r.volume = take(kraken_qty(a.top, "volume"), err);
  if (err) return error(*err);
  r.px = take(kraken_price(a.top, "price"), err);
  if (err) return error(*err);
  if (auto u = kraken_str(a.top, "userref")) {
    auto v = read_userref(*u);
    if (auto e = std::get_if<kraken_error>(&v)) return error(*e);
    r.userref = std::get<int32_t>(v);
  }
  r.validate = take(kraken_bool(a.top, "validate"), err).value_or(false);
  if (err) return error(*err);
  auto done = trade_.edit(account, r, now_ms);
  if (auto e = std::get_if<kraken_error>(&done)) return {e->http_status, kraken_error_body(e->text), {}};
  auto& d = std::get<kraken_edited>(done);
  json_writer w;
  w.begin_object().key("descr").begin_object().field("order", d.descr).end_object();
  if (!d.txid.empty()) w.field("txid", d.txid);
  w.field("originaltxid", d.original_txid)
    .field("volume", kraken_vol(*r.rules, d.volume))
    .field("price", kraken_px(*r.rules, d.px))
    .field("price2", kraken_px(*r.rules, price{}))
    .field_num("orders_cancelled", d.txid.empty() ? 0 : 1)
    .field("status", "ok")
    .end_object();
  return ok(w.str_view());
}

http_reply kraken_rest_api::cancel_order(const kraken_args& a, const std::string& account,
                                         int64_t now_ms) {
  kraken_order_ref ref;
  auto txid = kraken_str(a.top, "txid");
  if (auto c = kraken_str(a.top, "cl_ord_id")) ref.cl_ord_id = *c;
  if (txid && all_digits(*txid)) {
    auto v = read_userref(*txid);
    if (auto e = std::get_if<kraken_error>(&v)) return error(*e);
    ref.userref = std::get<int32_t>(v);
  } else if (txid) {
    ref.txid = *txid;
  } else if (ref.cl_ord_id.empty()) {
    return error(kraken_invalid("txid"));
  }
  auto done = trade_.cancel(account, ref, now_ms);
  if (auto e = std::get_if<kraken_error>(&done)) return {e->http_status, kraken_error_body(e->text), {}};
  json_writer w;
  w.begin_object().field_num("count", static_cast<int64_t>(std::get<size_t>(done)))
    .field_bool("pending", false).end_object();
  return ok(w.str_view());
}

http_reply kraken_rest_api::cancel_order_batch(const kraken_args& a, const std::string& account,
                                               int64_t now_ms) {
  // "orders": txids or userrefs (strings, or objects with a txid);
  // "cl_ord_ids": client ids. At most 50 in all (Kraken's limit).
  std::vector<kraken_order_ref> refs;
  for (auto& entry : a.orders) {
    auto id = kraken_str(entry, "txid");
    if (!id) return error(kraken_invalid("orders"));
    kraken_order_ref ref;
    if (all_digits(*id)) {
      auto v = read_userref(*id);
      if (auto e = std::get_if<kraken_error>(&v)) return error(*e);
      ref.userref = std::get<int32_t>(v);
    } else {
      ref.txid = *id;
    }
    refs.push_back(std::move(ref));
  }
  if (auto list = kraken_str(a.top, "cl_ord_ids"))
    for (auto& c : kraken_list(*list)) refs.push_back(kraken_order_ref{{}, std::nullopt, c});
  if (refs.empty() || refs.size() > kraken_max_cancel_batch) return error(kraken_invalid("orders"));
  // Each id that names no open order is counted as refused and skipped;
  // the count says how many were canceled.
  size_t n = 0;
  for (auto& ref : refs)
    if (auto done = trade_.cancel(account, ref, now_ms); std::holds_alternative<size_t>(done))
      n += std::get<size_t>(done);
  json_writer w;
  w.begin_object().field_num("count", static_cast<int64_t>(n)).end_object();
  return ok(w.str_view());
}

http_reply kraken_rest_api::cancel_all(const kraken_args&, const std::string& account,
                                       int64_t now_ms) {
  json_writer w;
  w.begin_object().field_num("count", static_cast<int64_t>(trade_.cancel_all(account, now_ms)))
    .end_object();
  return ok(w.str_view());
}

http_reply kraken_rest_api::cancel_all_after(const kraken_args& a, const std::string& account,
                                             int64_t now_ms) {
  std::optional<kraken_error> err;
  auto timeout = take(kraken_int(a.top, "timeout"), err);
  if (err) return error(*err);
  if (!timeout) return error(kraken_invalid("timeout"));
  auto done = trade_.cancel_all_after(account, *timeout, now_ms);
  if (auto e = std::get_if<kraken_error>(&done)) return {e->http_status, kraken_error_body(e->text), {}};
  auto& s = std::get<kraken_dead_man_state>(done);
  json_writer w;
  w.begin_object().field("currentTime", iso_seconds(s.current_ms))
    .field("triggerTime", s.trigger_ms == 0 ? std::string("0") : iso_seconds(s.trigger_ms))
    .end_object();
  return ok(w.str_view());
}

http_reply kraken_rest_api::websockets_token(const kraken_args&, const std::string& account,
                                             int64_t now_ms) {
  auto t = tokens_.issue(account, now_ms);
  json_writer w;
  w.begin_object().field("token", t.token).field_num("expires", t.expires_s).end_object();
  return ok(w.str_view());
}

} // namespace cwts::venue
