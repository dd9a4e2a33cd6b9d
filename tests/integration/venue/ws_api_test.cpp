// Starts the real cwts-venue and drives its WebSocket API (/ws-api/v3) like a
// Binance client: every method's success and error shapes, signatures
// (bad, stale, missing), malformed frames, and the user data events of the
// demo account for orders placed over REST and the WebSocket API.
#define CAF_SUITE venue_ws_api_integration
#include "tests/support/unit_test.hpp"

#include <fstream>

#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "venue_client.hpp"

namespace {

// One /ws-api/v3 connection. Responses come in request order; user data
// events ({"subscriptionId":…}) read while waiting are kept in `events`.
struct ws_api_client {
  asio::io_context ioc;
  beast::websocket::stream<beast::tcp_stream> ws{ioc};
  std::vector<std::string> events;

  ws_api_client(int port, const std::string& target = "/ws-api/v3") {
    beast::get_lowest_layer(ws).connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)));
    ws.handshake("127.0.0.1", target);
  }

  std::string next() {
    beast::flat_buffer frame;
    ws.read(frame);
    return beast::buffers_to_string(frame.data());
  }

  std::string call(const std::string& request) {
    ws.write(asio::buffer(request));
    for (int n = 0; n < 1000; ++n) {
      auto frame = next();
      if (frame.rfind("{\"subscriptionId\":", 0) == 0) events.push_back(frame);
      else return frame;
    }
    return {};
  }

  // The first event holding every part (kept ones first); bounded.
  std::string await_event(const std::vector<std::string>& parts) {
    auto match = [&](const std::string& e) {
      for (auto& p : parts)
        if (e.find(p) == std::string::npos) return false;
      return true;
    };
    for (auto& e : events)
      if (match(e)) return e;
    for (int n = 0; n < 1000; ++n) {
      auto frame = next();
      events.push_back(frame);
      if (match(frame)) return frame;
    }
    return {};
  }
};

// A SIGNED request's params (web-socket-api.md): apiKey and timestamp added,
// signature = HMAC-SHA256 over all params sorted by name as name=value&…
std::string signed_params(std::map<std::string, std::string> p, int64_t timestamp = now_ms(),
                          bool corrupt = false) {
  p["apiKey"] = api_key;
  p["timestamp"] = std::to_string(timestamp);
  std::string payload, json = "{";
  for (auto& [k, v] : p) {
    payload += (payload.empty() ? "" : "&") + k + "=" + v;
    // timestamp as a JSON number, the rest as strings, as clients send them.
    json += "\"" + k + "\":" + (k == "timestamp" ? v : "\"" + v + "\"") + ",";
  }
  auto sig = cwts::hmac_sha256_hex(secret, payload);
  if (corrupt) sig[0] = sig[0] == '0' ? '1' : '0';
  return json + "\"signature\":\"" + sig + "\"}";
}

std::string req(const std::string& id, const std::string& method, const std::string& params) {
  return "{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}";
}

// The string after "key":" in a flat JSON text (empty when absent).
std::string str_field(const std::string& s, const std::string& key) {
  auto at = s.find("\"" + key + "\":\"");
  if (at == std::string::npos) return {};
  auto start = at + key.size() + 4;
  return s.substr(start, s.find('"', start) - start);
}

std::string usdchf_order(const std::string& side, const std::string& qty,
                         const std::string& px, const std::string& coid) {
  return "symbol=USDCHF&side=" + side + "&type=LIMIT&timeInForce=GTC&quantity=" + qty
         + "&price=" + px + "&newClientOrderId=" + coid;
}

} // namespace

CAF_TEST(ws_api_general_and_session_methods) {
  CAF_REQUIRE(caf::test::engine::argc() >= 3);
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2]);
  ws_api_client c(venue.port);
  auto ping = c.call(R"({"id":1,"method":"ping"})");
  CAF_CHECK(ping.rfind("{\"id\":1,\"status\":200,\"result\":{},\"rateLimits\":[{\"rateLimitType\":"
                       "\"REQUEST_WEIGHT\",\"interval\":\"MINUTE\",\"intervalNum\":1,\"limit\":"
                       "6000,\"count\":", 0) == 0);
  auto time = c.call(R"({"id":"t-2","method":"v3/time"})");
  CAF_CHECK(time.rfind("{\"id\":\"t-2\",\"status\":200,\"result\":{\"serverTime\":", 0) == 0);
  CAF_CHECK(std::abs(int_field(time, "serverTime") - now_ms()) < 10000);
  // exchangeInfo weighs 20 on the shared counter (same minute: +20 exactly).
  auto minute = now_ms() / 60000;
  auto info = c.call(req("3", "exchangeInfo", R"({"symbol":"USDCHF"})"));
  CAF_CHECK(info.find("\"symbol\":\"USDCHF\"") != std::string::npos);
  CAF_CHECK(info.find("\"filterType\":\"LOT_SIZE\"") != std::string::npos);
  if (now_ms() / 60000 == minute)
    CAF_CHECK_EQUAL(int_field(info, "count"), int_field(time, "count") + 20);
  CAF_CHECK(c.call(req("4", "exchangeInfo", R"({"symbol":"NOPE"})"))
              .rfind("{\"id\":4,\"status\":400,\"error\":{\"code\":-1121,\"msg\":\"Invalid "
                     "symbol.\"},\"rateLimits\":[", 0) == 0);
  CAF_CHECK_EQUAL(c.call(R"({"id":5,"method":"ping","params":{"returnRateLimits":false}})"),
                  "{\"id\":5,\"status\":200,\"result\":{}}");
  CAF_CHECK(c.call(R"({"id":6,"method":"order.teleport"})")
              .rfind("{\"id\":6,\"status\":400,\"error\":{\"code\":-1020,\"msg\":\"This "
                     "operation is not supported.\"}", 0) == 0);
  CAF_CHECK(c.call("{\"id\":7,\"method\":")
              .rfind("{\"id\":null,\"status\":400,\"error\":{\"code\":-1135,\"msg\":\"Invalid "
                     "JSON Request\"}", 0) == 0);
  CAF_CHECK(c.call(R"({"id":8})").find("{\"code\":-1102,\"msg\":\"Mandatory parameter 'method'")
            != std::string::npos);
  CAF_CHECK(c.call(R"({"id":9,"method":"time","params":{"x":1}})").find("\"code\":-1104")
            != std::string::npos);
  auto status = c.call(R"({"id":10,"method":"session.status"})");
  CAF_CHECK(status.find("\"result\":{\"apiKey\":null,\"authorizedSince\":null,\"connectedSince\":")
            != std::string::npos);
  CAF_CHECK(status.find("\"returnRateLimits\":true") != std::string::npos);
  CAF_CHECK(status.find("\"userDataStream\":false}") != std::string::npos);
  CAF_CHECK(c.call(R"({"id":11,"method":"session.logout"})").find("\"apiKey\":null")
            != std::string::npos);
  // session.logon takes Ed25519 keys only; the venue's keys are HMAC.
  CAF_CHECK(c.call(req("12", "session.logon", signed_params({})))
              .rfind("{\"id\":12,\"status\":400,\"error\":{\"code\":-1022,\"msg\":\"Signature "
                     "for this request is not valid.\"}", 0) == 0);
  CAF_CHECK(c.call(R"({"id":13,"method":"userDataStream.subscribe"})")
              .rfind("{\"id\":13,\"status\":401,\"error\":{\"code\":-2014,", 0) == 0);
  CAF_CHECK(c.call(req("15", "userDataStream.subscribe.signature",
                       signed_params({}, now_ms(), true)))
              .rfind("{\"id\":15,\"status\":400,\"error\":{\"code\":-1022,", 0) == 0);
  CAF_CHECK(c.call(R"({"id":16,"method":"session.status","params":{"x":1}})")
              .find("\"code\":-1104") != std::string::npos);
  CAF_CHECK(c.call(R"({"id":17,"method":"userDataStream.unsubscribe","params":{"subscriptionId":"a"}})")
              .find("\"code\":-1100") != std::string::npos);
  // returnRateLimits=false in the URL: the connection's default.
  ws_api_client quiet(venue.port, "/ws-api/v3?returnRateLimits=false");
  CAF_CHECK_EQUAL(quiet.call(R"({"id":1,"method":"ping"})"), "{\"id\":1,\"status\":200,\"result\":{}}");
  CAF_CHECK(quiet.call(R"({"id":2,"method":"session.status"})").find("\"returnRateLimits\":false")
            != std::string::npos);
  // REST and WebSocket API requests share one weight counter.
  minute = now_ms() / 60000;
  auto ws_count = int_field(c.call(R"({"id":14,"method":"ping"})"), "count");
  auto rest_used = std::stoll(request(venue.port, http::verb::get, "/api/v3/ping").used_weight);
  if (now_ms() / 60000 == minute) CAF_CHECK_EQUAL(rest_used, ws_count + 1);
}

CAF_TEST(ws_api_signed_order_methods) {
  CAF_REQUIRE(caf::test::engine::argc() >= 3);
  // The order log (docs/venue.md "Order log") records this connection's orders.
  auto order_log = "/tmp/cwts-ws-api-order-log-" + std::to_string(getpid()) + ".jsonl";
  std::remove(order_log.c_str());
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2], "2000",
                      {"--order-log", order_log});
  ws_api_client c(venue.port);
  // A bid far below the market (the tape trades near 1.19) rests.
  auto placed = c.call(req("1", "order.place",
                           signed_params({{"symbol", "USDCHF"}, {"side", "BUY"},
                                          {"type", "LIMIT"}, {"timeInForce", "GTC"},
                                          {"quantity", "100"}, {"price", "0.5000"},
                                          {"newClientOrderId", "wsapi1"}})));
  CAF_CHECK(placed.rfind("{\"id\":1,\"status\":200,\"result\":{\"symbol\":\"USDCHF\",\"orderId\":",
                         0) == 0);
  CAF_CHECK_EQUAL(str_field(placed, "status"), "NEW");
  CAF_CHECK_EQUAL(str_field(placed, "clientOrderId"), "wsapi1");
  {
    std::ifstream log(order_log);
    std::string first;
    std::getline(log, first);
    CAF_MESSAGE("order log: " << first);
    CAF_CHECK(first.find("\"protocol\":\"ws-api\"") != std::string::npos);
    CAF_CHECK(first.find("\"client_order_id\":\"wsapi1\"") != std::string::npos);
    CAF_CHECK(first.find("\"remote\":\"127.0.0.1:") != std::string::npos);
    CAF_CHECK(first.find("\"outcome\":\"accepted\",\"status\":\"NEW\"") != std::string::npos);
    std::remove(order_log.c_str());
  }
  CAF_CHECK(placed.find("\"fills\":[]") != std::string::npos);
  // Order placement lists the ORDERS limits with the account's counts.
  CAF_CHECK(placed.find("{\"rateLimitType\":\"ORDERS\",\"interval\":\"SECOND\","
                        "\"intervalNum\":10,\"limit\":100000,\"count\":1}") != std::string::npos);
  CAF_CHECK(placed.find("{\"rateLimitType\":\"ORDERS\",\"interval\":\"DAY\","
                        "\"intervalNum\":1,\"limit\":100000000,\"count\":1}") != std::string::npos);
  auto order_id = std::to_string(int_field(placed, "orderId"));
  auto st = c.call(req("2", "order.status",
                       signed_params({{"symbol", "USDCHF"}, {"orderId", order_id}})));
  CAF_CHECK_EQUAL(str_field(st, "clientOrderId"), "wsapi1");
  CAF_CHECK(st.find("\"isWorking\":true") != std::string::npos);
  auto open = c.call(req("3", "openOrders.status", signed_params({{"symbol", "USDCHF"}})));
  CAF_CHECK(open.rfind("{\"id\":3,\"status\":200,\"result\":[{\"symbol\":\"USDCHF\"", 0) == 0);
  auto acct = c.call(req("4", "account.status", signed_params({{"omitZeroBalances", "true"}})));
  CAF_CHECK(acct.find("{\"asset\":\"CHF\",\"free\":\"9999950.00000000\",\"locked\":"
                      "\"50.00000000\"}") != std::string::npos);
  auto canceled = c.call(req("5", "order.cancel",
                             signed_params({{"symbol", "USDCHF"},
                                            {"origClientOrderId", "wsapi1"},
                                            {"newClientOrderId", "wsapicancel1"}})));
  CAF_CHECK_EQUAL(str_field(canceled, "status"), "CANCELED");
  CAF_CHECK_EQUAL(str_field(canceled, "origClientOrderId"), "wsapi1");
  CAF_CHECK_EQUAL(str_field(canceled, "clientOrderId"), "wsapicancel1");
  CAF_CHECK(c.call(req("6", "order.cancel",
                       signed_params({{"symbol", "USDCHF"}, {"orderId", order_id}})))
              .rfind("{\"id\":6,\"status\":400,\"error\":{\"code\":-2011,\"msg\":\"Unknown order "
                     "sent.\"}", 0) == 0);
  CAF_CHECK(c.call(req("7", "order.status",
                       signed_params({{"symbol", "USDCHF"}, {"orderId", "987654321"}})))
              .find("{\"code\":-2013,\"msg\":\"Order does not exist.\"}") != std::string::npos);
  CAF_CHECK(c.call(req("8", "openOrders.cancelAll", signed_params({{"symbol", "USDCHF"}})))
              .find("\"status\":400,\"error\":{\"code\":-2011") != std::string::npos);
  for (auto* coid : {"all1", "all2"})
    c.call(req("9", "order.place",
               signed_params({{"symbol", "USDCHF"}, {"side", "BUY"}, {"type", "LIMIT"},
                              {"timeInForce", "GTC"}, {"quantity", "10"}, {"price", "0.6000"},
                              {"newClientOrderId", coid}})));
  auto all = c.call(req("10", "openOrders.cancelAll", signed_params({{"symbol", "USDCHF"}})));
  CAF_CHECK(all.rfind("{\"id\":10,\"status\":200,\"result\":[{", 0) == 0);
  CAF_CHECK(all.find("\"origClientOrderId\":\"all1\"") != std::string::npos);
  CAF_CHECK(all.find("\"origClientOrderId\":\"all2\"") != std::string::npos);
  CAF_CHECK(c.call(req("11", "order.place",
                       signed_params({{"symbol", "USDCHF"}, {"side", "BUY"}, {"type", "LIMIT"},
                                      {"timeInForce", "GTC"}, {"quantity", "9000000"},
                                      {"price", "1.5000"}})))
              .find("{\"code\":-2010,\"msg\":\"Account has insufficient balance for requested "
                    "action.\"}") != std::string::npos);
  CAF_CHECK(c.call(req("12", "order.place",
                       signed_params({{"symbol", "USDCHF"}, {"side", "UP"}, {"type", "LIMIT"},
                                      {"quantity", "1"}})))
              .find("{\"code\":-1117,\"msg\":\"Invalid side.\"}") != std::string::npos);
  // Security: bad signature, stale timestamp, missing apiKey / signature, unknown key.
  CAF_CHECK(c.call(req("13", "openOrders.status",
                       signed_params({{"symbol", "USDCHF"}}, now_ms(), true)))
              .find("{\"code\":-1022,\"msg\":\"Signature for this request is not valid.\"}")
            != std::string::npos);
  CAF_CHECK(c.call(req("14", "openOrders.status",
                       signed_params({{"symbol", "USDCHF"}}, now_ms() - 60000)))
              .find("{\"code\":-1021,\"msg\":\"Timestamp for this request is outside of the "
                    "recvWindow.\"}") != std::string::npos);
  CAF_CHECK(c.call(req("15", "openOrders.status", R"({"symbol":"USDCHF","timestamp":1})"))
              .find("\"msg\":\"Mandatory parameter 'apiKey' was not sent") != std::string::npos);
  CAF_CHECK(c.call(req("16", "openOrders.status",
                       "{\"symbol\":\"USDCHF\",\"apiKey\":\"" + api_key + "\",\"timestamp\":"
                         + std::to_string(now_ms()) + "}"))
              .find("\"msg\":\"Mandatory parameter 'signature' was not sent")
            != std::string::npos);
  CAF_CHECK(c.call(req("17", "account.status",
                       R"({"apiKey":"nobodysKey","timestamp":1,"signature":"00"})"))
              .rfind("{\"id\":17,\"status\":401,\"error\":{\"code\":-2015,", 0) == 0);
}

// User data for REST-placed orders: NEW, PARTIALLY_FILLED, FILLED and
// CANCELED executionReports and outboundAccountPosition after a fill, each
// wrapped as {"subscriptionId":0,"event":…}; then a WebSocket API order.
CAF_TEST(ws_api_user_data_stream_events) {
  CAF_REQUIRE(caf::test::engine::argc() >= 3);
  // Slow tape: the book holds still between the few prints.
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2], "1");
  ws_api_client c(venue.port);
  CAF_CHECK(c.call(req("1", "userDataStream.subscribe.signature", signed_params({})))
              .rfind("{\"id\":1,\"status\":200,\"result\":{\"subscriptionId\":0}", 0) == 0);
  CAF_CHECK(c.call(R"({"id":2,"method":"session.status"})").find("\"userDataStream\":true")
            != std::string::npos);

  CAF_CHECK_EQUAL(signed_request(venue.port, http::verb::post, "/api/v3/order",
                                 usdchf_order("BUY", "10", "0.5000", "udcancel")).status, 200);
  CAF_CHECK_EQUAL(signed_request(venue.port, http::verb::delete_, "/api/v3/order",
                                 "symbol=USDCHF&origClientOrderId=udcancel").status, 200);
  auto fresh = c.await_event({"\"c\":\"udcancel\"", "\"x\":\"NEW\""});
  CAF_CHECK(fresh.rfind("{\"subscriptionId\":0,\"event\":{\"e\":\"executionReport\",\"E\":", 0)
            == 0);
  for (auto* field : {"\"s\":\"USDCHF\"", "\"S\":\"BUY\"", "\"o\":\"LIMIT\"", "\"f\":\"GTC\"",
                      "\"q\":\"10.00000000\"", "\"p\":\"0.50000000\"", "\"P\":\"0.00000000\"",
                      "\"F\":\"0.00000000\"", "\"g\":-1", "\"C\":\"\"", "\"X\":\"NEW\"",
                      "\"r\":\"NONE\"", "\"i\":", "\"l\":\"0.00000000\"", "\"z\":\"0.00000000\"",
                      "\"L\":\"0.00000000\"", "\"n\":\"0\"", "\"N\":null", "\"T\":", "\"t\":-1",
                      "\"I\":", "\"w\":true", "\"m\":false", "\"M\":false", "\"O\":",
                      "\"Z\":\"0.00000000\"", "\"Y\":\"0.00000000\"", "\"Q\":\"0.00000000\"",
                      "\"W\":", "\"V\":\"NONE\"}}"})
    CAF_CHECK(fresh.find(field) != std::string::npos);
  auto cancel = c.await_event({"\"C\":\"udcancel\"", "\"x\":\"CANCELED\""});
  CAF_CHECK(cancel.find("\"X\":\"CANCELED\"") != std::string::npos);
  CAF_CHECK(!c.await_event({"\"e\":\"outboundAccountPosition\"", "\"a\":\"CHF\""}).empty());

  // A bid at the best ask for more than the level holds: partly filled at
  // once, the rest rests as the best bid; retried if a print moved the book.
  std::string coid, placed;
  for (int attempt = 0; attempt < 5 && str_field(placed, "status") != "PARTIALLY_FILLED";
       ++attempt) {
    auto book = request(venue.port, http::verb::get, "/api/v3/depth?symbol=USDCHF&limit=5").body;
    auto asks = book.find("\"asks\":[[\"");
    CAF_REQUIRE(asks != std::string::npos);
    auto px = book.substr(asks + 10, book.find('"', asks + 10) - asks - 10);
    auto q0 = book.find('"', asks + 10 + px.size() + 1) + 1;
    auto level_qty = std::stoll(book.substr(q0, book.find('.', q0) - q0));
    coid = "udfill" + std::to_string(attempt);
    placed = signed_request(venue.port, http::verb::post, "/api/v3/order",
                            usdchf_order("BUY", std::to_string(level_qty + 7), px, coid)).body;
    if (str_field(placed, "status") != "PARTIALLY_FILLED")
      signed_request(venue.port, http::verb::delete_, "/api/v3/order",
                     "symbol=USDCHF&origClientOrderId=" + coid);
  }
  CAF_REQUIRE_EQUAL(str_field(placed, "status"), "PARTIALLY_FILLED");
  auto left = std::stoll(str_field(placed, "origQty")) - std::stoll(str_field(placed, "executedQty"));
  // Sell the rest into it (same account, STP NONE): the bid fills as maker.
  CAF_CHECK_EQUAL(signed_request(venue.port, http::verb::post, "/api/v3/order",
                                 usdchf_order("SELL", std::to_string(left), str_field(placed, "price"),
                                              "udsell")).status, 200);
  auto id = "\"i\":" + std::to_string(int_field(placed, "orderId")) + ",";
  auto news = c.await_event({id, "\"x\":\"NEW\",\"X\":\"NEW\""});
  CAF_CHECK(news.find("\"w\":false") != std::string::npos); // it traded before resting
  auto partial = c.await_event({id, "\"x\":\"TRADE\",\"X\":\"PARTIALLY_FILLED\""});
  CAF_CHECK(partial.find("\"m\":false") != std::string::npos);
  CAF_CHECK(partial.find("\"N\":\"USD\"") != std::string::npos);
  auto filled = c.await_event({id, "\"x\":\"TRADE\",\"X\":\"FILLED\""});
  CAF_CHECK(filled.find("\"m\":true") != std::string::npos);
  CAF_CHECK_EQUAL(str_field(filled, "z"), str_field(placed, "origQty"));
  auto position = c.await_event({"\"e\":\"outboundAccountPosition\"", "\"a\":\"USD\""});
  CAF_CHECK(position.rfind("{\"subscriptionId\":0,\"event\":{\"e\":\"outboundAccountPosition\"",
                           0) == 0);
  CAF_CHECK(position.find("\"a\":\"CHF\"") != std::string::npos);

  // An order placed over the WebSocket API reports the same way.
  c.call(req("3", "order.place",
             signed_params({{"symbol", "USDCHF"}, {"side", "SELL"}, {"type", "LIMIT"},
                            {"timeInForce", "GTC"}, {"quantity", "5"}, {"price", "5.0000"},
                            {"newClientOrderId", "udws"}})));
  CAF_CHECK(!c.await_event({"\"c\":\"udws\"", "\"x\":\"NEW\"", "\"S\":\"SELL\""}).empty());
  // Unsubscribed: the session has no user data stream any more.
  CAF_CHECK(c.call(R"({"id":4,"method":"userDataStream.unsubscribe"})")
              .rfind("{\"id\":4,\"status\":200,\"result\":{}", 0) == 0);
  CAF_CHECK(c.call(R"({"id":5,"method":"session.status"})").find("\"userDataStream\":false")
            != std::string::npos);
}
