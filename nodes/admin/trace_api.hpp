#pragma once
// GET /api/trace?order=<client order id> (docs/tracing.md): the spans this
// node holds of that order's trace, and the exporter's counters for
// /metrics. CAF-free.

#include <optional>
#include <string>
#include <vector>

#include "common/trace/span_exporter.hpp"
#include "common/trace/span_record.hpp"

namespace cwts::admin {

// The order id of the query ("order=<id>"): 1..64 characters of
// [A-Za-z0-9._:/-]; nullopt with `why` otherwise.
std::optional<std::string> trace_order_param(const std::string& query, std::string& why);

// {"node":..,"order":..,"spans":[{"trace_id","span_id","parent_span_id","name",
//  "start_ns","end_ns","order"}]} in start order.
std::string api_trace(const std::string& node, const std::string& order,
                      const std::vector<trace::span_record>& spans);

// cwts_trace_spans_exported_total, cwts_trace_spans_dropped_total{where},
// cwts_trace_export_failures_total, cwts_trace_files_rotated_total.
std::string trace_metrics(const std::string& node, const trace::exporter_stats& s);

} // namespace cwts::admin
