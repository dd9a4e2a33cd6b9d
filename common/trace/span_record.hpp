#pragma once
// One hop of an order's trace (issue 23, docs/tracing.md): what happened,
// when (wall clock, ns), under which trace and parent span, for which client
// order. Fixed size and allocation-free, so recording it on the hot path is
// a copy into a ring (span_ring.hpp).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "common/trace/trace_context.hpp"

namespace cwts::trace {

// The hops of the order path, in the order an order meets them.
enum class hop : uint8_t {
  tick,       // connector: a trade from the venue, the trace's root
  validate,   // validator: the tick checked and passed on
  decide,     // strategy: the decision to order on that tick
  risk_check, // risk: the pre-trade check
  oms_send,   // OMS: journaled and handed to the connector
  venue_send, // connector: the request to the venue, until its answer
  venue_ack,  // OMS: the venue's first answer
  fill,       // OMS: a fill report
  cancel,     // OMS: the order's cancel (asked, or by a kill)
  kill,       // kill coordinator: the kill that ended the order
  reject,     // OMS: refused, by us or by the venue
};
inline constexpr size_t hop_count = static_cast<size_t>(hop::reject) + 1;

const char* to_string(hop h);

struct span_record {
  trace_id trace{};
  span_id span{};
  span_id parent{}; // all zero: the trace's root
  int64_t start_ns = 0; // wall clock, ns since the epoch
  int64_t end_ns = 0;
  hop what = hop::tick;
  uint8_t order_id_len = 0;
  char order_id[38] = {}; // the client order id (Binance allows 36); longer is cut

  void set_order_id(std::string_view id) {
    order_id_len = static_cast<uint8_t>(std::min(id.size(), sizeof order_id));
    // An empty view may hold a null data(); memcpy's pointers must not be
    // null even for zero bytes (UBSan: span_record.hpp, issue 26).
    if (order_id_len > 0)
      std::memcpy(order_id, id.data(), order_id_len);
  }
  std::string_view order() const { return {order_id, order_id_len}; }
};

} // namespace cwts::trace
