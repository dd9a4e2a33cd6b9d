// One order's timeline (nodes/console/trace_view.hpp) from two nodes'
// /api/trace answers: merged once per span, ordered by start, each hop with
// its duration and its hand-over from its parent; a bad answer is refused.
#define CAF_SUITE trace_view
#include "tests/support/unit_test.hpp"

#include <sstream>
#include <vector>

#include "nodes/console/trace_view.hpp"

using namespace cwts::console;

namespace {

std::string span_json(const std::string& id, const std::string& parent, const std::string& name,
                      int64_t start, int64_t end, const std::string& order) {
  return "{\"trace_id\":\"t1\",\"span_id\":\"" + id + "\",\"parent_span_id\":\"" + parent
         + "\",\"name\":\"" + name + "\",\"start_ns\":" + std::to_string(start)
         + ",\"end_ns\":" + std::to_string(end) + ",\"order\":\"" + order + "\"}";
}

// The cells of the timeline's row for `hop`, split at blanks.
std::vector<std::string> row_of(const std::string& text, const std::string& hop) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::vector<std::string> cells;
    for (std::string w; words >> w;)
      cells.push_back(w);
    if (cells.size() >= 3 && cells[2] == hop)
      return cells;
  }
  return {};
}

} // namespace

CAF_TEST(two_nodes_merge_into_one_timeline) {
  auto gw1 = "{\"node\":\"gw1\",\"order\":\"c-1\",\"spans\":["
             + span_json("a", "", "tick", 1'000'000, 1'020'000, "") + ","
             + span_json("e", "d", "venue_send", 3'200'000, 3'700'000, "c-1") + "]}";
  auto tr1 = "{\"node\":\"tr1\",\"order\":\"c-1\",\"spans\":["
             + span_json("c", "a", "decide", 1'500'000, 1'510'000, "c-1") + ","
             + span_json("d", "c", "oms_send", 2'000'000, 3'000'000, "c-1") + ","
             + span_json("c", "a", "decide", 1'500'000, 1'510'000, "c-1") + "]}"; // twice: once
  std::string error;
  auto spans = merge_trace_answers({gw1, tr1}, error);
  CAF_REQUIRE(spans.has_value());
  CAF_REQUIRE_EQUAL(spans->size(), 4u);
  CAF_CHECK_EQUAL((*spans)[0].name, "tick");
  CAF_CHECK_EQUAL((*spans)[1].node, "tr1");
  CAF_CHECK_EQUAL((*spans)[3].name, "venue_send");
  auto text = render_trace("c-1", *spans);
  CAF_MESSAGE(text);
  CAF_CHECK(text.find("4 spans from gw1, tr1") != std::string::npos);
  // decide starts 0.480 ms after the tick ended; venue_send 0.2 ms after oms_send ended.
  CAF_CHECK_EQUAL(row_of(text, "tick"), (std::vector<std::string>{"0.000", "gw1", "tick", "0.020"}));
  CAF_CHECK_EQUAL(row_of(text, "decide"),
                  (std::vector<std::string>{"0.500", "tr1", "decide", "0.010", "0.480"}));
  CAF_CHECK_EQUAL(row_of(text, "venue_send"),
                  (std::vector<std::string>{"2.200", "gw1", "venue_send", "0.500", "0.200"}));
  auto json = trace_json("c-1", *spans);
  CAF_CHECK(json.find("\"node\":\"gw1\"") != std::string::npos);
}

CAF_TEST(no_span_and_bad_answers_are_said) {
  std::string error;
  auto none = merge_trace_answers({"{\"node\":\"gw1\",\"spans\":[]}"}, error);
  CAF_REQUIRE(none.has_value());
  CAF_CHECK(render_trace("c-1", *none).find("no span of order c-1") != std::string::npos);
  CAF_CHECK(!merge_trace_answers({"<html>"}, error));
  CAF_CHECK(error.find("not a node's /api/trace answer") != std::string::npos);
  CAF_CHECK(!merge_trace_answers({"{\"error\":\"tracing is off\"}"}, error));
}
