#define CAF_SUITE risk_limit_change
#include "tests/support/unit_test.hpp"

#include "actors/risk/limit_change.hpp"
#include "tests/unit/risk/risk_test_fixture.hpp"

using namespace cwts;
using namespace cwts::risk;
using namespace cwts::risk::testing;

namespace {

struct change_fixture {
  risk_limits limits = default_limits();

  std::string change(const std::string& target, const std::string& field,
                     const std::string& value) {
    return apply_limit_change(limits, "n1", target, field, value);
  }

  const symbol_limits& btc() { return limits.per_symbol.at(sym("BTCUSDT")); }
  const strategy_limits& mm() { return limits.per_strategy.at(strategy_id{"mm"}); }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(limit_change_tests, change_fixture)

CAF_TEST(changes_each_symbol_field) {
  CAF_CHECK_EQUAL(change("BTCUSDT", "max-order-qty", "2.5"), "");
  CAF_CHECK_EQUAL(btc().max_order_qty, qt("2.5"));
  CAF_CHECK_EQUAL(change("BTCUSDT", "max-order-notional", "50000"), "");
  CAF_CHECK_EQUAL(btc().max_order_notional, nt("50000"));
  CAF_CHECK_EQUAL(change("BTCUSDT", "price-collar-bps", "250"), "");
  CAF_CHECK_EQUAL(btc().price_collar_bps, 250);
  CAF_CHECK_EQUAL(change("BTCUSDT", "max-position", "7"), "");
  CAF_CHECK_EQUAL(btc().max_position, qt("7"));
}

CAF_TEST(changes_account_strategy_and_node_fields) {
  CAF_CHECK_EQUAL(change("acct", "credit-limit", "123456.78"), "");
  CAF_CHECK_EQUAL(limits.credit_limits.at(account_id{"acct"}), nt("123456.78"));
  CAF_CHECK_EQUAL(change("mm", "max-messages-per-second", "40"), "");
  CAF_CHECK_EQUAL(mm().max_messages_per_second, 40);
  CAF_CHECK_EQUAL(change("mm", "max-fills-per-window", "7"), "");
  CAF_CHECK_EQUAL(mm().max_fills_per_window, 7);
  CAF_CHECK_EQUAL(change("mm", "fill-window-ms", "250"), "");
  CAF_CHECK_EQUAL(mm().fill_window_ms, 250);
  CAF_CHECK_EQUAL(change("n1", "loss-limit", "5000"), "");
  CAF_CHECK_EQUAL(limits.pnl.loss_limit, nt("5000"));
  CAF_CHECK_EQUAL(change("n1", "drawdown-limit", "2500"), "");
  CAF_CHECK_EQUAL(limits.pnl.drawdown_limit, nt("2500"));
}

CAF_TEST(refuses_unknown_fields_and_targets) {
  CAF_CHECK_EQUAL(change("BTCUSDT", "max-leverage", "3"), "unknown field 'max-leverage'");
  CAF_CHECK_EQUAL(change("DOGEUSDT", "max-order-qty", "1"),
                  "max-order-qty: unknown symbol 'DOGEUSDT'");
  CAF_CHECK_EQUAL(change("btcusdt", "max-order-qty", "1"),
                  "max-order-qty: unknown symbol 'btcusdt'");
  CAF_CHECK_EQUAL(change("nobody", "credit-limit", "1"), "credit-limit: unknown account 'nobody'");
  CAF_CHECK_EQUAL(change("xx", "max-fills-per-window", "1"),
                  "max-fills-per-window: unknown strategy 'xx'");
  CAF_CHECK(change("n2", "loss-limit", "1").find("target must be this node") != std::string::npos);
}

CAF_TEST(refuses_bad_values_and_leaves_the_limits_unchanged) {
  auto before = btc();
  for (const char* v : {"", "abc", "1e3", " 2", "2 ", "0", "-1", "1.000000001", "0x10"})
    CAF_CHECK(!change("BTCUSDT", "max-order-qty", v).empty());
  CAF_CHECK_EQUAL(btc().max_order_qty, before.max_order_qty);
  for (const char* v : {"0", "10001", "-5", "+5", "2.5", "5 ", "99999999999999999999"})
    CAF_CHECK(!change("BTCUSDT", "price-collar-bps", v).empty());
  CAF_CHECK_EQUAL(btc().price_collar_bps, before.price_collar_bps);
  CAF_CHECK(!change("mm", "max-messages-per-second", "100001").empty());
  CAF_CHECK(!change("acct", "credit-limit", "-1").empty());
  CAF_CHECK_EQUAL(change("acct", "credit-limit", "x"),
                  "credit-limit: 'x' is not a decimal with at most 8 places");
  CAF_CHECK_EQUAL(limits.credit_limits.at(account_id{"acct"}), nt("200000"));
}

CAF_TEST_FIXTURE_SCOPE_END()
