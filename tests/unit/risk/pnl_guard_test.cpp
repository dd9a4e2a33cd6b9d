#define CAF_SUITE risk_pnl_guard
#include "tests/support/unit_test.hpp"

#include "actors/risk/pnl_guard.hpp"
#include "tests/unit/risk/risk_test_fixture.hpp"

using namespace cwts;
using namespace cwts::risk;
using namespace cwts::risk::testing;

namespace {

// Loss limit 1000, drawdown limit 500.
struct guard_fixture {
  pnl_guard guard{pnl_limits{nt("1000"), nt("500")}};
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(pnl_guard_tests, guard_fixture)

CAF_TEST(a_loss_within_the_limits_is_no_breach) {
  CAF_CHECK(guard.update(nt("-400"), true).empty());
  CAF_CHECK(guard.update(nt("-500"), true).empty()); // drawdown 500 is not more than 500
  CAF_CHECK_EQUAL(guard.breaches(), 0u);
}

CAF_TEST(loss_beyond_the_limit_is_reported_once) {
  // -1000.00000001: a loss beyond 1000 (also a drawdown beyond 500 from 0).
  auto b = guard.update(nt("-1000.00000001"), true);
  CAF_REQUIRE_EQUAL(b.size(), 2u);
  CAF_CHECK(b[0].kind == pnl_breach_kind::loss_limit);
  CAF_CHECK_EQUAL(b[0].pnl, nt("-1000.00000001"));
  CAF_MESSAGE(b[0].describe());
  CAF_CHECK(b[0].describe().find("loss_limit") != std::string::npos);
  // Deeper, or hovering at the limit: no new breach.
  CAF_CHECK(guard.update(nt("-1500"), false).empty());
  CAF_CHECK(guard.update(nt("-900"), false).empty());
  CAF_CHECK(guard.update(nt("-1100"), false).empty());
  CAF_CHECK_EQUAL(guard.breaches(), 2u);
}

CAF_TEST(drawdown_is_measured_from_the_high_water_mark) {
  CAF_CHECK(guard.update(nt("700"), true).empty());
  CAF_CHECK_EQUAL(guard.high_water(), nt("700"));
  CAF_CHECK(guard.update(nt("200"), true).empty()); // 500 below: at the limit
  auto b = guard.update(nt("199.99"), true);
  CAF_REQUIRE_EQUAL(b.size(), 1u);
  CAF_CHECK(b[0].kind == pnl_breach_kind::drawdown_limit);
  CAF_CHECK_EQUAL(b[0].high_water, nt("700"));
  CAF_MESSAGE(b[0].describe());
  CAF_CHECK(b[0].describe().find("high-water 700") != std::string::npos);
}

CAF_TEST(a_breach_re_arms_only_when_back_within_the_limit_with_the_gate_open) {
  CAF_CHECK_EQUAL(guard.update(nt("-1200"), true).size(), 2u);
  // Recovered while the node is halted (gate closed): still latched.
  CAF_CHECK(guard.update(nt("-100"), false).empty());
  CAF_CHECK(guard.latched(pnl_breach_kind::loss_limit));
  CAF_CHECK(guard.update(nt("-1200"), false).empty());
  // Trading reset (gate open) and within the limits: re-armed.
  CAF_CHECK(guard.update(nt("-100"), true).empty());
  CAF_CHECK(!guard.latched(pnl_breach_kind::loss_limit));
  auto again = guard.update(nt("-1200"), true);
  CAF_CHECK_EQUAL(again.size(), 2u);
}

CAF_TEST(a_raised_limit_re_arms_at_the_next_update) {
  CAF_CHECK_EQUAL(guard.update(nt("-1200"), true).size(), 2u);
  guard.set_limits(pnl_limits{nt("2000"), nt("2000")});
  CAF_CHECK(guard.update(nt("-1200"), true).empty());
  CAF_CHECK(!guard.latched(pnl_breach_kind::loss_limit));
  CAF_CHECK(!guard.latched(pnl_breach_kind::drawdown_limit));
  CAF_CHECK_EQUAL(guard.update(nt("-2000.5"), true).size(), 2u);
}

CAF_TEST_FIXTURE_SCOPE_END()

// The book's total: realized plus unrealized over every symbol.
CAF_TEST(total_pnl_adds_realized_and_unrealized_over_symbols) {
  position_book book;
  reference_prices refs;
  auto buy = limit_order("b", side::buy, "30000", "1");
  book.on_order_sent(buy);
  book.on_execution_report(report(buy, order_status::filled, "1", "30000", "1"));
  auto sell = limit_order("s", side::sell, "30500", "0.5");
  book.on_order_sent(sell);
  book.on_execution_report(report(sell, order_status::filled, "0.5", "30500", "0.5"));
  // Realized 250; 0.5 left at 30000, no mark yet: unrealized counted as zero.
  CAF_CHECK_EQUAL(book.total_pnl(refs), nt("250"));
  refs.set(sym("BTCUSDT"), px("28000"), timestamp_ns{1});
  CAF_CHECK_EQUAL(book.total_pnl(refs), nt("-750")); // 250 - 0.5 × 2000
}
