// Deterministic runs (docs/venue.md "Deterministic seed"): two cwts-venue
// processes started with the same --seed, tape and order flow show the same
// seeded book, the same order ids and the same trade ids; another seed
// seeds other sizes. The replay runs so slowly (--speed 1e-6) that only the
// first print, made before the venue listens, happens during the test.
#define CAF_SUITE venue_seed
#include "tests/support/unit_test.hpp"

#include <string>

#include "venue_client.hpp"

namespace {

// Drops `"key":<digits>` values (wall-clock times) from a JSON text.
std::string without_times(std::string s) {
  for (const char* key : {"\"transactTime\":", "\"workingTime\":", "\"time\":"}) {
    for (auto at = s.find(key); at != std::string::npos; at = s.find(key, at + 1)) {
      auto start = at + std::char_traits<char>::length(key);
      auto end = s.find_first_not_of("0123456789", start);
      s.erase(start, end - start);
    }
  }
  return s;
}

// What a client sees of one run: the book, a MARKET order's fills, a
// resting order's id and the public trades (times removed).
std::string public_outputs(const std::string& binary, const std::string& config,
                           const char* seed) {
  venue_process venue(binary, config, "0.000001", {"--seed", seed});
  auto depth = request(venue.port, http::verb::get, "/api/v3/depth?symbol=USDCHF");
  CAF_REQUIRE_EQUAL(depth.status, 200);
  auto taken = signed_request(venue.port, http::verb::post, "/api/v3/order",
                              "symbol=USDCHF&side=BUY&type=MARKET&quantity=70000");
  CAF_REQUIRE_EQUAL(taken.status, 200);
  CAF_CHECK(contains(taken.body, "\"tradeId\":"));
  auto rested = signed_request(venue.port, http::verb::post, "/api/v3/order",
                               "symbol=USDCHF&side=BUY&type=LIMIT&timeInForce=GTC"
                               "&quantity=100&price=0.5000");
  CAF_REQUIRE_EQUAL(rested.status, 200);
  auto trades = request(venue.port, http::verb::get, "/api/v3/trades?symbol=USDCHF");
  return depth.body + "\n" + without_times(taken.body) + "\n" + without_times(rested.body) + "\n"
         + without_times(trades.body);
}

} // namespace

CAF_TEST(same_seed_same_book_order_ids_and_trade_ids) {
  CAF_REQUIRE(caf::test::engine::argc() >= 3);
  std::string binary = caf::test::engine::argv()[1], config = caf::test::engine::argv()[2];
  auto first = public_outputs(binary, config, "7");
  auto second = public_outputs(binary, config, "7");
  CAF_CHECK_EQUAL(first, second);
  auto other = public_outputs(binary, config, "8");
  CAF_CHECK_NOT_EQUAL(first, other);
  CAF_MESSAGE("seed 7 run:\n" << first.substr(0, 400));
}
