#include "actors/connector/okx/okx_market_codec.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "actors/connector/json_reader.hpp"
#include "common/crc32.hpp"

namespace cwts::connector::okx {

using detail::json;

const char* to_string(okx_frame_kind k) {
  switch (k) {
    case okx_frame_kind::pong: return "pong";
    case okx_frame_kind::event: return "event";
    case okx_frame_kind::books: return "books";
    case okx_frame_kind::trades: return "trades";
    case okx_frame_kind::bbo: return "bbo-tbt";
  }
  return "unknown";
}

namespace {

// A JSON string member as a view; empty with `why` set when absent or not a string.
std::string_view str_of(const json& obj, const char* key, std::string& why) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd()) {
    if (why.empty())
      why = std::string("field \"") + key + "\": missing";
    return {};
  }
  if (!it->value.IsString()) {
    if (why.empty())
      why = std::string("field \"") + key + "\": not a string";
    return {};
  }
  return {it->value.GetString(), it->value.GetStringLength()};
}

// OKX sends integers as decimal strings ("1597026383085", "130639474").
int64_t int_string(const json& obj, const char* key, std::string& why) {
  auto text = str_of(obj, key, why);
  if (!why.empty())
    return 0;
  int64_t v = 0;
  bool neg = !text.empty() && text[0] == '-';
  auto digits = text.substr(neg ? 1 : 0);
  if (digits.empty() || digits.size() > 18) {
    why = std::string("field \"") + key + "\": not an integer string: \"" + std::string(text) + "\"";
    return 0;
  }
  for (char c : digits) {
    if (c < '0' || c > '9') {
      why = std::string("field \"") + key + "\": not an integer string: \"" + std::string(text) + "\"";
      return 0;
    }
    v = v * 10 + (c - '0');
  }
  return neg ? -v : v;
}

timestamp_ns ms_string(const json& obj, const char* key, std::string& why) {
  auto ms = int_string(obj, key, why);
  if (!why.empty())
    return {};
  if (ms < 0 || ms > 9'000'000'000'000) {
    why = std::string("field \"") + key + "\": time out of range: " + std::to_string(ms);
    return {};
  }
  return timestamp_ns::from_millis(ms);
}

// A JSON integer member (seqId, prevSeqId, checksum are numbers on the wire).
std::optional<int64_t> int_member(const json& obj, const char* key, bool required, std::string& why) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd()) {
    if (required && why.empty())
      why = std::string("field \"") + key + "\": missing";
    return std::nullopt;
  }
  if (!it->value.IsInt64()) {
    if (why.empty())
      why = std::string("field \"") + key + "\": not an integer";
    return std::nullopt;
  }
  return it->value.GetInt64();
}

// [["px","sz","0","n"],..]: px and sz strings kept; the other two ignored.
bool read_levels(const json& obj, const char* key, std::vector<okx_level>& out, std::string& why) {
  out.clear();
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsArray()) {
    why = std::string("field \"") + key + "\": missing or not an array";
    return false;
  }
  for (auto& lv : it->value.GetArray()) {
    if (!lv.IsArray() || lv.Size() < 2 || !lv[0].IsString() || !lv[1].IsString()) {
      why = std::string("field \"") + key + "\": a level is not [\"px\",\"sz\",..]";
      return false;
    }
    okx_level l;
    l.px_text.assign(lv[0].GetString(), lv[0].GetStringLength());
    l.sz_text.assign(lv[1].GetString(), lv[1].GetStringLength());
    auto p = price::parse(l.px_text);
    auto q = qty::parse(l.sz_text);
    if (!p || !q || !p->is_positive() || q->raw < 0) {
      why = std::string("field \"") + key + "\": level \"" + l.px_text + "\",\"" + l.sz_text
            + "\" is not a positive price and a size";
      return false;
    }
    l.px = *p;
    l.sz = *q;
    out.push_back(std::move(l));
  }
  return true;
}

outcome<okx_frame_kind> fail(std::string why) {
  return codec_error{std::move(why)};
}

outcome<okx_frame_kind> decode_event(const json& doc, okx_frame& out) {
  std::string why;
  auto& e = out.event;
  e = okx_event_msg{};
  e.event = std::string(str_of(doc, "event", why));
  if (!why.empty())
    return fail(why);
  std::string ignored;
  e.code = std::string(str_of(doc, "code", ignored));
  ignored.clear();
  e.msg = std::string(str_of(doc, "msg", ignored));
  if (auto arg = doc.FindMember("arg"); arg != doc.MemberEnd() && arg->value.IsObject()) {
    ignored.clear();
    e.channel = std::string(str_of(arg->value, "channel", ignored));
    ignored.clear();
    e.inst_id = std::string(str_of(arg->value, "instId", ignored));
  }
  return okx_frame_kind::event;
}

outcome<okx_frame_kind> decode_books(const json& doc, const json& data, const std::string& inst,
                                     okx_frame& out) {
  std::string why;
  auto& b = out.book;
  b.inst_id = inst;
  auto action = str_of(doc, "action", why);
  if (!why.empty())
    return fail(why);
  if (action != "snapshot" && action != "update")
    return fail("field \"action\": unsupported value \"" + std::string(action) + "\"");
  b.snapshot = action == "snapshot";
  if (!data.IsArray() || data.Size() != 1 || !data[0].IsObject())
    return fail("books: \"data\" is not one object");
  auto& d = data[0];
  if (!read_levels(d, "bids", b.bids, why) || !read_levels(d, "asks", b.asks, why))
    return fail(why);
  b.ts = ms_string(d, "ts", why);
  auto seq = int_member(d, "seqId", true, why);
  auto prev = int_member(d, "prevSeqId", true, why);
  auto sum = int_member(d, "checksum", false, why);
  if (!why.empty())
    return fail(why);
  if (sum && (*sum < INT32_MIN || *sum > INT32_MAX))
    return fail("field \"checksum\": " + std::to_string(*sum) + " is not a signed 32-bit integer");
  b.seq_id = *seq;
  b.prev_seq_id = *prev;
  b.checksum = sum ? std::optional<int32_t>(static_cast<int32_t>(*sum)) : std::nullopt;
  return okx_frame_kind::books;
}

outcome<okx_frame_kind> decode_bbo(const json& data, const std::string& inst, okx_frame& out) {
  std::string why;
  auto& b = out.bbo;
  b = okx_bbo_msg{};
  b.inst_id = inst;
  if (!data.IsArray() || data.Size() != 1 || !data[0].IsObject())
    return fail("bbo-tbt: \"data\" is not one object");
  auto& d = data[0];
  std::vector<okx_level> bids, asks;
  if (!read_levels(d, "bids", bids, why) || !read_levels(d, "asks", asks, why))
    return fail(why);
  if (!bids.empty())
    b.bid = bids.front();
  if (!asks.empty())
    b.ask = asks.front();
  b.ts = ms_string(d, "ts", why);
  if (auto seq = int_member(d, "seqId", false, why))
    b.seq_id = *seq;
  if (!why.empty())
    return fail(why);
  return okx_frame_kind::bbo;
}

outcome<okx_frame_kind> decode_trades(const json& data, okx_frame& out) {
  out.trades.clear();
  if (!data.IsArray())
    return fail("trades: \"data\" is not an array");
  for (auto& d : data.GetArray()) {
    if (!d.IsObject())
      return fail("trades: an entry is not an object");
    std::string why;
    okx_trade_msg t;
    t.inst_id = std::string(str_of(d, "instId", why));
    t.id = trade_id{int_string(d, "tradeId", why)};
    auto px = str_of(d, "px", why);
    auto sz = str_of(d, "sz", why);
    auto side = str_of(d, "side", why);
    t.ts = ms_string(d, "ts", why);
    if (!why.empty())
      return fail(why);
    auto p = price::parse(px);
    auto q = qty::parse(sz);
    if (!p || !q || !p->is_positive() || !q->is_positive())
      return fail("trades: px \"" + std::string(px) + "\" / sz \"" + std::string(sz)
                  + "\" are not positive decimals");
    if (side != "buy" && side != "sell")
      return fail("field \"side\": unsupported value \"" + std::string(side) + "\"");
    t.px = *p;
    t.sz = *q;
    t.buyer_is_maker = side == "sell";
    out.trades.push_back(std::move(t));
  }
  return okx_frame_kind::trades;
}

} // namespace

outcome<okx_frame_kind> decode_okx_frame(std::string_view text, okx_frame& out) {
  if (text == "pong")
    return okx_frame_kind::pong;
  rapidjson::Document doc;
  if (auto err = detail::parse_document(text, doc))
    return *err;
  if (!doc.IsObject())
    return fail("not a JSON object");
  if (doc.HasMember("event"))
    return decode_event(doc, out);
  auto arg = doc.FindMember("arg");
  auto data = doc.FindMember("data");
  if (arg == doc.MemberEnd() || !arg->value.IsObject() || data == doc.MemberEnd())
    return fail("neither an event nor a push (\"arg\" and \"data\")");
  std::string why;
  auto channel = str_of(arg->value, "channel", why);
  auto inst = std::string(str_of(arg->value, "instId", why));
  if (!why.empty())
    return fail("arg: " + why);
  if (channel == "books")
    return decode_books(doc, data->value, inst, out);
  if (channel == "bbo-tbt")
    return decode_bbo(data->value, inst, out);
  if (channel == "trades")
    return decode_trades(data->value, out);
  return fail("channel \"" + std::string(channel) + "\" is not subscribed by this stream");
}

book_top to_book_top(const okx_bbo_msg& m, const symbol& sym, timestamp_ns received) {
  book_top top;
  top.sym = sym;
  top.update_id = m.seq_id;
  if (m.bid) {
    top.bid_px = m.bid->px;
    top.bid_qty = m.bid->sz;
  }
  if (m.ask) {
    top.ask_px = m.ask->px;
    top.ask_qty = m.ask->sz;
  }
  top.ts_event = m.ts;
  top.ts_init = received;
  return top;
}

std::string okx_channel_request(const std::string& op, const std::string& channel,
                                const std::vector<std::string>& inst_ids) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("op");
  w.String(op.c_str(), static_cast<rapidjson::SizeType>(op.size()));
  w.Key("args");
  w.StartArray();
  for (auto& id : inst_ids) {
    w.StartObject();
    w.Key("channel");
    w.String(channel.c_str(), static_cast<rapidjson::SizeType>(channel.size()));
    w.Key("instId");
    w.String(id.c_str(), static_cast<rapidjson::SizeType>(id.size()));
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

int32_t okx_book_checksum(const std::vector<const okx_level*>& bids,
                          const std::vector<const okx_level*>& asks) {
  std::string payload;
  payload.reserve(25 * 4 * 12);
  auto add = [&](const okx_level& l) {
    if (!payload.empty())
      payload.push_back(':');
    payload += l.px_text;
    payload.push_back(':');
    payload += l.sz_text;
  };
  for (std::size_t i = 0; i < 25; ++i) {
    if (i < bids.size())
      add(*bids[i]);
    if (i < asks.size())
      add(*asks[i]);
  }
  return static_cast<int32_t>(crc32(payload));
}

outcome<std::vector<okx_spot_listing>> parse_okx_instruments(std::string_view body) {
  using result = outcome<std::vector<okx_spot_listing>>;
  rapidjson::Document doc;
  if (auto err = detail::parse_document(body, doc))
    return result{*err};
  if (!doc.IsObject())
    return result{codec_error{"instruments: not a JSON object"}};
  std::string why;
  auto code = str_of(doc, "code", why);
  if (!why.empty())
    return result{codec_error{"instruments: " + why}};
  if (code != "0") {
    std::string ignored;
    return result{codec_error{"instruments: OKX code " + std::string(code) + ": "
                              + std::string(str_of(doc, "msg", ignored))}};
  }
  auto data = doc.FindMember("data");
  if (data == doc.MemberEnd() || !data->value.IsArray())
    return result{codec_error{"instruments: \"data\" is not an array"}};
  std::vector<okx_spot_listing> out;
  for (auto& d : data->value.GetArray()) {
    if (!d.IsObject())
      continue;
    std::string w;
    auto id = str_of(d, "instId", w);
    auto base = str_of(d, "baseCcy", w);
    auto quote = str_of(d, "quoteCcy", w);
    if (!w.empty())
      continue;
    auto sym = symbol::parse(std::string(base) + std::string(quote));
    if (!sym)
      continue;
    out.push_back(okx_spot_listing{*sym, std::string(id)});
  }
  return result{std::move(out)};
}

} // namespace cwts::connector::okx
