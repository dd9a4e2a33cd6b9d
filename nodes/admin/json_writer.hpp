#pragma once
// The compact JSON the admin API answers with: `doc` writes one object,
// `kv` one field of it. Shared by the /api/* renderers (introspection,
// operator_api, book_api).

#include <cstdint>
#include <string>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace cwts::admin::json {

using writer = rapidjson::Writer<rapidjson::StringBuffer>;

inline void kv(writer& w, const char* k, const std::string& v) {
  w.Key(k);
  w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
}
inline void kv(writer& w, const char* k, int64_t v) {
  w.Key(k);
  w.Int64(v);
}
inline void kv(writer& w, const char* k, double v) {
  w.Key(k);
  w.Double(v);
}
inline void kv(writer& w, const char* k, bool v) {
  w.Key(k);
  w.Bool(v);
}

// One JSON object whose fields `body(w)` writes.
template <class F>
std::string doc(F&& body) {
  rapidjson::StringBuffer buf;
  writer w(buf);
  w.StartObject();
  body(w);
  w.EndObject();
  return buf.GetString();
}

} // namespace cwts::admin::json
