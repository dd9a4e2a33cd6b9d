#include "common/trace/recorder.hpp"

#include <atomic>

namespace cwts::trace {

namespace {

std::atomic<ring_set*> rings_{nullptr};
// The ratio as a threshold on a 64-bit random draw (exact for 0 and 1).
std::atomic<uint64_t> sample_below_{0};
std::atomic<bool> sample_all_{false};

void push(ring_set& rings, const trace_id& trace, const span_id& parent, const span_id& span,
          hop what, std::string_view order_id, int64_t start_ns, int64_t end_ns) {
  auto* ring = ring_of_this_thread(rings);
  if (!ring)
    return; // a thread past the set's bound: counted by the set
  span_record r;
  r.trace = trace;
  r.parent = parent;
  r.span = span;
  r.what = what;
  r.start_ns = start_ns;
  r.end_ns = end_ns < start_ns ? start_ns : end_ns;
  r.set_order_id(order_id);
  ring->push(r); // a full ring counts the drop; the hop never waits
}

} // namespace

void install(ring_set* rings, double sample_ratio) {
  sample_ratio = sample_ratio < 0 ? 0 : sample_ratio > 1 ? 1 : sample_ratio;
  sample_all_.store(sample_ratio >= 1.0);
  sample_below_.store(static_cast<uint64_t>(sample_ratio * 18446744073709551615.0));
  rings_.store(rings);
}

ring_set* installed_rings() {
  return rings_.load(std::memory_order_acquire);
}

trace_context record_tick(int64_t start_ns, int64_t end_ns) {
  auto* rings = installed_rings();
  if (!rings)
    return {};
  trace_context c{new_trace_id(), new_span_id(), 1};
  if (!sample_all_.load(std::memory_order_relaxed)) {
    uint64_t draw = 0;
    for (size_t i = 0; i < 8; ++i)
      draw = (draw << 8) | c.trace[i]; // the trace id is random already
    c.flags = draw < sample_below_.load(std::memory_order_relaxed) ? 1 : 0;
  }
  if (c.sampled())
    push(*rings, c.trace, span_id{}, c.span, hop::tick, {}, start_ns, end_ns);
  return c;
}

trace_context record(const trace_context& in, hop what, std::string_view order_id,
                     int64_t start_ns, int64_t end_ns) {
  auto* rings = installed_rings();
  if (!rings || !in.valid() || !in.sampled())
    return in;
  auto own = new_span_id();
  push(*rings, in.trace, in.span, own, what, order_id, start_ns, end_ns);
  return child_of(in, own);
}

} // namespace cwts::trace
