#pragma once
// Merges the events of several journals (each node that held the OMS over
// time, failover) into one time line. CAF-free.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "reporting/orders/journal_reader.hpp"
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

// The same merge, streamed: each cursor (opened, in its own order) is read
// one event at a time and every kept event goes to `sink` in merged order.
// Memory: one event per cursor plus those of the current event time (the
// duplicate check). Empty on success, else the first cursor's error (what
// went to `sink` before it is a prefix of the merge).
std::string merge_cursors(std::vector<journal_cursor>& cursors,
                          const std::function<void(const order_event&)>& sink,
                          merge_stats* stats = nullptr);

} // namespace cwts::report
