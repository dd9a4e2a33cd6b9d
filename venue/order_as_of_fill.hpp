#pragma once
// An order as it stood after some of its fills: the private WebSocket feeds
// (OKX's orders channel, Kraken's executions) report an order once per
// event, each with the quantities and status of that moment, while the
// engine holds only its state now.

#include <cstddef>

#include "venue/order_types.hpp"

namespace cwts::venue {

// The order right after its first `n` fills: executed and quote quantities
// summed over them, the status partially filled (or new) until the last
// fill of a filled order.
inline order as_of_fill(const order& o, std::size_t n) {
  order copy = o;
  copy.fills.resize(n);
  copy.executed_qty = qty{};
  copy.cummulative_quote_qty = notional{};
  for (auto& f : copy.fills) {
    copy.executed_qty += f.quantity;
    copy.cummulative_quote_qty += notional_of(f.px, f.quantity).value_or(notional{});
  }
  bool last = n == o.fills.size();
  if (!last || o.status != order_status::filled)
    copy.status = copy.executed_qty.is_positive() ? order_status::partially_filled
                                                  : order_status::new_order;
  return copy;
}

} // namespace cwts::venue
