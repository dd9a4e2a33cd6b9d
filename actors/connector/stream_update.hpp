#pragma once
// An order update from a venue's private stream (Binance's user-data
// stream, venue_session.cpp; OKX's orders channel, okx/okx_session.cpp)
// applied to the session's order tracker, counted alike by both sessions.

#include <atomic>
#include <cstdint>
#include <vector>

#include "actors/connector/order_tracker.hpp"

namespace cwts::connector {

// The tracker's reports for the update, counted in the session's
// stream_reports / stream_no_change / stream_settled_order /
// stream_unknown_order. An order whose outcome was unknown (in
// `unresolved`, by client id) is settled by it: taken out of `unresolved`
// (the `unresolved` counter follows its size), counted in `resolved`, and
// reported as the venue's answer.
template <class Counters, class Unresolved>
std::vector<execution_report> apply_stream_update(order_tracker& tracker, const venue_order& o,
                                                  qty last_qty, price last_price, timestamp_ns now,
                                                  Unresolved& unresolved, Counters& c,
                                                  std::atomic<int64_t>& resolved) {
  std::vector<execution_report> reports;
  switch (tracker.on_execution_event(o, last_qty, last_price, now, reports)) {
    case order_tracker::event_effect::reported:
      c.stream_reports += static_cast<int64_t>(reports.size());
      break;
    case order_tracker::event_effect::no_change: ++c.stream_no_change; break;
    case order_tracker::event_effect::settled_order: ++c.stream_settled_order; break;
    case order_tracker::event_effect::unknown_order:
      if (auto i = unresolved.find(o.client_id); i != unresolved.end()) {
        // The venue has the order: the event settles the unknown outcome.
        unresolved.erase(i);
        c.unresolved = static_cast<int64_t>(unresolved.size());
        ++resolved;
        reports = tracker.on_order_response(o, now);
        c.stream_reports += static_cast<int64_t>(reports.size());
      } else {
        ++c.stream_unknown_order;
      }
      break;
  }
  return reports;
}

} // namespace cwts::connector
