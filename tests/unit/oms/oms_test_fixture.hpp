#pragma once
// Shared setup for the OMS tests: orders of 1 BTCUSDT driven by reports.

#include <string>
#include <string_view>

#include "actors/oms/order_store.hpp"

namespace cwts::oms::testing {

inline qty qt(std::string_view s) { return *qty::parse(s); }
inline price px(std::string_view s) { return *price::parse(s); }

// The venue every test order trades at (its connector: "connector.binance").
inline const venue_name test_venue{"binance"};

inline order_request order(std::string_view id, std::string_view q = "1") {
  order_request o;
  o.id.value = std::string(id);
  o.venue = test_venue;
  o.sym = *symbol::parse("BTCUSDT");
  o.order_side = side::buy;
  o.limit_price = px("30000");
  o.quantity = qt(q);
  return o;
}

struct oms_fixture {
  order_store store;
  int64_t clock = 1000;

  timestamp_ns tick() { return timestamp_ns{++clock}; }

  execution_report report(std::string_view id, order_status st, std::string_view cum,
                          std::string_view last_q = "0", std::string_view last_p = "30000") {
    execution_report r;
    r.id.value = std::string(id);
    r.sym = *symbol::parse("BTCUSDT");
    r.venue = test_venue;
    r.venue_id.value = 42;
    r.status = st;
    r.cum_qty = qt(cum);
    r.last_qty = qt(last_q);
    r.last_price = px(last_p);
    if (auto* rec = store.find(r.id))
      r.leaves_qty = rec->request.quantity - r.cum_qty;
    r.ts_init = tick();
    return r;
  }

  // Puts a fresh order of qty 1 into `st` (pending_new, accepted,
  // partially_filled with cum 0.4, or pending_cancel before any ack).
  void drive_to(std::string_view id, order_status st) {
    store.submit(order(id), tick());
    if (st == order_status::accepted || st == order_status::partially_filled)
      store.apply(report(id, order_status::accepted, "0"));
    if (st == order_status::partially_filled)
      store.apply(report(id, order_status::partially_filled, "0.4", "0.4"));
    if (st == order_status::pending_cancel)
      store.request_cancel(client_order_id{std::string(id)}, tick());
  }

  order_status status_of(std::string_view id) const {
    return store.find(client_order_id{std::string(id)})->status;
  }
};

} // namespace cwts::oms::testing
