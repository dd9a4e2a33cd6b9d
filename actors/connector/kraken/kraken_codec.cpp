#include "actors/connector/kraken/kraken_codec.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <openssl/sha.h>

#include "actors/connector/request_signer.hpp"
#include "common/hex.hpp"
#include "common/kraken_names.hpp"

namespace cwts::connector::kraken {

namespace {

using json = rapidjson::Value;

// Numbers are read as their text (kParseNumbersAsStringsFlag): WS v2's
// prices and quantities are exact decimals, never doubles.
constexpr unsigned parse_flags = rapidjson::kParseIterativeFlag | rapidjson::kParseNumbersAsStringsFlag;

const json* member(const json& obj, const char* key) {
  if (!obj.IsObject())
    return nullptr;
  auto it = obj.FindMember(key);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

// Reads fields and keeps the first failure, as json_reader's field_reader.
struct reader {
  const json& obj;
  std::string error;

  void fail(const char* key, const std::string& why) {
    if (error.empty())
      error = std::string("field \"") + key + "\": " + why;
  }
  std::string str(const char* key, bool required = true) {
    const auto* v = member(obj, key);
    if (v == nullptr || v->IsNull()) {
      if (required)
        fail(key, "missing");
      return {};
    }
    if (!v->IsString())
      return fail(key, "not a string or number"), std::string();
    return std::string(v->GetString(), v->GetStringLength());
  }
  template <class Decimal>
  Decimal dec(const char* key, bool required = true) {
    auto t = str(key, required);
    if (t.empty())
      return {};
    auto d = Decimal::parse(t);
    if (!d)
      return fail(key, "not an exact decimal: \"" + t + "\""), Decimal{};
    return *d;
  }
  // Seconds since the epoch with a fraction (REST opentm "1688666559.8974").
  timestamp_ns seconds(const char* key) {
    auto t = str(key, false);
    if (t.empty())
      return {};
    char* end = nullptr;
    double s = std::strtod(t.c_str(), &end);
    if (end == t.c_str() || *end != '\0' || s < 0 || s > 9e9)
      return fail(key, "not a time in seconds: \"" + t + "\""), timestamp_ns{};
    return timestamp_ns{static_cast<int64_t>(s * 1e9)};
  }
};

std::optional<side> side_of(std::string_view s) {
  if (s == "buy")
    return side::buy;
  if (s == "sell")
    return side::sell;
  return std::nullopt;
}

std::optional<order_type> type_of(std::string_view s) {
  if (s == "limit")
    return order_type::limit;
  if (s == "market")
    return order_type::market;
  return std::nullopt;
}

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

// RFC 3339 "2023-09-22T12:34:56.123456Z" as ns; zero when unreadable (the
// time is informative, never decisive).
timestamp_ns rfc3339(const std::string& t) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  double s = 0;
  if (std::sscanf(t.c_str(), "%d-%d-%dT%d:%d:%lfZ", &y, &mo, &d, &h, &mi, &s) != 6)
    return {};
  // Days from civil (Howard Hinnant's algorithm).
  y -= mo <= 2;
  int era = (y >= 0 ? y : y - 399) / 400;
  int yoe = y - era * 400;
  int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = int64_t{era} * 146097 + doe - 719468;
  double secs = static_cast<double>(days * 86400 + h * 3600 + mi * 60) + s;
  return timestamp_ns{static_cast<int64_t>(secs * 1e9)};
}

} // namespace

std::string kraken_envelope::error_text() const {
  std::string out;
  for (auto& e : errors)
    out += (out.empty() ? "" : "; ") + e;
  return out;
}

outcome<kraken_envelope> parse_envelope(std::string_view text) {
  kraken_envelope env;
  env.doc.Parse<parse_flags>(text.data(), text.size());
  if (env.doc.HasParseError() || !env.doc.IsObject())
    return codec_error{"not a JSON object"};
  const auto* errors = member(env.doc, "error");
  if (errors == nullptr || !errors->IsArray())
    return codec_error{"field \"error\": missing or not an array"};
  for (auto& e : errors->GetArray()) {
    if (!e.IsString())
      return codec_error{"field \"error\": an item is not a string"};
    env.errors.emplace_back(e.GetString(), e.GetStringLength());
  }
  env.result = member(env.doc, "result");
  if (env.ok() && (env.result == nullptr || !env.result->IsObject()))
    return codec_error{"field \"result\": missing or not an object"};
  return env;
}

error_effect effect_of(std::string_view error) {
  if (error == "EAPI:Invalid nonce")
    return error_effect::invalid_nonce;
  if (error == "EAPI:Rate limit exceeded" || error == "EGeneral:Temporary lockout")
    return error_effect::rate_limited;
  if (starts_with(error, "EService:Unavailable") || starts_with(error, "EService:Busy")
      || starts_with(error, "EService:Deadline elapsed")
      || starts_with(error, "EGeneral:Internal error"))
    return error_effect::unknown;
  return error_effect::rejected;
}

reject_reason reason_of(std::string_view error) {
  if (starts_with(error, "EQuery:Unknown asset pair") || starts_with(error, "EQuery:Invalid asset pair"))
    return reject_reason::unknown_symbol;
  if (starts_with(error, "EOrder:Invalid price") || starts_with(error, "EGeneral:Invalid arguments:price"))
    return reject_reason::invalid_price;
  if (starts_with(error, "EOrder:Invalid volume") || starts_with(error, "EGeneral:Invalid arguments:volume")
      || starts_with(error, "EOrder:Order minimum not met"))
    return reject_reason::invalid_qty;
  if (starts_with(error, "EOrder:Cost minimum not met"))
    return reject_reason::below_min_notional;
  if (starts_with(error, "EOrder:Unknown order"))
    return reject_reason::unknown_order;
  if (starts_with(error, "EOrder:Duplicate") || starts_with(error, "EOrder:Duplicate cl_ord_id"))
    return reject_reason::duplicate_client_order_id;
  if (starts_with(error, "EOrder:Rate limit exceeded") || starts_with(error, "EAPI:Rate limit exceeded"))
    return reject_reason::rate_throttled;
  return reject_reason::venue_rejected;
}

bool unknown_order(std::string_view error) {
  return starts_with(error, "EOrder:Unknown order");
}

outcome<std::vector<kraken_pair_info>> parse_asset_pairs(const kraken_envelope& env) {
  std::vector<kraken_pair_info> out;
  for (auto& m : env.result->GetObject()) {
    reader r{m.value, {}};
    kraken_pair_info p;
    p.key.assign(m.name.GetString(), m.name.GetStringLength());
    p.altname = r.str("altname");
    p.wsname = r.str("wsname", false);
    p.base = r.str("base");
    p.quote = r.str("quote");
    auto pd = r.str("pair_decimals");
    auto ld = r.str("lot_decimals");
    if (!r.error.empty())
      return codec_error{"AssetPairs " + p.key + ": " + r.error};
    p.pair_decimals = std::atoi(pd.c_str());
    p.lot_decimals = std::atoi(ld.c_str());
    if (p.pair_decimals < 0 || p.pair_decimals > 8 || p.lot_decimals < 0 || p.lot_decimals > 8)
      return codec_error{"AssetPairs " + p.key + ": decimals out of 0..8"};
    p.our_base = kraken_our_asset(p.base);
    p.our_quote = kraken_our_asset(p.quote);
    out.push_back(std::move(p));
  }
  return out;
}

std::optional<order_status> parse_rest_status(std::string_view s, bool partial) {
  if (s == "pending")
    return order_status::pending_new;
  if (s == "open")
    return partial ? order_status::partially_filled : order_status::accepted;
  if (s == "closed")
    return order_status::filled;
  if (s == "canceled")
    return order_status::canceled;
  if (s == "expired")
    return order_status::expired;
  return std::nullopt;
}

std::optional<order_status> parse_ws_status(std::string_view s) {
  if (s == "pending_new")
    return order_status::pending_new;
  if (s == "new")
    return order_status::accepted;
  if (s == "partially_filled")
    return order_status::partially_filled;
  if (s == "filled")
    return order_status::filled;
  if (s == "canceled")
    return order_status::canceled;
  if (s == "expired")
    return order_status::expired;
  return std::nullopt;
}

outcome<std::vector<kraken_order>> parse_order_map(const json& obj) {
  if (!obj.IsObject())
    return codec_error{"orders: not an object"};
  std::vector<kraken_order> out;
  for (auto& m : obj.GetObject()) {
    kraken_order o;
    o.txid.assign(m.name.GetString(), m.name.GetStringLength());
    reader r{m.value, {}};
    const auto* descr = member(m.value, "descr");
    if (descr == nullptr || !descr->IsObject())
      return codec_error{"order " + o.txid + ": field \"descr\": missing or not an object"};
    reader d{*descr, {}};
    o.cl_ord_id = r.str("cl_ord_id", false);
    o.pair = d.str("pair");
    auto sd = side_of(d.str("type"));
    auto ty = type_of(d.str("ordertype"));
    o.px = d.dec<price>("price", false);
    o.vol = r.dec<qty>("vol");
    o.vol_exec = r.dec<qty>("vol_exec");
    o.avg_px = r.dec<price>("price", false);
    o.cost = r.dec<notional>("cost", false);
    auto close = r.seconds("closetm");
    o.update_time = close.ns != 0 ? close : r.seconds("opentm");
    auto st = parse_rest_status(r.str("status"), o.vol_exec.is_positive());
    if (!r.error.empty() || !d.error.empty())
      return codec_error{"order " + o.txid + ": " + (r.error.empty() ? d.error : r.error)};
    if (!sd || !ty || !st)
      return codec_error{"order " + o.txid + ": unsupported side, ordertype or status"};
    o.order_side = *sd;
    o.type = *ty;
    o.status = *st;
    out.push_back(std::move(o));
  }
  return out;
}

outcome<kraken_execution> parse_execution(const json& item) {
  if (!item.IsObject())
    return codec_error{"execution: not an object"};
  reader r{item, {}};
  kraken_execution e;
  e.exec_type = r.str("exec_type", false);
  if (e.exec_type.empty())
    e.exec_type = "status"; // a snapshot item may carry only the order's state
  e.order_id = r.str("order_id");
  e.cl_ord_id = r.str("cl_ord_id", false);
  e.symbol = r.str("symbol", false);
  auto sd = r.str("side", false);
  auto ty = r.str("order_type", false);
  e.order_qty = r.dec<qty>("order_qty", false);
  e.limit_price = r.dec<price>("limit_price", false);
  e.cum_qty = r.dec<qty>("cum_qty", false);
  e.cum_cost = r.dec<notional>("cum_cost", false);
  e.avg_price = r.dec<price>("avg_price", false);
  e.exec_id = r.str("exec_id", false);
  e.last_qty = r.dec<qty>("last_qty", false);
  e.last_price = r.dec<price>("last_price", false);
  auto st = r.str("order_status", false);
  e.time = rfc3339(r.str("timestamp", false));
  if (!r.error.empty())
    return codec_error{"execution " + e.order_id + ": " + r.error};
  if (!sd.empty()) {
    auto s = side_of(sd);
    if (!s)
      return codec_error{"execution " + e.order_id + ": side \"" + sd + "\""};
    e.order_side = *s;
  }
  if (!ty.empty()) {
    auto t = type_of(ty);
    if (!t)
      return codec_error{"execution " + e.order_id + ": order_type \"" + ty + "\""};
    e.type = *t;
  }
  e.has_details = !sd.empty() && !ty.empty() && e.order_qty.is_positive();
  if (!st.empty()) {
    auto s = parse_ws_status(st);
    if (!s)
      return codec_error{"execution " + e.order_id + ": order_status \"" + st + "\""};
    e.status = *s;
  } else if (e.exec_type == "filled" || e.exec_type == "canceled" || e.exec_type == "expired") {
    e.status = *parse_ws_status(e.exec_type);
  } else if (e.exec_type == "trade") {
    e.status = order_status::partially_filled;
  }
  if (e.exec_type == "trade" && (e.exec_id.empty() || !e.last_qty.is_positive()))
    return codec_error{"execution " + e.order_id + ": a trade without exec_id or last_qty"};
  return e;
}

outcome<int64_t> parse_server_time(const kraken_envelope& env) {
  reader r{*env.result, {}};
  auto t = r.str("unixtime");
  if (!r.error.empty())
    return codec_error{"Time: " + r.error};
  char* end = nullptr;
  auto v = std::strtoll(t.c_str(), &end, 10);
  if (end == t.c_str() || *end != '\0' || v <= 0)
    return codec_error{"Time: unixtime not an integer: \"" + t + "\""};
  return static_cast<int64_t>(v);
}

outcome<std::vector<asset_balance>> parse_balances(const kraken_envelope& env) {
  std::vector<asset_balance> out;
  for (auto& m : env.result->GetObject()) {
    std::string asset(m.name.GetString(), m.name.GetStringLength());
    reader r{m.value, {}};
    auto total = r.dec<qty>("balance");
    auto hold = r.dec<qty>("hold_trade", false);
    if (!r.error.empty())
      return codec_error{"BalanceEx " + asset + ": " + r.error};
    out.push_back(asset_balance{kraken_our_asset(asset), total - hold, hold});
  }
  return out;
}

venue_order_id order_id_of(std::string_view txid) {
  // FNV-1a 64, top bit cleared: positive and stable across runs.
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : txid) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return venue_order_id{static_cast<int64_t>(h & 0x7fffffffffffffffULL)};
}

std::string kraken_client_id(const client_order_id& id) {
  const auto& s = id.value;
  bool fits = !s.empty() && s.size() <= 18 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
           || c == '_' || c == '.';
  });
  if (fits)
    return s;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), digest);
  digest[6] = static_cast<unsigned char>((digest[6] & 0x0f) | 0x40); // version 4
  digest[8] = static_cast<unsigned char>((digest[8] & 0x3f) | 0x80); // RFC 4122 variant
  // 8-4-4-4-12 hex digits of the first 16 bytes.
  auto hex = to_hex(digest, 16);
  for (std::size_t dash : {20u, 16u, 12u, 8u})
    hex.insert(dash, 1, '-');
  return hex;
}

std::string kraken_decimal(int64_t raw, int decimals) {
  bool neg = raw < 0;
  uint64_t v = neg ? static_cast<uint64_t>(-(raw + 1)) + 1 : static_cast<uint64_t>(raw);
  uint64_t whole = v / 100'000'000;
  uint64_t frac = v % 100'000'000;
  std::string out = (neg ? "-" : "") + std::to_string(whole);
  if (decimals <= 0)
    return out;
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%08llu", static_cast<unsigned long long>(frac));
  return out + "." + std::string(buf, static_cast<std::size_t>(std::min(decimals, 8)));
}

std::string form_body(const std::vector<std::pair<std::string, std::string>>& fields) {
  // The same RFC 3986 encoding as a Binance query string.
  return build_query(fields);
}

} // namespace cwts::connector::kraken
