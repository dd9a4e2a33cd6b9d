#pragma once
// Reading Binance JSON with RapidJSON: one whole document, then typed fields
// of an object with the first failure's reason kept. Shared by the REST and
// user-data codecs; internal to actors/connector.

#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "actors/connector/outcome.hpp"
#include "messages/orders.hpp"
#include "messages/symbol.hpp"
#include "messages/time.hpp"

namespace cwts::connector::detail {

using json = rapidjson::Value;

// Parses a whole document; trailing garbage, NaN and Infinity are errors
// (RapidJSON's default flags). Iterative, not recursive: a frame of 100000
// '[' from the network must not overflow the stack.
inline std::optional<codec_error> parse_document(std::string_view text, rapidjson::Document& doc) {
  doc.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (doc.HasParseError())
    return codec_error{std::string("malformed JSON at offset ")
                       + std::to_string(doc.GetErrorOffset()) + ": "
                       + rapidjson::GetParseError_En(doc.GetParseError())};
  return std::nullopt;
}

// Reads typed fields of one object and keeps the first failure's reason, so
// a parser reads every field in sequence and checks once at the end.
class field_reader {
public:
  explicit field_reader(const json& obj) : obj_(obj) {}

  const json* find(const char* key) {
    auto it = obj_.FindMember(key);
    return it == obj_.MemberEnd() ? nullptr : &it->value;
  }

  std::string_view string(const char* key) {
    auto v = find(key);
    if (v == nullptr)
      return fail(key, "missing"), std::string_view{};
    if (!v->IsString())
      return fail(key, "not a string"), std::string_view{};
    return {v->GetString(), v->GetStringLength()};
  }

  int64_t integer(const char* key) {
    auto v = find(key);
    if (v == nullptr)
      return fail(key, "missing"), 0;
    if (!v->IsInt64())
      return fail(key, out_of_int64(*v) ? "integer out of range" : "not an integer"), 0;
    return v->GetInt64();
  }

  bool boolean(const char* key) {
    auto v = find(key);
    if (v == nullptr)
      return fail(key, "missing"), false;
    if (!v->IsBool())
      return fail(key, "not a boolean"), false;
    return v->GetBool();
  }

  // A time in milliseconds since the epoch (E, T, transactTime, ...), as
  // nanoseconds. Out of 0..9e12 (year 2255) is refused: times ns would
  // overflow int64 (found by fuzz/market_frame_fuzz.cpp).
  timestamp_ns time_ms(const char* key) {
    auto ms = integer(key);
    if (!error_.empty())
      return {};
    if (ms < 0 || ms > 9'000'000'000'000)
      return fail(key, "time out of range: " + std::to_string(ms)), timestamp_ns{};
    return timestamp_ns::from_millis(ms);
  }

  // Binance sends decimals as strings ("0.00100000"); parse them exactly.
  template <class Decimal>
  Decimal decimal(const char* key) {
    auto text = string(key);
    if (!error_.empty())
      return {};
    auto d = Decimal::parse(text);
    if (!d)
      return fail(key, "not an exact decimal: \"" + std::string(text) + "\""), Decimal{};
    return *d;
  }

  symbol sym(const char* key) {
    auto text = string(key);
    if (!error_.empty())
      return {};
    auto s = symbol::parse(text);
    if (!s)
      return fail(key, "not a symbol: \"" + std::string(text) + "\""), symbol{};
    return *s;
  }

  void fail(const char* key, const std::string& why) {
    if (error_.empty())
      error_ = std::string("field \"") + key + "\": " + why;
  }

  bool ok() const { return error_.empty(); }
  codec_error error() const { return codec_error{error_}; }

private:
  // A JSON integer beyond int64 (RapidJSON keeps it as uint64, or as a
  // double past uint64): too big, not a wrong type. Every double this large
  // is integral, so no fraction check is needed.
  static bool out_of_int64(const json& v) {
    return v.IsUint64() || (v.IsDouble() && (v.GetDouble() >= 0x1p63 || v.GetDouble() < -0x1p63));
  }

  const json& obj_;
  std::string error_;
};

// Maps one enum-valued field; `parse` returns nullopt for unknown text.
template <class Enum, class Parse>
Enum read_enum(field_reader& r, const char* key, Parse parse) {
  auto text = r.string(key);
  if (!r.ok())
    return Enum{};
  auto e = parse(text);
  if (!e)
    return r.fail(key, "unsupported value \"" + std::string(text) + "\""), Enum{};
  return *e;
}

// enums.md: order side.
inline std::optional<side> parse_side(std::string_view s) {
  if (s == "BUY")
    return side::buy;
  if (s == "SELL")
    return side::sell;
  return std::nullopt;
}

} // namespace cwts::connector::detail
