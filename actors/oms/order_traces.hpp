#pragma once
// The OMS's hops of an order's trace (issue 23, docs/tracing.md): the trace
// each order left with (its oms_send span) and when, so what the venue says
// about it later is recorded under it: venue_ack (its first answer, timed
// from the send), fill, cancel, reject; a kill that marks it for cancel
// records a kill span. Bounded: terminal orders are forgotten, and past
// max_orders the oldest entry goes. CAF-free.

#include <cstddef>
#include <cstdint>
#include <map>

#include "common/trace/recorder.hpp"
#include "messages/orders.hpp"

namespace cwts::oms {

class order_traces {
public:
  explicit order_traces(size_t max_orders = 65536) : max_(max_orders) {}

  // The order leaves for its venue: its oms_send span (from entered_ns, when
  // the OMS took it) is recorded; the context returned goes with it.
  trace::trace_context sent(const order_request& req, int64_t entered_ns, int64_t now_ns);

  // The store applied a change the venue reported (received_ns: when the
  // connector received it).
  void changed(const client_order_id& id, order_status now, bool fill, int64_t received_ns,
               int64_t now_ns);

  // A kill marked the order for cancel.
  void killed(const client_order_id& id, int64_t started_ns, int64_t now_ns);

  // Refused by the OMS before or as it left: a reject span under the
  // request's own trace (the order may never have been sent).
  void refused(const order_request& req, int64_t now_ns);

  size_t size() const { return by_id_.size(); }

private:
  struct entry {
    trace::trace_context ctx; // under the oms_send span
    int64_t sent_ns = 0;
    bool answered = false;
  };

  std::map<client_order_id, entry> by_id_;
  size_t max_;
};

} // namespace cwts::oms
