#pragma once
// What the order-event records (reporting/orders/order_event.hpp, R1's
// reader of the OMS journals) say about the pre-trade checks on one day:
// the orders that reached the gate, and every reject by us with its rule,
// per control, per hour. CAF-free.

#include <vector>

#include "reporting/controls/controls_report.hpp"
#include "reporting/orders/order_event.hpp"

namespace cwts::report {

// At most this many rejects are listed one by one (all are counted).
inline constexpr size_t max_listed_rejects = 5000;

// Fills orders_checked, rejected_by_us, each control's checked/rejected,
// other_rejects, rejects_hourly and rejects from `events` (those of the
// report's day: the caller read them for [from, to)).
void count_orders(const std::vector<order_event>& events, controls_report& report);

} // namespace cwts::report
