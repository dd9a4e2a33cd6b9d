#include "actors/connector/kraken/kraken_market_codec.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/crc32.hpp"

namespace cwts::connector::kraken {

using json = rapidjson::Value;

const char* to_string(kraken_frame_kind k) {
  switch (k) {
    case kraken_frame_kind::ack: return "ack";
    case kraken_frame_kind::pong: return "pong";
    case kraken_frame_kind::heartbeat: return "heartbeat";
    case kraken_frame_kind::status: return "status";
    case kraken_frame_kind::instrument: return "instrument";
    case kraken_frame_kind::book: return "book";
    case kraken_frame_kind::trade: return "trade";
  }
  return "unknown";
}

std::optional<int64_t> parse_json_decimal(std::string_view text) {
  // Mantissa and exponent apart: "1.5e-05" -> digits "15", point at 1, exp -5.
  auto e = text.find_first_of("eE");
  int exp = 0;
  if (e != std::string_view::npos) {
    auto et = text.substr(e + 1);
    bool neg = !et.empty() && et[0] == '-';
    if (!et.empty() && (et[0] == '-' || et[0] == '+'))
      et.remove_prefix(1);
    if (et.empty() || et.size() > 3)
      return std::nullopt;
    for (char c : et) {
      if (c < '0' || c > '9')
        return std::nullopt;
      exp = exp * 10 + (c - '0');
    }
    exp = neg ? -exp : exp;
    text = text.substr(0, e);
  }
  if (exp == 0)
    return parse_scaled_decimal(text);
  bool neg = !text.empty() && text[0] == '-';
  if (neg)
    text.remove_prefix(1);
  auto dot = text.find('.');
  std::string digits(text.substr(0, dot));
  int point = static_cast<int>(digits.size());
  if (dot != std::string_view::npos)
    digits += std::string(text.substr(dot + 1));
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  point += exp;
  std::string plain;
  if (point <= 0)
    plain = "0." + std::string(static_cast<std::size_t>(-point), '0') + digits;
  else if (point >= static_cast<int>(digits.size()))
    plain = digits + std::string(static_cast<std::size_t>(point) - digits.size(), '0');
  else
    plain = digits.substr(0, static_cast<std::size_t>(point)) + "." + digits.substr(static_cast<std::size_t>(point));
  // Trailing zeros of the fraction carry no precision.
  if (plain.find('.') != std::string::npos) {
    while (plain.back() == '0')
      plain.pop_back();
    if (plain.back() == '.')
      plain.pop_back();
  }
  return parse_scaled_decimal((neg ? "-" : "") + plain);
}

std::optional<timestamp_ns> parse_rfc3339(std::string_view t) {
  // YYYY-MM-DDTHH:MM:SS[.fffffffff]Z
  if (t.size() < 20 || t[4] != '-' || t[7] != '-' || (t[10] != 'T' && t[10] != 't') || t[13] != ':'
      || t[16] != ':' || (t.back() != 'Z' && t.back() != 'z'))
    return std::nullopt;
  auto num = [&](std::size_t at, std::size_t n) -> int64_t {
    int64_t v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (t[i] < '0' || t[i] > '9')
        return -1;
      v = v * 10 + (t[i] - '0');
    }
    return v;
  };
  int64_t y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2), s = num(17, 2);
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0
      || s > 60)
    return std::nullopt;
  int64_t frac_ns = 0;
  auto rest = t.substr(19, t.size() - 20);
  if (!rest.empty()) {
    if (rest[0] != '.' || rest.size() < 2 || rest.size() > 10)
      return std::nullopt;
    int64_t scale = 100'000'000;
    for (std::size_t i = 1; i < rest.size(); ++i, scale /= 10) {
      if (rest[i] < '0' || rest[i] > '9')
        return std::nullopt;
      frac_ns += (rest[i] - '0') * scale;
    }
  }
  // Days since 1970-01-01 in the proleptic Gregorian calendar (Howard
  // Hinnant's days_from_civil): no time zone or locale involved.
  y -= mo <= 2;
  int64_t era = y / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = era * 146097 + doe - 719468;
  return timestamp_ns{((days * 24 + h) * 60 + mi) * 60 * 1'000'000'000 + s * 1'000'000'000 + frac_ns};
}

namespace {

outcome<kraken_frame_kind> fail(std::string why) {
  return codec_error{std::move(why)};
}

// Numbers are parsed as their text (kParseNumbersAsStringsFlag), so a number
// and a string both read as text here.
std::optional<std::string_view> text_of(const json& obj, const char* key) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsString())
    return std::nullopt;
  return std::string_view{it->value.GetString(), it->value.GetStringLength()};
}

std::optional<int64_t> int_of(const json& obj, const char* key) {
  auto t = text_of(obj, key);
  if (!t || t->empty() || t->size() > 18 || t->find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  int64_t v = 0;
  for (char c : *t)
    v = v * 10 + (c - '0');
  return v;
}

// [{"price":P,"qty":Q},..]
bool read_levels(const json& d, const char* key, std::vector<kraken_level>& out, std::string& why) {
  out.clear();
  auto it = d.FindMember(key);
  if (it == d.MemberEnd())
    return true; // an update may carry one side only
  if (!it->value.IsArray()) {
    why = std::string("field \"") + key + "\": not an array";
    return false;
  }
  for (auto& lv : it->value.GetArray()) {
    std::optional<std::string_view> p, q;
    if (lv.IsObject()) {
      p = text_of(lv, "price");
      q = text_of(lv, "qty");
    }
    if (!p || !q) {
      why = std::string("field \"") + key + "\": a level is not {\"price\":..,\"qty\":..}";
      return false;
    }
    auto px = parse_json_decimal(*p);
    auto sz = parse_json_decimal(*q);
    if (!px || !sz || *px <= 0 || *sz < 0) {
      why = std::string("field \"") + key + "\": level " + std::string(*p) + "," + std::string(*q)
            + " is not a positive price and a quantity";
      return false;
    }
    out.push_back(kraken_level{price::from_raw(*px), qty::from_raw(*sz)});
  }
  return true;
}

outcome<kraken_frame_kind> decode_method(const json& doc, std::string_view method, kraken_frame& out) {
  if (method == "pong")
    return kraken_frame_kind::pong;
  auto& a = out.ack;
  a = kraken_ack_msg{};
  a.method = std::string(method);
  auto ok = doc.FindMember("success");
  a.success = ok == doc.MemberEnd() || !ok->value.IsBool() || ok->value.GetBool();
  if (auto e = text_of(doc, "error"))
    a.error = std::string(*e);
  if (auto s = text_of(doc, "symbol"))
    a.symbol = std::string(*s);
  if (auto r = doc.FindMember("result"); r != doc.MemberEnd() && r->value.IsObject()) {
    if (auto c = text_of(r->value, "channel"))
      a.channel = std::string(*c);
    if (auto s = text_of(r->value, "symbol"))
      a.symbol = std::string(*s);
  }
  return kraken_frame_kind::ack;
}

outcome<kraken_frame_kind> decode_book_entry(const json& d, bool snapshot, kraken_book_msg& b) {
  b.snapshot = snapshot;
  auto sym = text_of(d, "symbol");
  if (!sym)
    return fail("book: field \"symbol\": missing");
  b.symbol = std::string(*sym);
  std::string why;
  if (!read_levels(d, "bids", b.bids, why) || !read_levels(d, "asks", b.asks, why))
    return fail("book: " + why);
  // Kraken's every book message carries it: without one the message could
  // only be applied unchecked, and v2 has no other continuity check.
  if (!d.HasMember("checksum"))
    return fail("book: field \"checksum\": missing");
  auto c = int_of(d, "checksum");
  if (!c || *c > UINT32_MAX)
    return fail("book: field \"checksum\": not an unsigned 32-bit integer");
  b.checksum = static_cast<uint32_t>(*c);
  b.ts = {};
  if (auto ts = text_of(d, "timestamp")) {
    auto t = parse_rfc3339(*ts);
    if (!t)
      return fail("book: field \"timestamp\": not RFC 3339: \"" + std::string(*ts) + "\"");
    b.ts = *t;
  }
  return kraken_frame_kind::book;
}

outcome<kraken_frame_kind> decode_book(const json& data, bool snapshot, kraken_frame& out) {
  if (!data.IsArray() || data.Empty())
    return fail("book: \"data\" is not a non-empty array");
  // The vector keeps its entries' level vectors between frames.
  out.books.resize(data.Size());
  for (rapidjson::SizeType i = 0; i < data.Size(); ++i) {
    if (!data[i].IsObject())
      return fail("book: an entry of \"data\" is not an object");
    auto r = decode_book_entry(data[i], snapshot, out.books[i]);
    if (!r) {
      // None of the frame's entries is applied: each named book missed it.
      for (auto& d : data.GetArray())
        if (d.IsObject())
          if (auto sym = text_of(d, "symbol"))
            out.broken_books.emplace_back(*sym);
      return r;
    }
  }
  return kraken_frame_kind::book;
}

outcome<kraken_frame_kind> decode_trades(const json& data, kraken_frame& out) {
  out.trades.clear();
  if (!data.IsArray())
    return fail("trade: \"data\" is not an array");
  for (auto& d : data.GetArray()) {
    if (!d.IsObject())
      return fail("trade: an entry is not an object");
    auto sym = text_of(d, "symbol");
    auto side = text_of(d, "side");
    auto p = text_of(d, "price");
    auto q = text_of(d, "qty");
    auto id = int_of(d, "trade_id");
    auto ts = text_of(d, "timestamp");
    if (!sym || !side || !p || !q || !id || !ts)
      return fail("trade: an entry lacks symbol, side, price, qty, trade_id or timestamp");
    auto px = parse_json_decimal(*p);
    auto sz = parse_json_decimal(*q);
    if (!px || !sz || *px <= 0 || *sz <= 0)
      return fail("trade: price " + std::string(*p) + " / qty " + std::string(*q)
                  + " are not positive decimals");
    if (*side != "buy" && *side != "sell")
      return fail("trade: field \"side\": unsupported value \"" + std::string(*side) + "\"");
    auto t = parse_rfc3339(*ts);
    if (!t)
      return fail("trade: field \"timestamp\": not RFC 3339: \"" + std::string(*ts) + "\"");
    out.trades.push_back(kraken_trade_msg{std::string(*sym), trade_id{*id}, price::from_raw(*px),
                                          qty::from_raw(*sz), *side == "sell", *t});
  }
  return kraken_frame_kind::trade;
}

outcome<kraken_frame_kind> decode_instrument(const json& data, kraken_frame& out) {
  out.pairs.clear();
  if (!data.IsObject())
    return fail("instrument: \"data\" is not an object");
  auto pairs = data.FindMember("pairs");
  if (pairs == data.MemberEnd())
    return kraken_frame_kind::instrument; // an update of assets only
  if (!pairs->value.IsArray())
    return fail("instrument: \"pairs\" is not an array");
  for (auto& p : pairs->value.GetArray()) {
    if (!p.IsObject())
      return fail("instrument: a pair is not an object");
    auto sym = text_of(p, "symbol");
    auto base = text_of(p, "base");
    auto quote = text_of(p, "quote");
    auto pp = int_of(p, "price_precision");
    auto qp = int_of(p, "qty_precision");
    if (!sym || !base || !quote || !pp || !qp)
      return fail("instrument: a pair lacks symbol, base, quote, price_precision or qty_precision");
    if (*pp > 18 || *qp > 18)
      return fail("instrument: " + std::string(*sym) + ": precision beyond 18 decimals");
    out.pairs.push_back(kraken_ws_pair{std::string(*sym), std::string(*base), std::string(*quote),
                                         static_cast<int>(*pp), static_cast<int>(*qp)});
  }
  return kraken_frame_kind::instrument;
}

} // namespace

outcome<kraken_frame_kind> decode_kraken_frame(std::string_view text, kraken_frame& out) {
  out.broken_books.clear();
  rapidjson::Document doc;
  // Iterative (a frame of 100000 '[' must not overflow the stack); numbers
  // kept as their text, so no price passes through a double.
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseNumbersAsStringsFlag>(text.data(),
                                                                                     text.size());
  if (doc.HasParseError())
    return fail(std::string("malformed JSON at offset ") + std::to_string(doc.GetErrorOffset()) + ": "
                + rapidjson::GetParseError_En(doc.GetParseError()));
  if (!doc.IsObject())
    return fail("not a JSON object");
  if (auto method = text_of(doc, "method"))
    return decode_method(doc, *method, out);
  auto channel = text_of(doc, "channel");
  if (!channel)
    return fail("neither a method's answer nor a channel message");
  if (*channel == "heartbeat")
    return kraken_frame_kind::heartbeat;
  if (*channel == "status")
    return kraken_frame_kind::status;
  auto type = text_of(doc, "type");
  auto data = doc.FindMember("data");
  if (!type || data == doc.MemberEnd())
    return fail("channel \"" + std::string(*channel) + "\": no \"type\" or \"data\"");
  if (*type != "snapshot" && *type != "update")
    return fail("field \"type\": unsupported value \"" + std::string(*type) + "\"");
  if (*channel == "book")
    return decode_book(data->value, *type == "snapshot", out);
  if (*channel == "trade") {
    out.trades_snapshot = *type == "snapshot";
    return decode_trades(data->value, out);
  }
  if (*channel == "instrument")
    return decode_instrument(data->value, out);
  return fail("channel \"" + std::string(*channel) + "\" is not subscribed by this stream");
}

std::string kraken_channel_request(const std::string& method, const std::string& channel,
                                   const std::vector<std::string>& symbols, int depth,
                                   uint64_t req_id) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("method");
  w.String(method.c_str(), static_cast<rapidjson::SizeType>(method.size()));
  w.Key("params");
  w.StartObject();
  w.Key("channel");
  w.String(channel.c_str(), static_cast<rapidjson::SizeType>(channel.size()));
  if (!symbols.empty()) {
    w.Key("symbol");
    w.StartArray();
    for (auto& s : symbols)
      w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
    w.EndArray();
  }
  if (depth > 0) {
    w.Key("depth");
    w.Int(depth);
  }
  w.EndObject();
  w.Key("req_id");
  w.Uint64(req_id);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string kraken_ping_request(uint64_t req_id) {
  return "{\"method\":\"ping\",\"req_id\":" + std::to_string(req_id) + "}";
}

std::string kraken_checksum_digits(int64_t raw, int decimals) {
  if (raw <= 0)
    return {};
  if (decimals <= decimal_places) {
    int64_t div = 1;
    for (int i = decimals; i < decimal_places; ++i)
      div *= 10;
    auto v = raw / div;
    return v == 0 ? std::string{} : std::to_string(v);
  }
  return std::to_string(raw) + std::string(static_cast<std::size_t>(decimals - decimal_places), '0');
}

uint32_t kraken_book_checksum(const std::vector<kraken_level>& asks,
                              const std::vector<kraken_level>& bids, int price_precision,
                              int qty_precision) {
  std::string payload;
  payload.reserve(20 * 24);
  auto add = [&](const std::vector<kraken_level>& side) {
    for (std::size_t i = 0; i < side.size() && i < 10; ++i) {
      payload += kraken_checksum_digits(side[i].px.raw, price_precision);
      payload += kraken_checksum_digits(side[i].sz.raw, qty_precision);
    }
  };
  add(asks);
  add(bids);
  return crc32(payload);
}

} // namespace cwts::connector::kraken
