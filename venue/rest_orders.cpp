// The signed order endpoints of rest_api (rest-api.md "Trading endpoints" and
// the order queries of "Account endpoints"): parameter validation in
// Binance's words, then the matching engine.
#include <algorithm>
#include <charconv>

#include "messages/ids.hpp"
#include "venue/order_json.hpp"
#include "venue/rest_api.hpp"
#include "venue/rest_params.hpp"

namespace cwts::venue {

namespace {

// Binance decimals: digits with an optional fraction, no sign or exponent.
template <class T>
std::variant<T, venue_error> read_decimal(const std::string& text, std::string_view name) {
  bool digits_only = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '.';
  });
  auto v = digits_only ? T::parse(text) : std::nullopt;
  if (!v) return illegal_param(name, "^([0-9]{1,20})(\\.[0-9]{1,20})?$");
  return *v;
}

std::variant<order_key, venue_error> read_order_key(const request_params& p) {
  order_key key;
  if (auto id = p.get("orderId")) {
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(id->data(), id->data() + id->size(), v);
    if (id->empty() || ec != std::errc() || ptr != id->data() + id->size())
      return illegal_param("orderId", "^[0-9]{1,20}$");
    key.order_id = v;
  }
  if (auto coid = p.get("origClientOrderId")) key.orig_client_order_id = *coid;
  if (!key.order_id && key.orig_client_order_id.empty())
    return venue_error{-1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both "
                              "were empty/null!", 400};
  return key;
}

std::optional<new_order_resp_type> parse_resp_type(std::string_view t) {
  if (t == "ACK") return new_order_resp_type::ack;
  if (t == "RESULT") return new_order_resp_type::result;
  if (t == "FULL") return new_order_resp_type::full;
  return std::nullopt;
}

std::optional<venue_error> read_price(const request_params& p, place_request& req) {
  auto px = p.get("price");
  if (!px || px->empty()) return missing_param("price");
  auto parsed_px = read_decimal<price>(*px, "price");
  if (auto e = std::get_if<venue_error>(&parsed_px)) return *e;
  req.px = std::get<price>(parsed_px);
  return std::nullopt;
}

// Fills `req` with side, type, timeInForce, quantity and price.
std::optional<venue_error> read_order_shape(const request_params& p, place_request& req) {
  auto side = p.get("side");
  if (!side || side->empty()) return missing_param("side");
  auto s = parse_side(*side);
  if (!s) return venue_error{-1117, "Invalid side.", 400};
  auto type = p.get("type");
  if (!type || type->empty()) return missing_param("type");
  auto t = parse_order_type(*type);
  if (!t) return venue_error{-1116, "Invalid orderType.", 400};
  req.side = *s;
  req.type = *t;
  auto q = p.get("quantity");
  if (!q || q->empty()) return missing_param("quantity");
  auto quantity = read_decimal<qty>(*q, "quantity");
  if (auto e = std::get_if<venue_error>(&quantity)) return *e;
  req.quantity = std::get<qty>(quantity);
  if (req.type == order_type::market) {
    // MARKET takes neither price nor timeInForce (-1106 when sent).
    if (p.has("price")) return param_not_required("price");
    if (p.has("timeInForce")) return param_not_required("timeInForce");
    return std::nullopt;
  }
  if (req.type == order_type::limit_maker) {
    // LIMIT_MAKER takes a price but no timeInForce (rest-api.md "New order").
    if (p.has("timeInForce")) return param_not_required("timeInForce");
    return read_price(p, req);
  }
  auto tif = p.get("timeInForce");
  if (!tif || tif->empty()) return missing_param("timeInForce");
  auto parsed_tif = parse_time_in_force(*tif);
  if (!parsed_tif) return venue_error{-1115, "Invalid timeInForce.", 400};
  req.tif = *parsed_tif;
  return read_price(p, req);
}

} // namespace

std::variant<rest_api::new_order_request, venue_error>
rest_api::read_new_order(const request_params& p, const std::string& account) {
  auto sym = read_symbol(p, engine_);
  if (auto e = std::get_if<venue_error>(&sym)) return *e;
  new_order_request out;
  auto& req = out.req;
  req.account = account;
  req.sym = std::get<symbol>(sym);
  if (auto e = read_order_shape(p, req)) return *e;
  if (auto coid = p.get("newClientOrderId")) {
    if (!is_valid_client_order_id(*coid))
      return illegal_param("newClientOrderId", "^[a-zA-Z0-9-_]{1,36}$");
    req.client_order_id = *coid;
  }
  // rest-api.md: "MARKET and LIMIT order types default to FULL, all other
  // orders default to ACK."
  out.resp_type = req.type == order_type::limit_maker ? new_order_resp_type::ack
                                                      : new_order_resp_type::full;
  if (auto rt = p.get("newOrderRespType")) {
    auto parsed = parse_resp_type(*rt);
    if (!parsed) return illegal_param("newOrderRespType", "ACK, RESULT, FULL");
    out.resp_type = *parsed;
  }
  if (auto mode = p.get("selfTradePreventionMode")) {
    auto parsed = parse_stp_mode(*mode);
    if (!parsed)
      return illegal_param("selfTradePreventionMode",
                           "NONE, EXPIRE_TAKER, EXPIRE_MAKER, EXPIRE_BOTH");
    out.req.stp = *parsed;
  }
  return out;
}

std::variant<std::string, venue_error> rest_api::place_new_order(const new_order_request& r,
                                                                 int64_t now) {
  auto placed = engine_.place(r.req, now);
  if (auto e = std::get_if<venue_error>(&placed)) return *e;
  ++stats_.user_orders;
  json_writer w;
  auto* rules = engine_.rules(r.req.sym);
  write_new_order(w, std::get<order>(placed), r.resp_type,
                  r.req.side == order_side::buy ? rules->base_asset : rules->quote_asset);
  return w.take();
}

http_reply rest_api::new_order(const request_params& p, const std::string& account,
                               int64_t now) {
  if (auto e = check_unread(p, {"symbol", "side", "type", "timeInForce", "quantity", "price",
                                "newClientOrderId", "newOrderRespType",
                                "selfTradePreventionMode"}))
    return error(*e);
  // Fault injection: an authenticated order refused with the armed code.
  if (auto e = faults_.take_order_reject(weights_.limit())) return error(*e);
  auto read = read_new_order(p, account);
  if (auto e = std::get_if<venue_error>(&read)) return error(*e);
  // ORDERS limits: every order that reaches the matching engine counts;
  // the reply shows the account's counts either way.
  if (auto e = orders_.charge(account, now)) return with_order_counts(error(*e), account, now);
  auto placed = place_new_order(std::get<new_order_request>(read), now);
  if (auto e = std::get_if<venue_error>(&placed))
    return with_order_counts(error(*e), account, now);
  return with_order_counts({200, std::get<std::string>(placed), {}}, account, now);
}

http_reply rest_api::with_order_counts(http_reply r, const std::string& account, int64_t now) {
  for (auto& h : orders_.headers(account, now))
    r.headers.push_back(std::move(h));
  return r;
}

http_reply rest_api::cancel_order(const request_params& p, const std::string& account,
                                  int64_t now) {
  if (auto e = check_unread(p, {"symbol", "orderId", "origClientOrderId", "newClientOrderId"}))
    return error(*e);
  auto sym = read_symbol(p, engine_);
  if (auto e = std::get_if<venue_error>(&sym)) return error(*e);
  auto key = read_order_key(p);
  if (auto e = std::get_if<venue_error>(&key)) return error(*e);
  std::string cancel_id;
  if (auto id = p.get("newClientOrderId")) {
    if (!is_valid_client_order_id(*id))
      return error(illegal_param("newClientOrderId", "^[a-zA-Z0-9-_]{1,36}$"));
    cancel_id = *id;
  }
  auto done = engine_.cancel(account, std::get<symbol>(sym), std::get<order_key>(key), now,
                             cancel_id);
  if (auto e = std::get_if<venue_error>(&done)) return error(*e);
  json_writer w;
  write_cancel(w, std::get<order>(done), now);
  return {200, w.take(), {}};
}

http_reply rest_api::query_order(const request_params& p, const std::string& account,
                                 int64_t) {
  if (auto e = check_unread(p, {"symbol", "orderId", "origClientOrderId"})) return error(*e);
  auto sym = read_symbol(p, engine_);
  if (auto e = std::get_if<venue_error>(&sym)) return error(*e);
  auto key = read_order_key(p);
  if (auto e = std::get_if<venue_error>(&key)) return error(*e);
  auto found = engine_.query(account, std::get<symbol>(sym), std::get<order_key>(key));
  if (auto e = std::get_if<venue_error>(&found)) return error(*e);
  json_writer w;
  write_query_order(w, std::get<order>(found));
  return {200, w.take(), {}};
}

http_reply rest_api::open_orders(const request_params& p, const std::string& account,
                                 int64_t) {
  if (auto e = check_unread(p, {"symbol"})) return error(*e);
  std::optional<symbol> filter;
  if (p.has("symbol")) { // optional here: all symbols when omitted
    auto sym = read_symbol(p, engine_);
    if (auto e = std::get_if<venue_error>(&sym)) return error(*e);
    filter = std::get<symbol>(sym);
  }
  json_writer w;
  w.begin_array();
  for (auto& o : engine_.open_orders(account, filter))
    write_query_order(w, o);
  w.end_array();
  return {200, w.take(), {}};
}

http_reply rest_api::cancel_open_orders(const request_params& p, const std::string& account,
                                        int64_t now) {
  if (auto e = check_unread(p, {"symbol"})) return error(*e);
  auto sym = read_symbol(p, engine_);
  if (auto e = std::get_if<venue_error>(&sym)) return error(*e);
  auto done = engine_.cancel_all(account, std::get<symbol>(sym), now);
  if (auto e = std::get_if<venue_error>(&done)) return error(*e);
  json_writer w;
  w.begin_array();
  for (auto& o : std::get<std::vector<order>>(done))
    write_cancel(w, o, now);
  w.end_array();
  return {200, w.take(), {}};
}

} // namespace cwts::venue
