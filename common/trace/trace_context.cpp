#include "common/trace/trace_context.hpp"

#include <algorithm>
#include <random>

#include "common/hex.hpp"

namespace cwts::trace {

namespace {

// xoshiro256** (Blackman, Vigna): fast, and seeded per thread from the OS,
// so ids from threads and processes do not collide in practice (the W3C
// spec asks for random ids, not cryptographic ones).
class id_generator {
public:
  id_generator() {
    std::random_device os;
    for (auto& w : s_)
      w = (static_cast<uint64_t>(os()) << 32) ^ os();
  }

  uint64_t next() {
    auto rotl = [](uint64_t x, int k) { return (x << k) | (x >> (64 - k)); };
    uint64_t result = rotl(s_[1] * 5, 7) * 9;
    uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

private:
  uint64_t s_[4];
};

id_generator& generator() {
  thread_local id_generator g;
  return g;
}

template <size_t N>
void fill(std::array<uint8_t, N>& out) {
  do {
    for (size_t i = 0; i < N; i += 8) {
      auto v = generator().next();
      for (size_t b = 0; b < 8 && i + b < N; ++b)
        out[i + b] = static_cast<uint8_t>(v >> (8 * b));
    }
  } while (std::all_of(out.begin(), out.end(), [](uint8_t b) { return b == 0; }));
}

template <size_t N>
bool all_zero(const std::array<uint8_t, N>& a) {
  return std::all_of(a.begin(), a.end(), [](uint8_t b) { return b == 0; });
}

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

bool trace_context::valid() const {
  return !all_zero(trace) && !all_zero(span);
}

trace_id new_trace_id() {
  trace_id id;
  fill(id);
  return id;
}

span_id new_span_id() {
  span_id id;
  fill(id);
  return id;
}

trace_context start_trace() {
  return trace_context{new_trace_id(), new_span_id(), 1};
}

std::string to_hex(const trace_id& id) {
  return cwts::to_hex(id.data(), id.size());
}

std::string to_hex(const span_id& id) {
  return cwts::to_hex(id.data(), id.size());
}

std::string to_traceparent(const trace_context& c) {
  static const char* digits = "0123456789abcdef";
  std::string flags{digits[c.flags >> 4], digits[c.flags & 15]};
  return "00-" + to_hex(c.trace) + "-" + to_hex(c.span) + "-" + flags;
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
  c.flags = static_cast<uint8_t>(std::stoi(std::string(flags), nullptr, 16));
  if (all_zero(c.trace) || all_zero(c.span)) {
    error = "an all-zero trace or parent id";
    return std::nullopt;
  }
  return c;
}

} // namespace cwts::trace
