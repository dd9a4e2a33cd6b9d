#pragma once
// The bounded lock-free queue spans are recorded into (issue 23: recording
// stays at most 25 ns per event; bench/trace_record_bench measures it): any
// thread pushes, the exporter's thread pops. A full ring drops the new span
// and counts it; a push never waits, never allocates, never blocks the
// actor that records it. (Vyukov's bounded queue: each slot carries the
// sequence number of the lap it holds.)

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "common/trace/span_record.hpp"

namespace cwts::trace {

class span_ring {
public:
  // `capacity` is rounded up to a power of two (at least 2).
  explicit span_ring(size_t capacity) {
    size_t n = 2;
    while (n < capacity)
      n <<= 1;
    mask_ = n - 1;
    slots_ = std::make_unique<slot[]>(n);
    for (size_t i = 0; i < n; ++i)
      slots_[i].seq.store(i, std::memory_order_relaxed);
  }

  span_ring(const span_ring&) = delete;
  span_ring& operator=(const span_ring&) = delete;

  // False (and counted in dropped()) when the ring is full.
  bool push(const span_record& r) noexcept {
    uint64_t pos = head_.load(std::memory_order_relaxed);
    slot* s;
    for (;;) {
      s = &slots_[pos & mask_];
      uint64_t seq = s->seq.load(std::memory_order_acquire);
      auto dif = static_cast<int64_t>(seq - pos);
      if (dif == 0) {
        if (head_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed))
          break;
      } else if (dif < 0) {
        dropped_.fetch_add(1, std::memory_order_relaxed);
        return false;
      } else {
        pos = head_.load(std::memory_order_relaxed);
      }
    }
    s->rec = r;
    s->seq.store(pos + 1, std::memory_order_release);
    return true;
  }

  // False when nothing is there.
  bool pop(span_record& out) noexcept {
    uint64_t pos = tail_.load(std::memory_order_relaxed);
    slot* s;
    for (;;) {
      s = &slots_[pos & mask_];
      uint64_t seq = s->seq.load(std::memory_order_acquire);
      auto dif = static_cast<int64_t>(seq - (pos + 1));
      if (dif == 0) {
        if (tail_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed))
          break;
      } else if (dif < 0) {
        return false;
      } else {
        pos = tail_.load(std::memory_order_relaxed);
      }
    }
    out = s->rec;
    s->seq.store(pos + mask_ + 1, std::memory_order_release);
    return true;
  }

  size_t capacity() const { return mask_ + 1; }
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  // Spans pushed and not popped yet (approximate while threads push).
  size_t size() const {
    auto h = head_.load(std::memory_order_relaxed), t = tail_.load(std::memory_order_relaxed);
    return h > t ? static_cast<size_t>(h - t) : 0;
  }

private:
  struct slot {
    std::atomic<uint64_t> seq{0};
    span_record rec;
  };

  std::unique_ptr<slot[]> slots_;
  size_t mask_ = 0;
  alignas(64) std::atomic<uint64_t> head_{0};
  alignas(64) std::atomic<uint64_t> tail_{0};
  alignas(64) std::atomic<uint64_t> dropped_{0};
};

} // namespace cwts::trace
