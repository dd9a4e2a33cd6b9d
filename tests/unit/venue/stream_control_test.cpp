// Live stream control messages (web-socket-streams.md "Live
// Subscribing/Unsubscribing to streams") and the JSON reader behind them.
#define CAF_SUITE venue_stream_control
#include "tests/support/unit_test.hpp"

#include "venue/json_reader.hpp"
#include "venue/stream_control.hpp"

using namespace cwts;
using namespace cwts::venue;

namespace {

bool usdchf_only(symbol s) { return s == *symbol::parse("USDCHF"); }

} // namespace

CAF_TEST(reads_nested_json_and_reports_the_column) {
  auto ok = parse_json(R"({"a":[1,"x",true,null],"b":{"c":-2.5}})");
  CAF_REQUIRE(std::holds_alternative<json_value>(ok));
  auto& v = std::get<json_value>(ok);
  CAF_REQUIRE(v.member("a") != nullptr);
  CAF_CHECK_EQUAL(v.member("a")->items.size(), 4u);
  CAF_CHECK_EQUAL(v.member("b")->member("c")->text, "-2.5");
  auto bad = parse_json("{\"a\":}");
  CAF_REQUIRE(std::holds_alternative<json_error>(bad));
  CAF_CHECK_EQUAL(std::get<json_error>(bad).column, 6u);
}

CAF_TEST(subscribe_list_unsubscribe_and_properties) {
  stream_request subs;
  auto reply = apply_stream_control(
    R"({"method":"SUBSCRIBE","params":["usdchf@aggTrade","usdchf@depth"],"id":1})", subs,
    usdchf_only);
  CAF_CHECK_EQUAL(reply, "{\"result\":null,\"id\":1}");
  CAF_CHECK_EQUAL(apply_stream_control(R"({"method":"LIST_SUBSCRIPTIONS","id":3})", subs,
                                       usdchf_only),
                  "{\"result\":[\"usdchf@aggTrade\",\"usdchf@depth\"],\"id\":3}");
  CAF_CHECK_EQUAL(apply_stream_control(
                    R"({"method":"UNSUBSCRIBE","params":["usdchf@depth"],"id":"abc312"})", subs,
                    usdchf_only),
                  "{\"result\":null,\"id\":\"abc312\"}");
  CAF_CHECK_EQUAL(subs.streams.size(), 1u);
  CAF_CHECK_EQUAL(apply_stream_control(
                    R"({"method":"SET_PROPERTY","params":["combined",true],"id":5})", subs,
                    usdchf_only),
                  "{\"result\":null,\"id\":5}");
  CAF_CHECK(subs.combined);
  CAF_CHECK_EQUAL(apply_stream_control(R"({"method":"GET_PROPERTY","params":["combined"],"id":2})",
                                       subs, usdchf_only),
                  "{\"result\":true,\"id\":2}");
}

CAF_TEST(control_errors_use_the_documented_codes) {
  stream_request subs;
  auto call = [&](const char* text) { return apply_stream_control(text, subs, usdchf_only); };
  CAF_CHECK_EQUAL(call(R"({"method":"SET_PROPERTY","params":["speed",true],"id":7})"),
                  "{\"error\":{\"code\":0,\"msg\":\"Unknown property\"},\"id\":7}");
  CAF_CHECK_EQUAL(call(R"({"method":"SET_PROPERTY","params":["combined",1],"id":7})"),
                  "{\"error\":{\"code\":1,\"msg\":\"Invalid value type: expected Boolean\"},"
                  "\"id\":7}");
  CAF_CHECK_EQUAL(call(R"({"method":"SUBSCRIBE","params":["btcusdt@trade"],"id":8})"),
                  "{\"error\":{\"code\":2,\"msg\":\"Invalid request: unknown stream "
                  "\\\"btcusdt@trade\\\"\"},\"id\":8}");
  CAF_CHECK_EQUAL(call(R"({"method":"SUBSCRIBEX","id":9})").rfind(
                    "{\"error\":{\"code\":2,\"msg\":\"Invalid request: unknown variant `SUBSCRIBEX`", 0),
                  0u);
  CAF_CHECK_EQUAL(call(R"({"method":"LIST_SUBSCRIPTIONS","id":[1]})"),
                  "{\"error\":{\"code\":2,\"msg\":\"Invalid request: request ID must be an "
                  "unsigned integer\"},\"id\":null}");
  CAF_CHECK_EQUAL(call("{nope"), "{\"error\":{\"code\":3,\"msg\":\"Invalid JSON: expected value "
                                 "at line 1 column 2\"},\"id\":null}");
  CAF_CHECK(subs.streams.empty());
}
