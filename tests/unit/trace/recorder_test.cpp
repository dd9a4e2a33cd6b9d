// The recorder every hop calls (common/trace/recorder.hpp): a sampled
// context records one span whose parent is the incoming span and hands on a
// child; tracing off, an unsampled or an empty context records nothing and
// passes the context on as it came; the tick sampling follows the ratio.
#define CAF_SUITE trace_recorder
#include "tests/support/unit_test.hpp"

#include "common/trace/recorder.hpp"

using namespace cwts::trace;

CAF_TEST(tracing_off_records_nothing_and_starts_no_trace) {
  install(nullptr, 1.0);
  CAF_CHECK(!record_tick(1, 2).valid());
  auto c = start_trace();
  CAF_CHECK(record(c, hop::decide, "c-1", 10, 20) == c);
}

CAF_TEST(a_sampled_hop_records_its_span_under_the_incoming_one) {
  ring_set ring(16);
  install(&ring, 1.0);
  auto tick = record_tick(40, 60);
  CAF_REQUIRE(tick.valid());
  CAF_CHECK(tick.sampled());
  span_record r;
  CAF_REQUIRE(ring.pop(r)); // the root: no parent
  CAF_CHECK(r.what == hop::tick);
  CAF_CHECK(r.trace == tick.trace);
  CAF_CHECK(r.span == tick.span);
  CAF_CHECK(r.parent == span_id{});
  CAF_CHECK_EQUAL(r.start_ns, 40);
  CAF_CHECK_EQUAL(r.end_ns, 60);
  CAF_CHECK(r.order().empty());
  auto out = record(tick, hop::risk_check, "c-2", 100, 250);
  CAF_CHECK(out.trace == tick.trace);
  CAF_CHECK(out.span != tick.span);
  CAF_REQUIRE(ring.pop(r));
  CAF_CHECK(r.trace == tick.trace);
  CAF_CHECK(r.parent == tick.span);
  CAF_CHECK(r.span == out.span);
  CAF_CHECK(r.what == hop::risk_check);
  CAF_CHECK_EQUAL(r.start_ns, 100);
  CAF_CHECK_EQUAL(r.end_ns, 250);
  CAF_CHECK_EQUAL(r.order(), "c-2");
  // An end before the start (clocks read on two threads) is clamped.
  record(out, hop::oms_send, "c-2", 300, 290);
  CAF_REQUIRE(ring.pop(r));
  CAF_CHECK_EQUAL(r.end_ns, 300);
  CAF_CHECK(r.parent == out.span);
  // Nothing for an empty or an unsampled context.
  CAF_CHECK(record(trace_context{}, hop::fill, "c-2", 1, 2) == trace_context{});
  auto quiet = tick;
  quiet.flags = 0;
  CAF_CHECK(record(quiet, hop::fill, "c-2", 1, 2) == quiet);
  CAF_CHECK(!ring.pop(r));
  install(nullptr, 1.0);
}

CAF_TEST(ticks_are_sampled_at_the_installed_ratio) {
  ring_set ring(16);
  install(&ring, 0.0);
  span_record r;
  for (int i = 0; i < 100; ++i) {
    auto c = record_tick(1, 2);
    CAF_CHECK(c.valid()); // ids still travel: a collector downstream may sample
    CAF_CHECK(!c.sampled());
  }
  CAF_CHECK(!ring.pop(r)); // and nothing is recorded
  ring_set big(32768);
  install(&big, 0.25);
  int sampled = 0;
  for (int i = 0; i < 20000; ++i)
    sampled += record_tick(1, 2).sampled() ? 1 : 0;
  size_t roots = 0;
  while (big.pop(r))
    ++roots;
  CAF_CHECK_EQUAL(roots, static_cast<size_t>(sampled)); // one root span each
  // 5000 expected; outside 4000..6000 is 15 standard deviations away.
  CAF_CHECK_GREATER(sampled, 4000);
  CAF_CHECK_LESS(sampled, 6000);
  install(nullptr, 1.0);
}
