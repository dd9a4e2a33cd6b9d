#pragma once
// The venue's replies, written by RapidJSON's streaming Writer (the same
// library the connector reads them with): the replies are flat and known in
// advance, so a DOM would only add allocations. This class only gives the
// Writer the chaining the many reply builders use; quoting, escaping and the
// commas are RapidJSON's.

#include <cstdint>
#include <string>
#include <string_view>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace cwts::venue {

class json_writer {
public:
  json_writer() : w_(buf_) {}
  // The Writer holds a reference to the buffer: neither may move.
  json_writer(const json_writer&) = delete;
  json_writer& operator=(const json_writer&) = delete;

  json_writer& begin_object() { return done(w_.StartObject()); }
  json_writer& end_object() { return done(w_.EndObject()); }
  json_writer& begin_array() { return done(w_.StartArray()); }
  json_writer& end_array() { return done(w_.EndArray()); }
  json_writer& key(std::string_view k) { return done(w_.Key(k.data(), size(k))); }
  json_writer& str(std::string_view v) { return done(w_.String(v.data(), size(v))); }
  json_writer& num(int64_t v) { return done(w_.Int64(v)); }
  json_writer& boolean(bool v) { return done(w_.Bool(v)); }
  // Inserts an already valid JSON value (a reply built elsewhere, a number's text).
  json_writer& raw(std::string_view json) {
    return done(w_.RawValue(json.data(), json.size(), rapidjson::kObjectType));
  }
  // key + value shorthands.
  json_writer& field(std::string_view k, std::string_view v) { return key(k).str(v); }
  json_writer& field_num(std::string_view k, int64_t v) { return key(k).num(v); }
  json_writer& field_bool(std::string_view k, bool v) { return key(k).boolean(v); }

  std::string_view str_view() const { return {buf_.GetString(), buf_.GetSize()}; }
  // The text written; the writer starts over empty.
  std::string take();

private:
  static rapidjson::SizeType size(std::string_view s) {
    return static_cast<rapidjson::SizeType>(s.size());
  }
  // RapidJSON refuses only misuse (a key outside an object, a second root):
  // a bug in a reply builder, caught by the venue tests' exact replies.
  json_writer& done(bool) { return *this; }

  rapidjson::StringBuffer buf_;
  rapidjson::Writer<rapidjson::StringBuffer> w_;
};

// The JSON string literal for `v`, quotes included.
std::string json_quote(std::string_view v);

} // namespace cwts::venue
