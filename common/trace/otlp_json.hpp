#pragma once
// Spans as an OTLP/HTTP JSON request body (ExportTraceServiceRequest:
// resourceSpans -> scopeSpans -> spans; ids as lower-case hex, times as
// decimal strings of Unix nanoseconds), the format an OpenTelemetry
// collector takes at POST /v1/traces and the line format of the span files.

#include <cstddef>
#include <string>

#include "common/trace/span_record.hpp"

namespace cwts::trace {

// The node is the resource: service.name "cwts-node", service.instance.id
// `node`. Each span carries its hop as its name and the client order id as
// the attribute "cwts.client_order_id".
std::string otlp_json(const std::string& node, const span_record* spans, size_t count);

} // namespace cwts::trace
