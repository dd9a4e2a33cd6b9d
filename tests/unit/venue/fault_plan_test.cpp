// Fault injection state (docs/venue.md "Fault injection"): each fault armed
// and disarmed, its counter, and bad values refused with a reason; the
// [faults] config section; 503s and order rejects through the REST surface.
#define CAF_SUITE venue_fault_plan
#include "tests/support/unit_test.hpp"

#include "venue/fault_plan.hpp"
#include "venue/venue_config.hpp"

using namespace cwts::venue;

namespace {

std::optional<std::string> admin(fault_plan& plan, fault_settings s) {
  return plan.apply(s, fault_source::admin);
}

// The reason a refused setting is given ("" when it was applied).
std::string refused(fault_plan& plan, fault_settings s,
                    fault_source from = fault_source::admin) {
  return plan.apply(s, from).value_or("");
}

} // namespace

CAF_TEST(nothing_fires_until_armed) {
  fault_plan plan;
  CAF_CHECK_EQUAL(plan.take_latency_ms(), 0);
  CAF_CHECK(!plan.take_order_reject(6000));
  CAF_CHECK(!plan.take_unavailable());
  CAF_CHECK(!plan.take_ws_drop());
  CAF_CHECK_EQUAL(plan.take_stall_ms(), 0);
  CAF_CHECK(!plan.take_malformed_frame());
  CAF_CHECK(!plan.take_depth_gap());
  auto c = plan.counters();
  CAF_CHECK_EQUAL(c.delayed_replies + c.rejected_orders + c.unavailable_replies + c.ws_drops
                    + c.stalls + c.malformed_frames + c.depth_gaps,
                  0u);
}

CAF_TEST(latency_delays_every_reply_until_turned_off) {
  fault_plan plan;
  CAF_CHECK(!admin(plan, {{"latency-ms", "250"}}));
  CAF_CHECK_EQUAL(plan.take_latency_ms(), 250);
  CAF_CHECK_EQUAL(plan.take_latency_ms(), 250);
  CAF_CHECK_EQUAL(plan.counters().delayed_replies, 2u);
  CAF_CHECK(!admin(plan, {{"latency-ms", "0"}}));
  CAF_CHECK_EQUAL(plan.take_latency_ms(), 0);
  CAF_CHECK_EQUAL(plan.counters().delayed_replies, 2u);
}

CAF_TEST(rejects_the_next_n_orders_with_the_chosen_code) {
  fault_plan plan;
  CAF_CHECK(!admin(plan, {{"reject-orders", "2"}, {"reject-code", "-1003"}}));
  auto first = plan.take_order_reject(6000);
  CAF_REQUIRE(first.has_value());
  CAF_CHECK_EQUAL(first->code, -1003);
  CAF_CHECK_EQUAL(first->http_status, 429);
  CAF_CHECK_EQUAL(first->msg, "Too much request weight used; current limit is 6000 request "
                              "weight per 1 MINUTE. Please use WebSocket Streams for live "
                              "updates to avoid polling the API.");
  CAF_CHECK(!admin(plan, {{"reject-code", "-2010"}}));
  auto second = plan.take_order_reject(6000);
  CAF_REQUIRE(second.has_value());
  CAF_CHECK_EQUAL(second->code, -2010);
  CAF_CHECK_EQUAL(second->msg, "Account has insufficient balance for requested action.");
  CAF_CHECK(!plan.take_order_reject(6000));
  CAF_CHECK_EQUAL(plan.counters().rejected_orders, 2u);
}

CAF_TEST(unavailable_answers_the_next_n_requests_and_says_whether_they_ran) {
  fault_plan plan;
  CAF_CHECK(!admin(plan, {{"unavailable-requests", "1"}}));
  auto skipped = plan.take_unavailable();
  CAF_REQUIRE(skipped.has_value());
  CAF_CHECK(!*skipped);
  CAF_CHECK(!plan.take_unavailable());
  CAF_CHECK(!admin(plan, {{"unavailable-requests", "1"}, {"unavailable-executes", "true"}}));
  auto executed = plan.take_unavailable();
  CAF_REQUIRE(executed.has_value());
  CAF_CHECK(*executed);
  CAF_CHECK_EQUAL(plan.counters().unavailable_replies, 2u);
  auto e = unavailable_error();
  CAF_CHECK_EQUAL(e.code, -1007);
  CAF_CHECK_EQUAL(e.http_status, 503);
}

CAF_TEST(stream_faults_fire_as_often_as_armed) {
  fault_plan plan;
  CAF_CHECK(!admin(plan, {{"ws-drop", "true"}, {"stall-ms", "300"},
                          {"malformed-frames", "1"}, {"depth-gaps", "2"}}));
  CAF_CHECK(plan.take_ws_drop());
  CAF_CHECK(!plan.take_ws_drop());
  plan.count_ws_drops(3);
  CAF_CHECK_EQUAL(plan.take_stall_ms(), 300);
  CAF_CHECK_EQUAL(plan.take_stall_ms(), 0);
  CAF_CHECK(plan.take_malformed_frame());
  CAF_CHECK(!plan.take_malformed_frame());
  CAF_CHECK(plan.take_depth_gap());
  CAF_CHECK(plan.take_depth_gap());
  CAF_CHECK(!plan.take_depth_gap());
  auto c = plan.counters();
  CAF_CHECK_EQUAL(c.ws_drops, 3u);
  CAF_CHECK_EQUAL(c.stalls, 1u);
  CAF_CHECK_EQUAL(c.malformed_frames, 1u);
  CAF_CHECK_EQUAL(c.depth_gaps, 2u);
}

CAF_TEST(reset_disarms_everything_and_keeps_the_counters) {
  fault_plan plan;
  CAF_CHECK(!admin(plan, {{"latency-ms", "5"}, {"reject-orders", "3"}, {"depth-gaps", "4"}}));
  CAF_CHECK_EQUAL(plan.take_latency_ms(), 5);
  // reset applies first, so the settings beside it survive.
  CAF_CHECK(!admin(plan, {{"malformed-frames", "1"}, {"reset", "true"}}));
  CAF_CHECK_EQUAL(plan.take_latency_ms(), 0);
  CAF_CHECK(!plan.take_order_reject(6000));
  CAF_CHECK(!plan.take_depth_gap());
  CAF_CHECK(plan.take_malformed_frame());
  CAF_CHECK_EQUAL(plan.counters().delayed_replies, 1u);
  CAF_CHECK(plan.to_json().find("\"malformedFrames\":1") != std::string::npos);
}

CAF_TEST(bad_values_are_refused_with_a_reason_and_change_nothing) {
  fault_plan plan;
  CAF_CHECK_EQUAL(refused(plan, {{"latency-ms", "fast"}}),
                  "latency-ms: must be an integer in [0, 60000], got 'fast'");
  CAF_CHECK_EQUAL(refused(plan, {{"latency-ms", "-1"}}),
                  "latency-ms: must be an integer in [0, 60000], got '-1'");
  CAF_CHECK_EQUAL(refused(plan, {{"stall-ms", "60001"}}),
                  "stall-ms: must be an integer in [0, 60000], got '60001'");
  CAF_CHECK_EQUAL(refused(plan, {{"reject-code", "-1234"}}),
                  "reject-code: must be -1003, -1021 or -2010, got '-1234'");
  CAF_CHECK_EQUAL(refused(plan, {{"ws-drop", "yes"}}), "ws-drop: must be true or false, got 'yes'");
  CAF_CHECK_EQUAL(refused(plan, {{"explode", "1"}}), "explode: unknown fault");
  // All or nothing: the good setting before the bad one is not applied.
  CAF_CHECK(admin(plan, {{"latency-ms", "100"}, {"depth-gaps", "x"}}).has_value());
  CAF_CHECK_EQUAL(plan.take_latency_ms(), 0);
  CAF_CHECK_EQUAL(refused(plan, {{"ws-drop", "true"}}, fault_source::config),
                  "ws-drop: an action of the admin endpoint (POST /venue/faults), "
                  "not a config key");
}

CAF_TEST(config_faults_section_is_validated_at_load) {
  const std::string base = "[venue]\ndata = t.csv\nkeys-file = k.ini\n"
                           "[symbol]\nname = USDCHF\nbase-asset = USD\nquote-asset = CHF\n"
                           "tick-size = 0.0001\nmin-price = 0.0001\nmax-price = 100\n"
                           "step-size = 1\nmin-qty = 1\nmax-qty = 1000\nmin-notional = 1\n"
                           "max-notional = 100000\n[replay]\nseed-qty = 10\n";
  auto ok = load_venue_config(base + "[faults]\nlatency-ms = 20\nreject-orders = 1\n", "");
  CAF_REQUIRE(std::holds_alternative<venue_config>(ok));
  fault_plan plan;
  CAF_CHECK(!plan.apply(std::get<venue_config>(ok).faults, fault_source::config));
  CAF_CHECK_EQUAL(plan.take_latency_ms(), 20);
  auto bad = load_venue_config(base + "[faults]\nreject-code = 7\n", "");
  CAF_REQUIRE(std::holds_alternative<std::string>(bad));
  CAF_CHECK_EQUAL(std::get<std::string>(bad),
                  "[faults] reject-code: must be an integer in [-9999, 0], got '7'");
}
