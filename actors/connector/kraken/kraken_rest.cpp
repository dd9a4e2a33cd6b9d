#include "actors/connector/kraken/kraken_rest.hpp"

#include <algorithm>
#include <cstdio>
#include <thread>

#include "actors/connector/tls_transport.hpp"

namespace cwts::connector::kraken {

namespace {

using boost::beast::http::verb;
using clock_type = std::chrono::steady_clock;

template <class T, class U>
kraken_reply<T> carry(const kraken_reply<U>& from) {
  kraken_reply<T> out;
  out.kind = from.kind;
  out.error = from.error;
  out.http_status = from.http_status;
  out.detail = from.detail;
  out.rtt_ns = from.rtt_ns;
  return out;
}

// Decodes the result of an `ok` envelope; an unreadable success is unknown.
template <class T, class Parse>
kraken_reply<T> decode(kraken_reply<kraken_envelope>&& r, Parse parse) {
  auto out = carry<T>(r);
  if (!r.ok())
    return out;
  auto v = parse(r.value);
  if (v) {
    out.value = std::move(v.value());
  } else {
    out.kind = reply_kind::unknown;
    out.detail = "unreadable success reply: " + v.error().reason;
  }
  return out;
}

const rapidjson::Value* member(const rapidjson::Value& obj, const char* key) {
  if (!obj.IsObject())
    return nullptr;
  auto it = obj.FindMember(key);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

outcome<std::string> string_field(const kraken_envelope& env, const char* key) {
  const auto* v = member(*env.result, key);
  if (v == nullptr || !v->IsString())
    return codec_error{std::string("field \"") + key + "\": missing or not a string"};
  return std::string(v->GetString(), v->GetStringLength());
}

outcome<int64_t> count_field(const kraken_envelope& env) {
  auto t = string_field(env, "count"); // a number, read as its text
  if (!t)
    return t.error();
  char* end = nullptr;
  auto v = std::strtoll(t.value().c_str(), &end, 10);
  if (end == t.value().c_str() || *end != '\0' || v < 0)
    return codec_error{"field \"count\": not a count"};
  return static_cast<int64_t>(v);
}

outcome<std::vector<kraken_order>> orders_under(const kraken_envelope& env, const char* key) {
  const auto* v = member(*env.result, key);
  if (v == nullptr)
    return codec_error{std::string("field \"") + key + "\": missing"};
  return parse_order_map(*v);
}

} // namespace

kraken_rest::kraken_rest(kraken_rest_config cfg)
  : cfg_(std::move(cfg)),
    key_(base64_decode(cfg_.credentials.secret).value_or(std::string())),
    http_(make_http_transport(cfg_.host, cfg_.port, cfg_.tls, cfg_.ca_file),
          cfg_.host + ":" + std::to_string(cfg_.port), cfg_.request_timeout),
    nonce_(cfg_.nonce_path, cfg_.nonce_block),
    budget_(cfg_.call_limits) {}

std::chrono::milliseconds kraken_rest::paused_for() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
    budget_.wait_for(1, call_priority::kill, clock_type::now()));
}

bool kraken_rest::room_for(call_priority p) const {
  return budget_.wait_for(1, p, clock_type::now()) == clock_type::duration::zero();
}

double kraken_rest::call_counter() const {
  return budget_.value(clock_type::now());
}

bool kraken_rest::admit(double cost, call_priority p, steady_deadline limit, std::string& why) {
  auto now = clock_type::now();
  auto wait = budget_.wait_for(cost, p, now);
  if (wait == clock_type::duration::zero())
    return true;
  // The kill waits for the decay while that ends before its deadline, and
  // else asks at once: a local refusal would end the kill unconfirmed
  // without the venue being asked. Order work waits a little; the
  // background not at all (its next round asks again).
  auto most = clock_type::duration::zero();
  if (p == call_priority::kill)
    most = limit - now;
  else if (p == call_priority::order)
    most = std::min<clock_type::duration>(cfg_.order_wait, limit - now);
  if (wait > most && p == call_priority::kill) {
    ++kill_unheld;
    return true;
  }
  if (wait > most) {
    ++deferred;
    char text[128];
    std::snprintf(text, sizeof text, "call counter at %.1f of %.1f: room in %lld ms",
                  budget_.value(now), budget_.limits().max,
                  static_cast<long long>(
                    std::chrono::duration_cast<std::chrono::milliseconds>(wait).count()));
    why = text;
    return false;
  }
  std::this_thread::sleep_for(wait); // one wait, exactly as long as the decay needs
  ++budget_waits;
  budget_wait_us += std::chrono::duration_cast<std::chrono::microseconds>(wait).count();
  return true;
}

kraken_reply<kraken_envelope> kraken_rest::send_once(const std::string& path,
                                                     const kraken_fields& fields, bool is_private,
                                                     steady_deadline limit, double cost) {
  kraken_reply<kraken_envelope> out;
  http_request req;
  req.target = path;
  req.headers.emplace_back("Accept", "application/json");
  if (is_private) {
    auto nonce = nonce_.next();
    if (!nonce) {
      out.kind = reply_kind::not_sent;
      out.detail = nonce.error().reason;
      return out;
    }
    auto n = std::to_string(nonce.value());
    kraken_fields all;
    all.reserve(fields.size() + 1);
    all.emplace_back("nonce", n);
    all.insert(all.end(), fields.begin(), fields.end());
    req.method = verb::post;
    req.body = form_body(all);
    req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    for (auto& h : signed_headers(cfg_.credentials.api_key, key_, path, n, req.body))
      req.headers.push_back(std::move(h));
  } else {
    req.method = verb::get;
    req.idempotent = true;
    if (!fields.empty())
      req.target += "?" + form_body(fields);
  }
  ++requests;
  budget_.spend(cost, clock_type::now());
  auto deadline = std::min(clock_type::now() + cfg_.request_timeout, limit);
  auto res = http_.send(req, deadline);
  if (!res) {
    out.kind = res.error().delivered == delivery::not_sent ? reply_kind::not_sent : reply_kind::unknown;
    out.detail = std::string(to_string(res.error().failure)) + ": " + res.error().detail;
    out.rtt_ns = res.error().elapsed_ns;
    return out;
  }
  auto& reply = res.value();
  out.http_status = reply.status;
  out.rtt_ns = reply.rtt_ns;
  auto env = parse_envelope(reply.body);
  if (!env) {
    // A 4XX without an envelope was refused before any effect; a 5XX or an
    // unreadable 200 may hide one.
    bool refused = reply.status >= 400 && reply.status < 500;
    out.kind = refused ? reply_kind::rejected : reply_kind::unknown;
    out.error = "HTTP " + std::to_string(reply.status);
    out.detail = "HTTP " + std::to_string(reply.status) + ": " + env.error().reason;
    return out;
  }
  out.value = std::move(env.value());
  if (out.value.ok() && reply.status == 200) {
    if (cost > 0)
      budget_.on_accepted();
    out.kind = reply_kind::ok;
    return out;
  }
  out.error = out.value.ok() ? "HTTP " + std::to_string(reply.status) : out.value.error_text();
  out.detail = "HTTP " + std::to_string(reply.status) + " error=" + out.error;
  // The first error decides (Kraken sends one, rarely more).
  auto effect = out.value.ok() ? error_effect::unknown : effect_of(out.value.errors.front());
  switch (effect) {
    case error_effect::unknown: out.kind = reply_kind::unknown; break;
    case error_effect::rate_limited:
      ++rate_limited;
      // The call counter's answer (the trading counter's EOrder: one is the
      // order's own reject): the venue's counter is fuller than modelled.
      if (out.value.errors.front() == "EAPI:Rate limit exceeded")
        budget_.on_rate_limited(clock_type::now());
      out.kind = reply_kind::rejected;
      break;
    case error_effect::invalid_nonce: out.kind = reply_kind::rejected; break;
    case error_effect::rejected:
      out.kind = reply.status >= 500 ? reply_kind::unknown : reply_kind::rejected;
      break;
  }
  return out;
}

kraken_reply<kraken_envelope> kraken_rest::call(const std::string& method,
                                                const kraken_fields& fields, bool is_private,
                                                steady_deadline limit, call_priority p) {
  auto path = std::string(is_private ? "/0/private/" : "/0/public/") + method;
  // Public calls are limited per IP, not by the key's call counter.
  double cost = is_private ? kraken_call_cost(method) : 0;
  if (std::string why; !admit(cost, p, limit, why)) {
    kraken_reply<kraken_envelope> out;
    out.kind = reply_kind::not_sent;
    out.detail = why;
    return out;
  }
  auto r = send_once(path, fields, is_private, limit, cost);
  if (r.kind == reply_kind::rejected && !r.value.errors.empty()
      && effect_of(r.value.errors.front()) == error_effect::invalid_nonce) {
    // Refused before it ran: once more above the venue's last nonce.
    ++nonce_errors;
    nonce_.bump();
    ++nonce_resends;
    r = send_once(path, fields, is_private, limit, cost);
    if (r.kind == reply_kind::rejected && !r.value.errors.empty()
        && effect_of(r.value.errors.front()) == error_effect::invalid_nonce)
      ++nonce_errors;
  }
  return r;
}

kraken_reply<int64_t> kraken_rest::server_time() {
  return decode<int64_t>(call("Time", {}, false, steady_deadline::max()), parse_server_time);
}

kraken_reply<std::vector<kraken_pair_info>> kraken_rest::asset_pairs(steady_deadline limit) {
  return decode<std::vector<kraken_pair_info>>(call("AssetPairs", {}, false, limit),
                                               parse_asset_pairs);
}

kraken_reply<std::string> kraken_rest::add_order(const kraken_fields& fields) {
  return decode<std::string>(call("AddOrder", fields, true, steady_deadline::max()),
                             [](const kraken_envelope& env) -> outcome<std::string> {
                               const auto* t = member(*env.result, "txid");
                               if (t == nullptr || !t->IsArray() || t->Size() != 1
                                   || !(*t)[0].IsString())
                                 return codec_error{"field \"txid\": not one txid"};
                               return std::string((*t)[0].GetString(), (*t)[0].GetStringLength());
                             });
}

kraken_reply<std::string> kraken_rest::amend_order(const kraken_fields& fields) {
  return decode<std::string>(call("AmendOrder", fields, true, steady_deadline::max()),
                             [](const kraken_envelope& env) { return string_field(env, "amend_id"); });
}

kraken_reply<int64_t> kraken_rest::cancel_order(const kraken_fields& fields,
                                                steady_deadline limit) {
  return decode<int64_t>(call("CancelOrder", fields, true, limit), count_field);
}

kraken_reply<int64_t> kraken_rest::cancel_all(steady_deadline limit) {
  return decode<int64_t>(call("CancelAll", {}, true, limit), count_field);
}

kraken_reply<std::string> kraken_rest::cancel_all_after(int64_t seconds) {
  return decode<std::string>(
    call("CancelAllOrdersAfter", {{"timeout", std::to_string(seconds)}}, true,
         steady_deadline::max()),
    [](const kraken_envelope& env) { return string_field(env, "triggerTime"); });
}

kraken_reply<std::vector<kraken_order>> kraken_rest::open_orders(const std::string& cl_ord_id,
                                                                 steady_deadline limit,
                                                                 call_priority p) {
  kraken_fields f;
  if (!cl_ord_id.empty())
    f.emplace_back("cl_ord_id", cl_ord_id);
  return decode<std::vector<kraken_order>>(call("OpenOrders", f, true, limit, p),
                                           [](const kraken_envelope& env) {
                                             return orders_under(env, "open");
                                           });
}

kraken_reply<std::vector<kraken_order>> kraken_rest::closed_orders(const std::string& cl_ord_id,
                                                                   call_priority p) {
  return decode<std::vector<kraken_order>>(
    call("ClosedOrders", {{"cl_ord_id", cl_ord_id}}, true, steady_deadline::max(), p),
    [](const kraken_envelope& env) { return orders_under(env, "closed"); });
}

kraken_reply<std::vector<kraken_order>>
kraken_rest::query_orders(const std::vector<std::string>& txids, call_priority p) {
  std::string list;
  for (auto& t : txids)
    list += (list.empty() ? "" : ",") + t;
  return decode<std::vector<kraken_order>>(
    call("QueryOrders", {{"txid", list}}, true, steady_deadline::max(), p),
    [](const kraken_envelope& env) { return parse_order_map(*env.result); });
}

kraken_reply<std::vector<asset_balance>> kraken_rest::balances() {
  return decode<std::vector<asset_balance>>(call("BalanceEx", {}, true, steady_deadline::max()),
                                            parse_balances);
}

kraken_reply<kraken_token> kraken_rest::websockets_token() {
  return decode<kraken_token>(call("GetWebSocketsToken", {}, true, steady_deadline::max()),
                              [](const kraken_envelope& env) -> outcome<kraken_token> {
                                auto t = string_field(env, "token");
                                if (!t)
                                  return t.error();
                                kraken_token out;
                                out.token = t.value();
                                auto e = string_field(env, "expires");
                                out.expires_s = e ? std::atoll(e.value().c_str()) : 900;
                                return out;
                              });
}

} // namespace cwts::connector::kraken
