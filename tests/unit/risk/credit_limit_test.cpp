#define CAF_SUITE risk_credit_limit
#include "tests/support/unit_test.hpp"

#include "tests/unit/risk/risk_test_fixture.hpp"

using namespace cwts;
using namespace cwts::risk;
using namespace cwts::risk::testing;

namespace {

void expect_reject(const check_result& r, reject_reason expected) {
  CAF_CHECK(!r.passed);
  reject_reason got = r.reason;
  CAF_CHECK_EQUAL(std::string(to_string(got)), to_string(expected));
  CAF_CHECK(!r.detail.empty());
}

// Account "acct" may have 100 000 of open and in-flight notional; "other" 40 000.
struct credit_fixture : risk_fixture {
  credit_fixture() {
    auto l = default_limits();
    l.credit_limits[account_id{"acct"}] = nt("100000");
    l.credit_limits[account_id{"other"}] = nt("40000");
    checker.set_limits(l, default_rules());
  }

  // Checks and, on a pass, sends: what the risk actor does.
  check_result place(const order_request& o) {
    auto r = check(o);
    if (r.passed)
      send(o);
    return r;
  }

  notional used(const char* account = "acct") { return book.account_exposure(account_id{account}); }

  // 1 + 1 + 1 at 30000, buys and sells: 90 000 used.
  void use_90000() {
    CAF_REQUIRE(place(limit_order("b1", side::buy, "30000", "1")).passed);
    CAF_REQUIRE(place(limit_order("s1", side::sell, "30000", "1")).passed);
    CAF_REQUIRE(place(limit_order("b2", side::buy, "30000", "1")).passed);
    CAF_REQUIRE_EQUAL(used(), nt("90000"));
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(credit_limit_tests, credit_fixture)

CAF_TEST(in_flight_buys_and_sells_both_use_credit) {
  use_90000();
  auto r = check(limit_order("s2", side::sell, "30000", "0.5")); // + 15 000 = 105 000
  expect_reject(r, reject_reason::credit_limit_exceeded);
  CAF_MESSAGE("detail: " << r.detail);
  CAF_CHECK(check(limit_order("s3", side::sell, "30000", "0.333")).passed); // 99 990
}

CAF_TEST(an_order_exactly_at_the_limit_passes) {
  use_90000();
  CAF_CHECK(place(limit_order("s2", side::sell, "30000", "0.333")).passed);
  // 99 990 used: 10 left, and 0.001 at 30000 is 30.
  expect_reject(check(limit_order("s3", side::sell, "30000", "0.001")),
                reject_reason::credit_limit_exceeded);
  auto l = checker.limits();
  l.credit_limits[account_id{"acct"}] = nt("100020");
  checker.set_limits(l, checker.rules());
  CAF_CHECK(check(limit_order("s4", side::sell, "30000", "0.001")).passed); // 100 020
}

CAF_TEST(acknowledged_open_orders_still_use_credit) {
  use_90000();
  for (const char* id : {"b1", "s1", "b2"}) {
    auto o = limit_order(id, side::buy, "30000", "1");
    o.order_side = std::string(id)[0] == 's' ? side::sell : side::buy;
    book.on_execution_report(report(o, order_status::accepted, "0", "0", "0"));
  }
  CAF_CHECK_EQUAL(used(), nt("90000"));
  expect_reject(check(limit_order("s2", side::sell, "30000", "0.5")),
                reject_reason::credit_limit_exceeded);
}

CAF_TEST(fills_release_the_filled_part) {
  use_90000();
  auto b1 = limit_order("b1", side::buy, "30000", "1");
  book.on_execution_report(report(b1, order_status::partially_filled, "0.4", "30000", "0.4"));
  CAF_CHECK_EQUAL(used(), nt("78000"));
  CAF_CHECK(check(limit_order("s2", side::sell, "30000", "0.5")).passed); // 93 000
  book.on_execution_report(report(b1, order_status::filled, "0.6", "30000", "1"));
  CAF_CHECK_EQUAL(used(), nt("60000"));
}

CAF_TEST(cancels_and_rejects_release_everything_left) {
  use_90000();
  auto s1 = limit_order("s1", side::sell, "30000", "1");
  book.on_execution_report(report(s1, order_status::canceled, "0", "0", "0"));
  CAF_CHECK_EQUAL(used(), nt("60000"));
  book.on_order_reject(order_reject{client_order_id{"b2"}, sym("BTCUSDT"),
                                    reject_reason::venue_rejected, "-2010", timestamp_ns{}});
  CAF_CHECK_EQUAL(used(), nt("30000"));
  auto b1 = limit_order("b1", side::buy, "30000", "1");
  book.on_execution_report(report(b1, order_status::expired, "0", "0", "0"));
  CAF_CHECK_EQUAL(used(), nt("0"));
  CAF_CHECK(check(limit_order("big", side::buy, "30000", "2")).passed);
}

CAF_TEST(a_duplicate_id_reject_releases_nothing) {
  use_90000();
  book.on_order_reject(order_reject{client_order_id{"b1"}, sym("BTCUSDT"),
                                    reject_reason::duplicate_client_order_id, "dup",
                                    timestamp_ns{}});
  CAF_CHECK_EQUAL(used(), nt("90000"));
}

CAF_TEST(market_orders_use_credit_at_the_reference_price) {
  CAF_CHECK(place(market_order("m1", side::buy, "2")).passed); // 60 000 at 30000
  CAF_CHECK_EQUAL(used(), nt("60000"));
  refs.set(sym("BTCUSDT"), px("25000"), timestamp_ns{2});
  // Valued when it was sent: a new reference does not change its credit use.
  CAF_CHECK_EQUAL(used(), nt("60000"));
  expect_reject(check(market_order("m2", side::sell, "1.7")), reject_reason::credit_limit_exceeded);
  CAF_CHECK(check(market_order("m3", side::sell, "1.6")).passed); // 40 000
}

CAF_TEST(credit_is_per_account) {
  use_90000();
  auto o = limit_order("x1", side::buy, "30000", "1");
  o.account = account_id{"other"};
  CAF_CHECK(place(o).passed);
  CAF_CHECK_EQUAL(used("other"), nt("30000"));
  CAF_CHECK_EQUAL(used(), nt("90000"));
  auto o2 = limit_order("x2", side::sell, "30000", "0.4"); // 42 000 > 40 000
  o2.account = account_id{"other"};
  expect_reject(check(o2), reject_reason::credit_limit_exceeded);
}

CAF_TEST(an_account_without_a_credit_limit_may_not_trade) {
  auto o = limit_order("a", side::buy, "30000", "0.1");
  o.account = account_id{"stranger"};
  expect_reject(check(o), reject_reason::credit_limit_exceeded);
  o.account = account_id{};
  expect_reject(check(o), reject_reason::credit_limit_exceeded);
}

CAF_TEST_FIXTURE_SCOPE_END()
