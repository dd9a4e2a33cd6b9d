#pragma once
// Looking up exported order events in the report_orders tests.

#include <string>
#include <vector>

#include "reporting/orders/order_event.hpp"

namespace cwts::report::lookup {

// The first event of order `id` of type `t`; null when there is none.
inline const order_event* find(const std::vector<order_event>& v, const std::string& id,
                               order_event_type t) {
  for (auto& e : v)
    if (e.id.value == id && e.type == t)
      return &e;
  return nullptr;
}

// "id:type " per event, in order: a whole sequence in one comparison.
inline std::string types_of(const std::vector<order_event>& v) {
  std::string out;
  for (auto& e : v)
    out += e.id.value + ":" + to_string(e.type) + " ";
  return out;
}

} // namespace cwts::report::lookup
