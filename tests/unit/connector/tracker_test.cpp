#define CAF_SUITE connector_tracker
#include "tests/support/unit_test.hpp"

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

// --- user-data stream events through the same tracker ----------------------

namespace {

using effect = order_tracker::event_effect;

const price event_px = *price::parse("98.5");

} // namespace

CAF_TEST(stream_event_reports_a_fill_once_whoever_sees_it_first) {
  order_tracker tr;
  tr.on_order_response(resting("e1", "0", "0"), timestamp_ns{1});
  std::vector<execution_report> out;
  // TRADE event: 0.5 at 98.5 (Z = 49.25).
  auto ev = resting("e1", "0.5", "49.25", order_status::partially_filled);
  CAF_CHECK(tr.on_execution_event(ev, *qty::parse("0.5"), event_px, timestamp_ns{2}, out)
            == effect::reported);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  CAF_CHECK_EQUAL(out[0].last_qty.to_string(), "0.50000000");
  CAF_CHECK_EQUAL(out[0].last_price.to_string(), "98.50000000");
  CAF_CHECK_EQUAL(out[0].cum_qty.to_string(), "0.50000000");
  CAF_CHECK_EQUAL(out[0].leaves_qty.to_string(), "1.50000000");
  // The poll that follows shows the same fill: nothing new.
  std::vector<client_order_id> gone;
  CAF_CHECK(tr.on_open_orders(*symbol::parse("BTCUSDT"), {ev}, timestamp_ns{3}, gone).empty());
  // The same event delivered twice: nothing new.
  out.clear();
  CAF_CHECK(tr.on_execution_event(ev, *qty::parse("0.5"), event_px, timestamp_ns{4}, out)
            == effect::no_change);
  CAF_CHECK(out.empty());
}

CAF_TEST(stale_stream_event_never_moves_an_order_backwards) {
  order_tracker tr;
  tr.on_order_response(resting("e2", "0", "0"), timestamp_ns{1});
  std::vector<client_order_id> gone;
  auto polled = tr.on_open_orders(*symbol::parse("BTCUSDT"),
                                  {resting("e2", "1", "99", order_status::partially_filled)},
                                  timestamp_ns{2}, gone);
  CAF_REQUIRE_EQUAL(polled.size(), 1u);
  std::vector<execution_report> out;
  // The NEW event and the first TRADE event arrive after the poll.
  CAF_CHECK(tr.on_execution_event(resting("e2", "0", "0", order_status::accepted), qty{}, price{},
                                  timestamp_ns{3}, out)
            == effect::no_change);
  CAF_CHECK(tr.on_execution_event(resting("e2", "0.5", "49.5", order_status::partially_filled),
                                  *qty::parse("0.5"), event_px, timestamp_ns{4}, out)
            == effect::no_change);
  CAF_CHECK(out.empty());
  CAF_CHECK(tr.find(client_order_id{"e2"})->executed == *qty::parse("1"));
}

CAF_TEST(missed_stream_events_are_caught_up_at_the_average_price) {
  order_tracker tr;
  tr.on_order_response(resting("e3", "0", "0"), timestamp_ns{1});
  std::vector<execution_report> out;
  // Two fills happened (0.5 @ 100, 1 @ 98); only the second event arrives.
  auto ev = resting("e3", "1.5", "148", order_status::partially_filled);
  CAF_CHECK(tr.on_execution_event(ev, *qty::parse("1"), *price::parse("98"), timestamp_ns{2}, out)
            == effect::reported);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  CAF_CHECK_EQUAL(out[0].last_qty.to_string(), "1.50000000");
  // 148 / 1.5, truncated at 8 decimals: not the event's 98.
  CAF_CHECK_EQUAL(out[0].last_price.to_string(), "98.66666666");
}

CAF_TEST(stream_events_for_ended_and_foreign_orders_are_told_apart) {
  order_tracker tr;
  tr.on_order_response(resting("e4", "0", "0"), timestamp_ns{1});
  std::vector<execution_report> out;
  auto filled = resting("e4", "2", "200", order_status::filled);
  CAF_CHECK(tr.on_execution_event(filled, *qty::parse("2"), *price::parse("100"), timestamp_ns{2}, out)
            == effect::reported);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  CAF_CHECK(out[0].status == order_status::filled);
  CAF_CHECK_EQUAL(out[0].leaves_qty.to_string(), "0.00000000");
  CAF_CHECK_EQUAL(tr.open_count(), 0u);
  // A late duplicate of the fill: the order ended here.
  CAF_CHECK(tr.on_execution_event(filled, *qty::parse("2"), *price::parse("100"), timestamp_ns{3}, out)
            == effect::settled_order);
  // An order filled in its own reply is settled too.
  auto reply = resting("e5", "2", "200", order_status::filled);
  tr.on_order_response(reply, timestamp_ns{4});
  CAF_CHECK(tr.on_execution_event(reply, *qty::parse("2"), *price::parse("100"), timestamp_ns{5}, out)
            == effect::settled_order);
  // Never seen by this tracker.
  CAF_CHECK(tr.on_execution_event(resting("other", "1", "100", order_status::partially_filled),
                                  *qty::parse("1"), *price::parse("100"), timestamp_ns{6}, out)
            == effect::unknown_order);
  CAF_CHECK_EQUAL(out.size(), 1u);
}
