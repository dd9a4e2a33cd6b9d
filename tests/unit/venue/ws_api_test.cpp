// The WebSocket API request handler without sockets: request and response
// shapes, the sorted-params signature of web-socket-api.md, errors, weights
// and user data subscriptions.
#define CAF_SUITE venue_ws_api
#include "tests/support/unit_test.hpp"

#include <map>

#include "common/hmac.hpp"
#include "tests/unit/venue/usdchf_rules.hpp"
#include "venue/request_auth.hpp"
#include "venue/ws_api.hpp"

using namespace cwts;
using namespace cwts::venue;
using namespace cwts::venue::testing;

namespace {

// web-socket-api.md "SIGNED request example (HMAC)" and "Log in with API key".
const std::string doc_key = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
const std::string doc_secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
const std::string logon_signature =
  "1cf54395b336b0a9727ef27d5d98987962bc47aca6e13fe978612d0adee066ed";
constexpr int64_t logon_timestamp = 1649729878532;
constexpr int64_t now = 1649729878600;

struct fixture {
  matching_engine engine;
  key_store keys;
  venue_stats stats;
  rest_api rest{engine, keys, stats};
  ws_api api{rest};
  ws_api_session session;

  fixture() {
    engine.add_symbol(usdchf_rules());
    keys.add(api_account{"doc", doc_key, doc_secret, {}});
    engine.fund("doc", "CHF", *qty::parse("1000"));
    session.connected_since_ms = now - 5000;
  }

  std::string call(const std::string& frame) { return api.handle(frame, session, now); }

  // A SIGNED request of `method` with these params (and a timestamp).
  std::string signed_call(int id, const std::string& method,
                          std::map<std::string, std::string> p, int64_t timestamp = now) {
    return call("{\"id\":" + std::to_string(id) + ",\"method\":\"" + method
                + "\",\"params\":" + signed_params(std::move(p), timestamp) + "}");
  }

  // A SIGNED request's params object, signed as the documentation says.
  std::string signed_params(std::map<std::string, std::string> p, int64_t timestamp = now) {
    p["apiKey"] = doc_key;
    p["timestamp"] = std::to_string(timestamp);
    std::string payload, json = "{";
    for (auto& [k, v] : p) {
      payload += (payload.empty() ? "" : "&") + k + "=" + v;
      json += "\"" + k + "\":\"" + v + "\",";
    }
    return json + "\"signature\":\"" + hmac_sha256_hex(doc_secret, payload) + "\"}";
  }
};

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

bool contains_all(const std::string& s, std::initializer_list<std::string> parts) {
  for (auto& p : parts)
    if (!contains(s, p)) return false;
  return true;
}

std::string rate_limits(int64_t count) {
  return ",\"rateLimits\":[{\"rateLimitType\":\"REQUEST_WEIGHT\",\"interval\":\"MINUTE\","
         "\"intervalNum\":1,\"limit\":6000,\"count\":" + std::to_string(count) + "}]}";
}

} // namespace

CAF_TEST(signature_payload_sorts_params_by_name) {
  request_params p;
  for (auto& [k, v] : std::map<std::string, std::string>{
         {"symbol", "BTCUSDT"}, {"side", "SELL"}, {"type", "LIMIT"}, {"timeInForce", "GTC"},
         {"quantity", "0.01000000"}, {"price", "52000.00"}, {"recvWindow", "100"},
         {"timestamp", "1645423376532"}, {"apiKey", doc_key}, {"signature", "x"}})
    p.add(k, v);
  auto payload = ws_signature_payload(p);
  CAF_CHECK_EQUAL(payload, "apiKey=" + doc_key + "&price=52000.00&quantity=0.01000000"
                           "&recvWindow=100&side=SELL&symbol=BTCUSDT&timeInForce=GTC"
                           "&timestamp=1645423376532&type=LIMIT");
  // The documented signature of that payload.
  CAF_CHECK_EQUAL(hmac_sha256_hex(doc_secret, payload),
                  "aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24");
}

CAF_TEST(weight_over_the_limit_is_429_with_retry_after) {
  matching_engine engine;
  key_store keys;
  venue_stats stats;
  rest_api rest{engine, keys, stats, 3}; // 3 per minute
  ws_api api{rest};
  ws_api_session session;
  CAF_CHECK(contains(api.handle(R"({"id":1,"method":"ping"})", session, now), "\"status\":200"));
  // exchangeInfo weighs 20: over the limit, still counted (as REST does).
  auto over = api.handle(R"({"id":2,"method":"exchangeInfo"})", session, now);
  CAF_CHECK_EQUAL(over, "{\"id\":2,\"status\":429,\"error\":{\"code\":-1003,\"msg\":\"Too much "
                        "request weight used; current limit is 3 request weight per 1 MINUTE. "
                        "Please use WebSocket Streams for live updates to avoid polling the "
                        "API.\",\"data\":{\"serverTime\":" + std::to_string(now)
                          + ",\"retryAfter\":" + std::to_string((now / 60000 + 1) * 60000)
                          + "}},\"rateLimits\":[{\"rateLimitType\":\"REQUEST_WEIGHT\","
                            "\"interval\":\"MINUTE\",\"intervalNum\":1,\"limit\":3,"
                            "\"count\":21}]}");
  CAF_CHECK_EQUAL(stats.rejects[-1003], 1u);
}

CAF_TEST_FIXTURE_SCOPE(ws_api_tests, fixture)

CAF_TEST(answers_ping_and_time_with_rate_limits) {
  CAF_CHECK_EQUAL(call(R"({"id":1,"method":"ping"})"),
                  "{\"id\":1,\"status\":200,\"result\":{}" + rate_limits(1));
  CAF_CHECK_EQUAL(call(R"({"id":"a-2","method":"v3/time"})"),
                  "{\"id\":\"a-2\",\"status\":200,\"result\":{\"serverTime\":"
                    + std::to_string(now) + "}" + rate_limits(2));
  // returnRateLimits=false hides the array, per request or per connection.
  CAF_CHECK_EQUAL(call(R"({"id":null,"method":"ping","params":{"returnRateLimits":false}})"),
                  "{\"id\":null,\"status\":200,\"result\":{}}");
  session.return_rate_limits = false;
  CAF_CHECK_EQUAL(call(R"({"id":4,"method":"ping"})"), "{\"id\":4,\"status\":200,\"result\":{}}");
  CAF_CHECK_EQUAL(stats.requests, 4u);
}

CAF_TEST(exchange_info_weighs_twenty_and_checks_symbols) {
  auto info = call(R"({"id":1,"method":"exchangeInfo","params":{"symbols":["USDCHF"]}})");
  CAF_CHECK(contains(info, "\"status\":200,\"result\":{\"timezone\":\"UTC\""));
  CAF_CHECK(contains(info, "\"symbol\":\"USDCHF\""));
  CAF_CHECK(contains(info, "\"count\":20}]}"));
  CAF_CHECK_EQUAL(call(R"({"id":2,"method":"exchangeInfo","params":{"symbol":"NOPE"}})"),
                  "{\"id\":2,\"status\":400,\"error\":{\"code\":-1121,\"msg\":\"Invalid symbol.\"}"
                    + rate_limits(40));
}

CAF_TEST(market_and_history_methods_share_the_rest_handlers) {
  CAF_CHECK_EQUAL(call(R"({"id":1,"method":"depth","params":{"symbol":"USDCHF","limit":5}})"),
                  "{\"id\":1,\"status\":200,\"result\":{\"lastUpdateId\":0,\"bids\":[],"
                  "\"asks\":[]}" + rate_limits(5));
  // `symbols` as a JSON array, weighed as REST weighs it (4).
  auto prices = call(R"({"id":2,"method":"ticker.price","params":{"symbols":["USDCHF"]}})");
  CAF_CHECK(contains(prices, "{\"id\":2,\"status\":200,\"result\":[{\"symbol\":\"USDCHF\""));
  CAF_CHECK(contains(prices, rate_limits(9)));
  CAF_CHECK(contains(call(R"({"id":3,"method":"trades.recent","params":{"symbol":"USDCHF"}})"),
                     "\"status\":200,\"result\":[]"));
  CAF_CHECK(contains(signed_call(4, "allOrders", {{"symbol", "USDCHF"}}),
                     "\"status\":200,\"result\":[]"));
  CAF_CHECK(contains(signed_call(5, "myTrades", {{"symbol", "USDCHF"}}),
                     "\"status\":200,\"result\":[]"));
  CAF_CHECK(contains(call(R"({"id":6,"method":"session.subscriptions"})"),
                     "\"status\":200,\"result\":[]"));
}

CAF_TEST(malformed_requests_get_documented_errors) {
  CAF_CHECK_EQUAL(call("{\"id\":1,\"method\":"),
                  "{\"id\":null,\"status\":400,\"error\":{\"code\":-1135,\"msg\":\"Invalid JSON "
                  "Request\"}" + rate_limits(1));
  CAF_CHECK(contains(call(R"({"method":"ping"})"),
                     "\"error\":{\"code\":-1102,\"msg\":\"Mandatory parameter 'id' was not sent"));
  CAF_CHECK(contains(call(R"({"id":3})"), "{\"code\":-1102,\"msg\":\"Mandatory parameter "
                                          "'method' was not sent, was empty/null, or malformed.\"}"));
  CAF_CHECK(contains(call(R"({"id":4,"method":"order.teleport"})"),
                     "{\"id\":4,\"status\":400,\"error\":{\"code\":-1020,\"msg\":\"This operation "
                     "is not supported.\"}"));
  CAF_CHECK(contains(call(R"({"id":5,"method":"ping","params":{"a":1,"a":2}})"),
                     "\"code\":-1101"));
  CAF_CHECK(contains(call(R"({"id":6,"method":"ping","params":{"a":{"b":1}}})"),
                     "{\"code\":-1130,\"msg\":\"Data sent for parameter 'a' is not valid.\"}"));
  CAF_CHECK(contains(call(R"({"id":7,"method":"ping","params":{"extra":1}})"),
                     "\"code\":-1104"));
  CAF_CHECK_EQUAL(stats.rejects[-1135], 1u);
}

CAF_TEST(signed_order_methods_share_the_rest_handlers) {
  auto placed = signed_call(1, "order.place",
                            {{"symbol", "USDCHF"}, {"side", "BUY"}, {"type", "LIMIT"},
                             {"timeInForce", "GTC"}, {"quantity", "10"}, {"price", "1.5"},
                             {"newClientOrderId", "w1"}});
  CAF_CHECK(contains_all(placed, {"{\"id\":1,\"status\":200,\"result\":{\"symbol\":\"USDCHF\"",
                                  "\"clientOrderId\":\"w1\"", "\"status\":\"NEW\""}));
  auto acct = signed_call(2, "account.status", {{"omitZeroBalances", "true"}});
  CAF_CHECK(contains(acct, "{\"asset\":\"CHF\",\"free\":\"985.00000000\",\"locked\":"
                           "\"15.00000000\"}"));
  // Weights as REST: order 1, account 20.
  CAF_CHECK(contains(acct, "\"count\":21}]}"));
  auto canceled = signed_call(3, "order.cancel", {{"symbol", "USDCHF"},
                                                  {"origClientOrderId", "w1"},
                                                  {"newClientOrderId", "c1"}});
  CAF_CHECK(contains_all(canceled, {"\"origClientOrderId\":\"w1\"", "\"clientOrderId\":\"c1\"",
                                    "\"status\":\"CANCELED\""}));
  auto none = signed_call(4, "openOrders.cancelAll", {{"symbol", "USDCHF"}});
  CAF_CHECK(contains(none, "\"status\":400,\"error\":{\"code\":-2011,\"msg\":\"Unknown order "
                           "sent.\"}"));
}

CAF_TEST(signed_methods_check_key_timestamp_and_signature) {
  auto params = signed_params({{"symbol", "USDCHF"}});
  auto bad = params;
  bad.replace(bad.find("\"signature\":\"") + 13, 1, bad[bad.find("\"signature\":\"") + 13] == '0'
                                                      ? "1" : "0");
  CAF_CHECK(contains(call(R"({"id":1,"method":"openOrders.status","params":)" + bad + "}"),
                     "{\"code\":-1022,\"msg\":\"Signature for this request is not valid.\"}"));
  CAF_CHECK(contains(call(R"({"id":2,"method":"openOrders.status","params":{"symbol":"USDCHF"}})"),
                     "\"msg\":\"Mandatory parameter 'apiKey' was not sent"));
  CAF_CHECK(contains(call(R"({"id":3,"method":"order.status","params":{"symbol":"USDCHF",)"
                          R"("apiKey":"unknownKey","timestamp":1,"signature":"ab"}})"),
                     "\"status\":401,\"error\":{\"code\":-2015"));
  // A stale timestamp: 10 s old with the default 5 s window.
  auto stale = signed_call(4, "openOrders.status", {{"symbol", "USDCHF"}}, now - 10000);
  CAF_CHECK(contains(stale, "{\"code\":-1021,\"msg\":\"Timestamp for this request is outside of "
                            "the recvWindow.\"}"));
  CAF_CHECK_EQUAL(call(R"({"id":5,"method":"openOrders.status","params":)" + params + "}"),
                  "{\"id\":5,\"status\":200,\"result\":[]" + rate_limits(28));
}

CAF_TEST(user_data_subscriptions_by_signature_only) {
  // The documented logon params and signature, HMAC over apiKey and timestamp.
  auto logon_params = "{\"apiKey\":\"" + doc_key + "\",\"signature\":\"" + logon_signature
                      + "\",\"timestamp\":" + std::to_string(logon_timestamp) + "}";
  CAF_CHECK(contains(call(R"({"id":1,"method":"session.logon","params":)" + logon_params + "}"),
                     "{\"code\":-1022,"));
  CAF_CHECK(contains(call(R"({"id":2,"method":"userDataStream.subscribe"})"),
                     "\"status\":401,\"error\":{\"code\":-2014,\"msg\":\"API-key format invalid."));
  auto sub = call(R"({"id":3,"method":"userDataStream.subscribe.signature","params":)"
                  + logon_params + "}");
  CAF_CHECK(contains(sub, "{\"id\":3,\"status\":200,\"result\":{\"subscriptionId\":0}"));
  CAF_CHECK(session.subscription_of("doc") == std::optional<int64_t>(0));
  CAF_CHECK(contains(call(R"({"id":9,"method":"session.subscriptions"})"),
                     "\"result\":[{\"subscriptionId\":0}]"));
  // One subscription per account and connection: a repeat names it again.
  CAF_CHECK(contains(call(R"({"id":4,"method":"userDataStream.subscribe.signature","params":)"
                          + logon_params + "}"),
                     "\"result\":{\"subscriptionId\":0}"));
  CAF_CHECK_EQUAL(session.subscriptions.size(), 1u);
  auto status = call(R"({"id":5,"method":"session.status"})");
  CAF_CHECK(contains(status, "\"result\":{\"apiKey\":null,\"authorizedSince\":null,"
                             "\"connectedSince\":" + std::to_string(now - 5000)
                               + ",\"returnRateLimits\":true,\"serverTime\":"
                               + std::to_string(now) + ",\"userDataStream\":true}"));
  CAF_CHECK(contains(call(R"({"id":6,"method":"userDataStream.unsubscribe","params":)"
                          R"({"subscriptionId":"x"}})"),
                     "\"code\":-1100"));
  CAF_CHECK(contains(call(R"({"id":7,"method":"userDataStream.unsubscribe","params":)"
                          R"({"subscriptionId":0}})"),
                     "{\"id\":7,\"status\":200,\"result\":{}"));
  CAF_CHECK(session.subscriptions.empty());
  CAF_CHECK(contains(call(R"({"id":8,"method":"session.logout"})"), "\"userDataStream\":false}"));
}

CAF_TEST(order_cancel_replace_and_amend_share_the_rest_handlers) {
  auto placed = signed_call(1, "order.place",
                            {{"symbol", "USDCHF"}, {"side", "BUY"}, {"type", "LIMIT"},
                             {"timeInForce", "GTC"}, {"quantity", "10"}, {"price", "1.5"},
                             {"newClientOrderId", "r1"}});
  CAF_CHECK(contains(placed, "\"status\":200"));
  auto amended = signed_call(2, "order.amend.keepPriority",
                             {{"symbol", "USDCHF"}, {"origClientOrderId", "r1"},
                              {"newClientOrderId", "r2"}, {"newQty", "6"}});
  CAF_CHECK(contains_all(amended, {"{\"id\":2,\"status\":200,\"result\":{\"transactTime\":",
                                   "\"origClientOrderId\":\"r1\",\"clientOrderId\":\"r2\"",
                                   "\"qty\":\"6.00000000\""}));
  auto bigger = signed_call(3, "order.amend.keepPriority",
                            {{"symbol", "USDCHF"}, {"origClientOrderId", "r2"}, {"newQty", "7"}});
  CAF_CHECK(contains(bigger, "{\"id\":3,\"status\":400,\"error\":{\"code\":-2038,"));
  auto replaced = signed_call(4, "order.cancelReplace",
                              {{"symbol", "USDCHF"}, {"cancelReplaceMode", "STOP_ON_FAILURE"},
                               {"cancelOrigClientOrderId", "r2"}, {"side", "BUY"},
                               {"type", "LIMIT"}, {"timeInForce", "GTC"}, {"quantity", "5"},
                               {"price", "1.4"}, {"newClientOrderId", "r3"}});
  CAF_CHECK(contains_all(replaced, {"{\"id\":4,\"status\":200,\"result\":{\"cancelResult\":"
                                    "\"SUCCESS\",\"newOrderResult\":\"SUCCESS\"",
                                    "{\"rateLimitType\":\"ORDERS\",\"interval\":\"SECOND\""}));
  // The -2021 body travels as the error object, with its data, status 409.
  auto partial = signed_call(5, "order.cancelReplace",
                             {{"symbol", "USDCHF"}, {"cancelReplaceMode", "ALLOW_FAILURE"},
                              {"cancelOrderId", "999"}, {"side", "BUY"}, {"type", "LIMIT"},
                              {"timeInForce", "GTC"}, {"quantity", "5"}, {"price", "1.4"}});
  CAF_CHECK(contains_all(partial, {"{\"id\":5,\"status\":409,\"error\":{\"code\":-2021,",
                                   "\"data\":{\"cancelResult\":\"FAILURE\",\"newOrderResult\":"
                                   "\"SUCCESS\""}));
}

CAF_TEST_FIXTURE_SCOPE_END()
