#define CAF_SUITE risk_pre_trade_check
#include "tests/support/unit_test.hpp"

#include <limits>

#include "tests/unit/risk/risk_test_fixture.hpp"

using namespace cwts;
using namespace cwts::risk;
using namespace cwts::risk::testing;

namespace {

// Binds the reason to a local: CAF_CHECK_EQUAL holds its operands by
// reference.
void expect_reject(const check_result& r, reject_reason expected) {
  CAF_CHECK(!r.passed);
  reject_reason got = r.reason;
  CAF_CHECK_EQUAL(std::string(to_string(got)), to_string(expected));
  CAF_CHECK(!r.detail.empty());
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(pre_trade_check_tests, risk_fixture)

CAF_TEST(passes_a_valid_limit_order_without_detail) {
  auto r = check(limit_order("a", side::buy, "30000", "1"));
  CAF_CHECK(r.passed);
  CAF_CHECK(r.detail.empty());
  CAF_CHECK_EQUAL(checker.passed(), 1u);
  CAF_CHECK_EQUAL(checker.rejected_total(), 0u);
}

CAF_TEST(rejects_every_order_when_the_kill_gate_is_closed) {
  gate.close(1);
  expect_reject(check(limit_order("a", side::buy, "30000", "1")), reject_reason::kill_gate_closed);
  expect_reject(check(limit_order("b", side::sell, "30000", "1")),
                reject_reason::kill_gate_closed);
  CAF_CHECK_EQUAL(checker.rejected(reject_reason::kill_gate_closed), 2u);
}

CAF_TEST(halted_mode_rejects_new_orders) {
  expect_reject(check(limit_order("a", side::buy, "30000", "1"), trading_mode::halted),
                reject_reason::trading_halted);
}

CAF_TEST(reducing_mode_passes_only_position_reducing_orders) {
  fill("f1", side::buy, "1", "30000");
  // Long 1: a sell of up to 1 shrinks it, a buy or a larger sell does not.
  CAF_CHECK(check(limit_order("s", side::sell, "30000", "0.5"), trading_mode::reducing).passed);
  expect_reject(check(limit_order("b", side::buy, "30000", "0.5"), trading_mode::reducing),
                reject_reason::reducing_only);
  expect_reject(check(limit_order("s2", side::sell, "30000", "1.5"), trading_mode::reducing),
                reject_reason::reducing_only);
}

CAF_TEST(reducing_mode_counts_pending_orders_on_the_same_side) {
  fill("f1", side::buy, "1", "30000");
  book.on_order_sent(limit_order("s1", side::sell, "30000", "0.8"));
  // 0.8 already on its way out: another 0.5 would flip the position short.
  expect_reject(check(limit_order("s2", side::sell, "30000", "0.5"), trading_mode::reducing),
                reject_reason::reducing_only);
  CAF_CHECK(check(limit_order("s3", side::sell, "30000", "0.2"), trading_mode::reducing).passed);
}

CAF_TEST(reducing_mode_rejects_everything_when_flat) {
  expect_reject(check(limit_order("b", side::buy, "30000", "0.1"), trading_mode::reducing),
                reject_reason::reducing_only);
  expect_reject(check(limit_order("s", side::sell, "30000", "0.1"), trading_mode::reducing),
                reject_reason::reducing_only);
}

CAF_TEST(rejects_duplicate_client_order_id) {
  auto o = limit_order("dup", side::buy, "30000", "1");
  CAF_CHECK(check(o).passed);
  book.on_order_sent(o);
  expect_reject(check(o), reject_reason::duplicate_client_order_id);
  // Still refused after the first order ended.
  book.on_execution_report(report(o, order_status::filled, "1", "30000", "1"));
  expect_reject(check(o), reject_reason::duplicate_client_order_id);
}

CAF_TEST(rejects_unknown_symbol) {
  auto o = limit_order("a", side::buy, "30000", "1");
  o.sym = sym("DOGEUSDT");
  expect_reject(check(o), reject_reason::unknown_symbol);
}

CAF_TEST(rejects_symbol_that_is_not_tradable) {
  auto o = limit_order("a", side::buy, "2000", "1");
  o.sym = sym("ETHUSDT");
  refs.set(o.sym, px("2000"), timestamp_ns{1});
  expect_reject(check(o), reject_reason::unknown_symbol);
}

CAF_TEST(rejects_non_positive_limit_price) {
  expect_reject(check(limit_order("a", side::buy, "0", "1")), reject_reason::invalid_price);
  expect_reject(check(limit_order("b", side::buy, "-1", "1")), reject_reason::invalid_price);
}

CAF_TEST(rejects_price_off_tick) {
  expect_reject(check(limit_order("a", side::buy, "30000.005", "1")),
                reject_reason::invalid_price);
}

CAF_TEST(rejects_market_order_carrying_a_price) {
  auto o = market_order("a", side::buy, "1");
  o.limit_price = px("30000");
  expect_reject(check(o), reject_reason::invalid_price);
}

CAF_TEST(rejects_non_positive_qty) {
  expect_reject(check(limit_order("a", side::buy, "30000", "0")), reject_reason::invalid_qty);
  expect_reject(check(limit_order("b", side::buy, "30000", "-1")), reject_reason::invalid_qty);
}

CAF_TEST(rejects_qty_off_lot_step) {
  expect_reject(check(limit_order("a", side::buy, "30000", "0.0015")), reject_reason::invalid_qty);
}

CAF_TEST(rejects_order_below_min_notional) {
  // On tick and lot, but 0.001 × 30000 = 30 is below a min notional of 100.
  auto rules = default_rules();
  rules[sym("BTCUSDT")].min_notional = nt("100");
  checker.set_limits(default_limits(), rules);
  expect_reject(check(limit_order("a", side::buy, "30000", "0.001")),
                reject_reason::below_min_notional);
  CAF_CHECK(check(limit_order("b", side::buy, "30000", "0.004")).passed);
}

CAF_TEST(rejects_order_above_max_qty) {
  expect_reject(check(limit_order("a", side::buy, "30000", "2.001")),
                reject_reason::max_qty_exceeded);
}

CAF_TEST(rejects_order_above_max_notional) {
  // 2 × 30000 = 60000 passes; raise the reference so 2 × 52000 = 104000 > 100000.
  CAF_CHECK(check(limit_order("a", side::buy, "30000", "2")).passed);
  refs.set(sym("BTCUSDT"), px("52000"), timestamp_ns{2});
  expect_reject(check(limit_order("b", side::buy, "52000", "2")),
                reject_reason::max_notional_exceeded);
}

CAF_TEST(rejects_notional_overflow_as_max_notional) {
  auto limits = default_limits();
  limits.per_symbol[sym("BTCUSDT")].max_order_qty = qty::from_raw(std::numeric_limits<int64_t>::max());
  checker.set_limits(limits, default_rules());
  refs.set(sym("BTCUSDT"), px("90000000000"), timestamp_ns{2});
  auto o = limit_order("a", side::buy, "90000000000", "90000000000");
  expect_reject(check(o), reject_reason::max_notional_exceeded);
}

CAF_TEST(rejects_limit_price_outside_collar) {
  // 5 % of 30000 = 1500: 31500 and 28500 are inside, a tick further is not.
  CAF_CHECK(check(limit_order("a", side::buy, "31500", "1")).passed);
  CAF_CHECK(check(limit_order("b", side::sell, "28500", "1")).passed);
  expect_reject(check(limit_order("c", side::buy, "31500.01", "1")),
                reject_reason::price_collar_breached);
  expect_reject(check(limit_order("d", side::sell, "28499.99", "1")),
                reject_reason::price_collar_breached);
}

CAF_TEST(rejects_limit_and_market_orders_without_reference_price) {
  reference_prices empty;
  auto r1 = checker.check(limit_order("a", side::buy, "30000", "1"), trading_mode::active, empty,
                          book, now_ns);
  expect_reject(r1, reject_reason::no_reference_price);
  auto r2 = checker.check(market_order("b", side::buy, "1"), trading_mode::active, empty, book,
                          now_ns);
  expect_reject(r2, reject_reason::no_reference_price);
}

CAF_TEST(values_market_orders_at_the_reference_price) {
  CAF_CHECK(check(market_order("a", side::buy, "2")).passed);
  refs.set(sym("BTCUSDT"), px("60000"), timestamp_ns{2});
  expect_reject(check(market_order("b", side::buy, "2")), reject_reason::max_notional_exceeded);
}

CAF_TEST(position_limit_counts_position_open_and_in_flight_orders) {
  fill("f1", side::buy, "1", "30000");
  auto open = limit_order("o1", side::buy, "30000", "1");
  book.on_order_sent(open);
  book.on_execution_report(report(open, order_status::accepted, "0", "0", "0"));
  book.on_order_sent(limit_order("i1", side::buy, "30000", "0.5"));
  // 1 held + 1 open + 0.5 in flight + 0.5 = 3: at the limit. One lot more is not.
  CAF_CHECK(check(limit_order("a", side::buy, "30000", "0.5")).passed);
  expect_reject(check(limit_order("b", side::buy, "30000", "0.501")),
                reject_reason::position_limit_exceeded);
  // Selling is measured on the other side: 1 - 2 = -1 is well inside.
  CAF_CHECK(check(limit_order("c", side::sell, "30000", "2")).passed);
}

CAF_TEST(position_limit_applies_to_short_positions) {
  fill("f1", side::sell, "2", "30000");
  CAF_CHECK(check(limit_order("a", side::sell, "30000", "1")).passed);
  expect_reject(check(limit_order("b", side::sell, "30000", "1.001")),
                reject_reason::position_limit_exceeded);
}

CAF_TEST(released_exposure_frees_the_position_limit) {
  fill("f1", side::buy, "2", "30000");
  auto o = limit_order("o1", side::buy, "30000", "1");
  book.on_order_sent(o);
  expect_reject(check(limit_order("a", side::buy, "30000", "0.5")),
                reject_reason::position_limit_exceeded);
  book.on_execution_report(report(o, order_status::canceled, "0", "0", "0"));
  CAF_CHECK(check(limit_order("b", side::buy, "30000", "0.5")).passed);
}

CAF_TEST(counts_rejections_per_reason) {
  check(limit_order("a", side::buy, "30000", "5"));
  check(limit_order("b", side::buy, "30000", "5"));
  check(limit_order("c", side::buy, "40000", "1"));
  check(limit_order("d", side::buy, "30000", "1"));
  CAF_CHECK_EQUAL(checker.rejected(reject_reason::max_qty_exceeded), 2u);
  CAF_CHECK_EQUAL(checker.rejected(reject_reason::price_collar_breached), 1u);
  CAF_CHECK_EQUAL(checker.rejected_total(), 3u);
  CAF_CHECK_EQUAL(checker.passed(), 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()
