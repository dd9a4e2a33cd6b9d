#pragma once
// One span ring per recording thread (issue 23: recording stays at most
// 25 ns an event, also with several threads recording at once): a thread's
// first span registers its own ring, later ones push into it without meeting
// any other thread's; the exporter takes spans off every ring. Bounded: at
// most max_threads rings of per_thread spans; a thread past that records
// nothing (counted as dropped). Rings live as long as the set.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "common/trace/span_ring.hpp"

namespace cwts::trace {

class ring_set {
public:
  explicit ring_set(size_t per_thread, size_t max_threads = 256);

  ring_set(const ring_set&) = delete;
  ring_set& operator=(const ring_set&) = delete;

  // The calling thread's ring (made on its first call); nullptr past max_threads.
  span_ring* for_this_thread();

  // Takes one span off any ring, round-robin across calls; false when all are empty.
  bool pop(span_record& out);

  // Spans the rings dropped (full) and spans of threads that got no ring.
  uint64_t dropped() const;
  size_t rings() const { return published_.load(std::memory_order_acquire); }
  uint64_t id() const { return id_; }

private:
  size_t per_thread_;
  size_t max_threads_;
  uint64_t id_; // unique per set: a thread's cached ring belongs to one set
  std::mutex mutex_; // registration only
  std::vector<std::unique_ptr<span_ring>> rings_; // reserved at max_threads: never moves
  std::atomic<size_t> published_{0};
  std::atomic<uint64_t> refused_{0};
  size_t next_ = 0; // the exporter's round-robin position (its thread only)

  friend span_ring* ring_of_this_thread(ring_set& set);
};

// The calling thread's ring of `set`, from a per-thread cache after the first call.
span_ring* ring_of_this_thread(ring_set& set);

} // namespace cwts::trace
