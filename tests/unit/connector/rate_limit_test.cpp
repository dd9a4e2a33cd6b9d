#define CAF_SUITE connector_rate_limit
#include "tests/support/unit_test.hpp"

// rest-api.md, LIMITS: after HTTP 429 (or a 418 ban) the client sends
// nothing until Retry-After has passed; requests meanwhile are refused
// locally (not_sent), counted, and never reach the venue.

#include <atomic>
#include <thread>

#include "actors/connector/binance_rest_gateway.hpp"
#include "tests/unit/connector/test_server.hpp"
#include "tests/integration/support/wait_until.hpp"

using namespace cwts;
using namespace cwts::connector;
using namespace std::chrono_literals;

namespace {

gateway_config config_for(uint16_t port) {
  gateway_config cfg;
  cfg.port = port;
  cfg.api_key = "key";
  cfg.secret = "secret";
  return cfg;
}

int count_requests(const cwts::test::http_test_server& server) {
  return static_cast<int>(server.requests().size());
}

} // namespace

CAF_TEST(a_429_pauses_every_request_until_retry_after) {
  std::atomic<int> answered{0};
  cwts::test::http_test_server server([&](const cwts::test::recorded_request&) {
    if (answered++ == 0)
      return cwts::test::canned_reply{
        429,
        R"({"code":-1003,"msg":"Too much request weight used; current limit is 6000 request weight per 1 MINUTE."})",
        {{"Retry-After", "1"}}};
    return cwts::test::canned_reply{200, "[]", {}};
  });
  binance_rest_gateway gw(config_for(server.port()));
  auto first = gw.open_orders(*symbol::parse("USDCHF"));
  CAF_CHECK_EQUAL(std::string(to_string(first.kind)), "rejected");
  CAF_CHECK_EQUAL(first.error.code, -1003);
  CAF_CHECK_EQUAL(gw.rate_limits().http_429.load(), 1);
  CAF_CHECK(gw.paused_for().count() > 0);
  CAF_CHECK(!gw.banned());

  // During the pause nothing is sent, signed or not.
  auto second = gw.open_orders(*symbol::parse("USDCHF"));
  auto third = gw.server_time();
  CAF_CHECK_EQUAL(std::string(to_string(second.kind)), "not_sent");
  CAF_CHECK_EQUAL(std::string(to_string(third.kind)), "not_sent");
  CAF_CHECK_EQUAL(second.detail.rfind("rate_limited: ", 0), 0u);
  CAF_CHECK_EQUAL(gw.rate_limits().refused.load(), 2);
  CAF_CHECK_EQUAL(count_requests(server), 1);

  // After Retry-After, requests flow again (bounded wait, not a timing check).
  itest::wait_until([&] { return gw.paused_for().count() <= 0; }, 3s, 10ms);
  auto later = gw.open_orders(*symbol::parse("USDCHF"));
  CAF_CHECK(later.ok());
  CAF_CHECK_EQUAL(count_requests(server), 2);
}

CAF_TEST(a_418_ban_is_reported_and_pauses_for_retry_after) {
  cwts::test::http_test_server server([](const cwts::test::recorded_request&) {
    return cwts::test::canned_reply{
      418, R"({"code":-1003,"msg":"Way too much request weight used; IP banned until 1700000000000."})",
      {{"Retry-After", "120"}}};
  });
  binance_rest_gateway gw(config_for(server.port()));
  order_request req;
  req.id = client_order_id{"b1"};
  req.sym = *symbol::parse("USDCHF");
  req.limit_price = *price::parse("1");
  req.quantity = *qty::parse("1");
  auto placed = gw.place_order(req);
  CAF_CHECK_EQUAL(std::string(to_string(placed.kind)), "rejected");
  CAF_CHECK(gw.banned());
  CAF_CHECK_EQUAL(gw.rate_limits().http_418.load(), 1);
  CAF_CHECK(gw.paused_for() > 100s);
  auto again = gw.place_order(req);
  CAF_CHECK_EQUAL(std::string(to_string(again.kind)), "not_sent");
  CAF_CHECK_NOT_EQUAL(again.detail.find("IP banned (HTTP 418)"), std::string::npos);
  CAF_CHECK_EQUAL(count_requests(server), 1);
}

CAF_TEST(a_429_without_retry_after_pauses_one_second) {
  cwts::test::http_test_server server([](const cwts::test::recorded_request&) {
    return cwts::test::canned_reply{429, R"({"code":-1003,"msg":"Too much request weight used."})", {}};
  });
  binance_rest_gateway gw(config_for(server.port()));
  gw.open_orders(*symbol::parse("USDCHF"));
  CAF_CHECK(gw.paused_for() > 0ms);
  CAF_CHECK(gw.paused_for() <= 1000ms);
}
