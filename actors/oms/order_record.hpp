#pragma once
// What the OMS knows about one order: the request, its FIX OrdStatus, the
// venue's id, fill progress and when it entered each state.

#include <array>
#include <cstddef>
#include <string>

#include "messages/decimal.hpp"
#include "messages/ids.hpp"
#include "messages/orders.hpp"
#include "messages/time.hpp"

namespace cwts::oms {

// Number of order_status values; order_status::expired is the last.
inline constexpr size_t order_status_count = static_cast<size_t>(order_status::expired) + 1;

inline constexpr size_t index_of(order_status s) { return static_cast<size_t>(s); }

struct order_record {
  order_request request;
  order_status status = order_status::pending_new;
  // Last OrdStatus the venue itself reported; differs from `status` while a
  // cancel we asked for is pending. Duplicate detection compares against it.
  order_status venue_status = order_status::pending_new;
  bool acknowledged = false; // the venue has seen the order
  venue_order_id venue_id;
  qty cum_qty;
  qty leaves_qty;
  price avg_fill_price;
  notional filled_notional; // sum of fill notionals, each truncated at 8 decimals
  // When the order entered each state (zero: never); indexed by index_of().
  std::array<timestamp_ns, order_status_count> entered_at{};
  timestamp_ns last_update;
  std::string last_text; // venue text of the last report (reject reasons)

  bool is_live() const { return !is_terminal(status); }
};

} // namespace cwts::oms
