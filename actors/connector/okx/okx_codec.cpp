#include "actors/connector/okx/okx_codec.hpp"

#include <cctype>
#include <limits>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "actors/connector/json_reader.hpp"
#include "common/hex.hpp"

namespace cwts::connector::okx {

using detail::field_reader;
using json = rapidjson::Value;
using writer = rapidjson::Writer<rapidjson::StringBuffer>;

namespace {

// A string field that may be absent or "" (OKX leaves unused fields empty).
std::string_view opt_string(field_reader& r, const char* key) {
  auto v = r.find(key);
  if (v == nullptr || v->IsNull())
    return {};
  if (!v->IsString()) {
    r.fail(key, "not a string");
    return {};
  }
  return {v->GetString(), v->GetStringLength()};
}

template <class Decimal>
Decimal opt_decimal(field_reader& r, const char* key) {
  auto text = opt_string(r, key);
  if (text.empty() || !r.ok())
    return {};
  auto d = Decimal::parse(text);
  if (!d) {
    r.fail(key, "not an exact decimal: \"" + std::string(text) + "\"");
    return {};
  }
  return *d;
}

template <class Decimal>
Decimal req_decimal(field_reader& r, const char* key) {
  auto text = r.string(key);
  if (!r.ok())
    return {};
  auto d = Decimal::parse(text);
  if (!d) {
    r.fail(key, "not an exact decimal: \"" + std::string(text) + "\"");
    return {};
  }
  return *d;
}

// Digits only, within int64: an ordId (OKX's have up to 19 digits), a
// time in ms.
std::optional<int64_t> digits_of(std::string_view text) {
  if (text.empty() || text.size() > 19)
    return std::nullopt;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return std::nullopt;
    auto d = c - '0';
    if (v > (std::numeric_limits<int64_t>::max() - d) / 10)
      return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

void kv(writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

} // namespace

std::optional<int64_t> parse_ord_id(std::string_view text) {
  return digits_of(text);
}

outcome<okx_envelope> parse_envelope(std::string_view text) {
  okx_envelope env;
  if (auto err = detail::parse_document(text, env.doc))
    return *err;
  if (!env.doc.IsObject())
    return codec_error{"envelope: not a JSON object"};
  field_reader r(env.doc);
  auto code = r.find("code");
  if (code == nullptr)
    return codec_error{"envelope: field \"code\": missing"};
  // docs-v5 sends the code as a string; an integer is read the same way.
  if (code->IsString())
    env.code.assign(code->GetString(), code->GetStringLength());
  else if (code->IsInt64())
    env.code = std::to_string(code->GetInt64());
  else
    return codec_error{"envelope: field \"code\": not a string"};
  env.msg = std::string(opt_string(r, "msg"));
  if (!r.ok())
    return codec_error{"envelope: " + r.error().reason};
  auto data = env.doc.FindMember("data");
  if (data != env.doc.MemberEnd()) {
    if (!data->value.IsArray())
      return codec_error{"envelope: field \"data\": not an array"};
    env.data = &data->value;
  }
  return env;
}

namespace {

// Each object of the envelope's data, read by `read` (from a field_reader
// onto it); `what` names them in errors.
template <class T, class Read>
outcome<std::vector<T>> parse_objects(const okx_envelope& env, const char* what, Read read) {
  std::vector<T> out;
  if (env.data == nullptr)
    return out;
  for (auto& item : env.data->GetArray()) {
    if (!item.IsObject())
      return codec_error{std::string(what) + ": not an object"};
    field_reader r(item);
    T x = read(r);
    if (!r.ok())
      return codec_error{std::string(what) + ": " + r.error().reason};
    out.push_back(std::move(x));
  }
  return out;
}

} // namespace

outcome<std::vector<okx_ack>> parse_acks(const okx_envelope& env) {
  return parse_objects<okx_ack>(env, "ack", [&](field_reader& r) {
    okx_ack a;
    a.cl_ord_id = std::string(opt_string(r, "clOrdId"));
    a.ord_id = std::string(opt_string(r, "ordId"));
    a.s_code = std::string(opt_string(r, "sCode"));
    a.s_msg = std::string(opt_string(r, "sMsg"));
    if (a.s_code.empty())
      a.s_code = env.code; // single calls may carry the code only at the top
    return a;
  });
}

std::optional<order_status> parse_state(std::string_view s) {
  if (s == "live")
    return order_status::accepted;
  if (s == "partially_filled")
    return order_status::partially_filled;
  if (s == "filled")
    return order_status::filled;
  if (s == "canceled" || s == "mmp_canceled")
    return order_status::canceled;
  return std::nullopt;
}

outcome<okx_order> parse_order(const json& obj) {
  if (!obj.IsObject())
    return codec_error{"order: not an object"};
  field_reader r(obj);
  okx_order o;
  o.inst_id = std::string(r.string("instId"));
  auto ord_id = r.string("ordId");
  o.cl_ord_id = std::string(opt_string(r, "clOrdId"));
  auto side_text = r.string("side");
  auto type_text = r.string("ordType");
  auto state_text = r.string("state");
  o.px = opt_decimal<price>(r, "px");
  o.sz = req_decimal<qty>(r, "sz");
  o.acc_fill_sz = opt_decimal<qty>(r, "accFillSz");
  o.avg_px = opt_decimal<price>(r, "avgPx");
  o.fill_sz = opt_decimal<qty>(r, "fillSz");
  o.fill_px = opt_decimal<price>(r, "fillPx");
  o.trade_id = std::string(opt_string(r, "tradeId"));
  auto u_time = opt_string(r, "uTime");
  if (!r.ok())
    return codec_error{"order: " + r.error().reason};
  auto id = digits_of(ord_id);
  if (!id)
    return codec_error{"order: field \"ordId\": not a decimal id: \"" + std::string(ord_id) + "\""};
  o.ord_id = venue_order_id{*id};
  if (side_text == "buy")
    o.order_side = side::buy;
  else if (side_text == "sell")
    o.order_side = side::sell;
  else
    return codec_error{"order: field \"side\": unsupported value \"" + std::string(side_text) + "\""};
  if (type_text == "limit" || type_text == "post_only") {
    o.type = order_type::limit;
  } else if (type_text == "ioc" || type_text == "optimal_limit_ioc") {
    o.tif = time_in_force::ioc;
  } else if (type_text == "fok") {
    o.tif = time_in_force::fok;
  } else if (type_text == "market") {
    o.type = order_type::market;
    o.tif = time_in_force::ioc;
  } else {
    return codec_error{"order: field \"ordType\": unsupported value \"" + std::string(type_text) + "\""};
  }
  auto st = parse_state(state_text);
  if (!st)
    return codec_error{"order: field \"state\": unsupported value \"" + std::string(state_text) + "\""};
  o.status = *st;
  if (o.status == order_status::canceled && o.acc_fill_sz.is_positive() && o.type != order_type::limit)
    o.status = order_status::expired; // an IOC / market remainder that did not trade
  if (!u_time.empty()) {
    auto ms = digits_of(u_time);
    if (!ms || *ms > 9'000'000'000'000)
      return codec_error{"order: field \"uTime\": not a time in ms: \"" + std::string(u_time) + "\""};
    o.update_time = timestamp_ns::from_millis(*ms);
  }
  if (o.acc_fill_sz > o.sz)
    return codec_error{"order: accFillSz above sz"};
  return o;
}

outcome<std::vector<okx_order>> parse_orders(const okx_envelope& env) {
  std::vector<okx_order> out;
  if (env.data == nullptr)
    return out;
  for (auto& item : env.data->GetArray()) {
    auto o = parse_order(item);
    if (!o)
      return o.error();
    out.push_back(std::move(o.value()));
  }
  return out;
}

outcome<std::vector<okx_instrument>> parse_instruments(const okx_envelope& env) {
  return parse_objects<okx_instrument>(env, "instrument", [](field_reader& r) {
    okx_instrument i;
    i.inst_id = std::string(r.string("instId"));
    i.base = std::string(r.string("baseCcy"));
    i.quote = std::string(r.string("quoteCcy"));
    return i;
  });
}

outcome<std::vector<asset_balance>> parse_balances(const okx_envelope& env) {
  std::vector<asset_balance> out;
  if (env.data == nullptr)
    return out;
  for (auto& account : env.data->GetArray()) {
    if (!account.IsObject())
      return codec_error{"balance: not an object"};
    auto details = account.FindMember("details");
    if (details == account.MemberEnd() || !details->value.IsArray())
      return codec_error{"balance: field \"details\": missing or not an array"};
    for (auto& d : details->value.GetArray()) {
      if (!d.IsObject())
        return codec_error{"balance detail: not an object"};
      field_reader r(d);
      asset_balance b;
      b.asset = std::string(r.string("ccy"));
      b.free = opt_decimal<qty>(r, "availBal");
      b.locked = opt_decimal<qty>(r, "frozenBal");
      if (!r.ok())
        return codec_error{"balance detail: " + r.error().reason};
      out.push_back(std::move(b));
    }
  }
  return out;
}

outcome<int64_t> parse_server_time(const okx_envelope& env) {
  if (env.data == nullptr || env.data->Size() != 1 || !(*env.data)[0].IsObject())
    return codec_error{"time: data must hold one object"};
  field_reader r((*env.data)[0]);
  auto ts = r.string("ts");
  if (!r.ok())
    return codec_error{"time: " + r.error().reason};
  auto ms = digits_of(ts);
  if (!ms)
    return codec_error{"time: field \"ts\": not a time in ms: \"" + std::string(ts) + "\""};
  return *ms;
}

// 50001 "Service temporarily unavailable" (HTTP 503) says nothing of the
// execution either: an order taken for refused while it rests at the venue
// would be an orphan, a query costs one request.
code_effect effect_of(std::string_view code) {
  if (code == "50001" || code == "50004" || code == "50013" || code == "50026")
    return code_effect::unknown;
  if (code == "50011")
    return code_effect::rate_limited;
  return code_effect::rejected;
}

reject_reason reason_of(std::string_view code) {
  if (code == "51001" || code == "51015")
    return reject_reason::unknown_symbol;
  if (code == "51006" || code == "51116" || code == "51122" || code == "51137" || code == "51138")
    return reject_reason::invalid_price;
  if (code == "51020" || code == "51100" || code == "51120" || code == "51121" || code == "51201"
      || code == "51202" || code == "51203")
    return reject_reason::invalid_qty;
  if (code == "51016" || code == "51011")
    return reject_reason::duplicate_client_order_id;
  if (code == "51603" || code == "51400" || code == "51503")
    return reject_reason::unknown_order;
  return reject_reason::venue_rejected;
}

bool settled_cancel_code(std::string_view code) {
  return code == "51400" || code == "51401" || code == "51402" || code == "51603";
}

bool order_not_found(std::string_view code) {
  return code == "51603" || code == "51400";
}

std::string okx_decimal(int64_t raw) {
  auto s = format_scaled_decimal(raw);
  while (!s.empty() && s.back() == '0')
    s.pop_back();
  if (!s.empty() && s.back() == '.')
    s.pop_back();
  return s;
}

std::string okx_client_id(const client_order_id& id) {
  const auto& v = id.value;
  bool fits = !v.empty() && v.size() <= 32;
  for (unsigned char c : v)
    fits = fits && std::isalnum(c) != 0;
  if (fits)
    return v;
  // "x" and the first 31 hex digits of SHA-256: alphanumeric, 32 characters.
  return ("x" + sha256_hex(v)).substr(0, 32);
}

std::string order_args(const order_request& req, const std::string& inst_id,
                       const std::string& cl_ord_id) {
  rapidjson::StringBuffer buf;
  writer w(buf);
  w.StartObject();
  kv(w, "instId", inst_id);
  kv(w, "tdMode", "cash");
  kv(w, "clOrdId", cl_ord_id);
  kv(w, "side", req.order_side == side::buy ? "buy" : "sell");
  if (req.type == order_type::market) {
    kv(w, "ordType", "market");
    kv(w, "tgtCcy", "base_ccy");
  } else {
    kv(w, "ordType", req.tif == time_in_force::ioc   ? "ioc"
                     : req.tif == time_in_force::fok ? "fok"
                                                     : "limit");
    kv(w, "px", okx_decimal(req.limit_price.raw));
  }
  kv(w, "sz", okx_decimal(req.quantity.raw));
  w.EndObject();
  return buf.GetString();
}

std::string cancel_args(const std::string& inst_id, const std::string& cl_ord_id) {
  rapidjson::StringBuffer buf;
  writer w(buf);
  w.StartObject();
  kv(w, "instId", inst_id);
  kv(w, "clOrdId", cl_ord_id);
  w.EndObject();
  return buf.GetString();
}

std::string amend_args(const std::string& inst_id, const std::string& cl_ord_id, const qty& new_sz,
                       const price& new_px) {
  rapidjson::StringBuffer buf;
  writer w(buf);
  w.StartObject();
  kv(w, "instId", inst_id);
  kv(w, "clOrdId", cl_ord_id);
  if (new_sz.is_positive())
    kv(w, "newSz", okx_decimal(new_sz.raw));
  if (new_px.is_positive())
    kv(w, "newPx", okx_decimal(new_px.raw));
  w.EndObject();
  return buf.GetString();
}

std::string cancel_batch_body(const std::vector<std::pair<std::string, venue_order_id>>& orders) {
  rapidjson::StringBuffer buf;
  writer w(buf);
  w.StartArray();
  for (auto& [inst, id] : orders) {
    w.StartObject();
    kv(w, "instId", inst);
    kv(w, "ordId", std::to_string(id.value));
    w.EndObject();
  }
  w.EndArray();
  return buf.GetString();
}

std::string ws_op(const std::string& id, const std::string& op, const std::string& args) {
  return "{\"id\":\"" + id + "\",\"op\":\"" + op + "\",\"args\":[" + args + "]}";
}

std::string cancel_all_after_body(int64_t seconds) {
  return "{\"timeOut\":\"" + std::to_string(seconds) + "\"}";
}

} // namespace cwts::connector::okx
