#include "actors/connector/kraken/kraken_ws_orders.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "actors/connector/blocking_ws.hpp"

namespace cwts::connector::kraken {

using clock_type = std::chrono::steady_clock;
using writer = rapidjson::Writer<rapidjson::StringBuffer>;

// One blocking WebSocket connection (blocking_ws.hpp).
struct kraken_ws_orders::impl : blocking_ws {
  using blocking_ws::blocking_ws;
};

namespace {

void number(writer& w, const std::string& text) {
  w.RawValue(text.data(), text.size(), rapidjson::kNumberType);
}

std::string string_member(const rapidjson::Value& v, const char* key) {
  auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : std::string();
}

} // namespace

std::string add_order_params(const order_request& req, const kraken_pair& p,
                             const std::string& cl_ord_id, const std::string& token) {
  rapidjson::StringBuffer buf;
  writer w(buf);
  w.StartObject();
  w.Key("order_type");
  w.String(req.type == order_type::limit ? "limit" : "market");
  w.Key("side");
  w.String(req.order_side == side::buy ? "buy" : "sell");
  w.Key("order_qty");
  number(w, kraken_decimal(req.quantity.raw, p.lot_decimals));
  w.Key("symbol");
  w.String(p.v2_symbol.c_str());
  if (req.type == order_type::limit) {
    w.Key("limit_price");
    number(w, kraken_decimal(req.limit_price.raw, p.pair_decimals));
  }
  w.Key("time_in_force");
  w.String(req.tif == time_in_force::ioc ? "ioc" : "gtc");
  w.Key("cl_ord_id");
  w.String(cl_ord_id.c_str());
  w.Key("token");
  w.String(token.c_str());
  w.EndObject();
  return buf.GetString();
}

std::string cancel_order_params(const std::string& cl_ord_id, const std::string& token) {
  rapidjson::StringBuffer buf;
  writer w(buf);
  w.StartObject();
  w.Key("cl_ord_id");
  w.StartArray();
  w.String(cl_ord_id.c_str());
  w.EndArray();
  w.Key("token");
  w.String(token.c_str());
  w.EndObject();
  return buf.GetString();
}

std::string amend_order_params(const kraken_pair& p, const std::string& cl_ord_id,
                               const qty& order_qty, const price& limit_price,
                               const std::string& token) {
  rapidjson::StringBuffer buf;
  writer w(buf);
  w.StartObject();
  w.Key("cl_ord_id");
  w.String(cl_ord_id.c_str());
  w.Key("order_qty");
  number(w, kraken_decimal(order_qty.raw, p.lot_decimals));
  if (limit_price.is_positive()) {
    w.Key("limit_price");
    number(w, kraken_decimal(limit_price.raw, p.pair_decimals));
  }
  w.Key("token");
  w.String(token.c_str());
  w.EndObject();
  return buf.GetString();
}

kraken_ws_orders::kraken_ws_orders(kraken_ws_config cfg, token_source tokens)
  : cfg_(std::move(cfg)), tokens_(std::move(tokens)),
    impl_(std::make_unique<impl>(cfg_.tls, cfg_.ca_file)) {}

kraken_ws_orders::~kraken_ws_orders() {
  if (impl_->up)
    impl_->ws.close_socket();
}

bool kraken_ws_orders::connected() const {
  return impl_->up;
}

bool kraken_ws_orders::fresh_token() {
  if (!token_.empty() && clock_type::now() - token_at_ < cfg_.token_refresh)
    return true;
  auto t = tokens_();
  if (!t.ok()) {
    last_connect_error_ = "GetWebSocketsToken: " + t.detail;
    return false;
  }
  token_ = t.value.token;
  token_at_ = clock_type::now();
  ++token_refreshes_;
  return true;
}

// Connect, with a token ready for the requests.
bool kraken_ws_orders::ensure_connected() {
  if (impl_->up && clock_type::now() - last_used_ < cfg_.idle_reconnect) {
    if (fresh_token())
      return true;
    impl_->drop(); // no token, no request: REST carries it
    return false;
  }
  if (impl_->up)
    impl_->drop(); // idle: an order sent on it could get no answer
  if (clock_type::now() < retry_at_)
    return false;
  retry_at_ = clock_type::now() + cfg_.retry_pause;
  token_.clear(); // a new connection, a new token
  if (!fresh_token())
    return false;
  ++connections_;
  ws_open_step step = ws_open_step::none;
  if (auto ec = impl_->open(cfg_, step)) {
    impl_->drop();
    last_connect_error_ = std::string(step == ws_open_step::none ? "timeout" : to_string(step))
                          + ": " + ec.message();
    return false;
  }
  impl_->up = true;
  retry_at_ = {}; // a later loss may reconnect at once
  last_used_ = clock_type::now();
  return true;
}

kraken_reply<std::string> kraken_ws_orders::call(const std::string& method,
                                                 const std::string& params) {
  kraken_reply<std::string> out;
  auto started = clock_type::now();
  auto id = next_id_++;
  auto deadline = started + cfg_.request_timeout;
  ++requests_;
  auto finish = [&](reply_kind kind, std::string detail) {
    out.kind = kind;
    out.detail = std::move(detail);
    out.rtt_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - started)
                   .count();
    last_used_ = clock_type::now();
    if (kind == reply_kind::unknown)
      impl_->drop(); // answers may now be out of step with requests
    return out;
  };
  auto text = R"({"method":")" + method + R"(","params":)" + params + R"(,"req_id":)"
              + std::to_string(id) + "}";
  if (auto ec = impl_->write(text, deadline))
    return finish(reply_kind::unknown, "WebSocket " + method + ": " + ec.message());
  for (;;) {
    std::string frame;
    if (auto ec = impl_->read(frame, deadline))
      return finish(reply_kind::unknown, "WebSocket " + method + ": " + ec.message());
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseNumbersAsStringsFlag>(frame.data(), frame.size());
    if (doc.HasParseError() || !doc.IsObject())
      continue; // noise: not an answer of ours
    auto req = doc.FindMember("req_id");
    if (string_member(doc, "method") != method || req == doc.MemberEnd() || !req->value.IsString()
        || std::string(req->value.GetString()) != std::to_string(id))
      continue; // status, heartbeat, pong, or an answer to another request
    auto success = doc.FindMember("success");
    if (success == doc.MemberEnd() || !success->value.IsBool())
      return finish(reply_kind::unknown, "WebSocket " + method + ": answer without success");
    if (success->value.GetBool()) {
      auto result = doc.FindMember("result");
      if (result != doc.MemberEnd() && result->value.IsObject())
        out.value = string_member(result->value, "order_id");
      return finish(reply_kind::ok, {});
    }
    out.error = string_member(doc, "error");
    auto effect = effect_of(out.error);
    return finish(effect == error_effect::unknown ? reply_kind::unknown : reply_kind::rejected,
                  "WebSocket " + method + " error=" + out.error);
  }
}

// A token the venue no longer takes ("ESession:Invalid session") means the
// request was refused before it ran: once more with a fresh token.
kraken_reply<std::string> kraken_ws_orders::request(
  const std::string& method, const std::function<std::string(const std::string&)>& params) {
  if (!ensure_connected()) {
    kraken_reply<std::string> out;
    out.kind = reply_kind::not_sent;
    out.detail = "private WebSocket down: " + last_connect_error_;
    return out;
  }
  auto r = call(method, params(token_));
  if (r.kind == reply_kind::rejected && r.error.rfind("ESession:", 0) == 0) {
    token_.clear();
    if (fresh_token())
      r = call(method, params(token_));
  }
  return r;
}

kraken_reply<std::string> kraken_ws_orders::add_order(const order_request& req,
                                                      const kraken_pair& p,
                                                      const std::string& cl_ord_id) {
  return request("add_order", [&](const std::string& token) {
    return add_order_params(req, p, cl_ord_id, token);
  });
}

kraken_reply<std::string> kraken_ws_orders::cancel_order(const std::string& cl_ord_id) {
  return request("cancel_order",
                 [&](const std::string& token) { return cancel_order_params(cl_ord_id, token); });
}

kraken_reply<std::string> kraken_ws_orders::amend_order(const kraken_pair& p,
                                                        const std::string& cl_ord_id,
                                                        const qty& order_qty,
                                                        const price& limit_price) {
  return request("amend_order", [&](const std::string& token) {
    return amend_order_params(p, cl_ord_id, order_qty, limit_price, token);
  });
}

} // namespace cwts::connector::kraken
