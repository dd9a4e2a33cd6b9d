#pragma once
// The spans this node shipped lately, by trace, so an operator can ask a
// node for one order's hops (GET /api/trace?order=<id>, `cwts trace`, the
// console's `trace`): the exporter adds every span it takes off the ring.
// A node knows an order's trace from any of its spans that name the order
// (gw1's venue_send, tr1's decide, ...) and answers with every span of that
// trace it holds (gw1's tick and validate too). Bounded: at most max_traces
// traces (the oldest forgotten first) of at most max_spans each.
// Thread-safe; CAF-free.

#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/trace/span_record.hpp"

namespace cwts::trace {

class span_index {
public:
  explicit span_index(size_t max_traces = 20000, size_t max_spans = 64)
    : max_traces_(max_traces), max_spans_(max_spans) {}

  void add(const span_record& r);

  // Every span of every trace one of whose spans names `order_id`, by start time.
  std::vector<span_record> by_order(std::string_view order_id) const;

  size_t traces() const;

private:
  void forget_oldest();

  mutable std::mutex mutex_;
  std::map<trace_id, std::vector<span_record>> spans_;
  std::deque<trace_id> arrival_; // oldest first
  std::multimap<std::string, trace_id> orders_; // order id -> its traces
  size_t max_traces_;
  size_t max_spans_;
};

} // namespace cwts::trace
