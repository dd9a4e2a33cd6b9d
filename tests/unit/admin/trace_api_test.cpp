// GET /api/trace's pieces (nodes/admin/trace_api.hpp): the order parameter
// is checked and refused with a reason, the spans are rendered as JSON that
// the console's view reads back, and the exporter's counters are exposed.
#define CAF_SUITE trace_api
#include "tests/support/unit_test.hpp"

#include "nodes/admin/trace_api.hpp"

using namespace cwts;

CAF_TEST(the_order_parameter_is_checked) {
  std::string why;
  CAF_CHECK_EQUAL(admin::trace_order_param("order=tr1-abc-17", why).value_or(""), "tr1-abc-17");
  CAF_CHECK_EQUAL(admin::trace_order_param("x=1&order=a.b:c/d_e", why).value_or(""), "a.b:c/d_e");
  CAF_CHECK(!admin::trace_order_param("", why));
  CAF_CHECK(why.find("order=<client order id> is required") != std::string::npos);
  CAF_CHECK(!admin::trace_order_param("order=" + std::string(65, 'a'), why));
  CAF_CHECK(!admin::trace_order_param("order=a%22b", why));
  CAF_CHECK(why.find("a character other than") != std::string::npos);
  CAF_CHECK(!admin::trace_order_param("order=<script>", why));
}

CAF_TEST(spans_render_as_json_with_their_ids_and_times) {
  trace::span_record s;
  s.trace = trace::new_trace_id();
  s.span = trace::new_span_id();
  s.what = trace::hop::venue_ack;
  s.start_ns = 1'800'000'000'000'000'000;
  s.end_ns = s.start_ns + 5000;
  s.set_order_id("c-9");
  auto body = admin::api_trace("tr1", "c-9", {s});
  CAF_CHECK(body.find("\"node\":\"tr1\"") != std::string::npos);
  CAF_CHECK(body.find("\"trace_id\":\"" + trace::to_hex(s.trace) + "\"") != std::string::npos);
  CAF_CHECK(body.find("\"parent_span_id\":\"\"") != std::string::npos); // a root
  CAF_CHECK(body.find("\"name\":\"venue_ack\"") != std::string::npos);
  CAF_CHECK(body.find("\"end_ns\":1800000000000005000") != std::string::npos);
}

CAF_TEST(exporter_counters_are_exposed) {
  trace::exporter_stats st;
  st.spans_exported = 12;
  st.ring_dropped = 3;
  st.spans_dropped = 4;
  st.post_failures = 1;
  auto text = admin::trace_metrics("n1", st);
  CAF_CHECK(text.find("cwts_trace_spans_exported_total{node=\"n1\"} 12\n") != std::string::npos);
  CAF_CHECK(text.find("cwts_trace_spans_dropped_total{node=\"n1\",where=\"ring\"} 3\n")
            != std::string::npos);
  CAF_CHECK(text.find("cwts_trace_spans_dropped_total{node=\"n1\",where=\"export\"} 4\n")
            != std::string::npos);
  CAF_CHECK(text.find("cwts_trace_export_failures_total{node=\"n1\"} 1\n") != std::string::npos);
}
