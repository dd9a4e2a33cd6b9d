#define CAF_SUITE connector_tracker
#include "caf/test/unit_test_impl.hpp"

#include "actors/connector/order_tracker.hpp"

using namespace cwts;
using namespace cwts::connector;

namespace {

venue_order resting(const char* id, const char* executed, const char* quote,
                    order_status st = order_status::accepted) {
  venue_order o;
  o.sym = *symbol::parse("BTCUSDT");
  o.order_id = venue_order_id{7};
  o.client_id = client_order_id{id};
  o.has_details = true;
  o.order_side = side::buy;
  o.status = st;
  o.limit_price = *price::parse("100");
  o.orig_qty = *qty::parse("2");
  o.executed_qty = *qty::parse(executed);
  o.cumulative_quote_qty = *notional::parse(quote);
  o.update_time = timestamp_ns{5};
  return o;
}

} // namespace

CAF_TEST(polling_reports_partial_fill_with_delta_price) {
  order_tracker tr;
  auto acc = tr.on_order_response(resting("a1", "0", "0"), timestamp_ns{1});
  CAF_REQUIRE_EQUAL(acc.size(), 1u);
  CAF_CHECK(acc[0].status == order_status::accepted);
  std::vector<client_order_id> gone;
  auto r = tr.on_open_orders(*symbol::parse("BTCUSDT"),
                             {resting("a1", "0.5", "49", order_status::partially_filled)},
                             timestamp_ns{2}, gone);
  CAF_REQUIRE_EQUAL(r.size(), 1u);
  CAF_CHECK(gone.empty());
  CAF_CHECK_EQUAL(r[0].last_qty.to_string(), "0.50000000");
  CAF_CHECK_EQUAL(r[0].last_price.to_string(), "98.00000000");
  CAF_CHECK_EQUAL(r[0].cum_qty.to_string(), "0.50000000");
  CAF_CHECK_EQUAL(r[0].leaves_qty.to_string(), "1.50000000");
  // Next poll: 1.0 more at 100 -> delta quote 100 over delta qty 1.
  r = tr.on_open_orders(*symbol::parse("BTCUSDT"),
                        {resting("a1", "1.5", "149", order_status::partially_filled)},
                        timestamp_ns{3}, gone);
  CAF_REQUIRE_EQUAL(r.size(), 1u);
  CAF_CHECK_EQUAL(r[0].last_qty.to_string(), "1.00000000");
  CAF_CHECK_EQUAL(r[0].last_price.to_string(), "100.00000000");
  // Unchanged snapshot: nothing to report.
  r = tr.on_open_orders(*symbol::parse("BTCUSDT"),
                        {resting("a1", "1.5", "149", order_status::partially_filled)},
                        timestamp_ns{4}, gone);
  CAF_CHECK(r.empty());
}

CAF_TEST(disappeared_orders_are_resolved_by_query) {
  order_tracker tr;
  tr.on_order_response(resting("a1", "0", "0"), timestamp_ns{1});
  std::vector<client_order_id> gone;
  auto r = tr.on_open_orders(*symbol::parse("BTCUSDT"), {}, timestamp_ns{2}, gone);
  CAF_CHECK(r.empty());
  CAF_REQUIRE_EQUAL(gone.size(), 1u);
  CAF_CHECK_EQUAL(gone[0].value, "a1");
  r = tr.on_query_result(resting("a1", "2", "201", order_status::filled), timestamp_ns{3});
  CAF_REQUIRE_EQUAL(r.size(), 1u);
  CAF_CHECK(r[0].status == order_status::filled);
  CAF_CHECK_EQUAL(r[0].last_qty.to_string(), "2.00000000");
  CAF_CHECK_EQUAL(r[0].last_price.to_string(), "100.50000000");
  CAF_CHECK_EQUAL(r[0].leaves_qty.raw, 0);
  CAF_CHECK_EQUAL(tr.open_count(), 0u);
}

CAF_TEST(full_response_reports_each_fill) {
  order_tracker tr;
  auto o = resting("m1", "2", "199", order_status::filled);
  o.fills = {{*price::parse("99"), *qty::parse("1"), 1}, {*price::parse("100"), *qty::parse("1"), 2}};
  auto r = tr.on_order_response(o, timestamp_ns{1});
  CAF_REQUIRE_EQUAL(r.size(), 2u);
  CAF_CHECK(r[0].status == order_status::partially_filled);
  CAF_CHECK_EQUAL(r[0].last_price.to_string(), "99.00000000");
  CAF_CHECK_EQUAL(r[0].cum_qty.to_string(), "1.00000000");
  CAF_CHECK(r[1].status == order_status::filled);
  CAF_CHECK_EQUAL(r[1].cum_qty.to_string(), "2.00000000");
  CAF_CHECK_EQUAL(tr.open_count(), 0u);
}

CAF_TEST(cancel_reported_once) {
  order_tracker tr;
  tr.on_order_response(resting("c1", "0", "0"), timestamp_ns{1});
  auto r = tr.on_query_result(resting("c1", "0", "0", order_status::canceled), timestamp_ns{2});
  CAF_REQUIRE_EQUAL(r.size(), 1u);
  CAF_CHECK(r[0].status == order_status::canceled);
  CAF_CHECK_EQUAL(r[0].last_qty.raw, 0);
  CAF_CHECK(tr.on_query_result(resting("c1", "0", "0", order_status::canceled), timestamp_ns{3})
              .empty());
}
