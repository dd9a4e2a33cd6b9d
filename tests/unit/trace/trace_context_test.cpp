// W3C trace context (common/trace/trace_context.hpp): fresh ids are random
// and never zero, a traceparent round-trips, and malformed headers are
// refused with a reason.
#define CAF_SUITE trace_context
#include "tests/support/unit_test.hpp"

#include <set>

#include "common/trace/trace_context.hpp"

using namespace cwts::trace;

CAF_TEST(new_traces_are_valid_sampled_and_distinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto c = start_trace();
    CAF_CHECK(c.valid());
    CAF_CHECK(c.sampled());
    seen.insert(to_hex(c.trace));
  }
  CAF_CHECK_EQUAL(seen.size(), 1000u);
  CAF_CHECK(!trace_context{}.valid());
}

CAF_TEST(a_child_keeps_the_trace_and_names_its_own_span) {
  auto root = start_trace();
  auto own = new_span_id();
  auto c = child_of(root, own);
  CAF_CHECK(c.trace == root.trace);
  CAF_CHECK(c.span == own);
  CAF_CHECK(c.span != root.span);
  CAF_CHECK_EQUAL(c.flags, root.flags);
}

CAF_TEST(traceparent_round_trips_in_the_w3c_format) {
  std::string error;
  const std::string text = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  auto c = parse_traceparent(text, error);
  CAF_REQUIRE(c.has_value());
  CAF_CHECK_EQUAL(to_hex(c->trace), "4bf92f3577b34da6a3ce929d0e0e4736");
  CAF_CHECK_EQUAL(to_hex(c->span), "00f067aa0ba902b7");
  CAF_CHECK(c->sampled());
  CAF_CHECK_EQUAL(to_traceparent(*c), text);
  auto fresh = start_trace();
  auto back = parse_traceparent(to_traceparent(fresh), error);
  CAF_REQUIRE(back.has_value());
  CAF_CHECK(*back == fresh);
}

CAF_TEST(malformed_traceparents_are_refused_with_a_reason) {
  auto refused = [](const std::string& text, const std::string& why) {
    std::string error;
    auto c = parse_traceparent(text, error);
    CAF_CHECK(!c.has_value());
    CAF_MESSAGE(text << ": " << error);
    CAF_CHECK(error.find(why) != std::string::npos);
  };
  refused("", "version-traceid-parentid-flags");
  refused("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1", "version-traceid");
  refused("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", "lower-case hex");
  refused("00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01", "lower-case hex");
  refused("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "version ff");
  refused("00-00000000000000000000000000000000-00f067aa0ba902b7-01", "all-zero");
  refused("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", "all-zero");
  refused("00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "version-traceid");
}
