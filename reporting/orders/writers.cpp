#include "reporting/orders/writers.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string_view>
#include <utility>

#include "reporting/orders/journal_reader.hpp"

namespace cwts::report {

namespace {

// The record's fields as (column name, text), in the schema's order: one
// list for both formats, so CSV columns and JSON members never differ.
std::vector<std::pair<const char*, std::string>> fields_of(const order_event& e) {
  auto decimal_or_empty = [](int64_t raw, std::string s) { return raw == 0 ? std::string() : s; };
  return {
    {"schema", order_event_schema},
    {"event_type", to_string(e.type)},
    {"event_time", format_utc_time(e.event_time)},
    {"event_time_ns", std::to_string(e.event_time.ns)},
    {"clock_source", e.clock_source},
    {"venue_time_ns", e.venue_time.ns == 0 ? std::string() : std::to_string(e.venue_time.ns)},
    {"node", e.node},
    {"client_order_id", e.id.value},
    {"venue_order_id", e.venue_id.value == 0 ? std::string() : std::to_string(e.venue_id.value)},
    {"related_order_id", e.related_id.value},
    {"venue", e.venue.value},
    {"symbol", e.sym.str()},
    {"side", to_string(e.order_side)},
    {"order_type", to_string(e.type_of_order)},
    {"time_in_force", to_string(e.tif)},
    {"price", decimal_or_empty(e.limit_price.raw, e.limit_price.to_string())},
    {"quantity", e.quantity.to_string()},
    {"fill_qty", decimal_or_empty(e.fill_qty.raw, e.fill_qty.to_string())},
    {"fill_price", decimal_or_empty(e.fill_price.raw, e.fill_price.to_string())},
    {"cum_qty", e.cum_qty.to_string()},
    {"account", e.account.value},
    {"strategy", e.strategy.value},
    {"operator", e.issuer.value},
    {"initiator", e.initiator},
    {"rejected_by", e.rejected_by},
    {"reject_rule", e.reject_rule},
    {"text", e.text},
    {"journal", e.journal},
    {"source", e.source},
    {"seq", std::to_string(e.seq)},
  };
}

bool needs_quotes(const std::string& s) {
  return s.find_first_of(",\"\r\n") != std::string::npos;
}

// Columns that are numbers we format ourselves: never text an outsider chose.
bool numeric_column(const std::string& name) {
  for (const char* n : {"event_time_ns", "venue_time_ns", "venue_order_id", "price", "quantity",
                        "fill_qty", "fill_price", "cum_qty", "seq"})
    if (name == n)
      return true;
  return false;
}

// Valid UTF-8 as is; each byte of an invalid sequence becomes U+FFFD, so a
// JSONL line is always valid UTF-8 (a venue's text may be any bytes).
std::string valid_utf8(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  auto cont = [&](size_t i) { return i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80; };
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3
                                                           : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
    bool ok = n != 0;
    for (size_t k = 1; ok && k < n; ++k)
      ok = cont(i + k);
    if (ok && n >= 3) {
      auto c1 = static_cast<unsigned char>(s[i + 1]);
      // No overlong forms, no surrogates, nothing past U+10FFFF.
      ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0) && !(c == 0xF0 && c1 < 0x90)
           && !(c == 0xF4 && c1 >= 0x90);
    }
    if (!ok) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    out.append(s, i, n);
    i += n;
  }
  return out;
}

} // namespace

std::string csv_field(const std::string& s) {
  if (!needs_quotes(s))
    return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"')
      out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_text_field(const std::string& s) {
  if (!s.empty() && std::string_view("=+-@\t\r").find(s.front()) != std::string_view::npos)
    return csv_field("'" + s);
  return csv_field(s);
}

std::string csv_header() {
  std::string out;
  for (auto& [name, value] : fields_of(order_event{})) {
    if (!out.empty())
      out += ',';
    out += name;
  }
  return out;
}

std::string to_csv_row(const order_event& e) {
  std::string out;
  bool first = true;
  for (auto& [name, value] : fields_of(e)) {
    if (!first)
      out += ',';
    first = false;
    out += numeric_column(name) ? csv_field(value) : csv_text_field(value);
  }
  return out;
}

// Numbers stay strings where they are decimals (no float rounding) and ids;
// ns counts are JSON integers.
std::string to_json_line(const order_event& e) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  for (auto& [name, value] : fields_of(e)) {
    w.Key(name);
    std::string n = name;
    if ((n == "event_time_ns" || n == "seq") || (n == "venue_time_ns" && !value.empty()))
      w.Int64(std::stoll(value));
    else if (n == "venue_time_ns")
      w.Null();
    else {
      auto valid = valid_utf8(value);
      w.String(valid.data(), static_cast<rapidjson::SizeType>(valid.size()));
    }
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

// RFC 4180 lines end in CRLF.
void write_csv(std::ostream& out, const std::vector<order_event>& events) {
  out << csv_header() << "\r\n";
  for (auto& e : events)
    out << to_csv_row(e) << "\r\n";
}

void write_jsonl(std::ostream& out, const std::vector<order_event>& events) {
  for (auto& e : events)
    out << to_json_line(e) << '\n';
}

} // namespace cwts::report
