// The span exporter (common/trace/span_exporter.hpp) against a collector
// of the test's own (the compliance tests' HTTP receiver): OTLP/HTTP JSON
// POSTed in batches; a collector that refuses keeps a bounded number of
// batches for the retry and counts what it drops; without a collector the
// spans go to a rotating file, one OTLP request per line.
#define CAF_SUITE span_exporter
#include "tests/support/unit_test.hpp"

#include <filesystem>
#include <fstream>

#include "common/trace/span_exporter.hpp"
#include "tests/integration/support/process.hpp"
#include "tests/unit/compliance/test_receiver.hpp"

using namespace cwts;
using namespace cwts::trace;
using cwts::compliance_test::receiver_mode;
using cwts::compliance_test::test_receiver;

namespace {

span_record hop_of(const trace_context& c, hop what, const std::string& order, int64_t at) {
  span_record r;
  r.trace = c.trace;
  r.parent = c.span;
  r.span = new_span_id();
  r.what = what;
  r.start_ns = at;
  r.end_ns = at + 1500;
  r.set_order_id(order);
  return r;
}

exporter_config to_collector(uint16_t port) {
  exporter_config cfg;
  cfg.node = "n1";
  std::string error;
  cfg.collector = connector::parse_http_endpoint(
    "http://127.0.0.1:" + std::to_string(port) + "/v1/traces", error);
  cfg.interval = std::chrono::milliseconds(50);
  return cfg;
}

size_t lines_of(const std::string& path) {
  std::ifstream in(path);
  size_t n = 0;
  for (std::string line; std::getline(in, line);)
    n += line.find("\"resourceSpans\"") != std::string::npos ? 1 : 0;
  return n;
}

} // namespace

CAF_TEST(spans_reach_the_collector_as_otlp_json) {
  test_receiver collector({});
  auto port = collector.start();
  CAF_REQUIRE(port != 0);
  ring_set ring(64);
  span_exporter exporter(ring, to_collector(port));
  auto root = start_trace();
  CAF_REQUIRE(ring_of_this_thread(ring)->push(hop_of(root, hop::decide, "c-17", 1'800'000'000'000'000'000)));
  CAF_REQUIRE(ring_of_this_thread(ring)->push(hop_of(root, hop::risk_check, "c-17", 1'800'000'000'000'002'000)));
  CAF_REQUIRE(ring_of_this_thread(ring)->push(hop_of(root, hop::oms_send, "c-17", 1'800'000'000'000'004'000)));
  exporter.flush();
  auto got = collector.requests();
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(got[0].target, "/v1/traces");
  CAF_CHECK_EQUAL(got[0].content_type, "application/json");
  auto& body = got[0].body;
  CAF_CHECK(body.find("\"traceId\":\"" + to_hex(root.trace) + "\"") != std::string::npos);
  CAF_CHECK(body.find("\"parentSpanId\":\"" + to_hex(root.span) + "\"") != std::string::npos);
  CAF_CHECK(body.find("\"name\":\"risk_check\"") != std::string::npos);
  CAF_CHECK(body.find("\"startTimeUnixNano\":\"1800000000000002000\"") != std::string::npos);
  CAF_CHECK(body.find("\"endTimeUnixNano\":\"1800000000000003500\"") != std::string::npos);
  CAF_CHECK(body.find("{\"key\":\"service.instance.id\",\"value\":{\"stringValue\":\"n1\"}}")
            != std::string::npos);
  CAF_CHECK(body.find("{\"key\":\"cwts.client_order_id\",\"value\":{\"stringValue\":\"c-17\"}}")
            != std::string::npos);
  auto s = exporter.stats();
  CAF_CHECK_EQUAL(s.spans_exported, 3u);
  CAF_CHECK_EQUAL(s.batches_sent, 1u);
  CAF_CHECK_EQUAL(s.post_failures, 0u);
}

CAF_TEST(a_refusing_collector_keeps_a_bounded_backlog_and_counts_what_it_drops) {
  test_receiver collector({});
  auto port = collector.start();
  CAF_REQUIRE(port != 0);
  collector.set_mode(receiver_mode::refuse);
  ring_set ring(64);
  auto cfg = to_collector(port);
  cfg.batch_max = 1;   // one span per POST
  cfg.pending_max = 2; // two kept for the retry
  span_exporter exporter(ring, cfg);
  auto root = start_trace();
  for (int i = 0; i < 5; ++i)
    CAF_REQUIRE(ring_of_this_thread(ring)->push(hop_of(root, hop::fill, "c-" + std::to_string(i), 1000 + i)));
  exporter.flush();
  auto s = exporter.stats();
  CAF_CHECK_GREATER_OR_EQUAL(s.post_failures, 1u);
  CAF_CHECK_EQUAL(s.spans_exported, 0u);
  CAF_CHECK_EQUAL(s.spans_dropped, 3u); // the oldest three: only the newest two are kept
  CAF_CHECK(s.last_error.find("500") != std::string::npos);
  collector.set_mode(receiver_mode::acknowledge);
  exporter.flush();
  s = exporter.stats();
  CAF_CHECK_EQUAL(s.spans_exported, 2u);
  auto acked = collector.requests();
  CAF_REQUIRE_GREATER_OR_EQUAL(acked.size(), 2u);
  CAF_CHECK(acked[acked.size() - 2].body.find("\"c-3\"") != std::string::npos);
  CAF_CHECK(acked.back().body.find("\"c-4\"") != std::string::npos);
}

CAF_TEST(without_a_collector_spans_go_to_a_rotating_file) {
  auto dir = itest::make_test_dir("trace_span_files");
  ring_set ring(64);
  exporter_config cfg;
  cfg.node = "n1";
  cfg.dir = dir;
  cfg.file_max_bytes = 1200; // about two requests of one span each
  cfg.files_kept = 2;
  cfg.batch_max = 1;
  span_exporter exporter(ring, cfg);
  auto root = start_trace();
  for (int i = 0; i < 7; ++i) {
    CAF_REQUIRE(ring_of_this_thread(ring)->push(hop_of(root, hop::venue_ack, "c-" + std::to_string(i), 5000 + i)));
    exporter.flush();
  }
  auto s = exporter.stats();
  CAF_CHECK_EQUAL(s.spans_exported, 7u);
  CAF_CHECK_GREATER_OR_EQUAL(s.files_rotated, 2u);
  auto path = exporter.file_path();
  CAF_CHECK_EQUAL(path, dir + "/spans-n1.jsonl");
  CAF_CHECK_GREATER_OR_EQUAL(lines_of(path), 1u);
  CAF_CHECK_GREATER_OR_EQUAL(lines_of(path + ".1"), 1u);
  CAF_CHECK(std::filesystem::exists(path + ".2"));
  CAF_CHECK(!std::filesystem::exists(path + ".3")); // files_kept = 2
  // The newest span is in the current file.
  std::ifstream in(path);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CAF_CHECK(all.find("\"c-6\"") != std::string::npos);
}

CAF_TEST(a_full_ring_is_counted_in_the_exporters_stats) {
  ring_set ring(2);
  exporter_config cfg;
  cfg.node = "n1";
  cfg.dir = itest::make_test_dir("trace_ring_full");
  cfg.interval = std::chrono::hours(1); // ships only when flushed
  span_exporter exporter(ring, cfg);
  auto root = start_trace();
  CAF_CHECK(ring_of_this_thread(ring)->push(hop_of(root, hop::tick, "", 1)));
  CAF_CHECK(ring_of_this_thread(ring)->push(hop_of(root, hop::validate, "", 2)));
  CAF_CHECK(!ring_of_this_thread(ring)->push(hop_of(root, hop::decide, "", 3)));
  exporter.flush();
  auto s = exporter.stats();
  CAF_CHECK_EQUAL(s.ring_dropped, 1u);
  CAF_CHECK_EQUAL(s.spans_exported, 2u);
}
