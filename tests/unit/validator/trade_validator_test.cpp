#define CAF_SUITE validator_trade_validator
#include "tests/support/unit_test.hpp"

#include <set>
#include <string>

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
  auto verdict = v.check(make_trade("BTCUSDT", 1), timestamp_ns{now_ns});
  CAF_CHECK_EQUAL(std::string(to_string(verdict)), "ok");
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
  CAF_CHECK_EQUAL(std::string(to_string(trade_verdict::unknown_symbol)), "unknown_symbol");
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

CAF_TEST(counts_trade_id_gaps_without_rejecting) {
  auto v = make_validator();
  timestamp_ns now{now_ns};
  CAF_CHECK(v.check(make_trade("BTCUSDT", 10), now) == trade_verdict::ok);
  CAF_CHECK(v.check(make_trade("BTCUSDT", 11), now) == trade_verdict::ok);
  CAF_CHECK_EQUAL(v.trade_id_gaps(), 0u);
  // Ids 12..14 never arrived (a stream that was away): accepted, counted.
  CAF_CHECK(v.check(make_trade("BTCUSDT", 15), now) == trade_verdict::ok);
  CAF_CHECK_EQUAL(v.trade_id_gaps(), 1u);
  CAF_CHECK_EQUAL(v.trade_ids_missed(), 3u);
  // The first trade of a symbol is no gap; neither is the next id.
  CAF_CHECK(v.check(make_trade("ETHUSDT", 500), now) == trade_verdict::ok);
  CAF_CHECK(v.check(make_trade("ETHUSDT", 501), now) == trade_verdict::ok);
  CAF_CHECK_EQUAL(v.trade_id_gaps(), 1u);
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

namespace {

book_top make_top(const char* s, int64_t id, int64_t bid, int64_t ask, bool local = false) {
  book_top t;
  t.sym = sym(s);
  t.update_id = id;
  t.bid_px = price::from_units(bid);
  t.bid_qty = qty::from_units(1);
  t.ask_px = price::from_units(ask);
  t.ask_qty = qty::from_units(2);
  t.from_local_book = local;
  t.ts_event = timestamp_ns{now_ns};
  t.ts_init = timestamp_ns{now_ns};
  return t;
}

trade_validator collared(int64_t bps) {
  trade_validator_config cfg;
  cfg.whitelist = {sym("BTCUSDT")};
  cfg.collar_bps = bps;
  CAF_REQUIRE_EQUAL(validate(cfg), "");
  return trade_validator(cfg);
}

} // namespace

CAF_TEST(rejects_trades_no_venue_message_can_carry_as_schema) {
  auto v = make_validator();
  timestamp_ns now{now_ns};
  auto t = make_trade("BTCUSDT", 1);
  t.sym = symbol{};
  CAF_CHECK(v.check(t, now) == trade_verdict::schema);
  t = make_trade("BTCUSDT", -1);
  CAF_CHECK(v.check(t, now) == trade_verdict::schema);
  t = make_trade("BTCUSDT", 1, 0);
  CAF_CHECK(v.check(t, now) == trade_verdict::schema);
  CAF_CHECK_EQUAL(v.count(trade_verdict::schema), 3u);
  CAF_CHECK_EQUAL(std::string(to_string(trade_verdict::schema)), "schema");
}

CAF_TEST(rejects_prices_outside_the_collar_around_the_last_validated_reference) {
  auto v = collared(500); // 5 %
  timestamp_ns now{now_ns};
  CAF_CHECK(v.check(make_trade("BTCUSDT", 1), now) == trade_verdict::ok); // sets 100
  auto t = make_trade("BTCUSDT", 2);
  t.px = price::from_units(106);
  CAF_CHECK(v.check(t, now) == trade_verdict::price_collar);
  CAF_CHECK_EQUAL(v.reference(sym("BTCUSDT")).to_string(), "100.00000000");
  t.px = price::from_units(94);
  CAF_CHECK(v.check(t, now) == trade_verdict::price_collar);
  t.px = price::from_units(105); // on the bound: inside
  CAF_CHECK(v.check(t, now) == trade_verdict::ok);
  CAF_CHECK_EQUAL(v.reference(sym("BTCUSDT")).to_string(), "105.00000000");
  // A rejected trade's id does not move the sequence either.
  CAF_CHECK_EQUAL(v.last_trade_id(sym("BTCUSDT")), 2);
  CAF_CHECK_EQUAL(v.count(trade_verdict::price_collar), 2u);
  // A top's mid is checked against, and then becomes, the reference.
  CAF_CHECK(v.check(make_top("BTCUSDT", 1, 120, 122), now) == trade_verdict::price_collar);
  CAF_CHECK(v.check(make_top("BTCUSDT", 2, 104, 106), now) == trade_verdict::ok);
  CAF_CHECK_EQUAL(std::string(to_string(trade_verdict::price_collar)), "price_collar");
  // Off: anything positive passes.
  auto off = collared(0);
  CAF_CHECK(off.check(make_trade("BTCUSDT", 1), now) == trade_verdict::ok);
  t = make_trade("BTCUSDT", 2);
  t.px = price::from_units(1000);
  CAF_CHECK(off.check(t, now) == trade_verdict::ok);
}

CAF_TEST(rejects_crossed_and_locked_books) {
  auto v = make_validator();
  timestamp_ns now{now_ns};
  CAF_CHECK(v.check(make_top("BTCUSDT", 1, 101, 100), now) == trade_verdict::crossed_book);
  CAF_CHECK(v.check(make_top("BTCUSDT", 2, 100, 100), now) == trade_verdict::crossed_book);
  CAF_CHECK(v.check(make_top("BTCUSDT", 3, 99, 100), now) == trade_verdict::ok);
  CAF_CHECK_EQUAL(v.count(trade_verdict::crossed_book), 2u);
  // One empty side is not crossed.
  auto t = make_top("BTCUSDT", 4, 0, 100);
  t.bid_qty = qty{};
  CAF_CHECK(v.check(t, now) == trade_verdict::ok);
  CAF_CHECK_EQUAL(std::string(to_string(trade_verdict::crossed_book)), "crossed_book");
}

CAF_TEST(checks_book_tops_per_reason) {
  auto v = make_validator();
  timestamp_ns now{now_ns};
  auto t = make_top("BTCUSDT", 1, 99, 100);
  t.bid_qty = -qty::from_units(1);
  CAF_CHECK(v.check(t, now) == trade_verdict::non_positive_qty);
  t = make_top("BTCUSDT", 1, 99, 100);
  t.ask_px = -price::from_units(1);
  CAF_CHECK(v.check(t, now) == trade_verdict::non_positive_price);
  CAF_CHECK(v.check(make_top("BNBUSDT", 1, 99, 100), now) == trade_verdict::unknown_symbol);
  t = make_top("BTCUSDT", 1, 99, 100);
  t.ts_event = timestamp_ns{now_ns - 2'000'000'000};
  CAF_CHECK(v.check(t, now) == trade_verdict::stale);
  t.ts_event = timestamp_ns{now_ns + 2'000'000'000};
  CAF_CHECK(v.check(t, now) == trade_verdict::from_future);
  t = make_top("BTCUSDT", -5, 99, 100);
  CAF_CHECK(v.check(t, now) == trade_verdict::schema);
  // Sequence: the book update id, per source.
  CAF_CHECK(v.check(make_top("BTCUSDT", 10, 99, 100), now) == trade_verdict::ok);
  CAF_CHECK(v.check(make_top("BTCUSDT", 10, 99, 100), now) == trade_verdict::duplicate);
  CAF_CHECK(v.check(make_top("BTCUSDT", 9, 99, 100), now) == trade_verdict::out_of_order);
  CAF_CHECK(v.check(make_top("BTCUSDT", 10, 99, 100, true), now) == trade_verdict::ok);
  CAF_CHECK_EQUAL(v.tops_checked(), 10u);
}

CAF_TEST(every_reason_has_a_distinct_name) {
  std::set<std::string> names;
  for (std::size_t i = 0; i < trade_verdict_count; ++i)
    names.insert(to_string(static_cast<trade_verdict>(i)));
  CAF_CHECK_EQUAL(names.size(), trade_verdict_count);
  CAF_CHECK(names.count("?") == 0);
}
