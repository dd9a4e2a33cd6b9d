#include "actors/connector/okx/okx_rest.hpp"

#include <algorithm>

#include "actors/connector/tls_transport.hpp"
#include "messages/time.hpp"

namespace cwts::connector::okx {

namespace {

using boost::beast::http::verb;
using clock_type = std::chrono::steady_clock;

// docs-v5 orders-pending: at most 100 per page.
constexpr int page_limit = 100;
// 100 pages of 100: more open orders than one account may hold at OKX.
constexpr int max_pages = 100;

int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now().time_since_epoch())
    .count();
}

template <class T, class U>
okx_reply<T> carry(const okx_reply<U>& from) {
  okx_reply<T> out;
  out.kind = from.kind;
  out.code = from.code;
  out.msg = from.msg;
  out.http_status = from.http_status;
  out.detail = from.detail;
  out.rtt_ns = from.rtt_ns;
  return out;
}

// Decodes the data of an `ok` envelope; an unreadable success is unknown.
template <class T, class Parse>
okx_reply<T> decode(okx_reply<okx_envelope>&& r, Parse parse) {
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

} // namespace

okx_rest::okx_rest(okx_rest_config cfg)
  : cfg_(std::move(cfg)),
    http_(make_http_transport(cfg_.host, cfg_.port, cfg_.tls, cfg_.ca_file),
          cfg_.host + ":" + std::to_string(cfg_.port), cfg_.request_timeout) {}

std::chrono::milliseconds okx_rest::paused_for() const {
  auto left = paused_until_ns_.load() - steady_ns();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
    std::chrono::nanoseconds(std::max<int64_t>(0, left)));
}

okx_reply<okx_envelope> okx_rest::call(verb method, const std::string& path,
                                       const std::string& body, bool is_private,
                                       steady_deadline limit) {
  okx_reply<okx_envelope> out;
  // cancel-all-after has its own limit at OKX; a pause earned by the order
  // endpoints must not starve the dead-man's switch's refresh.
  bool own_limit = path == "/api/v5/trade/cancel-all-after";
  if (auto left = paused_for(); left.count() > 0 && !own_limit) {
    ++refused_paused;
    out.kind = reply_kind::not_sent;
    out.detail = "rate limited (50011): " + std::to_string(left.count()) + " ms of the pause left";
    return out;
  }
  http_request req;
  req.method = method;
  req.target = path;
  req.body = body;
  req.idempotent = method == verb::get;
  req.headers.emplace_back("Accept", "application/json");
  if (method == verb::post)
    req.headers.emplace_back("Content-Type", "application/json");
  if (is_private) {
    auto ts = wall_clock_now().millis() + time_offset_ms_;
    auto method_text = std::string(boost::beast::http::to_string(method));
    for (auto& h : signed_headers(cfg_.credentials, ts, method_text, path, body))
      req.headers.push_back(std::move(h));
  }
  ++requests;
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
    out.code = "http " + std::to_string(reply.status);
    out.detail = "HTTP " + std::to_string(reply.status) + ": " + env.error().reason;
    if (reply.status == 429) {
      ++rate_limited;
      paused_until_ns_ = steady_ns() + std::chrono::nanoseconds(cfg_.rate_limit_pause).count();
    }
    return out;
  }
  out.value = std::move(env.value());
  out.code = out.value.code;
  out.msg = out.value.msg;
  if (out.value.ok() && reply.status == 200) {
    out.kind = reply_kind::ok;
    return out;
  }
  out.detail = "HTTP " + std::to_string(reply.status) + " code=" + out.code + " msg=" + out.msg;
  switch (effect_of(out.code)) {
    case code_effect::unknown: out.kind = reply_kind::unknown; break;
    case code_effect::rate_limited:
      ++rate_limited;
      paused_until_ns_ = steady_ns() + std::chrono::nanoseconds(cfg_.rate_limit_pause).count();
      out.kind = reply_kind::rejected;
      break;
    case code_effect::rejected:
      out.kind = reply.status >= 500 ? reply_kind::unknown : reply_kind::rejected;
      break;
  }
  return out;
}

okx_reply<okx_ack> okx_rest::order_call(const std::string& path, const std::string& body) {
  auto r = call(verb::post, path, body, true, steady_deadline::max());
  auto out = carry<okx_ack>(r);
  if (!r.value.doc.IsObject())
    return out; // no envelope: the call's own verdict stands
  auto acks = parse_acks(r.value);
  if (!acks || acks.value().empty()) {
    if (out.kind == reply_kind::ok) {
      out.kind = reply_kind::unknown;
      out.detail = "success without an order ack"
                   + (acks ? std::string() : ": " + acks.error().reason);
    }
    return out;
  }
  out.value = acks.value().front();
  if (out.kind == reply_kind::unknown && effect_of(out.value.s_code) != code_effect::rejected)
    return out;
  if (out.value.s_code == "0" && r.value.ok())
    return out.kind = reply_kind::ok, out;
  // Code 1 ("operation failed"): the item's sCode says why.
  out.code = out.value.s_code;
  out.msg = out.value.s_msg;
  out.detail = "sCode=" + out.code + " sMsg=" + out.msg;
  auto effect = effect_of(out.code);
  out.kind = effect == code_effect::unknown ? reply_kind::unknown : reply_kind::rejected;
  return out;
}

okx_reply<okx_time_sample> okx_rest::server_time() {
  auto before = wall_clock_now().millis();
  auto r = call(verb::get, "/api/v5/public/time", "", false, steady_deadline::max());
  auto after = wall_clock_now().millis();
  auto rtt = r.rtt_ns;
  return decode<okx_time_sample>(std::move(r), [&](const okx_envelope& env)
                                                   -> outcome<okx_time_sample> {
    auto ms = parse_server_time(env);
    if (!ms)
      return ms.error();
    return okx_time_sample{ms.value(), ms.value() - (before + after) / 2, rtt};
  });
}

okx_reply<std::vector<okx_instrument>> okx_rest::instruments() {
  return decode<std::vector<okx_instrument>>(
    call(verb::get, "/api/v5/public/instruments?instType=SPOT", "", false, steady_deadline::max()),
    parse_instruments);
}

okx_reply<okx_ack> okx_rest::place(const order_request& req, const std::string& inst_id,
                                   const std::string& cl_ord_id) {
  return order_call("/api/v5/trade/order", order_args(req, inst_id, cl_ord_id));
}

okx_reply<okx_ack> okx_rest::cancel(const std::string& inst_id, const std::string& cl_ord_id) {
  return order_call("/api/v5/trade/cancel-order", cancel_args(inst_id, cl_ord_id));
}

okx_reply<okx_ack> okx_rest::amend(const std::string& inst_id, const std::string& cl_ord_id,
                                   const qty& new_sz, const price& new_px) {
  return order_call("/api/v5/trade/amend-order", amend_args(inst_id, cl_ord_id, new_sz, new_px));
}

okx_reply<std::vector<okx_ack>>
okx_rest::cancel_batch(const std::vector<std::pair<std::string, venue_order_id>>& orders,
                       steady_deadline limit) {
  auto r = call(verb::post, "/api/v5/trade/cancel-batch-orders", cancel_batch_body(orders), true,
                limit);
  // Code 1 (every item failed) and 2 (some did) still carry each item's sCode.
  if (r.kind == reply_kind::rejected && (r.code == "1" || r.code == "2"))
    r.kind = reply_kind::ok;
  return decode<std::vector<okx_ack>>(std::move(r), parse_acks);
}

okx_reply<std::vector<okx_order>> okx_rest::orders_pending(const std::string& inst_id,
                                                           int64_t after, steady_deadline limit) {
  std::string path = "/api/v5/trade/orders-pending?instType=SPOT&instId=" + inst_id
                     + "&limit=" + std::to_string(page_limit);
  if (after > 0)
    path += "&after=" + std::to_string(after);
  return decode<std::vector<okx_order>>(call(verb::get, path, "", true, limit), parse_orders);
}

okx_reply<std::vector<okx_order>> okx_rest::all_orders_pending(const std::string& inst_id,
                                                               steady_deadline limit) {
  okx_reply<std::vector<okx_order>> all;
  int64_t after = 0;
  for (int page = 0; page < max_pages; ++page) {
    auto one = orders_pending(inst_id, after, limit);
    if (!one.ok()) {
      auto failed = carry<std::vector<okx_order>>(one);
      failed.detail = "page " + std::to_string(page + 1) + ": " + failed.detail;
      return failed;
    }
    all.rtt_ns += one.rtt_ns;
    bool last = one.value.size() < static_cast<std::size_t>(page_limit);
    if (!one.value.empty())
      after = one.value.back().ord_id.value;
    for (auto& o : one.value)
      all.value.push_back(std::move(o));
    if (last) {
      all.kind = reply_kind::ok;
      return all;
    }
  }
  all.kind = reply_kind::unknown;
  all.detail = "more than " + std::to_string(max_pages * page_limit) + " open orders";
  return all;
}

okx_reply<okx_order> okx_rest::query(const std::string& inst_id, const std::string& cl_ord_id) {
  auto path = "/api/v5/trade/order?instId=" + inst_id + "&clOrdId=" + cl_ord_id;
  return decode<okx_order>(call(verb::get, path, "", true, steady_deadline::max()),
                           [](const okx_envelope& env) -> outcome<okx_order> {
                             auto orders = parse_orders(env);
                             if (!orders)
                               return orders.error();
                             if (orders.value().size() != 1)
                               return codec_error{"order query: expected one order, got "
                                                  + std::to_string(orders.value().size())};
                             return orders.value().front();
                           });
}

okx_reply<std::vector<asset_balance>> okx_rest::balances() {
  return decode<std::vector<asset_balance>>(
    call(verb::get, "/api/v5/account/balance", "", true, steady_deadline::max()), parse_balances);
}

okx_reply<int64_t> okx_rest::cancel_all_after(int64_t seconds) {
  return decode<int64_t>(
    call(verb::post, "/api/v5/trade/cancel-all-after", cancel_all_after_body(seconds), true,
         steady_deadline::max()),
    [](const okx_envelope& env) -> outcome<int64_t> {
      if (env.data == nullptr || env.data->Size() != 1 || !(*env.data)[0].IsObject())
        return codec_error{"cancel-all-after: data must hold one object"};
      auto t = (*env.data)[0].FindMember("triggerTime");
      if (t == (*env.data)[0].MemberEnd() || !t->value.IsString())
        return codec_error{"cancel-all-after: field \"triggerTime\": missing or not a string"};
      std::string_view text(t->value.GetString(), t->value.GetStringLength());
      if (text.empty() || text == "0")
        return int64_t{0};
      int64_t v = 0;
      for (char c : text) {
        if (c < '0' || c > '9' || v > 900'000'000'000'000)
          return codec_error{"cancel-all-after: triggerTime not a time in ms"};
        v = v * 10 + (c - '0');
      }
      return v;
    });
}

} // namespace cwts::connector::okx
