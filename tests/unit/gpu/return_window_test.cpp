// Validated trades -> aligned bucket closes -> log returns
// (actors/gpu/return_window.hpp).
#define CAF_SUITE gpu_return_window
#include "tests/support/unit_test.hpp"

#include <cmath>

#include "actors/gpu/return_window.hpp"

using namespace cwts;
using namespace cwts::gpu;

namespace {

symbol sym(const char* s) {
  return *symbol::parse(s);
}

constexpr int64_t ms = 1'000'000;

} // namespace

CAF_TEST(the_last_price_of_each_bucket_is_its_close_and_quiet_buckets_carry_it) {
  return_window w({sym("AAA"), sym("BBB")}, 100 * ms, 4);
  CAF_CHECK(w.on_trade(sym("AAA"), 100, 10 * ms) == return_window::verdict::accepted);
  w.on_trade(sym("AAA"), 101, 50 * ms); // the close of bucket 0
  w.on_trade(sym("BBB"), 10, 60 * ms);
  w.on_trade(sym("AAA"), 102, 150 * ms); // bucket 1
  // bucket 2: no trade; BBB quiet in 1 and 2
  w.on_trade(sym("AAA"), 99, 350 * ms); // bucket 3
  w.on_trade(sym("BBB"), 11, 360 * ms);
  w.advance(400 * ms); // closes bucket 3
  CAF_CHECK_EQUAL(w.ready(), 3u);
  auto r = w.returns(3);
  CAF_REQUIRE_EQUAL(r.size(), 6u);
  CAF_CHECK_LESS(std::abs(r[0] - std::log(102.0 / 101.0)), 1e-15);
  CAF_CHECK_EQUAL(r[1], 0.0); // bucket 2 carried 102
  CAF_CHECK_LESS(std::abs(r[2] - std::log(99.0 / 102.0)), 1e-15);
  CAF_CHECK_EQUAL(r[3], 0.0);
  CAF_CHECK_EQUAL(r[4], 0.0);
  CAF_CHECK_LESS(std::abs(r[5] - std::log(11.0 / 10.0)), 1e-15);
  CAF_CHECK_EQUAL(w.last_price(0), 99.0);
}

CAF_TEST(a_symbol_that_never_traded_holds_the_window_back) {
  return_window w({sym("AAA"), sym("BBB")}, 100 * ms, 8);
  for (int b = 0; b < 5; ++b)
    w.on_trade(sym("AAA"), 100 + b, b * 100 * ms);
  w.advance(500 * ms);
  CAF_CHECK_EQUAL(w.ready(), 0u);
  w.on_trade(sym("BBB"), 5, 510 * ms);
  w.advance(700 * ms); // buckets 5 and 6 closed with BBB known
  CAF_CHECK_EQUAL(w.ready(), 1u);
}

CAF_TEST(the_window_keeps_only_the_newest_returns) {
  return_window w({sym("AAA")}, 10 * ms, 3);
  for (int b = 0; b < 20; ++b)
    w.on_trade(sym("AAA"), 100.0 * std::exp(0.01 * b), b * 10 * ms);
  w.advance(200 * ms);
  CAF_CHECK_EQUAL(w.ready(), 3u);
  for (double v : w.returns(3))
    CAF_CHECK_LESS(std::abs(v - 0.01), 1e-12);
  // A gap longer than the window: every close is the last price.
  w.advance(10'000 * ms);
  for (double v : w.returns(3))
    CAF_CHECK_EQUAL(v, 0.0);
}

CAF_TEST(bad_unknown_and_late_trades_are_counted_not_applied) {
  return_window w({sym("AAA")}, 100 * ms, 4);
  w.on_trade(sym("AAA"), 100, 250 * ms);
  CAF_CHECK(w.on_trade(sym("ZZZ"), 1, 260 * ms) == return_window::verdict::unknown_symbol);
  CAF_CHECK(w.on_trade(sym("AAA"), -1, 260 * ms) == return_window::verdict::bad_price);
  CAF_CHECK(w.on_trade(sym("AAA"), NAN, 260 * ms) == return_window::verdict::bad_price);
  CAF_CHECK(w.on_trade(sym("AAA"), 90, 150 * ms) == return_window::verdict::late);
  CAF_CHECK_EQUAL(w.last_price(0), 100.0);
  CAF_CHECK_EQUAL(w.count(return_window::verdict::accepted), 1u);
  CAF_CHECK_EQUAL(w.count(return_window::verdict::bad_price), 2u);
  CAF_CHECK_EQUAL(w.count(return_window::verdict::late), 1u);
}
