#include "actors/connector/user_data_codec.hpp"

#include <algorithm>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "actors/connector/binance_codec.hpp"
#include "actors/connector/json_reader.hpp"
#include "common/hmac.hpp"

namespace cwts::connector {

namespace {

using detail::field_reader;
using detail::json;
using detail::parse_side;
using detail::read_enum;

frame_error bad(frame_issue issue, std::string reason) {
  return frame_error{issue, std::move(reason)};
}

std::optional<execution_type> parse_execution_type(std::string_view s) {
  if (s == "NEW")
    return execution_type::new_order;
  if (s == "TRADE")
    return execution_type::trade;
  if (s == "CANCELED")
    return execution_type::canceled;
  if (s == "EXPIRED")
    return execution_type::expired;
  if (s == "TRADE_PREVENTION")
    return execution_type::trade_prevention;
  if (s == "REJECTED")
    return execution_type::rejected;
  if (s == "REPLACED")
    return execution_type::replaced;
  if (s == "AMENDMENT")
    return execution_type::amendment;
  return std::nullopt;
}

// "N" is the commission asset, or null when nothing was charged.
std::string nullable_string(field_reader& r, const char* key) {
  auto v = r.find(key);
  if (v != nullptr && v->IsNull())
    return {};
  return std::string(r.string(key));
}

outcome<user_data_message, frame_error> read_execution(const json& ev, int64_t sub) {
  field_reader r(ev);
  execution_event e;
  e.subscription_id = sub;
  e.event_time = r.time_ms("E");
  e.sym = r.sym("s");
  auto own_id = r.string("c");
  e.order_side = read_enum<side>(r, "S", parse_side);
  e.orig_qty = r.decimal<qty>("q");
  e.limit_price = r.decimal<price>("p");
  e.exec = read_enum<execution_type>(r, "x", parse_execution_type);
  e.status = read_enum<order_status>(r, "X", parse_order_status);
  e.reject_reason = std::string(r.string("r"));
  e.order_id = venue_order_id{r.integer("i")};
  e.last_qty = r.decimal<qty>("l");
  e.cum_qty = r.decimal<qty>("z");
  e.last_price = r.decimal<price>("L");
  e.commission = r.decimal<qty>("n");
  e.commission_asset = nullable_string(r, "N");
  e.transact_time = r.time_ms("T");
  e.trade_id = r.integer("t");
  e.is_maker = r.boolean("m");
  e.cum_quote = r.decimal<notional>("Z");
  e.last_quote = r.decimal<notional>("Y");
  // A cancel's "c" is the cancel request's id; "C" names the order.
  auto orig = r.find("C") != nullptr ? nullable_string(r, "C") : std::string{};
  if (!r.ok())
    return bad(frame_issue::bad_field, "executionReport: " + r.error().reason);
  e.client_id = client_order_id{orig.empty() ? std::string(own_id) : orig};
  if (e.client_id.value.empty())
    return bad(frame_issue::bad_field, "executionReport: field \"c\": empty");
  return user_data_message{std::move(e)};
}

outcome<user_data_message, frame_error> read_position(const json& ev, int64_t sub) {
  field_reader r(ev);
  account_position p;
  p.subscription_id = sub;
  p.event_time = r.time_ms("E");
  p.last_update = r.time_ms("u");
  auto list = r.find("B");
  if (r.ok() && (list == nullptr || !list->IsArray()))
    r.fail("B", "missing or not an array");
  if (!r.ok())
    return bad(frame_issue::bad_field, "outboundAccountPosition: " + r.error().reason);
  for (auto& b : list->GetArray()) {
    if (!b.IsObject())
      return bad(frame_issue::bad_field, "outboundAccountPosition: field \"B\": element is not an object");
    field_reader br(b);
    asset_balance ab{std::string(br.string("a")), br.decimal<qty>("f"), br.decimal<qty>("l")};
    if (!br.ok())
      return bad(frame_issue::bad_field, "outboundAccountPosition: B: " + br.error().reason);
    p.balances.push_back(std::move(ab));
  }
  return user_data_message{std::move(p)};
}

outcome<user_data_message, frame_error> read_balance_update(const json& ev, int64_t sub) {
  field_reader r(ev);
  balance_delta d;
  d.subscription_id = sub;
  d.event_time = r.time_ms("E");
  d.asset = std::string(r.string("a"));
  d.delta = r.decimal<qty>("d");
  d.clear_time = r.time_ms("T");
  if (!r.ok())
    return bad(frame_issue::bad_field, "balanceUpdate: " + r.error().reason);
  if (d.asset.empty())
    return bad(frame_issue::bad_field, "balanceUpdate: field \"a\": empty");
  return user_data_message{std::move(d)};
}

outcome<user_data_message, frame_error> read_event(const json& envelope) {
  field_reader env(envelope);
  auto sub = env.integer("subscriptionId");
  auto ev = env.find("event");
  if (!env.ok())
    return bad(frame_issue::bad_field, "event envelope: " + env.error().reason);
  if (ev == nullptr || !ev->IsObject())
    return bad(frame_issue::bad_field, "event envelope: field \"event\": missing or not an object");
  field_reader r(*ev);
  auto type = r.string("e");
  if (!r.ok())
    return bad(frame_issue::bad_field, "event: " + r.error().reason);
  if (type == "executionReport")
    return read_execution(*ev, sub);
  if (type == "outboundAccountPosition")
    return read_position(*ev, sub);
  if (type == "balanceUpdate")
    return read_balance_update(*ev, sub);
  return bad(frame_issue::unknown_event, "event type \"" + std::string(type) + "\"");
}

outcome<user_data_message, frame_error> read_response(const json& doc) {
  field_reader r(doc);
  ws_api_response resp;
  auto id = r.find("id");
  if (id != nullptr && id->IsString())
    resp.id.assign(id->GetString(), id->GetStringLength());
  else if (id != nullptr && id->IsInt64())
    resp.id = std::to_string(id->GetInt64());
  resp.status = r.integer("status");
  if (!r.ok())
    return bad(frame_issue::bad_field, "response: " + r.error().reason);
  resp.ok = resp.status == 200;
  if (auto err = r.find("error"); err != nullptr) {
    resp.ok = false;
    if (!err->IsObject())
      return bad(frame_issue::bad_field, "response: field \"error\": not an object");
    field_reader er(*err);
    resp.error = api_error{er.integer("code"), std::string(er.string("msg"))};
    if (!er.ok())
      return bad(frame_issue::bad_field, "response: error: " + er.error().reason);
    return user_data_message{std::move(resp)};
  }
  auto result = r.find("result");
  if (result != nullptr && result->IsObject()) {
    field_reader rr(*result);
    if (rr.find("subscriptionId") != nullptr) {
      resp.subscription_id = rr.integer("subscriptionId");
      if (!rr.ok())
        return bad(frame_issue::bad_field, "response: result: " + rr.error().reason);
    }
  }
  return user_data_message{std::move(resp)};
}

} // namespace

const char* to_string(frame_issue issue) {
  switch (issue) {
    case frame_issue::malformed_json: return "malformed_json";
    case frame_issue::not_an_object: return "not_an_object";
    case frame_issue::unknown_message: return "unknown_message";
    case frame_issue::unknown_event: return "unknown_event";
    case frame_issue::bad_field: return "bad_field";
  }
  return "unknown";
}

outcome<user_data_message, frame_error> parse_user_data_frame(std::string_view text) {
  rapidjson::Document doc;
  if (auto err = detail::parse_document(text, doc))
    return bad(frame_issue::malformed_json, err->reason);
  if (!doc.IsObject())
    return bad(frame_issue::not_an_object, "frame is not a JSON object");
  // web-socket-api.md: events carry "subscriptionId" and "event"; responses
  // carry "status" (and the request's "id").
  if (doc.HasMember("event"))
    return read_event(doc);
  if (doc.HasMember("status"))
    return read_response(doc);
  return bad(frame_issue::unknown_message, "neither a response nor an event");
}

venue_order to_venue_order(const execution_event& e) {
  venue_order o;
  o.sym = e.sym;
  o.order_id = e.order_id;
  o.client_id = e.client_id;
  o.has_details = true;
  o.order_side = e.order_side;
  o.status = e.status;
  o.limit_price = e.limit_price;
  o.orig_qty = e.orig_qty;
  o.executed_qty = e.cum_qty;
  o.cumulative_quote_qty = e.cum_quote;
  o.update_time = e.transact_time;
  return o;
}

std::string ws_signature_payload(std::vector<std::pair<std::string, std::string>> params) {
  params.erase(std::remove_if(params.begin(), params.end(),
                              [](const auto& p) { return p.first == "signature"; }),
               params.end());
  std::sort(params.begin(), params.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty())
      out.push_back('&');
    out += name;
    out.push_back('=');
    out += value;
  }
  return out;
}

std::string ws_signed_request(const std::string& id, const std::string& method,
                              std::vector<std::pair<std::string, std::string>> params,
                              const std::string& api_key, const std::string& secret,
                              int64_t recv_window_ms, int64_t timestamp_ms) {
  params.emplace_back("apiKey", api_key);
  if (recv_window_ms > 0)
    params.emplace_back("recvWindow", std::to_string(recv_window_ms));
  params.emplace_back("timestamp", std::to_string(timestamp_ms));
  auto signature = hmac_sha256_hex(secret, ws_signature_payload(params));
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("id");
  w.String(id.c_str(), static_cast<rapidjson::SizeType>(id.size()));
  w.Key("method");
  w.String(method.c_str(), static_cast<rapidjson::SizeType>(method.size()));
  w.Key("params");
  w.StartObject();
  for (auto& [k, v] : params) {
    w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
    if (k == "timestamp" || k == "recvWindow")
      w.RawValue(v.c_str(), v.size(), rapidjson::kNumberType); // numbers, as signed
    else
      w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
  }
  w.Key("signature");
  w.String(signature.c_str(), static_cast<rapidjson::SizeType>(signature.size()));
  w.EndObject();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string subscribe_signature_request(const std::string& id, const std::string& api_key,
                                        const std::string& secret, int64_t recv_window_ms,
                                        int64_t timestamp_ms) {
  return ws_signed_request(id, "userDataStream.subscribe.signature", {}, api_key, secret,
                           recv_window_ms, timestamp_ms);
}

} // namespace cwts::connector
