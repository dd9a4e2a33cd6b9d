// POST /api/v3/order/cancelReplace through rest_api, without sockets: the
// documented result shapes (both succeed; cancel fails with
// STOP_ON_FAILURE / ALLOW_FAILURE; the new order fails: -2021 / -2022 with
// `data`), cancelRestrictions and parameter errors; and the replay seed's
// level sizes.
#define CAF_SUITE venue_replace
#include "tests/support/unit_test.hpp"

#include "common/hmac.hpp"
#include "tests/unit/venue/usdchf_rules.hpp"
#include "venue/market_replay.hpp"
#include "venue/rest_api.hpp"

using namespace cwts;
using namespace cwts::venue;
using namespace cwts::venue::testing;

namespace {

constexpr int64_t now = 1'700'000'000'000;

struct fixture {
  matching_engine engine;
  key_store keys;
  venue_stats stats;
  rest_api api{engine, keys, stats};

  fixture() {
    engine.add_symbol(usdchf_rules());
    keys.add(api_account{"alice", "ka", "sa", {}});
    engine.fund("alice", "CHF", *qty::parse("1000"));
  }

  http_reply call(const char* method, const char* path, std::string params) {
    params += "&timestamp=" + std::to_string(now);
    auto target = std::string(path) + "?" + params + "&signature=" + hmac_sha256_hex("sa", params);
    return api.handle(http_request_view{method, target, std::string_view("ka"), ""}, now);
  }

  int64_t rest_bid(const char* coid) {
    auto r = call("POST", "/api/v3/order",
                  std::string("symbol=USDCHF&side=BUY&type=LIMIT&timeInForce=GTC&quantity=10"
                              "&price=1.0000&newClientOrderId=") + coid);
    CAF_REQUIRE_EQUAL(r.status, 200);
    auto at = r.body.find("\"orderId\":");
    return std::stoll(r.body.substr(at + 10));
  }

  http_reply replace(const std::string& cancel, const std::string& mode,
                     const std::string& new_order = "side=BUY&type=LIMIT&timeInForce=GTC"
                                                    "&quantity=5&price=1.0100") {
    return call("POST", "/api/v3/order/cancelReplace",
                "symbol=USDCHF&cancelReplaceMode=" + mode + "&" + cancel + "&" + new_order);
  }
};

bool starts_with(const std::string& s, const std::string& p) {
  return s.rfind(p, 0) == 0;
}
bool has(const std::string& s, const std::string& p) {
  return s.find(p) != std::string::npos;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(replace_tests, fixture)

CAF_TEST(cancel_replace_cancels_and_places) {
  auto id = rest_bid("old1");
  auto r = replace("cancelOrderId=" + std::to_string(id) + "&newClientOrderId=new1",
                   "STOP_ON_FAILURE");
  CAF_CHECK_EQUAL(r.status, 200);
  CAF_CHECK(starts_with(r.body, "{\"cancelResult\":\"SUCCESS\",\"newOrderResult\":\"SUCCESS\","
                                "\"cancelResponse\":{\"symbol\":\"USDCHF\",\"origClientOrderId\":"
                                "\"old1\","));
  CAF_CHECK(has(r.body, "\"newOrderResponse\":{\"symbol\":\"USDCHF\",\"orderId\":"));
  CAF_CHECK(has(r.body, "\"clientOrderId\":\"new1\""));
  CAF_CHECK(has(r.body, "\"status\":\"CANCELED\""));
  auto open = call("GET", "/api/v3/openOrders", "symbol=USDCHF");
  CAF_CHECK(has(open.body, "\"clientOrderId\":\"new1\""));
  CAF_CHECK(!has(open.body, "\"clientOrderId\":\"old1\""));
  bool counted = false;
  for (auto& [k, v] : r.headers)
    counted = counted || (k == "X-MBX-ORDER-COUNT-10S" && v == "2");
  CAF_CHECK(counted);
}

CAF_TEST(cancel_failure_stops_or_goes_on) {
  auto stop = replace("cancelOrderId=999", "STOP_ON_FAILURE");
  CAF_CHECK_EQUAL(stop.status, 400);
  CAF_CHECK_EQUAL(stop.body,
                  "{\"code\":-2022,\"msg\":\"Order cancel-replace failed.\",\"data\":"
                  "{\"cancelResult\":\"FAILURE\",\"newOrderResult\":\"NOT_ATTEMPTED\","
                  "\"cancelResponse\":{\"code\":-2011,\"msg\":\"Unknown order sent.\"},"
                  "\"newOrderResponse\":null}}");
  auto allow = replace("cancelOrigClientOrderId=nope", "ALLOW_FAILURE");
  CAF_CHECK_EQUAL(allow.status, 409);
  CAF_CHECK(starts_with(allow.body, "{\"code\":-2021,\"msg\":\"Order cancel-replace partially "
                                    "failed.\",\"data\":{\"cancelResult\":\"FAILURE\","
                                    "\"newOrderResult\":\"SUCCESS\",\"cancelResponse\":"
                                    "{\"code\":-2011,\"msg\":\"Unknown order sent.\"},"
                                    "\"newOrderResponse\":{\"symbol\":\"USDCHF\""));
  // Both fail: the new order needs more CHF than the account holds.
  auto both = replace("cancelOrderId=999", "ALLOW_FAILURE",
                      "side=BUY&type=LIMIT&timeInForce=GTC&quantity=5000&price=1.0000");
  CAF_CHECK_EQUAL(both.status, 400);
  CAF_CHECK(has(both.body, "\"code\":-2022,"));
  CAF_CHECK(has(both.body, "\"newOrderResult\":\"FAILURE\""));
  CAF_CHECK(has(both.body, "\"newOrderResponse\":{\"code\":-2010,\"msg\":\"Account has "
                           "insufficient balance for requested action.\"}"));
}

CAF_TEST(new_order_failure_is_a_partial_failure) {
  auto id = rest_bid("old2");
  auto r = replace("cancelOrderId=" + std::to_string(id), "STOP_ON_FAILURE",
                   "side=BUY&type=LIMIT&timeInForce=GTC&quantity=5000&price=1.0000");
  CAF_CHECK_EQUAL(r.status, 409);
  CAF_CHECK(starts_with(r.body, "{\"code\":-2021,\"msg\":\"Order cancel-replace partially "
                                "failed.\",\"data\":{\"cancelResult\":\"SUCCESS\","
                                "\"newOrderResult\":\"FAILURE\",\"cancelResponse\":{"));
  CAF_CHECK(has(r.body, "\"newOrderResponse\":{\"code\":-2010,"));
}

CAF_TEST(cancel_restrictions_and_parameter_errors) {
  auto id = rest_bid("old3");
  auto restricted = replace("cancelOrderId=" + std::to_string(id)
                              + "&cancelRestrictions=ONLY_PARTIALLY_FILLED",
                            "STOP_ON_FAILURE");
  CAF_CHECK_EQUAL(restricted.status, 400);
  CAF_CHECK(has(restricted.body, "\"cancelResponse\":{\"code\":-2011,\"msg\":\"Order was not "
                                 "canceled due to cancel restrictions.\"}"));
  auto no_mode = call("POST", "/api/v3/order/cancelReplace",
                      "symbol=USDCHF&cancelOrderId=1&side=BUY&type=LIMIT&timeInForce=GTC"
                      "&quantity=5&price=1.0100");
  CAF_CHECK_EQUAL(no_mode.status, 400);
  CAF_CHECK(starts_with(no_mode.body, "{\"code\":-1102,"));
  auto no_ids = replace("newClientOrderId=x", "STOP_ON_FAILURE");
  CAF_CHECK_EQUAL(no_ids.body,
                  "{\"code\":-1102,\"msg\":\"Param 'cancelOrigClientOrderId' or 'cancelOrderId' "
                  "must be sent, but both were empty/null!\"}");
  CAF_CHECK_EQUAL(replace("cancelOrderId=1", "MAYBE").status, 400);
  // New-order parameters are checked before the cancel: the order stays.
  auto bad_side = replace("cancelOrderId=" + std::to_string(id), "STOP_ON_FAILURE",
                          "side=UP&type=LIMIT&timeInForce=GTC&quantity=5&price=1.0100");
  CAF_CHECK_EQUAL(bad_side.body, "{\"code\":-1117,\"msg\":\"Invalid side.\"}");
  CAF_CHECK(has(call("GET", "/api/v3/openOrders", "symbol=USDCHF").body, "\"old3\""));
}

CAF_TEST(amend_keep_priority_reduces_in_place) {
  rest_bid("am1"); // 10 at 1.0000, first in the queue
  rest_bid("am3"); // 10 at 1.0000, behind it
  auto r = call("PUT", "/api/v3/order/amend/keepPriority",
                "symbol=USDCHF&origClientOrderId=am1&newClientOrderId=am2&newQty=4");
  CAF_CHECK_EQUAL(r.status, 200);
  CAF_CHECK(starts_with(r.body, "{\"transactTime\":1700000000000,\"executionId\":1,"
                                "\"amendedOrder\":{\"symbol\":\"USDCHF\",\"orderId\":"));
  CAF_CHECK(has(r.body, "\"orderListId\":-1,\"origClientOrderId\":\"am1\",\"clientOrderId\":"
                        "\"am2\",\"price\":\"1.00000000\",\"qty\":\"4.00000000\","
                        "\"executedQty\":\"0.00000000\",\"preventedQty\":\"0.00000000\","
                        "\"quoteOrderQty\":\"0.00000000\",\"cumulativeQuoteQty\":\"0.00000000\","
                        "\"status\":\"NEW\",\"timeInForce\":\"GTC\",\"type\":\"LIMIT\","
                        "\"side\":\"BUY\",\"workingTime\":"));
  // The level shrank; the funds locked follow the new quantity.
  CAF_CHECK(has(api.handle(http_request_view{"GET", "/api/v3/depth?symbol=USDCHF", std::nullopt, ""},
                           now).body,
                "\"bids\":[[\"1.00000000\",\"14.00000000\"]]"));
  // CAF_CHECK_EQUAL binds by reference: compare named values.
  qty locked = engine.balances().of("alice").at("CHF").locked, expected = *qty::parse("14");
  CAF_CHECK_EQUAL(locked, expected);
  // Priority kept: a seller of 3 fills the amended order, not the later one.
  place_request sell;
  sell.account = "@venue";
  sell.sym = usdchf();
  sell.side = order_side::sell;
  sell.tif = time_in_force::ioc;
  sell.px = *price::parse("1.0000");
  sell.quantity = *qty::parse("3");
  sell.venue_owned = true;
  engine.place(sell, now);
  auto amended = call("GET", "/api/v3/order", "symbol=USDCHF&origClientOrderId=am2");
  CAF_CHECK(has(amended.body, "\"executedQty\":\"3.00000000\""));
  // Errors: not a decrease, unknown order, missing newQty.
  auto same = call("PUT", "/api/v3/order/amend/keepPriority",
                   "symbol=USDCHF&origClientOrderId=am2&newQty=4");
  CAF_CHECK_EQUAL(same.body, "{\"code\":-2038,\"msg\":\"Order amend (quantity increase) is not "
                             "supported.\"}");
  CAF_CHECK_EQUAL(call("PUT", "/api/v3/order/amend/keepPriority",
                       "symbol=USDCHF&orderId=999&newQty=1").body,
                  "{\"code\":-2013,\"msg\":\"Order does not exist.\"}");
  CAF_CHECK(starts_with(call("PUT", "/api/v3/order/amend/keepPriority",
                             "symbol=USDCHF&origClientOrderId=am2").body,
                        "{\"code\":-1102,"));
  // Down to what it executed: the order is FILLED and leaves the book.
  auto done = call("PUT", "/api/v3/order/amend/keepPriority",
                   "symbol=USDCHF&origClientOrderId=am2&newQty=3");
  CAF_CHECK(has(done.body, "\"qty\":\"3.00000000\",\"executedQty\":\"3.00000000\""));
  CAF_CHECK(has(done.body, "\"status\":\"FILLED\""));
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST(seeded_level_sizes_are_reproducible) {
  auto rules = usdchf_rules();
  seed_config cfg;
  cfg.level_qty = *qty::parse("50000");
  CAF_CHECK_EQUAL(seeded_level_qty(rules, cfg, 3, 1), cfg.level_qty);
  cfg.seed = 7;
  bool varied = false;
  for (int slot = 0; slot < 6; ++slot) {
    auto q = seeded_level_qty(rules, cfg, 3, slot);
    CAF_CHECK_EQUAL(q, seeded_level_qty(rules, cfg, 3, slot));
    CAF_CHECK(q >= *qty::parse("25000") && q <= *qty::parse("75000"));
    CAF_CHECK_EQUAL(q.raw % rules.step_size.raw, 0);
    seed_config other = cfg;
    other.seed = 8;
    varied = varied || seeded_level_qty(rules, other, 3, slot) != q;
  }
  CAF_CHECK(varied);
}
