#include "common/trace/ring_set.hpp"

namespace cwts::trace {

namespace {

std::atomic<uint64_t> next_set_id{1};

} // namespace

ring_set::ring_set(size_t per_thread, size_t max_threads)
  : per_thread_(per_thread), max_threads_(max_threads), id_(next_set_id.fetch_add(1)) {
  rings_.reserve(max_threads_);
}

span_ring* ring_set::for_this_thread() {
  std::lock_guard<std::mutex> guard(mutex_);
  if (rings_.size() >= max_threads_)
    return nullptr;
  rings_.push_back(std::make_unique<span_ring>(per_thread_));
  // Published after it is built: the exporter reads rings_[0 .. published).
  published_.store(rings_.size(), std::memory_order_release);
  return rings_.back().get();
}

span_ring* ring_of_this_thread(ring_set& set) {
  // The ring is cached with its set's id: a thread that recorded for an
  // earlier set (a node's tracing made again, a test) registers anew.
  thread_local uint64_t cached_set = 0;
  thread_local span_ring* cached_ring = nullptr;
  if (cached_set != set.id()) {
    cached_set = set.id();
    cached_ring = set.for_this_thread();
  }
  if (!cached_ring)
    set.refused_.fetch_add(1, std::memory_order_relaxed);
  return cached_ring;
}

bool ring_set::pop(span_record& out) {
  auto n = published_.load(std::memory_order_acquire);
  for (size_t tried = 0; tried < n; ++tried) {
    auto i = next_++ % n;
    if (rings_[i]->pop(out))
      return true;
  }
  return false;
}

uint64_t ring_set::dropped() const {
  uint64_t sum = refused_.load(std::memory_order_relaxed);
  auto n = published_.load(std::memory_order_acquire);
  for (size_t i = 0; i < n; ++i)
    sum += rings_[i]->dropped();
  return sum;
}

} // namespace cwts::trace
