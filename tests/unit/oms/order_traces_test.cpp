// The OMS's hops of an order's trace (actors/oms/order_traces.hpp): the
// send records oms_send under the risk check and hands on its span; the
// venue's first answer is venue_ack (timed from the send), then fill,
// cancel or reject, all under oms_send; a kill records its span; a
// terminal order is forgotten; an unsampled order records nothing.
#define CAF_SUITE order_traces
#include "tests/support/unit_test.hpp"

#include <vector>

#include "actors/oms/order_traces.hpp"

using namespace cwts;
using namespace cwts::trace;

namespace {

struct fixture {
  ring_set ring{64};
  oms::order_traces traces{2};

  fixture() { install(&ring, 1.0); }
  ~fixture() { install(nullptr, 1.0); }

  order_request order(const std::string& id, bool sampled = true) {
    order_request o;
    o.id = client_order_id{id};
    o.trace = start_trace();
    o.trace.flags = sampled ? 1 : 0;
    return o;
  }

  std::vector<span_record> drain() {
    std::vector<span_record> out;
    span_record r;
    while (ring.pop(r))
      out.push_back(r);
    return out;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(order_traces_tests, fixture)

CAF_TEST(an_order_s_life_hangs_under_its_send) {
  auto o = order("c-1");
  auto sent = traces.sent(o, 100, 150);
  CAF_CHECK(sent.trace == o.trace.trace);
  auto spans = drain();
  CAF_REQUIRE_EQUAL(spans.size(), 1u);
  CAF_CHECK(spans[0].what == hop::oms_send);
  CAF_CHECK(spans[0].parent == o.trace.span);
  CAF_CHECK(spans[0].span == sent.span);
  CAF_CHECK_EQUAL(spans[0].start_ns, 100);
  CAF_CHECK_EQUAL(spans[0].end_ns, 150);
  traces.changed(o.id, order_status::accepted, false, 400, 420);
  traces.changed(o.id, order_status::partially_filled, true, 500, 510);
  traces.changed(o.id, order_status::partially_filled, true, 600, 605); // a second fill
  traces.killed(o.id, 700, 702);
  traces.changed(o.id, order_status::canceled, false, 800, 830);
  spans = drain();
  std::vector<hop> hops;
  for (auto& s : spans) {
    hops.push_back(s.what);
    CAF_CHECK(s.parent == sent.span);
    CAF_CHECK_EQUAL(s.order(), "c-1");
  }
  CAF_REQUIRE_EQUAL(hops.size(), 5u);
  CAF_CHECK(hops[0] == hop::venue_ack);
  CAF_CHECK_EQUAL(spans[0].start_ns, 150); // from the send
  CAF_CHECK_EQUAL(spans[0].end_ns, 420);
  CAF_CHECK(hops[1] == hop::fill);
  CAF_CHECK_EQUAL(spans[1].start_ns, 500); // from the connector's receipt
  CAF_CHECK(hops[2] == hop::fill);
  CAF_CHECK(hops[3] == hop::kill);
  CAF_CHECK(hops[4] == hop::cancel);
  CAF_CHECK_EQUAL(traces.size(), 0u); // canceled: forgotten
  traces.changed(o.id, order_status::canceled, false, 900, 900);
  CAF_CHECK(drain().empty());
}

CAF_TEST(a_venue_reject_answers_and_ends_the_order) {
  auto o = order("c-2");
  traces.sent(o, 10, 20);
  drain();
  traces.changed(o.id, order_status::rejected, false, 30, 40);
  auto spans = drain();
  CAF_REQUIRE_EQUAL(spans.size(), 2u);
  CAF_CHECK(spans[0].what == hop::venue_ack);
  CAF_CHECK(spans[1].what == hop::reject);
  CAF_CHECK_EQUAL(traces.size(), 0u);
}

CAF_TEST(an_order_refused_before_it_left_ends_under_the_risk_check) {
  auto o = order("c-3");
  traces.refused(o, 50);
  auto spans = drain();
  CAF_REQUIRE_EQUAL(spans.size(), 1u);
  CAF_CHECK(spans[0].what == hop::reject);
  CAF_CHECK(spans[0].parent == o.trace.span);
}

CAF_TEST(unsampled_orders_record_nothing_and_the_map_is_bounded) {
  auto quiet = order("q-1", false);
  traces.sent(quiet, 1, 2);
  traces.changed(quiet.id, order_status::filled, true, 3, 4);
  CAF_CHECK(drain().empty());
  CAF_CHECK_EQUAL(traces.size(), 0u);
  traces.sent(order("a"), 1, 2);
  traces.sent(order("b"), 1, 2);
  traces.sent(order("c"), 1, 2); // bound 2: the oldest ("a", first by id) goes
  CAF_CHECK_EQUAL(traces.size(), 2u);
}

CAF_TEST_FIXTURE_SCOPE_END()
