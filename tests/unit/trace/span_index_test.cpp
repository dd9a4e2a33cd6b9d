// The span index behind GET /api/trace (common/trace/span_index.hpp): an
// order's spans and the order-less spans of its trace come back by start
// time; the oldest traces are forgotten past the bound, with their orders.
#define CAF_SUITE span_index
#include "tests/support/unit_test.hpp"

#include "common/trace/span_index.hpp"

using namespace cwts::trace;

namespace {

span_record span_of(const trace_id& t, hop what, const std::string& order, int64_t start) {
  span_record r;
  r.trace = t;
  r.span = new_span_id();
  r.what = what;
  r.start_ns = start;
  r.end_ns = start + 10;
  r.set_order_id(order);
  return r;
}

} // namespace

CAF_TEST(an_order_brings_its_whole_trace_in_start_order) {
  span_index index;
  auto t = new_trace_id(), other = new_trace_id();
  index.add(span_of(t, hop::decide, "c-1", 300));
  index.add(span_of(t, hop::tick, "", 100)); // order-less: found through c-1's spans
  index.add(span_of(t, hop::validate, "", 200));
  index.add(span_of(other, hop::decide, "c-2", 150));
  auto got = index.by_order("c-1");
  CAF_REQUIRE_EQUAL(got.size(), 3u);
  CAF_CHECK(got[0].what == hop::tick);
  CAF_CHECK(got[1].what == hop::validate);
  CAF_CHECK(got[2].what == hop::decide);
  CAF_CHECK(index.by_order("c-3").empty());
  CAF_CHECK_EQUAL(index.by_order("c-2").size(), 1u);
}

CAF_TEST(past_the_bound_the_oldest_trace_and_its_orders_are_forgotten) {
  span_index index(2, 3);
  auto a = new_trace_id(), b = new_trace_id(), c = new_trace_id();
  index.add(span_of(a, hop::decide, "a-1", 1));
  index.add(span_of(b, hop::decide, "b-1", 2));
  index.add(span_of(c, hop::decide, "c-1", 3));
  CAF_CHECK_EQUAL(index.traces(), 2u);
  CAF_CHECK(index.by_order("a-1").empty());
  CAF_CHECK_EQUAL(index.by_order("b-1").size(), 1u);
  // At most 3 spans a trace: the first ones are kept.
  for (int i = 0; i < 5; ++i)
    index.add(span_of(c, hop::fill, "c-1", 10 + i));
  CAF_CHECK_EQUAL(index.by_order("c-1").size(), 3u);
}
