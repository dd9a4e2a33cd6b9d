#define CAF_SUITE connector_http
#include "tests/support/unit_test.hpp"

#include "actors/connector/binance_rest_gateway.hpp"
#include "common/hmac.hpp"
#include "tests/unit/connector/test_server.hpp"

using namespace cwts;
using namespace cwts::connector;
using namespace std::chrono_literals;
using cwts::test::canned_reply;
using cwts::test::recorded_request;
using cwts::test::server_mode;

namespace {

constexpr const char* secret = "test-secret";

canned_reply ok_time(const recorded_request&) {
  return {200, R"({"serverTime":1499827319559})"};
}

http_request get_time() {
  http_request req;
  req.target = "/api/v3/time";
  return req;
}

gateway_config config_for(uint16_t port, std::chrono::milliseconds timeout = 2000ms) {
  gateway_config cfg;
  cfg.port = port;
  cfg.api_key = "test-key";
  cfg.secret = secret;
  cfg.request_timeout = timeout;
  cfg.cancel_all_pause = 5ms;
  return cfg;
}

// The signature must cover exactly the bytes before "&signature=".
bool signature_valid(const std::string& target) {
  auto q = target.find('?');
  auto s = target.find("&signature=");
  if (q == std::string::npos || s == std::string::npos)
    return false;
  auto payload = target.substr(q + 1, s - q - 1);
  return signatures_equal(hmac_sha256_hex(secret, payload), target.substr(s + 11));
}

order_request limit_buy(const char* id) {
  order_request req;
  req.id = client_order_id{id};
  req.sym = *symbol::parse("BTCUSDT");
  req.order_side = side::buy;
  req.type = order_type::limit;
  req.tif = time_in_force::gtc;
  req.limit_price = *price::parse("100");
  req.quantity = *qty::parse("0.5");
  return req;
}

// A venue double for order entry: echoes the client order id back.
canned_reply order_venue(const recorded_request& r) {
  if (!signature_valid(r.target))
    return {401, R"({"code":-1022,"msg":"Signature for this request is not valid."})"};
  auto q = cwts::test::split_query(r.target);
  if (q["newClientOrderId"] == "reject-me")
    return {400, R"({"code":-2010,"msg":"Account has insufficient balance for requested action."})"};
  if (q["newClientOrderId"] == "crash-me")
    return {503, R"({"code":-1001,"msg":"Internal error."})"};
  return {200, R"({"symbol":"BTCUSDT","orderId":28,"orderListId":-1,"clientOrderId":")"
                 + q["newClientOrderId"] + R"(","transactTime":1507725176595,"price":"100.00000000",
    "origQty":"0.50000000","executedQty":"0.00000000","cummulativeQuoteQty":"0.00000000",
    "status":"NEW","timeInForce":"GTC","type":"LIMIT","side":"BUY","fills":[]})"};
}

} // namespace

CAF_TEST(keeps_the_connection_alive_and_measures_rtt) {
  cwts::test::http_test_server server(ok_time);
  http_client client("127.0.0.1", server.port(), 2000ms);
  auto a = client.send(get_time());
  auto b = client.send(get_time());
  CAF_REQUIRE(a.ok() && b.ok());
  CAF_CHECK_EQUAL(a.value().status, 200u);
  CAF_CHECK_EQUAL(b.value().body, R"({"serverTime":1499827319559})");
  CAF_CHECK(b.value().reused_connection);
  CAF_CHECK(b.value().rtt_ns > 0);
  auto weight = b.value().used_weight_1m.value_or(-1);
  CAF_CHECK_EQUAL(weight, 2);
  CAF_CHECK_EQUAL(client.connections_opened(), 1u);
  CAF_CHECK_EQUAL(server.connections(), 1);
}

CAF_TEST(reconnects_when_the_server_closed_the_kept_alive_connection) {
  cwts::test::http_test_server server(ok_time);
  server.set_mode(server_mode::respond_then_close);
  http_client client("127.0.0.1", server.port(), 2000ms);
  // The server's FIN may race our next write; an idempotent GET is then
  // sent again on a fresh connection.
  auto req = get_time();
  req.idempotent = true;
  for (int i = 0; i < 3; ++i) {
    auto r = client.send(req);
    CAF_CHECK(r.ok());
  }
  CAF_CHECK(client.connections_opened() >= 3u);
}

CAF_TEST(refused_connection_is_surely_not_delivered) {
  http_client client("127.0.0.1", cwts::test::unused_port(), 2000ms);
  auto r = client.send(get_time());
  CAF_REQUIRE(!r);
  CAF_CHECK_EQUAL(std::string(to_string(r.error().failure)), "connect_failed");
  CAF_CHECK_EQUAL(std::string(to_string(r.error().delivered)), "not_sent");
}

CAF_TEST(hanging_server_times_out_with_unknown_outcome) {
  cwts::test::http_test_server server(ok_time);
  server.set_mode(server_mode::hang);
  http_client client("127.0.0.1", server.port(), 200ms);
  auto r = client.send(get_time());
  CAF_REQUIRE(!r);
  CAF_CHECK_EQUAL(std::string(to_string(r.error().failure)), "timeout");
  CAF_CHECK_EQUAL(std::string(to_string(r.error().delivered)), "unknown");
}

CAF_TEST(closed_without_reply_is_unknown_outcome) {
  cwts::test::http_test_server server(ok_time);
  server.set_mode(server_mode::close_silently);
  http_client client("127.0.0.1", server.port(), 2000ms);
  http_request req = get_time();
  req.method = boost::beast::http::verb::post;
  auto r = client.send(req);
  CAF_REQUIRE(!r);
  CAF_CHECK_EQUAL(std::string(to_string(r.error().failure)), "connection_closed");
  CAF_CHECK_EQUAL(std::string(to_string(r.error().delivered)), "unknown");
}

CAF_TEST(places_a_signed_limit_order) {
  cwts::test::http_test_server server(order_venue);
  binance_rest_gateway gw(config_for(server.port()));
  CAF_REQUIRE_EQUAL(validate(gw.config()), "");
  auto r = gw.place_order(limit_buy("ord-1"));
  CAF_CHECK_EQUAL(std::string(to_string(r.kind)), "ok");
  CAF_CHECK_EQUAL(r.value.client_id.value, "ord-1");
  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 1u);
  CAF_CHECK_EQUAL(reqs[0].method, "POST");
  CAF_CHECK_EQUAL(reqs[0].api_key, "test-key");
  auto q = cwts::test::split_query(reqs[0].target);
  CAF_CHECK_EQUAL(q["price"], "100.00000000");
  CAF_CHECK_EQUAL(q["quantity"], "0.50000000");
  CAF_CHECK_EQUAL(q["timeInForce"], "GTC");
  CAF_CHECK_EQUAL(q["newOrderRespType"], "FULL");
  CAF_CHECK_EQUAL(q["recvWindow"], "5000");
}

CAF_TEST(market_orders_carry_neither_price_nor_time_in_force) {
  cwts::test::http_test_server server(order_venue);
  binance_rest_gateway gw(config_for(server.port()));
  auto req = limit_buy("mkt-1");
  req.type = order_type::market;
  req.limit_price = price{};
  auto r = gw.place_order(req);
  CAF_CHECK(r.ok());
  auto q = cwts::test::split_query(server.requests().at(0).target);
  CAF_CHECK_EQUAL(q.count("price"), 0u);
  CAF_CHECK_EQUAL(q.count("timeInForce"), 0u);
  CAF_CHECK_EQUAL(q["type"], "MARKET");
}

CAF_TEST(venue_rejects_and_internal_errors_are_told_apart) {
  cwts::test::http_test_server server(order_venue);
  binance_rest_gateway gw(config_for(server.port()));
  auto rej = gw.place_order(limit_buy("reject-me"));
  CAF_CHECK_EQUAL(std::string(to_string(rej.kind)), "rejected");
  CAF_CHECK_EQUAL(rej.error.code, -2010);
  // rest-api.md: 5XX means the execution status is unknown.
  auto crash = gw.place_order(limit_buy("crash-me"));
  CAF_CHECK_EQUAL(std::string(to_string(crash.kind)), "unknown");
  // Invalid input never leaves the process.
  auto bad = gw.place_order(limit_buy("has space"));
  CAF_CHECK_EQUAL(std::string(to_string(bad.kind)), "not_sent");
  CAF_CHECK_EQUAL(server.requests().size(), 2u);
}

CAF_TEST(hanging_venue_gives_unknown_order_outcome_and_no_resend) {
  cwts::test::http_test_server server(order_venue);
  server.set_mode(server_mode::hang);
  binance_rest_gateway gw(config_for(server.port(), 200ms));
  auto r = gw.place_order(limit_buy("slow-1"));
  CAF_CHECK_EQUAL(std::string(to_string(r.kind)), "unknown");
  CAF_CHECK(r.detail.find("timeout") == 0);
  CAF_CHECK_EQUAL(server.requests().size(), 1u);
}

CAF_TEST(cancel_all_counts_and_verifies) {
  int open = 3;
  cwts::test::http_test_server server([&open](const recorded_request& r) -> canned_reply {
    if (r.method == "DELETE") {
      if (open == 0)
        return {400, R"({"code":-2011,"msg":"Unknown order sent."})"};
      std::string body = "[";
      for (int i = 0; i < open; ++i)
        body += i == 0 ? "{}" : ",{}";
      open = 0;
      return {200, body + "]"};
    }
    return {200, "[]"};
  });
  binance_rest_gateway gw(config_for(server.port()));
  auto res = gw.cancel_all(*symbol::parse("BTCUSDT"), std::chrono::steady_clock::now() + 5s);
  CAF_CHECK_EQUAL(res.canceled, 3);
  CAF_CHECK(res.verified_empty());
  CAF_CHECK_EQUAL(res.cancel_requests, 1);
  CAF_CHECK_EQUAL(res.query_requests, 1);
  CAF_CHECK_EQUAL(res.retries, 0);
  CAF_CHECK(res.duration_ns > 0);
  CAF_CHECK_EQUAL(res.error, "");
  // Nothing open: -2011 is zero canceled, not an error.
  res = gw.cancel_all(*symbol::parse("BTCUSDT"), std::chrono::steady_clock::now() + 5s);
  CAF_CHECK_EQUAL(res.canceled, 0);
  CAF_CHECK(res.verified_empty());
  CAF_CHECK_EQUAL(res.error, "");
}

CAF_TEST(cancel_all_reports_what_remains_at_the_deadline) {
  cwts::test::http_test_server server([](const recorded_request& r) -> canned_reply {
    if (r.method == "DELETE")
      return {400, R"({"code":-2011,"msg":"Unknown order sent."})"};
    return {200, "[{}]"}; // one order the venue never cancels
  });
  binance_rest_gateway gw(config_for(server.port()));
  // A round the deadline cuts mid-request still reports the deadline and
  // the count of the last query that answered.
  auto res = gw.cancel_all(*symbol::parse("BTCUSDT"),
                           std::chrono::steady_clock::now() + 300ms);
  CAF_CHECK(!res.verified_empty());
  auto remaining = res.remaining.value_or(-1);
  CAF_CHECK_EQUAL(remaining, 1);
  CAF_CHECK_EQUAL(res.cancel_requests, res.retries + 1);
  CAF_CHECK(res.error.find("deadline passed") == 0);
}

// The deadline falls while a round's request is in flight (the venue hangs
// after its first answer): the result still says the deadline passed, with
// the count the last answered query gave and the round's own failure.
CAF_TEST(cancel_all_cut_mid_request_by_the_deadline_reports_the_last_count) {
  cwts::test::http_test_server* self = nullptr;
  cwts::test::http_test_server server([&self](const recorded_request& r) -> canned_reply {
    if (r.method == "DELETE")
      return {400, R"({"code":-2011,"msg":"Unknown order sent."})"};
    self->set_mode(server_mode::hang); // every later request hangs
    return {200, "[{}]"};
  });
  self = &server;
  binance_rest_gateway gw(config_for(server.port()));
  auto res = gw.cancel_all(*symbol::parse("BTCUSDT"),
                           std::chrono::steady_clock::now() + 200ms);
  CAF_CHECK(!res.verified_empty());
  CAF_CHECK_EQUAL(res.remaining.value_or(-1), 1);
  CAF_CHECK_EQUAL(res.retries, 1);
  CAF_CHECK(res.error.find("deadline passed with 1 open orders remaining") == 0);
  CAF_CHECK_NOT_EQUAL(res.error.find("timeout"), std::string::npos);
}

CAF_TEST(measures_server_time_offset) {
  cwts::test::http_test_server server(ok_time);
  binance_rest_gateway gw(config_for(server.port()));
  auto r = gw.server_time();
  CAF_REQUIRE(r.ok());
  CAF_CHECK_EQUAL(r.value.server_ms, 1499827319559);
  CAF_CHECK(r.value.offset_ms < 0); // the double's clock is in 2017
  CAF_CHECK(r.value.rtt_ns > 0);
}
