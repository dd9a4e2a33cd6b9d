#include "actors/connector/market_codec.hpp"

#include <string>

#include "actors/connector/json_reader.hpp"
#include "actors/connector/trade_scanner.hpp"

namespace cwts::connector {

namespace {

using detail::field_reader;
using detail::parse_document;
using json = rapidjson::Value;

// The stream name's event type: "<sym>@trade", "<sym>@aggTrade",
// "<sym>@bookTicker", "<sym>@depth", "<sym>@depth@100ms", "<sym>@depth@1000ms".
outcome<market_event_kind> kind_of_stream(std::string_view name) {
  auto at = name.find('@');
  if (at == std::string_view::npos || at == 0)
    return codec_error{"field \"stream\": no \"<symbol>@<type>\" in \"" + std::string(name) + "\""};
  auto type = name.substr(at + 1);
  if (type == "trade")
    return market_event_kind::trade;
  if (type == "aggTrade")
    return market_event_kind::agg_trade;
  if (type == "bookTicker")
    return market_event_kind::book_ticker;
  if (type == "depth" || type == "depth@100ms" || type == "depth@1000ms")
    return market_event_kind::depth_update;
  return codec_error{"field \"stream\": unsupported stream \"" + std::string(name) + "\""};
}

// A raw event without a stream name: "e" says what it is; bookTicker has no
// "e" (web-socket-streams.md, Individual Symbol Book Ticker Streams).
outcome<market_event_kind> kind_of_event(const json& data) {
  auto e = data.FindMember("e");
  if (e == data.MemberEnd())
    return market_event_kind::book_ticker;
  if (!e->value.IsString())
    return codec_error{"field \"e\": not a string"};
  std::string_view v(e->value.GetString(), e->value.GetStringLength());
  if (v == "trade")
    return market_event_kind::trade;
  if (v == "aggTrade")
    return market_event_kind::agg_trade;
  if (v == "depthUpdate")
    return market_event_kind::depth_update;
  return codec_error{"field \"e\": unsupported event \"" + std::string(v) + "\""};
}

void expect_event(field_reader& r, const char* expected) {
  auto e = r.string("e");
  if (r.ok() && e != expected)
    r.fail("e", "expected \"" + std::string(expected) + "\", got \"" + std::string(e) + "\"");
}

void read_agg_trade(field_reader& r, agg_trade_event& a) {
  expect_event(r, "aggTrade");
  a.sym = r.sym("s");
  a.agg_id = r.integer("a");
  a.first_trade_id = r.integer("f");
  a.last_trade_id = r.integer("l");
  a.px = r.decimal<price>("p");
  a.quantity = r.decimal<qty>("q");
  a.ts_event = r.time_ms("T");
  a.buyer_is_maker = r.boolean("m");
  if (r.ok() && a.last_trade_id < a.first_trade_id)
    r.fail("l", "last trade id below first trade id");
}

void read_book_ticker(field_reader& r, timestamp_ns received, book_top& top) {
  top.update_id = r.integer("u");
  top.sym = r.sym("s");
  top.bid_px = r.decimal<price>("b");
  top.bid_qty = r.decimal<qty>("B");
  top.ask_px = r.decimal<price>("a");
  top.ask_qty = r.decimal<qty>("A");
  top.from_local_book = false;
  top.ts_event = received; // bookTicker carries no event time
  top.ts_init = received;
}

// [["price","qty"], ...] with exact decimals; `key` names the field in errors.
void read_levels(field_reader& r, const json* arr, const char* key,
                 std::vector<depth_level>& out) {
  out.clear();
  if (arr == nullptr)
    return r.fail(key, "missing");
  if (!arr->IsArray())
    return r.fail(key, "not an array");
  for (auto& lvl : arr->GetArray()) {
    if (!lvl.IsArray() || lvl.Size() != 2 || !lvl[0].IsString() || !lvl[1].IsString())
      return r.fail(key, "level is not [\"price\",\"qty\"]");
    auto px = price::parse({lvl[0].GetString(), lvl[0].GetStringLength()});
    auto q = qty::parse({lvl[1].GetString(), lvl[1].GetStringLength()});
    if (!px || !q)
      return r.fail(key, "level is not exact decimals: [\"" + std::string(lvl[0].GetString())
                           + "\",\"" + std::string(lvl[1].GetString()) + "\"]");
    if (!px->is_positive() || q->raw < 0)
      return r.fail(key, "level price must be positive and qty not negative");
    out.push_back(depth_level{*px, *q});
  }
}

void read_depth_update(field_reader& r, depth_update& d) {
  expect_event(r, "depthUpdate");
  d.ts_event = r.time_ms("E");
  d.sym = r.sym("s");
  d.first_id = r.integer("U");
  d.last_id = r.integer("u");
  if (r.ok() && d.last_id < d.first_id)
    r.fail("u", "final update id below first update id");
  read_levels(r, r.find("b"), "b", d.bids);
  read_levels(r, r.find("a"), "a", d.asks);
}

outcome<market_event_kind> read_event(const json& data, market_event_kind kind,
                                      timestamp_ns received, market_event& out) {
  if (!data.IsObject())
    return codec_error{"event is not an object"};
  field_reader r(data);
  out.kind = kind;
  switch (kind) {
    case market_event_kind::trade: detail::read_trade_fields(r, received, out.tr); break;
    case market_event_kind::agg_trade: read_agg_trade(r, out.agg); break;
    case market_event_kind::book_ticker: read_book_ticker(r, received, out.top); break;
    case market_event_kind::depth_update: read_depth_update(r, out.depth); break;
  }
  if (!r.ok())
    return r.error();
  return kind;
}

} // namespace

void detail::read_trade_fields(field_reader& r, timestamp_ns received, trade& t) {
  expect_event(r, "trade");
  t.sym = r.sym("s");
  t.id = trade_id{r.integer("t")};
  t.px = r.decimal<price>("p");
  t.quantity = r.decimal<qty>("q");
  t.ts_event = r.time_ms("T");
  t.buyer_is_maker = r.boolean("m");
  t.ts_init = received;
}

const char* to_string(market_event_kind k) {
  switch (k) {
    case market_event_kind::trade: return "trade";
    case market_event_kind::agg_trade: return "aggTrade";
    case market_event_kind::book_ticker: return "bookTicker";
    case market_event_kind::depth_update: return "depth";
  }
  return "?";
}

outcome<market_event_kind> decode_market_frame(std::string_view text, timestamp_ns received,
                                               market_event& out) {
  // Trades are most of the traffic: the fixed-layout scanner first, the DOM
  // for any other shape (and for the reason when a frame is bad).
  if (scan_trade_frame(text, received, out.tr)) {
    out.kind = market_event_kind::trade;
    return market_event_kind::trade;
  }
  return decode_market_frame_dom(text, received, out);
}

outcome<market_event_kind> decode_market_frame_dom(std::string_view text, timestamp_ns received,
                                                   market_event& out) {
  rapidjson::Document doc;
  if (auto err = parse_document(text, doc))
    return *err;
  if (!doc.IsObject())
    return codec_error{"frame is not an object"};
  auto stream = doc.FindMember("stream");
  auto data = doc.FindMember("data");
  if (stream == doc.MemberEnd() && data == doc.MemberEnd()) {
    auto kind = kind_of_event(doc);
    if (!kind)
      return kind.error();
    return read_event(doc, kind.value(), received, out);
  }
  if (stream == doc.MemberEnd() || !stream->value.IsString())
    return codec_error{"field \"stream\": missing or not a string"};
  if (data == doc.MemberEnd())
    return codec_error{"field \"data\": missing"};
  auto kind = kind_of_stream({stream->value.GetString(), stream->value.GetStringLength()});
  if (!kind)
    return kind.error();
  return read_event(data->value, kind.value(), received, out);
}

outcome<depth_snapshot> parse_depth_snapshot(std::string_view text) {
  rapidjson::Document doc;
  if (auto err = parse_document(text, doc))
    return *err;
  if (!doc.IsObject())
    return codec_error{"depth snapshot is not an object"};
  field_reader r(doc);
  depth_snapshot s;
  s.last_update_id = r.integer("lastUpdateId");
  read_levels(r, r.find("bids"), "bids", s.bids);
  read_levels(r, r.find("asks"), "asks", s.asks);
  if (!r.ok())
    return r.error();
  return s;
}

} // namespace cwts::connector
