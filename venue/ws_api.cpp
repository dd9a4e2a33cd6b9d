#include "venue/ws_api.hpp"

#include <algorithm>
#include <cctype>
#include <variant>

#include "venue/json_reader.hpp"
#include "venue/json_writer.hpp"
#include "venue/request_auth.hpp"
#include "venue/rest_params.hpp"

namespace cwts::venue {

namespace {

constexpr int64_t minute_ms = 60 * 1000;

// One request frame, read: the id to echo (as JSON), the method without its
// optional "v3/" prefix, and params as text values.
struct ws_request {
  std::string id_json = "null";
  std::string method;
  request_params params;
  bool rate_limits = true;
};

void write_value(json_writer& w, const json_value& v) {
  switch (v.type) {
    case json_value::kind::null: w.raw("null"); break;
    case json_value::kind::boolean: w.boolean(v.flag); break;
    case json_value::kind::number: w.raw(v.text); break;
    case json_value::kind::string: w.str(v.text); break;
    case json_value::kind::array:
      w.begin_array();
      for (auto& item : v.items)
        write_value(w, item);
      w.end_array();
      break;
    case json_value::kind::object:
      w.begin_object();
      for (auto& [k, item] : v.members) {
        w.key(k);
        write_value(w, item);
      }
      w.end_object();
      break;
  }
}

// A parameter's value as the REST handlers read it: strings unquoted,
// numbers and booleans as written, arrays (`symbols`) as compact JSON, null
// as empty (so a mandatory one is "empty/null", -1102).
std::variant<std::string, venue_error> param_text(const std::string& name, const json_value& v) {
  switch (v.type) {
    case json_value::kind::null: return std::string{};
    case json_value::kind::boolean: return std::string(v.flag ? "true" : "false");
    case json_value::kind::number:
    case json_value::kind::string: return v.text;
    case json_value::kind::array: {
      json_writer w;
      write_value(w, v);
      return w.take();
    }
    case json_value::kind::object: break;
  }
  // errors.md -1130 INVALID_PARAMETER.
  return venue_error{-1130, "Data sent for parameter '" + name + "' is not valid.", 400};
}

std::optional<venue_error> read_params(const json_value* params, request_params& out) {
  if (!params) return std::nullopt; // "May be omitted if there are no parameters"
  if (params->type != json_value::kind::object)
    return venue_error{-1130, "Data sent for parameter 'params' is not valid.", 400};
  for (auto& [name, value] : params->members) {
    if (out.has(name))
      return venue_error{-1101, "Duplicate values for a parameter detected.", 400};
    auto text = param_text(name, value);
    if (auto e = std::get_if<venue_error>(&text)) return *e;
    out.add(name, std::get<std::string>(text));
  }
  return std::nullopt;
}

bool is_integer(const std::string& t) {
  auto digits = !t.empty() && t[0] == '-' ? t.substr(1) : t;
  return !digits.empty() && digits.size() <= 19
         && std::all_of(digits.begin(), digits.end(),
                        [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// web-socket-api.md "Request format": id (INT / STRING / null, mandatory),
// method (STRING), params (OBJECT, optional). Fills `req` as far as it gets;
// the error when the frame is not such a request.
std::optional<venue_error> read_request(std::string_view frame, ws_request& req) {
  auto parsed = parse_json(frame);
  auto* doc = std::get_if<json_value>(&parsed);
  // errors.md -1135 INVALID_JSON.
  if (!doc || doc->type != json_value::kind::object)
    return venue_error{-1135, "Invalid JSON Request", 400};
  auto* id = doc->member("id");
  bool id_ok = id && (id->type == json_value::kind::null || id->type == json_value::kind::string
                      || (id->type == json_value::kind::number && is_integer(id->text)));
  if (!id_ok) return missing_param("id");
  if (id->type == json_value::kind::string) req.id_json = json_quote(id->text);
  if (id->type == json_value::kind::number) req.id_json = id->text;
  auto* method = doc->member("method");
  if (!method || method->type != json_value::kind::string || method->text.empty())
    return missing_param("method");
  // "Request method names may be prefixed with explicit version".
  req.method = method->text.rfind("v3/", 0) == 0 ? method->text.substr(3) : method->text;
  if (auto e = read_params(doc->member("params"), req.params)) return e;
  if (auto rl = req.params.get("returnRateLimits")) {
    if (*rl != "true" && *rl != "false") return illegal_param("returnRateLimits", "true, false");
    req.rate_limits = *rl == "true";
  }
  return std::nullopt;
}

// web-socket-api.md: order placement responses list the ORDERS limits too,
// with the account's counts (taken from the X-MBX-ORDER-COUNT-* headers the
// shared REST handler set).
void write_order_limits(json_writer& w, const http_reply& r, const order_limits& orders) {
  const std::string* ten = nullptr;
  const std::string* day = nullptr;
  for (auto& [name, value] : r.headers) {
    if (name == "X-MBX-ORDER-COUNT-10S") ten = &value;
    if (name == "X-MBX-ORDER-COUNT-1D") day = &value;
  }
  if (!ten || !day) return;
  w.begin_object().field("rateLimitType", "ORDERS").field("interval", "SECOND")
    .field_num("intervalNum", 10).field_num("limit", orders.per_10s)
    .key("count").raw(*ten).end_object()
    .begin_object().field("rateLimitType", "ORDERS").field("interval", "DAY")
    .field_num("intervalNum", 1).field_num("limit", orders.per_day)
    .key("count").raw(*day).end_object();
}

std::string respond(const ws_request& req, const http_reply& r, const weight_limiter& weights,
                    const order_limits& orders, int64_t now) {
  json_writer w;
  w.begin_object().key("id").raw(req.id_json).field_num("status", r.status);
  if (r.status == 200) {
    w.key("result").raw(r.body);
  } else if (r.status == 429) {
    // web-socket-api.md "IP limits": rate-limited responses carry retryAfter.
    auto body = r.body.substr(0, r.body.size() - 1);
    w.key("error").raw(body + ",\"data\":{\"serverTime\":" + std::to_string(now)
                       + ",\"retryAfter\":" + std::to_string((now / minute_ms + 1) * minute_ms)
                       + "}}");
  } else {
    w.key("error").raw(r.body);
  }
  if (req.rate_limits) {
    w.key("rateLimits").begin_array().begin_object()
      .field("rateLimitType", "REQUEST_WEIGHT").field("interval", "MINUTE")
      .field_num("intervalNum", 1).field_num("limit", weights.limit())
      .field_num("count", weights.used(now)).end_object();
    write_order_limits(w, r, orders);
    w.end_array();
  }
  return w.end_object().take();
}

// The account a SIGNED request acts for: apiKey, timestamp and signature in
// params, the signature over every other param sorted by name.
std::variant<std::string, venue_error> authenticate_params(const key_store& keys,
                                                           const request_params& p,
                                                           int64_t now) {
  auto key = p.get("apiKey");
  if (!key) return missing_param("apiKey");
  std::optional<std::string> signature;
  if (auto sig = p.get("signature")) signature = *sig;
  return verify_signed(keys, std::string_view(*key), ws_signature_payload(p), signature, p, now);
}

} // namespace

std::optional<int64_t> ws_api_session::subscription_of(const std::string& account) const {
  for (auto& s : subscriptions)
    if (s.account == account) return s.id;
  return std::nullopt;
}

const ws_api::method_entry* ws_api::find_method(std::string_view name) {
  static const method_entry methods[] = {
    {"ping", false, nullptr, nullptr, &ws_api::ping},
    {"time", false, nullptr, nullptr, &ws_api::time},
    {"exchangeInfo", false, nullptr, nullptr, &ws_api::exchange_info},
    {"depth", false, nullptr, &rest_api::depth, nullptr},
    {"trades.recent", false, nullptr, &rest_api::trades, nullptr},
    // trades.historical is served without an apiKey (docs/venue.md).
    {"trades.historical", false, nullptr, &rest_api::historical_trades, nullptr},
    {"trades.aggregate", false, nullptr, &rest_api::agg_trades, nullptr},
    {"klines", false, nullptr, &rest_api::klines, nullptr},
    {"uiKlines", false, nullptr, &rest_api::klines, nullptr},
    {"avgPrice", false, nullptr, &rest_api::avg_price, nullptr},
    {"ticker.price", false, nullptr, &rest_api::ticker_price, nullptr},
    {"ticker.book", false, nullptr, &rest_api::book_ticker, nullptr},
    {"ticker.24hr", false, nullptr, &rest_api::ticker_24hr, nullptr},
    {"order.place", true, &rest_api::new_order, nullptr, nullptr},
    {"order.cancel", true, &rest_api::cancel_order, nullptr, nullptr},
    {"order.status", true, &rest_api::query_order, nullptr, nullptr},
    {"order.cancelReplace", true, &rest_api::cancel_replace, nullptr, nullptr},
    {"order.amend.keepPriority", true, &rest_api::amend_keep_priority, nullptr, nullptr},
    {"openOrders.status", true, &rest_api::open_orders, nullptr, nullptr},
    {"openOrders.cancelAll", true, &rest_api::cancel_open_orders, nullptr, nullptr},
    {"allOrders", true, &rest_api::all_orders, nullptr, nullptr},
    {"myTrades", true, &rest_api::my_trades, nullptr, nullptr},
    {"account.status", true, &rest_api::account, nullptr, nullptr},
    {"session.logon", true, nullptr, nullptr, &ws_api::logon},
    {"session.status", false, nullptr, nullptr, &ws_api::session_status},
    // No logon ever succeeds here (see logon), so logging out leaves the
    // session as it is and answers its status, as Binance does.
    {"session.logout", false, nullptr, nullptr, &ws_api::session_status},
    {"session.subscriptions", false, nullptr, nullptr, &ws_api::subscriptions},
    {"userDataStream.subscribe", false, nullptr, nullptr, &ws_api::subscribe},
    {"userDataStream.subscribe.signature", true, nullptr, nullptr,
     &ws_api::subscribe_signature},
    {"userDataStream.unsubscribe", false, nullptr, nullptr, &ws_api::unsubscribe},
  };
  for (auto& m : methods)
    if (m.name == name) return &m;
  return nullptr;
}

std::string ws_api::handle(std::string_view frame, ws_api_session& session, int64_t now_ms) {
  ++rest_.stats().requests;
  ws_request req;
  req.rate_limits = session.return_rate_limits;
  auto bad = read_request(frame, req);
  auto weight = bad ? 1 : ws_api_request_weight(req.method, req.params);
  http_reply reply;
  if (auto over = rest_.charge_weight(weight, now_ms)) {
    reply = rest_.error(*over);
  } else if (bad) {
    reply = rest_.error(*bad);
  } else if (auto* m = find_method(req.method)) {
    // ws-api-unavailable: the 5xx-equivalent answer (executed or not).
    auto unavailable = rest_.faults().take_ws_api_unavailable();
    if (!unavailable || *unavailable) reply = call(*m, req.params, session, now_ms);
    if (unavailable) reply = rest_.error(unavailable_error());
  } else {
    // errors.md -1020 UNSUPPORTED_OPERATION (a method the venue does not serve).
    reply = rest_.error(venue_error{-1020, "This operation is not supported.", 400});
  }
  return respond(req, reply, rest_.weights(), rest_.order_counts().limits(), now_ms);
}

http_reply ws_api::call(const method_entry& m, request_params& p, ws_api_session& s,
                        int64_t now) {
  std::string account;
  if (m.is_signed) {
    auto who = authenticate_params(rest_.keys(), p, now);
    if (auto e = std::get_if<venue_error>(&who)) return rest_.error(*e);
    account = std::get<std::string>(who);
    p.remove("apiKey");
  }
  // Read by this layer (and covered by the signature), not by the method.
  p.remove("returnRateLimits");
  if (m.shared) return (rest_.*m.shared)(p, account, now);
  if (m.market) return (rest_.*m.market)(p, now);
  return (this->*m.own)(p, account, s, now);
}

http_reply ws_api::ping(const request_params& p, const std::string&, ws_api_session&, int64_t) {
  if (auto e = check_unread(p, {}, false)) return rest_.error(*e);
  return rest_.ping();
}

http_reply ws_api::time(const request_params& p, const std::string&, ws_api_session&,
                        int64_t now) {
  if (auto e = check_unread(p, {}, false)) return rest_.error(*e);
  return rest_.server_time(now);
}

http_reply ws_api::exchange_info(const request_params& p, const std::string&, ws_api_session&,
                                 int64_t now) {
  return rest_.exchange_info(p, now);
}

http_reply ws_api::logon(const request_params& p, const std::string&, ws_api_session&, int64_t) {
  if (auto e = check_unread(p, {})) return rest_.error(*e);
  // web-socket-api.md "Authentication requests": "Only Ed25519 keys are
  // supported for this feature." Venue keys are HMAC, so the signature can
  // never verify as Ed25519: Binance answers an HMAC-signed logon with -1022.
  return rest_.error(venue_error{-1022, "Signature for this request is not valid.", 400});
}

http_reply ws_api::session_status(const request_params& p, const std::string&,
                                  ws_api_session& s, int64_t now) {
  if (auto e = check_unread(p, {}, false)) return rest_.error(*e);
  json_writer w;
  w.begin_object().key("apiKey").raw("null").key("authorizedSince").raw("null")
    .field_num("connectedSince", s.connected_since_ms)
    .field_bool("returnRateLimits", s.return_rate_limits).field_num("serverTime", now)
    .field_bool("userDataStream", !s.subscriptions.empty()).end_object();
  return {200, w.take(), {}};
}

http_reply ws_api::subscribe(const request_params& p, const std::string&, ws_api_session&,
                             int64_t) {
  if (auto e = check_unread(p, {}, false)) return rest_.error(*e);
  // Needs a session.logon'd connection (Ed25519); without one the request
  // carries no API key, which is -2014 as a REST request without one.
  return rest_.error(venue_error{-2014, "API-key format invalid.", 401});
}

http_reply ws_api::subscribe_signature(const request_params& p, const std::string& account,
                                       ws_api_session& s, int64_t) {
  if (auto e = check_unread(p, {})) return rest_.error(*e);
  // "You can have only one active subscription for a given account on a
  // given connection": a repeat answers the active one's id.
  auto id = s.subscription_of(account);
  if (!id) {
    id = s.next_subscription_id++;
    s.subscriptions.push_back({*id, account});
  }
  return {200, "{\"subscriptionId\":" + std::to_string(*id) + "}", {}};
}

http_reply ws_api::subscriptions(const request_params& p, const std::string&,
                                 ws_api_session& s, int64_t) {
  if (auto e = check_unread(p, {}, false)) return rest_.error(*e);
  json_writer w;
  w.begin_array();
  for (auto& sub : s.subscriptions)
    w.begin_object().field_num("subscriptionId", sub.id).end_object();
  w.end_array();
  return {200, w.take(), {}};
}

http_reply ws_api::unsubscribe(const request_params& p, const std::string&, ws_api_session& s,
                               int64_t) {
  if (auto e = check_unread(p, {"subscriptionId"}, false)) return rest_.error(*e);
  auto which = read_id(p, "subscriptionId");
  if (auto e = std::get_if<venue_error>(&which)) return rest_.error(*e);
  auto id = std::get<std::optional<int64_t>>(which);
  // No subscriptionId closes them all; an unknown one closes nothing.
  auto& subs = s.subscriptions;
  subs.erase(std::remove_if(subs.begin(), subs.end(),
                            [&](const ws_api_session::subscription& x) {
                              return !id || x.id == *id;
                            }),
             subs.end());
  return {200, "{}", {}};
}

} // namespace cwts::venue
