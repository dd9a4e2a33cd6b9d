#pragma once
// Where a hop records its span (issue 23, docs/tracing.md): the process's
// span rings (one per recording thread), installed once by the node when
// [trace] is on. Every actor
// records the same way: trace::record(what came in, its hop, the client
// order id, when it started, when it ended) pushes one span (parent: the
// incoming message's span) and returns the context the hop's outgoing
// messages carry. With tracing off, or for a message that carries no
// sampled trace, it records nothing and passes the context on unchanged.

#include <cstdint>
#include <string_view>

#include "common/trace/ring_set.hpp"
#include "common/trace/span_record.hpp"

namespace cwts::trace {

// The rings spans go to (nullptr: tracing off) and the share of ticks that
// start a sampled trace, in [0, 1]. Set by the node before its actors start.
void install(ring_set* rings, double sample_ratio);
ring_set* installed_rings();

// A new trace for a tick received at `start_ns` and passed on at `end_ns`:
// sampled with the installed ratio, its root span (hop::tick) recorded when
// sampled; the returned context names that span. Empty when tracing is off.
trace_context record_tick(int64_t start_ns, int64_t end_ns);

trace_context record(const trace_context& in, hop what, std::string_view order_id,
                     int64_t start_ns, int64_t end_ns);

} // namespace cwts::trace
