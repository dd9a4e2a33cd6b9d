#include "common/trace/otlp_json.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace cwts::trace {

namespace {

using writer = rapidjson::Writer<rapidjson::StringBuffer>;

void string_attribute(writer& w, const char* key, const std::string& value) {
  w.StartObject();
  w.Key("key");
  w.String(key);
  w.Key("value");
  w.StartObject();
  w.Key("stringValue");
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  w.EndObject();
  w.EndObject();
}

void span(writer& w, const span_record& s) {
  w.StartObject();
  w.Key("traceId");
  w.String(to_hex(s.trace).c_str());
  w.Key("spanId");
  w.String(to_hex(s.span).c_str());
  if (s.parent != span_id{}) {
    w.Key("parentSpanId");
    w.String(to_hex(s.parent).c_str());
  }
  w.Key("name");
  w.String(to_string(s.what));
  // SPAN_KIND_CLIENT for the venue call, INTERNAL for every other hop.
  w.Key("kind");
  w.Int(s.what == hop::venue_send ? 3 : 1);
  w.Key("startTimeUnixNano");
  w.String(std::to_string(s.start_ns).c_str());
  w.Key("endTimeUnixNano");
  w.String(std::to_string(s.end_ns).c_str());
  w.Key("attributes");
  w.StartArray();
  if (s.order_id_len > 0)
    string_attribute(w, "cwts.client_order_id", std::string(s.order()));
  w.EndArray();
  w.EndObject();
}

} // namespace

std::string otlp_json(const std::string& node, const span_record* spans, size_t count) {
  rapidjson::StringBuffer buf;
  writer w(buf);
  w.StartObject();
  w.Key("resourceSpans");
  w.StartArray();
  w.StartObject();
  w.Key("resource");
  w.StartObject();
  w.Key("attributes");
  w.StartArray();
  string_attribute(w, "service.name", "cwts-node");
  string_attribute(w, "service.instance.id", node);
  w.EndArray();
  w.EndObject();
  w.Key("scopeSpans");
  w.StartArray();
  w.StartObject();
  w.Key("scope");
  w.StartObject();
  w.Key("name");
  w.String("cwts.order_path");
  w.EndObject();
  w.Key("spans");
  w.StartArray();
  for (size_t i = 0; i < count; ++i)
    span(w, spans[i]);
  w.EndArray();
  w.EndObject();
  w.EndArray();
  w.EndObject();
  w.EndArray();
  w.EndObject();
  return buf.GetString();
}

} // namespace cwts::trace
