#pragma once
// Merges the events of several journals (each node that held the OMS over
// time, failover) into one time line. CAF-free.

#include <cstdint>
#include <vector>

#include "reporting/orders/order_event.hpp"

namespace cwts::report {

struct merge_stats {
  int64_t in = 0;
  int64_t duplicates = 0; // exact duplicates removed (same_record)
  int64_t out = 0;
};

// Sorted by event time; ties keep a stable order: node, journal, source,
// seq. An event equal to one already kept (same_record) is dropped.
std::vector<order_event> merge_events(std::vector<std::vector<order_event>> sources,
                                      merge_stats* stats = nullptr);

} // namespace cwts::report
