#include "nodes/console/trace_view.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include <rapidjson/document.h>

#include "nodes/admin/json_writer.hpp"
#include "nodes/console/table.hpp"

namespace cwts::console {

namespace {

std::string field(const rapidjson::Value& v, const char* key) {
  auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

int64_t number(const rapidjson::Value& v, const char* key) {
  auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : 0;
}

std::string millis(int64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(ns) / 1e6);
  return buf;
}

} // namespace

std::optional<std::vector<trace_span>> merge_trace_answers(const std::vector<std::string>& bodies,
                                                           std::string& error) {
  std::vector<trace_span> out;
  std::set<std::string> seen;
  for (auto& body : bodies) {
    rapidjson::Document doc;
    doc.Parse(body.c_str(), body.size());
    auto spans = doc.IsObject() ? doc.FindMember("spans") : rapidjson::Value::MemberIterator{};
    if (doc.HasParseError() || !doc.IsObject() || spans == doc.MemberEnd() || !spans->value.IsArray()) {
      error = "not a node's /api/trace answer: " + body.substr(0, 200);
      return std::nullopt;
    }
    auto node = field(doc, "node");
    for (auto& s : spans->value.GetArray()) {
      if (!s.IsObject())
        continue;
      trace_span t{node,           field(s, "trace_id"), field(s, "span_id"),
                   field(s, "parent_span_id"), field(s, "name"), field(s, "order"),
                   number(s, "start_ns"), number(s, "end_ns")};
      if (t.span_id.empty() || !seen.insert(t.span_id).second)
        continue;
      out.push_back(std::move(t));
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const trace_span& a, const trace_span& b) { return a.start_ns < b.start_ns; });
  return out;
}

std::string render_trace(const std::string& order, const std::vector<trace_span>& spans) {
  if (spans.empty())
    return "no span of order " + order + " on the nodes asked (tracing off, sampled out, or "
           "older than what they keep)\n";
  std::set<std::string> traces, nodes;
  for (auto& s : spans) {
    traces.insert(s.trace_id);
    nodes.insert(s.node);
  }
  std::string node_list;
  for (auto& n : nodes)
    node_list += (node_list.empty() ? "" : ", ") + n;
  std::string trace_list;
  for (auto& t : traces)
    trace_list += (trace_list.empty() ? "" : ", ") + t;
  std::string out = "order " + order + "  trace " + trace_list + "  " + std::to_string(spans.size())
                    + " spans from " + node_list + "\n";
  std::map<std::string, const trace_span*> by_id;
  for (auto& s : spans)
    by_id[s.span_id] = &s;
  std::vector<table_row> rows;
  auto first = spans.front().start_ns;
  for (auto& s : spans) {
    auto parent = by_id.find(s.parent_span_id);
    rows.push_back({millis(s.start_ns - first), s.node, s.name, millis(s.end_ns - s.start_ns),
                    parent == by_id.end() ? "" : millis(s.start_ns - parent->second->end_ns)});
  }
  return out + render_table({"AT_MS", "NODE", "HOP", "TOOK_MS", "AFTER_PARENT_MS"}, rows);
}

std::string trace_json(const std::string& order, const std::vector<trace_span>& spans) {
  namespace json = admin::json;
  return json::doc([&](json::writer& w) {
           json::kv(w, "order", order);
           w.Key("spans");
           w.StartArray();
           for (auto& s : spans) {
             w.StartObject();
             json::kv(w, "node", s.node);
             json::kv(w, "trace_id", s.trace_id);
             json::kv(w, "span_id", s.span_id);
             json::kv(w, "parent_span_id", s.parent_span_id);
             json::kv(w, "name", s.name);
             json::kv(w, "start_ns", s.start_ns);
             json::kv(w, "end_ns", s.end_ns);
             json::kv(w, "order", s.order);
             w.EndObject();
           }
           w.EndArray();
         })
         + "\n";
}

gathered_trace gather_trace(const std::vector<admin_address>& nodes, const std::string& order,
                            std::chrono::milliseconds timeout) {
  gathered_trace out;
  std::vector<std::string> bodies;
  for (auto& a : nodes) {
    auto r = admin_client(a, timeout).get("/api/trace?order=" + order);
    if (!r.ok()) {
      out.notes.push_back(a.str() + ": " + r.error_text());
      continue;
    }
    std::string error;
    if (!merge_trace_answers({r.body}, error)) {
      out.notes.push_back(a.str() + ": " + error);
      continue;
    }
    ++out.reached;
    bodies.push_back(r.body);
  }
  std::string error;
  if (auto merged = merge_trace_answers(bodies, error))
    for (auto& s : *merged)
      // The trace's own spans (the tick, its validation) and this order's:
      // a tick that led to two orders shows only the one asked for.
      if (s.order.empty() || s.order == order)
        out.spans.push_back(std::move(s));
  return out;
}

} // namespace cwts::console
