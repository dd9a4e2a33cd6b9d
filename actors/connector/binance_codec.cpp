#include "actors/connector/binance_codec.hpp"

#include <string>

#include "actors/connector/json_reader.hpp"
#include "actors/connector/market_codec.hpp"

namespace cwts::connector {

namespace {

using detail::field_reader;
using detail::parse_document;
using detail::parse_side;
using detail::read_enum;
using json = rapidjson::Value;

outcome<trade> read_trade(const json& obj, timestamp_ns received) {
  if (!obj.IsObject())
    return codec_error{"trade event is not an object"};
  field_reader r(obj);
  trade t;
  detail::read_trade_fields(r, received, t);
  if (!r.ok())
    return r.error();
  return t;
}

std::optional<order_type> parse_type(std::string_view s) {
  if (s == "LIMIT")
    return order_type::limit;
  if (s == "MARKET")
    return order_type::market;
  return std::nullopt;
}

std::optional<time_in_force> parse_tif(std::string_view s) {
  if (s == "GTC")
    return time_in_force::gtc;
  if (s == "IOC")
    return time_in_force::ioc;
  if (s == "FOK")
    return time_in_force::fok;
  return std::nullopt;
}

void read_fills(field_reader& r, venue_order& o) {
  auto fills = r.find("fills");
  if (fills == nullptr)
    return;
  if (!fills->IsArray())
    return r.fail("fills", "not an array");
  for (auto& f : fills->GetArray()) {
    if (!f.IsObject())
      return r.fail("fills", "element is not an object");
    field_reader fr(f);
    venue_fill vf{fr.decimal<price>("price"), fr.decimal<qty>("qty"), fr.integer("tradeId")};
    if (!fr.ok())
      return r.fail("fills", fr.error().reason);
    o.fills.push_back(vf);
  }
}

// RESULT/FULL/query fields; ACK responses have none of them (rest-api.md,
// newOrderRespType), recognised by the absence of "status".
void read_details(field_reader& r, venue_order& o) {
  o.has_details = true;
  o.order_side = read_enum<side>(r, "side", parse_side);
  o.type = read_enum<order_type>(r, "type", parse_type);
  o.tif = read_enum<time_in_force>(r, "timeInForce", parse_tif);
  o.status = read_enum<order_status>(r, "status", parse_order_status);
  o.limit_price = r.decimal<price>("price");
  o.orig_qty = r.decimal<qty>("origQty");
  o.executed_qty = r.decimal<qty>("executedQty");
  o.cumulative_quote_qty = r.decimal<notional>("cummulativeQuoteQty");
  read_fills(r, o);
}

outcome<venue_order> read_order(const json& obj) {
  if (!obj.IsObject())
    return codec_error{"order is not an object"};
  field_reader r(obj);
  venue_order o;
  o.sym = r.sym("symbol");
  o.order_id = venue_order_id{r.integer("orderId")};
  // A cancel reply names the canceled order in origClientOrderId.
  o.client_id = client_order_id{std::string(
    r.find("origClientOrderId") ? r.string("origClientOrderId") : r.string("clientOrderId"))};
  // Queries carry updateTime; order and cancel replies carry transactTime.
  o.update_time = r.time_ms(r.find("updateTime") ? "updateTime" : "transactTime");
  if (r.find("status") != nullptr)
    read_details(r, o);
  if (!r.ok())
    return r.error();
  return o;
}

} // namespace

std::optional<order_status> parse_order_status(std::string_view s) {
  if (s == "NEW")
    return order_status::accepted;
  if (s == "PENDING_NEW")
    return order_status::pending_new;
  if (s == "PARTIALLY_FILLED")
    return order_status::partially_filled;
  if (s == "FILLED")
    return order_status::filled;
  if (s == "CANCELED")
    return order_status::canceled;
  if (s == "PENDING_CANCEL")
    return order_status::pending_cancel;
  if (s == "REJECTED")
    return order_status::rejected;
  // enums.md: EXPIRED_IN_MATCH is an expiry caused by self-trade prevention.
  if (s == "EXPIRED" || s == "EXPIRED_IN_MATCH")
    return order_status::expired;
  return std::nullopt;
}

outcome<trade> parse_trade_event(std::string_view text, timestamp_ns received) {
  rapidjson::Document doc;
  if (auto err = parse_document(text, doc))
    return *err;
  if (!doc.IsObject())
    return codec_error{"trade event is not an object"};
  // Combined streams wrap events as {"stream":"<streamName>","data":<rawPayload>}.
  auto data = doc.FindMember("data");
  if (data != doc.MemberEnd())
    return read_trade(data->value, received);
  return read_trade(doc, received);
}

outcome<venue_order> parse_order(std::string_view text) {
  rapidjson::Document doc;
  if (auto err = parse_document(text, doc))
    return *err;
  return read_order(doc);
}

outcome<std::vector<venue_order>> parse_order_list(std::string_view text) {
  rapidjson::Document doc;
  if (auto err = parse_document(text, doc))
    return *err;
  if (!doc.IsArray())
    return codec_error{"order list is not an array"};
  std::vector<venue_order> out;
  out.reserve(doc.Size());
  for (rapidjson::SizeType i = 0; i < doc.Size(); ++i) {
    auto o = read_order(doc[i]);
    if (!o)
      return codec_error{"element " + std::to_string(i) + ": " + o.error().reason};
    out.push_back(std::move(o.value()));
  }
  return out;
}

outcome<std::size_t> parse_array_length(std::string_view text) {
  rapidjson::Document doc;
  if (auto err = parse_document(text, doc))
    return *err;
  if (!doc.IsArray())
    return codec_error{"not an array"};
  return static_cast<std::size_t>(doc.Size());
}

outcome<api_error> parse_api_error(std::string_view text) {
  rapidjson::Document doc;
  if (auto err = parse_document(text, doc))
    return *err;
  if (!doc.IsObject())
    return codec_error{"error body is not an object"};
  field_reader r(doc);
  api_error e{r.integer("code"), std::string(r.string("msg"))};
  if (!r.ok())
    return r.error();
  return e;
}

outcome<int64_t> parse_server_time(std::string_view text) {
  rapidjson::Document doc;
  if (auto err = parse_document(text, doc))
    return *err;
  if (!doc.IsObject())
    return codec_error{"time reply is not an object"};
  field_reader r(doc);
  auto ms = r.integer("serverTime");
  if (!r.ok())
    return r.error();
  return ms;
}

outcome<std::vector<asset_balance>> parse_account_balances(std::string_view text) {
  rapidjson::Document doc;
  if (auto err = parse_document(text, doc))
    return *err;
  if (!doc.IsObject())
    return codec_error{"account reply is not an object"};
  auto it = doc.FindMember("balances");
  if (it == doc.MemberEnd() || !it->value.IsArray())
    return codec_error{"field \"balances\": missing or not an array"};
  std::vector<asset_balance> out;
  for (auto& b : it->value.GetArray()) {
    if (!b.IsObject())
      return codec_error{"field \"balances\": element is not an object"};
    field_reader r(b);
    asset_balance ab{std::string(r.string("asset")), r.decimal<qty>("free"),
                     r.decimal<qty>("locked")};
    if (!r.ok())
      return codec_error{"balances: " + r.error().reason};
    out.push_back(std::move(ab));
  }
  return out;
}

outcome<symbol_assets> parse_symbol_assets(std::string_view text, const symbol& sym) {
  rapidjson::Document doc;
  if (auto err = parse_document(text, doc))
    return *err;
  if (!doc.IsObject())
    return codec_error{"exchangeInfo reply is not an object"};
  auto it = doc.FindMember("symbols");
  if (it == doc.MemberEnd() || !it->value.IsArray())
    return codec_error{"field \"symbols\": missing or not an array"};
  for (auto& s : it->value.GetArray()) {
    if (!s.IsObject())
      return codec_error{"field \"symbols\": element is not an object"};
    field_reader r(s);
    auto name = r.sym("symbol");
    if (!r.ok() || name != sym)
      continue;
    symbol_assets out{sym, std::string(r.string("baseAsset")), std::string(r.string("quoteAsset"))};
    if (!r.ok())
      return codec_error{"symbol " + sym.str() + ": " + r.error().reason};
    return out;
  }
  return codec_error{"exchangeInfo does not list " + sym.str()};
}

} // namespace cwts::connector
