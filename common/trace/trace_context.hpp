#pragma once
// W3C Trace Context for the order path (issue 23, docs/tracing.md): a trace
// is born with the market-data tick that led to a decision and travels with
// every message of the order it led to, across actors and nodes. The ids
// are the W3C ones (16-byte trace id, 8-byte span id, never all zero), so a
// collector (OpenTelemetry, Jaeger, Tempo) joins our spans with anyone
// else's. CAF-free; messages/trace.hpp makes it a message field.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cwts::trace {

using trace_id = std::array<uint8_t, 16>;
using span_id = std::array<uint8_t, 8>;

// What a message carries: its trace, and the span of the hop that sent it
// (the receiver's parent). All zero: not traced.
struct trace_context {
  trace_id trace{};
  span_id span{};
  uint8_t flags = 0; // bit 0: sampled (W3C trace-flags)

  bool valid() const; // neither id all zero
  bool sampled() const { return (flags & 1) != 0; }
  friend bool operator==(const trace_context& a, const trace_context& b) {
    return a.trace == b.trace && a.span == b.span && a.flags == b.flags;
  }
};

// Random ids from a per-thread generator seeded once from the OS (a few
// nanoseconds each; never all zero).
trace_id new_trace_id();
span_id new_span_id();

// A new trace whose first span is `root` (sampled).
trace_context start_trace();
// The context a hop passes on: the same trace, its own span as the parent.
inline trace_context child_of(const trace_context& parent, const span_id& own) {
  return trace_context{parent.trace, own, parent.flags};
}

std::string to_hex(const trace_id& id);
std::string to_hex(const span_id& id);

// "00-<32 hex>-<16 hex>-<2 hex>" (the traceparent header).
std::string to_traceparent(const trace_context& c);
// nullopt with `error` (why) unless `text` is a valid version-00 traceparent:
// lower-case hex, ids not all zero, exactly 55 characters.
std::optional<trace_context> parse_traceparent(std::string_view text, std::string& error);

} // namespace cwts::trace
