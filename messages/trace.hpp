#pragma once
// The trace context (common/trace/trace_context.hpp) as a message field:
// a trade carries the trace its tick started, an order the trace of the
// tick that led to it (issue 23, docs/tracing.md). 25 bytes on the wire.

#include "caf/meta/type_name.hpp"
#include "common/trace/trace_context.hpp"

namespace cwts::trace {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trace_context& x) {
  return f(caf::meta::type_name("trace_context"), x.trace, x.span, x.flags);
}

} // namespace cwts::trace
