#define CAF_SUITE strategy_market_maker_amend
#include "tests/support/unit_test.hpp"

#include <string>
#include <string_view>
#include <vector>

#include "actors/strategy/market_maker.hpp"
#include "tests/unit/strategy/market_maker_test_support.hpp"

// [strategy] requote = amend: a working quote moves with one amend_request
// (cancel/replace) instead of a cancel and, later, a new order.

using namespace cwts;
using namespace cwts::strategy;
using namespace cwts::strategy::testing;

namespace {

market_maker_config amend_config() {
  auto c = base_config();
  c.requote = requote_mode::amend;
  return c;
}

struct amend_fixture {
  int next = 0;
  market_maker mm{amend_config(), [this] { return client_order_id{"id" + std::to_string(++next)}; }};
  int64_t clock = 1'000'000;

  std::vector<strategy_action> trade_at(std::string_view p) {
    trade t;
    t.sym = *symbol::parse("BTCUSDT");
    t.px = px(p);
    t.quantity = qt("0.1");
    clock += 1'000'000;
    return mm.on_trade(t, timestamp_ns{clock});
  }

  void report(const client_order_id& id, side s, order_status st, std::string_view cum) {
    execution_report r;
    r.id = id;
    r.sym = *symbol::parse("BTCUSDT");
    r.order_side = s;
    r.status = st;
    r.cum_qty = qt(cum);
    mm.on_execution_report(r, timestamp_ns{clock});
  }

  void reject(const client_order_id& id, reject_reason why) {
    order_reject r;
    r.id = id;
    r.sym = *symbol::parse("BTCUSDT");
    r.reason = why;
    mm.on_reject(r);
  }

  // Both quotes placed at 100 and acknowledged: bid 99.98, ask 100.02.
  void quote_and_ack() {
    trade_at("100");
    report(mm.bid()->id, side::buy, order_status::accepted, "0");
    report(mm.ask()->id, side::sell, order_status::accepted, "0");
  }
};

const amend_request* amend_of(const std::vector<strategy_action>& v, side s) {
  for (const auto& a : v)
    if (auto* m = std::get_if<amend_request>(&a); m && m->replacement.order_side == s)
      return m;
  return nullptr;
}

size_t count_of_kind(const std::vector<strategy_action>& v, size_t index) {
  size_t n = 0;
  for (const auto& a : v)
    n += a.index() == index ? 1 : 0;
  return n;
}

} // namespace

CAF_TEST(requote_mode_parses_cancel_and_amend_only) {
  CAF_CHECK(parse_requote_mode("cancel") == requote_mode::cancel);
  CAF_CHECK(parse_requote_mode("amend") == requote_mode::amend);
  CAF_CHECK(!parse_requote_mode("replace").has_value());
  CAF_CHECK(!parse_requote_mode("").has_value());
  CAF_CHECK_EQUAL(std::string(to_string(requote_mode::amend)), "amend");
  CAF_CHECK(market_maker_config{}.requote == requote_mode::cancel); // the default
}

CAF_TEST_FIXTURE_SCOPE(market_maker_amend_tests, amend_fixture)

CAF_TEST(a_working_quote_moves_with_one_amend_not_a_cancel) {
  quote_and_ack();
  auto old_bid = *mm.bid();
  auto acts = trade_at("100.05"); // 5 ticks >= 3
  CAF_REQUIRE_EQUAL(acts.size(), 2u);
  CAF_CHECK_EQUAL(count_of_kind(acts, 2), 2u); // two amends, no cancel, no new order
  const auto* m = amend_of(acts, side::buy);
  CAF_REQUIRE(m != nullptr);
  CAF_CHECK_EQUAL(m->original.value, old_bid.id.value);
  CAF_CHECK(m->replacement.id != old_bid.id);
  CAF_CHECK_EQUAL(m->replacement.limit_price.raw, raw("100.03"));
  CAF_CHECK_EQUAL(m->replacement.quantity.raw, qt("1").raw);
  CAF_CHECK_EQUAL(m->replacement.strategy.value, "mm1");
  CAF_CHECK_EQUAL(m->replacement.account.value, "acct-1");
  CAF_CHECK(mm.bid()->state == quote_state::pending_cancel);
  CAF_CHECK_EQUAL(mm.bid()->replacement.value, m->replacement.id.value);
  // While the amend is in flight nothing more is sent on that side.
  CAF_CHECK(amend_of(trade_at("100.20"), side::buy) == nullptr);
}

CAF_TEST(the_replacement_takes_the_side_once_the_original_is_canceled) {
  quote_and_ack();
  auto old_bid = *mm.bid();
  auto acts = trade_at("100.05");
  auto replacement = amend_of(acts, side::buy)->replacement;
  report(old_bid.id, side::buy, order_status::canceled, "0");
  CAF_REQUIRE(mm.bid().has_value());
  CAF_CHECK_EQUAL(mm.bid()->id.value, replacement.id.value);
  CAF_CHECK_EQUAL(mm.bid()->px.raw, raw("100.03"));
  CAF_CHECK(mm.bid()->state == quote_state::pending_new);
  CAF_CHECK(mm.bid()->replacement.empty());
  // The replacement's own reports drive it from here: a fill counts once.
  report(replacement.id, side::buy, order_status::accepted, "0");
  CAF_CHECK(mm.bid()->state == quote_state::working);
  report(replacement.id, side::buy, order_status::partially_filled, "0.4");
  CAF_CHECK_EQUAL(mm.inventory().raw, qt("0.4").raw);
  // A partly filled quote is amended again (inventory moved: stale).
  auto again = trade_at("100.05");
  const auto* m2 = amend_of(again, side::buy);
  CAF_REQUIRE(m2 != nullptr);
  CAF_CHECK_EQUAL(m2->original.value, replacement.id.value);
}

CAF_TEST(a_refused_amend_leaves_the_original_working) {
  quote_and_ack();
  auto old_bid = *mm.bid();
  auto acts = trade_at("100.05");
  auto replacement = amend_of(acts, side::buy)->replacement;
  reject(replacement.id, reject_reason::max_notional_exceeded); // risk refused the replacement
  CAF_REQUIRE(mm.bid().has_value());
  CAF_CHECK_EQUAL(mm.bid()->id.value, old_bid.id.value);
  CAF_CHECK(mm.bid()->state == quote_state::working);
  CAF_CHECK(mm.bid()->replacement.empty());
  CAF_CHECK_EQUAL(mm.rejects(), 1u);
  // The next move amends it again.
  CAF_CHECK(amend_of(trade_at("100.06"), side::buy) != nullptr);
}

CAF_TEST(an_original_filled_before_its_cancel_frees_the_side_when_the_oms_refuses_the_replacement) {
  quote_and_ack();
  auto old_bid = *mm.bid();
  auto replacement = amend_of(trade_at("100.05"), side::buy)->replacement;
  report(old_bid.id, side::buy, order_status::filled, "1");
  CAF_CHECK_EQUAL(mm.inventory().raw, qt("1").raw);
  CAF_REQUIRE(mm.bid().has_value());
  CAF_CHECK_EQUAL(mm.bid()->id.value, replacement.id.value);
  reject(replacement.id, reject_reason::replace_refused);
  CAF_CHECK(!mm.bid().has_value());
}

CAF_TEST(a_quote_not_yet_acknowledged_is_cancelled_not_amended) {
  trade_at("100"); // no acks
  auto acts = trade_at("100.05");
  CAF_CHECK_EQUAL(count_of_kind(acts, 1), 2u); // two cancels
  CAF_CHECK_EQUAL(count_of_kind(acts, 2), 0u);
}

CAF_TEST(a_replacement_working_after_the_mode_stopped_quoting_is_cancelled) {
  quote_and_ack();
  auto old_bid = *mm.bid();
  auto replacement = amend_of(trade_at("100.05"), side::buy)->replacement;
  CAF_CHECK(mm.on_trading_mode(trading_mode::reducing, timestamp_ns{clock}).empty());
  report(old_bid.id, side::buy, order_status::canceled, "0");
  report(replacement.id, side::buy, order_status::accepted, "0"); // the OMS sent it anyway
  auto acts = trade_at("100.05");
  CAF_REQUIRE_EQUAL(count_of_kind(acts, 1), 1u);
  CAF_CHECK_EQUAL(std::get<cancel_request>(acts[0]).id.value, replacement.id.value);
  CAF_CHECK(mm.bid()->state == quote_state::pending_cancel);
}

// Resync (issue 24) with an amend in flight: a new OMS that holds both the
// original and its replacement carries the amend out, so neither is
// cancelled; one that holds neither lets the side be quoted again.
CAF_TEST(a_resync_keeps_an_amend_the_new_oms_holds_and_drops_one_it_lacks) {
  quote_and_ack();
  auto old_bid = *mm.bid();
  auto old_ask = *mm.ask();
  auto acts = trade_at("100.05");
  auto replacement = amend_of(acts, side::buy)->replacement;
  restored_order original{order_request{}, qt("0"), true};
  original.request = replacement;
  original.request.id = old_bid.id;
  original.request.limit_price = old_bid.px;
  restored_order pending{replacement, qt("0"), false};
  mm.begin_resync();
  auto r = mm.resync({original, pending}, timestamp_ns{clock});
  CAF_CHECK(r.actions.empty()); // no cancel of the replacement, none of the original
  CAF_CHECK_EQUAL(r.kept, 1);
  CAF_CHECK_EQUAL(r.dropped, 1); // the ask and its amend: the new OMS has neither
  CAF_REQUIRE(mm.bid());
  CAF_CHECK_EQUAL(mm.bid()->id, old_bid.id);
  CAF_CHECK_EQUAL(mm.bid()->replacement, replacement.id);
  CAF_CHECK(!mm.ask());
  report(old_bid.id, side::buy, order_status::canceled, "0");
  CAF_REQUIRE(mm.bid());
  CAF_CHECK_EQUAL(mm.bid()->id, replacement.id);
  auto again = trade_at("100.05");
  CAF_CHECK_EQUAL(count_of_kind(again, 0), 1u); // a new ask, nothing on the bid side
  CAF_CHECK(std::get<order_request>(again[0]).id != old_ask.id);
}

CAF_TEST_FIXTURE_SCOPE_END()
