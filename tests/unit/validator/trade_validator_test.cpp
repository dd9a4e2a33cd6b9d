#define CAF_SUITE validator_trade_validator
#include "caf/test/unit_test_impl.hpp"

#include "actors/validator/trade_validator.hpp"

using namespace cwts;
using namespace cwts::validator;

namespace {

constexpr int64_t now_ns = 1'700'000'000'000'000'000;

symbol sym(const char* s) {
  auto x = symbol::parse(s);
  CAF_REQUIRE(x.has_value());
  return *x;
}

trade make_trade(const char* s, int64_t id, int64_t ts = now_ns) {
  trade t;
  t.sym = sym(s);
  t.id = trade_id{id};
  t.px = price::from_units(100);
  t.quantity = qty::from_units(1);
  t.ts_event = timestamp_ns{ts};
  t.ts_init = timestamp_ns{now_ns};
  return t;
}

trade_validator make_validator() {
  trade_validator_config cfg;
  cfg.whitelist = {sym("BTCUSDT"), sym("ETHUSDT")};
  cfg.max_age_ns = 1'000'000'000;
  cfg.max_future_skew_ns = 100'000'000;
  CAF_REQUIRE_EQUAL(validate(cfg), "");
  return trade_validator(cfg);
}

} // namespace

CAF_TEST(accepts_a_clean_trade) {
  auto v = make_validator();
  CAF_CHECK_EQUAL(to_string(v.check(make_trade("BTCUSDT", 1), timestamp_ns{now_ns})), "ok");
  CAF_CHECK_EQUAL(v.last_trade_id(sym("BTCUSDT")), 1);
  CAF_CHECK_EQUAL(v.count(trade_verdict::ok), 1u);
}

CAF_TEST(rejects_non_positive_price_and_qty) {
  auto v = make_validator();
  auto t = make_trade("BTCUSDT", 1);
  t.px = price{};
  CAF_CHECK(v.check(t, timestamp_ns{now_ns}) == trade_verdict::non_positive_price);
  t = make_trade("BTCUSDT", 2);
  t.quantity = -qty::from_units(1);
  CAF_CHECK(v.check(t, timestamp_ns{now_ns}) == trade_verdict::non_positive_qty);
  CAF_CHECK_EQUAL(v.count(trade_verdict::non_positive_price), 1u);
  CAF_CHECK_EQUAL(v.count(trade_verdict::non_positive_qty), 1u);
}

CAF_TEST(rejects_symbols_outside_the_whitelist) {
  auto v = make_validator();
  CAF_CHECK(v.check(make_trade("BNBUSDT", 1), timestamp_ns{now_ns})
            == trade_verdict::unknown_symbol);
  CAF_CHECK_EQUAL(to_string(trade_verdict::unknown_symbol), "unknown_symbol");
}

CAF_TEST(rejects_stale_and_future_trades) {
  auto v = make_validator();
  CAF_CHECK(v.check(make_trade("BTCUSDT", 1, now_ns - 1'000'000'001), timestamp_ns{now_ns})
            == trade_verdict::stale);
  CAF_CHECK(v.check(make_trade("BTCUSDT", 2, now_ns + 100'000'001), timestamp_ns{now_ns})
            == trade_verdict::from_future);
  // The bounds themselves are inside.
  CAF_CHECK(v.check(make_trade("BTCUSDT", 3, now_ns - 1'000'000'000), timestamp_ns{now_ns})
            == trade_verdict::ok);
  CAF_CHECK(v.check(make_trade("BTCUSDT", 4, now_ns + 100'000'000), timestamp_ns{now_ns})
            == trade_verdict::ok);
}

CAF_TEST(rejects_duplicates_and_out_of_order_ids_per_symbol) {
  auto v = make_validator();
  timestamp_ns now{now_ns};
  CAF_CHECK(v.check(make_trade("BTCUSDT", 10), now) == trade_verdict::ok);
  CAF_CHECK(v.check(make_trade("BTCUSDT", 10), now) == trade_verdict::duplicate);
  CAF_CHECK(v.check(make_trade("BTCUSDT", 9), now) == trade_verdict::out_of_order);
  // Another symbol has its own sequence.
  CAF_CHECK(v.check(make_trade("ETHUSDT", 5), now) == trade_verdict::ok);
  CAF_CHECK(v.check(make_trade("BTCUSDT", 11), now) == trade_verdict::ok);
  CAF_CHECK_EQUAL(v.count(trade_verdict::duplicate), 1u);
  CAF_CHECK_EQUAL(v.count(trade_verdict::out_of_order), 1u);
  CAF_CHECK_EQUAL(v.total(), 5u);
}

CAF_TEST(rejected_trades_do_not_move_the_sequence) {
  auto v = make_validator();
  timestamp_ns now{now_ns};
  CAF_CHECK(v.check(make_trade("BTCUSDT", 7, now_ns - 5'000'000'000), now)
            == trade_verdict::stale);
  CAF_CHECK_EQUAL(v.last_trade_id(sym("BTCUSDT")), -1);
  CAF_CHECK(v.check(make_trade("BTCUSDT", 7), now) == trade_verdict::ok);
}

CAF_TEST(config_errors_name_the_key) {
  trade_validator_config cfg;
  CAF_CHECK_EQUAL(validate(cfg), "whitelist: empty");
  cfg.whitelist = {sym("BTCUSDT")};
  cfg.max_age_ns = 0;
  CAF_CHECK_EQUAL(validate(cfg), "max_age_ns: must be positive");
}
