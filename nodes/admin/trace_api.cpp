#include "nodes/admin/trace_api.hpp"

#include "nodes/admin/json_writer.hpp"
#include "nodes/admin/query_param.hpp"

namespace cwts::admin {

std::optional<std::string> trace_order_param(const std::string& query, std::string& why) {
  auto value = query_param(query, "order").value_or("");
  auto allowed = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.'
           || c == '_' || c == ':' || c == '/' || c == '-';
  };
  if (value.empty() || value.size() > 64) {
    why = "order=<client order id> is required (1..64 characters)";
    return std::nullopt;
  }
  for (char c : value)
    if (!allowed(c)) {
      why = "the order id holds a character other than A-Z a-z 0-9 . _ : / -";
      return std::nullopt;
    }
  return value;
}

std::string api_trace(const std::string& node, const std::string& order,
                      const std::vector<trace::span_record>& spans) {
  return json::doc([&](json::writer& w) {
    json::kv(w, "node", node);
    json::kv(w, "order", order);
    w.Key("spans");
    w.StartArray();
    for (auto& s : spans) {
      w.StartObject();
      json::kv(w, "trace_id", trace::to_hex(s.trace));
      json::kv(w, "span_id", trace::to_hex(s.span));
      json::kv(w, "parent_span_id", s.parent == trace::span_id{} ? "" : trace::to_hex(s.parent));
      json::kv(w, "name", std::string(trace::to_string(s.what)));
      json::kv(w, "start_ns", static_cast<int64_t>(s.start_ns));
      json::kv(w, "end_ns", static_cast<int64_t>(s.end_ns));
      json::kv(w, "order", std::string(s.order()));
      w.EndObject();
    }
    w.EndArray();
  });
}

std::string trace_metrics(const std::string& node, const trace::exporter_stats& s) {
  auto line = [&](const std::string& name, const std::string& labels, uint64_t v) {
    return name + "{node=\"" + node + "\"" + labels + "} " + std::to_string(v) + "\n";
  };
  return "# HELP cwts_trace_spans_exported_total Spans the collector took or the span files hold.\n"
         "# TYPE cwts_trace_spans_exported_total counter\n"
         + line("cwts_trace_spans_exported_total", "", s.spans_exported)
         + "# HELP cwts_trace_spans_dropped_total Spans lost: the ring was full when a hop "
           "recorded, or a batch the collector refused past the backlog (or a file not written).\n"
           "# TYPE cwts_trace_spans_dropped_total counter\n"
         + line("cwts_trace_spans_dropped_total", ",where=\"ring\"", s.ring_dropped)
         + line("cwts_trace_spans_dropped_total", ",where=\"export\"", s.spans_dropped)
         + "# HELP cwts_trace_export_failures_total POSTs to the collector that failed.\n"
           "# TYPE cwts_trace_export_failures_total counter\n"
         + line("cwts_trace_export_failures_total", "", s.post_failures)
         + "# HELP cwts_trace_files_rotated_total Span files rotated.\n"
           "# TYPE cwts_trace_files_rotated_total counter\n"
         + line("cwts_trace_files_rotated_total", "", s.files_rotated);
}

} // namespace cwts::admin
