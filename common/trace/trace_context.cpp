#include "common/trace/trace_context.hpp"

#include <algorithm>
#include <random>

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

} // namespace cwts::trace
