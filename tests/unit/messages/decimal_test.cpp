#define CAF_SUITE messages_decimal
#include "tests/support/unit_test.hpp"

#include <limits>

#include "messages/decimal.hpp"
#include "messages/ids.hpp"
#include "messages/symbol.hpp"

using namespace cwts;

namespace {

// CAF_CHECK_EQUAL binds its operands by reference: pass values, never a
// member of a temporary optional.
int64_t raw_price(std::string_view text) {
  auto p = price::parse(text);
  CAF_REQUIRE(p.has_value());
  return p->raw;
}

} // namespace

CAF_TEST(parses_binance_decimal_strings_exactly) {
  auto p = price::parse("27123.45000000");
  CAF_REQUIRE(p.has_value());
  CAF_CHECK_EQUAL(p->raw, 2712345000000);
  CAF_CHECK_EQUAL(p->to_string(), "27123.45000000");
  CAF_CHECK_EQUAL(raw_price("0.00000001"), 1);
  CAF_CHECK_EQUAL(raw_price("1"), 100000000);
  CAF_CHECK_EQUAL(raw_price("1."), 100000000);
  CAF_CHECK_EQUAL(raw_price(".5"), 50000000);
  CAF_CHECK_EQUAL(raw_price("-0.5"), -50000000);
  CAF_CHECK_EQUAL(raw_price("+2"), 200000000);
}

CAF_TEST(accepts_trailing_zeros_beyond_eight_decimals) {
  CAF_CHECK_EQUAL(raw_price("1.1234567800000"), 112345678);
}

CAF_TEST(rejects_precision_loss_and_malformed_text) {
  CAF_CHECK(!price::parse("0.000000001"));
  CAF_CHECK(!price::parse(""));
  CAF_CHECK(!price::parse("-"));
  CAF_CHECK(!price::parse("."));
  CAF_CHECK(!price::parse("1e5"));
  CAF_CHECK(!price::parse(" 1"));
  CAF_CHECK(!price::parse("1 "));
  CAF_CHECK(!price::parse("1.2.3"));
  CAF_CHECK(!price::parse("NaN"));
  CAF_CHECK(!price::parse("inf"));
  CAF_CHECK(!price::parse("0x10"));
}

CAF_TEST(rejects_values_outside_int64_after_scaling) {
  // int64 max is 92233720368.54775807 at 8 decimals.
  CAF_CHECK_EQUAL(raw_price("92233720368.54775807"), std::numeric_limits<int64_t>::max());
  CAF_CHECK(!price::parse("92233720368.54775808"));
  CAF_CHECK_EQUAL(raw_price("-92233720368.54775808"), std::numeric_limits<int64_t>::min());
  CAF_CHECK(!price::parse("-92233720368.54775809"));
  CAF_CHECK(!price::parse("99999999999999999999999999999"));
}

CAF_TEST(formats_every_value_back_exactly) {
  CAF_CHECK_EQUAL(price::from_raw(0).to_string(), "0.00000000");
  CAF_CHECK_EQUAL(price::from_raw(1).to_string(), "0.00000001");
  CAF_CHECK_EQUAL(price::from_raw(-1).to_string(), "-0.00000001");
  CAF_CHECK_EQUAL(price::from_raw(std::numeric_limits<int64_t>::min()).to_string(),
                  "-92233720368.54775808");
  for (const char* text : {"27123.45000000", "0.10000000", "123456789.00000001"})
    CAF_CHECK_EQUAL(price::parse(text).value().to_string(), std::string(text));
}

CAF_TEST(notional_uses_a_wide_intermediate) {
  auto p = *price::parse("50000.00000000");
  auto q = *qty::parse("1000.00000000");
  // 5e7 fits, though p.raw * q.raw overflows int64 by far.
  CAF_CHECK_EQUAL(notional_of(p, q).value().to_string(), "50000000.00000000");
  auto tiny = notional_of(*price::parse("0.00000001"), *qty::parse("0.5"));
  CAF_REQUIRE(tiny.has_value());
  CAF_CHECK_EQUAL(tiny->raw, 0); // truncated toward zero
  auto huge = *price::parse("90000000000");
  CAF_CHECK(!notional_of(huge, *qty::parse("2")));
}

CAF_TEST(average_price_from_quote_and_qty) {
  auto avg = average_price(*notional::parse("300.5"), *qty::parse("3"));
  CAF_REQUIRE(avg.has_value());
  CAF_CHECK_EQUAL(avg->to_string(), "100.16666666");
  CAF_CHECK(!average_price(*notional::parse("1"), qty{}));
}

CAF_TEST(symbols_are_upper_case_alphanumerics) {
  CAF_CHECK_EQUAL(symbol::parse("BTCUSDT").value().str(), "BTCUSDT");
  CAF_CHECK(!symbol::parse("btcusdt"));
  CAF_CHECK(!symbol::parse(""));
  CAF_CHECK(!symbol::parse("ABCDEFGHIJKLMNOP")); // 16 chars
  CAF_CHECK_EQUAL(symbol::parse("ABCDEFGHIJKLMNO").value().length(), 15u);
}

CAF_TEST(client_order_ids_follow_binance_rules) {
  CAF_CHECK(is_valid_client_order_id("cwts-1.a:b/c_d"));
  CAF_CHECK(!is_valid_client_order_id(""));
  CAF_CHECK(!is_valid_client_order_id("has space"));
  CAF_CHECK(!is_valid_client_order_id(std::string(37, 'a')));
}
