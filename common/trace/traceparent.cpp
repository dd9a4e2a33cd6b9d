#include "common/trace/trace_context.hpp"

#include <algorithm>

#include "common/hex.hpp"

// The text forms of trace ids (hex, the W3C traceparent header): apart from
// trace_context.cpp so the ids and the recorder need nothing of cwts_common.

namespace cwts::trace {

namespace {

bool lower_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

template <size_t N>
void read_hex(std::string_view s, std::array<uint8_t, N>& out) {
  auto bytes = from_hex(s);
  std::copy(bytes->begin(), bytes->end(), out.begin());
}

} // namespace

std::string to_hex(const trace_id& id) {
  return cwts::to_hex(id.data(), id.size());
}

std::string to_hex(const span_id& id) {
  return cwts::to_hex(id.data(), id.size());
}

std::string to_traceparent(const trace_context& c) {
  return "00-" + to_hex(c.trace) + "-" + to_hex(c.span) + "-" + cwts::to_hex(&c.flags, 1);
}

std::optional<trace_context> parse_traceparent(std::string_view text, std::string& error) {
  if (text.size() != 55 || text[2] != '-' || text[35] != '-' || text[52] != '-') {
    error = "not version-traceid-parentid-flags (2-32-16-2 hex digits)";
    return std::nullopt;
  }
  auto version = text.substr(0, 2), trace = text.substr(3, 32), span = text.substr(36, 16),
       flags = text.substr(53, 2);
  if (!lower_hex(version) || !lower_hex(trace) || !lower_hex(span) || !lower_hex(flags)) {
    error = "a field is not lower-case hex";
    return std::nullopt;
  }
  if (version != "00") {
    error = "version " + std::string(version) + " (only 00 is known)";
    return std::nullopt;
  }
  trace_context c;
  read_hex(trace, c.trace);
  read_hex(span, c.span);
  c.flags = from_hex(flags)->front();
  if (!c.valid()) {
    error = "an all-zero trace or parent id";
    return std::nullopt;
  }
  return c;
}

} // namespace cwts::trace
