#include "reporting/orders/order_event.hpp"

#include <tuple>

namespace cwts::report {

const char* to_string(order_event_type t) {
  switch (t) {
    case order_event_type::new_order: return "new";
    case order_event_type::replaced: return "replaced";
    case order_event_type::accepted: return "accepted";
    case order_event_type::partially_filled: return "partially_filled";
    case order_event_type::filled: return "filled";
    case order_event_type::cancel_requested: return "cancel_requested";
    case order_event_type::canceled: return "canceled";
    case order_event_type::rejected: return "rejected";
    case order_event_type::expired: return "expired";
    case order_event_type::adopted: return "adopted";
    case order_event_type::rejects_suppressed: return "rejects_suppressed";
  }
  return "?";
}

namespace {

auto what_it_says(const order_event& e) {
  return std::tie(e.type, e.event_time.ns, e.clock_source, e.venue_time.ns, e.node, e.id.value,
                  e.venue_id.value, e.related_id.value, e.venue.value, e.order_side,
                  e.type_of_order, e.tif, e.limit_price.raw, e.quantity.raw, e.fill_qty.raw,
                  e.fill_price.raw, e.cum_qty.raw, e.account.value, e.strategy.value,
                  e.issuer.value, e.initiator, e.rejected_by, e.reject_rule, e.text);
}

} // namespace

bool same_record(const order_event& a, const order_event& b) {
  return what_it_says(a) == what_it_says(b) && a.sym == b.sym;
}

} // namespace cwts::report
