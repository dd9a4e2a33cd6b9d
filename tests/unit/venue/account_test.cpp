// Signed account endpoints through rest_api, without sockets: account
// balances moved by fills, allOrders, myTrades, -2010 insufficient balance.
#define CAF_SUITE venue_account
#include "tests/support/unit_test.hpp"

#include "common/hmac.hpp"
#include "tests/unit/venue/usdchf_rules.hpp"
#include "venue/rest_api.hpp"

using namespace cwts;
using namespace cwts::venue;
using namespace cwts::venue::testing;

namespace {

struct fixture {
  matching_engine engine;
  key_store keys;
  venue_stats stats;
  rest_api api{engine, keys, stats};

  fixture() {
    auto r = usdchf_rules();
    engine.add_symbol(r);
    keys.add(api_account{"buyer", "kb", "sb", {}});
    keys.add(api_account{"seller", "ks", "ss", {}});
    engine.fund("buyer", "CHF", *qty::parse("100"));
    engine.fund("seller", "USD", *qty::parse("50"));
  }

  http_reply call(const char* who, const char* method, const char* path, std::string params) {
    std::string key = who == std::string("buyer") ? "kb" : "ks";
    std::string secret = who == std::string("buyer") ? "sb" : "ss";
    params += std::string(params.empty() ? "" : "&") + "timestamp=1000";
    auto target = std::string(path) + "?" + params + "&signature="
                  + hmac_sha256_hex(secret, params);
    return api.handle(http_request_view{method, target, std::string_view(key), ""}, 1000);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(account_tests, fixture)

CAF_TEST(fills_show_in_account_all_orders_and_my_trades) {
  auto sell = call("seller", "POST", "/api/v3/order",
                   "symbol=USDCHF&side=SELL&type=LIMIT&timeInForce=GTC&quantity=40&price=2");
  CAF_CHECK_EQUAL(sell.status, 200);
  auto buy = call("buyer", "POST", "/api/v3/order", "symbol=USDCHF&side=BUY&type=MARKET&quantity=30");
  CAF_CHECK_EQUAL(buy.status, 200);
  auto acct = call("buyer", "GET", "/api/v3/account", "");
  CAF_CHECK_EQUAL(acct.status, 200);
  CAF_CHECK(acct.body.find("\"balances\":[{\"asset\":\"CHF\",\"free\":\"40.00000000\",\"locked\":"
                           "\"0.00000000\"},{\"asset\":\"USD\",\"free\":\"30.00000000\",\"locked\":"
                           "\"0.00000000\"}]") != std::string::npos);
  auto seller = call("seller", "GET", "/api/v3/account", "");
  CAF_CHECK(seller.body.find("{\"asset\":\"USD\",\"free\":\"10.00000000\",\"locked\":"
                             "\"10.00000000\"}") != std::string::npos);
  auto trades = call("seller", "GET", "/api/v3/myTrades", "symbol=USDCHF");
  CAF_CHECK_EQUAL(trades.body,
                  "[{\"symbol\":\"USDCHF\",\"id\":1,\"orderId\":1,\"orderListId\":-1,"
                  "\"price\":\"2.00000000\",\"qty\":\"30.00000000\",\"quoteQty\":\"60.00000000\","
                  "\"commission\":\"0.00000000\",\"commissionAsset\":\"CHF\",\"time\":1000,"
                  "\"isBuyer\":false,\"isMaker\":true,\"isBestMatch\":true}]");
  auto orders = call("buyer", "GET", "/api/v3/allOrders", "symbol=USDCHF");
  CAF_CHECK(orders.body.find("\"status\":\"FILLED\"") != std::string::npos);
  CAF_CHECK_EQUAL(call("buyer", "GET", "/api/v3/allOrders", "symbol=USDCHF&orderId=3").body, "[]");
  // 41 more CHF than the buyer has left.
  auto broke = call("buyer", "POST", "/api/v3/order",
                    "symbol=USDCHF&side=BUY&type=LIMIT&timeInForce=GTC&quantity=41&price=1");
  CAF_CHECK_EQUAL(broke.body, "{\"code\":-2010,\"msg\":\"Account has insufficient balance for "
                              "requested action.\"}");
  CAF_CHECK_EQUAL(call("buyer", "GET", "/api/v3/myTrades", "symbol=USDCHF&bogus=1").status, 400);
  CAF_CHECK_EQUAL(call("buyer", "GET", "/api/v3/myTrades", "symbol=USDCHF&startTime=1001").body, "[]");
  CAF_CHECK(call("buyer", "GET", "/api/v3/myTrades", "symbol=USDCHF&endTime=1000").body != "[]");
  CAF_CHECK_EQUAL(call("buyer", "GET", "/api/v3/allOrders",
                       "symbol=USDCHF&startTime=0&endTime=86400001").body,
                  "{\"code\":-1127,\"msg\":\"More than 24 hours between startTime and endTime.\"}");
  CAF_CHECK_EQUAL(call("buyer", "GET", "/api/v3/myTrades", "symbol=USDCHF&fromId=1&startTime=0").body,
                  "{\"code\":-1128,\"msg\":\"Combination of optional parameters invalid.\"}");
}

CAF_TEST(commission_is_taken_from_the_asset_received) {
  engine.set_commission({*price::parse("0.001"), *price::parse("0.002")});
  call("seller", "POST", "/api/v3/order",
       "symbol=USDCHF&side=SELL&type=LIMIT&timeInForce=GTC&quantity=40&price=2");
  auto buy = call("buyer", "POST", "/api/v3/order", "symbol=USDCHF&side=BUY&type=MARKET&quantity=30");
  // Taker (0.2 %) pays 0.06 USD of the 30 USD it receives.
  CAF_CHECK(buy.body.find("\"commission\":\"0.06000000\",\"commissionAsset\":\"USD\"")
            != std::string::npos);
  auto acct = call("buyer", "GET", "/api/v3/account", "");
  CAF_CHECK(acct.body.find("{\"asset\":\"USD\",\"free\":\"29.94000000\"") != std::string::npos);
  CAF_CHECK(acct.body.find("\"makerCommission\":10,\"takerCommission\":20") != std::string::npos);
  // Maker (0.1 %) pays 0.06 CHF of the 60 CHF it receives.
  auto trades = call("seller", "GET", "/api/v3/myTrades", "symbol=USDCHF");
  CAF_CHECK(trades.body.find("\"commission\":\"0.06000000\",\"commissionAsset\":\"CHF\"")
            != std::string::npos);
  auto seller = call("seller", "GET", "/api/v3/account", "");
  CAF_CHECK(seller.body.find("{\"asset\":\"CHF\",\"free\":\"59.94000000\"") != std::string::npos);
}

CAF_TEST(limit_maker_takes_no_time_in_force_and_answers_ack) {
  auto with_tif = call("seller", "POST", "/api/v3/order", "symbol=USDCHF&side=SELL&type=LIMIT_MAKER"
                                                          "&timeInForce=GTC&quantity=5&price=2");
  CAF_CHECK_EQUAL(with_tif.body, "{\"code\":-1106,\"msg\":\"Parameter 'timeInForce' sent when "
                                 "not required.\"}");
  auto ack = call("seller", "POST", "/api/v3/order",
                  "symbol=USDCHF&side=SELL&type=LIMIT_MAKER&quantity=5&price=2");
  CAF_CHECK_EQUAL(ack.status, 200);
  CAF_CHECK_EQUAL(ack.body, "{\"symbol\":\"USDCHF\",\"orderId\":1,\"orderListId\":-1,"
                            "\"clientOrderId\":\"cwtsvenue1\",\"transactTime\":1000}");
  auto open = call("seller", "GET", "/api/v3/openOrders", "symbol=USDCHF");
  CAF_CHECK(open.body.find("\"type\":\"LIMIT_MAKER\"") != std::string::npos);
  auto bad_stp = call("seller", "POST", "/api/v3/order", "symbol=USDCHF&side=SELL&type=LIMIT"
                      "&timeInForce=GTC&quantity=5&price=2&selfTradePreventionMode=MAYBE");
  CAF_CHECK_EQUAL(bad_stp.status, 400);
  auto stp = call("seller", "POST", "/api/v3/order", "symbol=USDCHF&side=SELL&type=LIMIT"
                  "&timeInForce=GTC&quantity=5&price=2&selfTradePreventionMode=EXPIRE_MAKER");
  CAF_CHECK(stp.body.find("\"selfTradePreventionMode\":\"EXPIRE_MAKER\"") != std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()
