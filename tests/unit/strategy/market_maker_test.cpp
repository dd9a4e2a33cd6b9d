#define CAF_SUITE strategy_market_maker
#include "tests/support/unit_test.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "actors/strategy/market_maker.hpp"
#include "tests/unit/strategy/market_maker_test_support.hpp"

using namespace cwts;
using namespace cwts::strategy;
using namespace cwts::strategy::testing;

namespace {

struct mm_fixture {
  int next = 0;
  market_maker mm{base_config(), [this] { return client_order_id{"id" + std::to_string(++next)}; }};
  int64_t clock = 1'000'000;

  std::vector<strategy_action> trade_at(std::string_view p, int64_t advance_ns = 1'000'000) {
    trade t;
    t.sym = *symbol::parse("BTCUSDT");
    t.px = px(p);
    t.quantity = qt("0.1");
    clock += advance_ns;
    return mm.on_trade(t, timestamp_ns{clock});
  }

  std::vector<strategy_action> report(const live_quote& q, order_status st,
                                      std::string_view cum) {
    execution_report r;
    r.id = q.id;
    r.sym = *symbol::parse("BTCUSDT");
    r.order_side = q.quote_side;
    r.status = st;
    r.cum_qty = qt(cum);
    r.last_qty = r.cum_qty - q.cum;
    r.last_price = q.px;
    return mm.on_execution_report(r, timestamp_ns{clock});
  }

  // Acknowledges both quotes.
  void ack_all() {
    if (mm.bid())
      report(*mm.bid(), order_status::accepted, "0");
    if (mm.ask())
      report(*mm.ask(), order_status::accepted, "0");
  }
};

size_t count_orders(const std::vector<strategy_action>& v) {
  size_t n = 0;
  for (const auto& a : v)
    n += std::holds_alternative<order_request>(a) ? 1 : 0;
  return n;
}

size_t count_cancels(const std::vector<strategy_action>& v) {
  return v.size() - count_orders(v);
}

// What an OMS holds of quote `q` (acknowledged, `cum` filled).
restored_order held(const live_quote& q, std::string_view cum, bool acked = true) {
  order_request r;
  r.id = q.id;
  r.strategy.value = "mm1";
  r.account.value = "acct-1";
  r.sym = *symbol::parse("BTCUSDT");
  r.order_side = q.quote_side;
  r.type = order_type::limit;
  r.limit_price = q.px;
  r.quantity = q.quantity;
  return restored_order{r, qt(cum), acked};
}

const order_request* order_on(const std::vector<strategy_action>& v, side s) {
  for (const auto& a : v)
    if (auto* o = std::get_if<order_request>(&a); o && o->order_side == s)
      return o;
  return nullptr;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(market_maker_tests, mm_fixture)

CAF_TEST(quotes_appear_around_fair_value_on_tick) {
  auto acts = trade_at("100.004"); // fair value rounds to 100.00
  CAF_REQUIRE_EQUAL(count_orders(acts), 2u);
  const auto* bid = order_on(acts, side::buy);
  const auto* ask = order_on(acts, side::sell);
  CAF_REQUIRE(bid != nullptr && ask != nullptr);
  int64_t bid_px = bid->limit_price.raw;
  int64_t ask_px = ask->limit_price.raw;
  CAF_CHECK_EQUAL(bid_px, raw("99.98"));
  CAF_CHECK_EQUAL(ask_px, raw("100.02"));
  CAF_CHECK_EQUAL(bid_px % raw("0.01"), 0);
  CAF_CHECK_EQUAL(bid->quantity.raw, qt("1").raw);
  CAF_CHECK_EQUAL(bid->strategy.value, "mm1");
  CAF_CHECK_EQUAL(bid->account.value, "acct-1");
  CAF_CHECK_EQUAL(ask->account.value, "acct-1");
  CAF_CHECK(bid->id != ask->id);
}

CAF_TEST(no_quotes_before_the_first_trade_or_for_other_symbols) {
  CAF_CHECK(!mm.desired_quotes().bid.has_value());
  trade t;
  t.sym = *symbol::parse("ETHUSDT");
  t.px = px("2000");
  CAF_CHECK(mm.on_trade(t, timestamp_ns{1}).empty());
  CAF_CHECK(!mm.fair_value().has_value());
}

CAF_TEST(fair_value_is_an_ema_of_trade_prices) {
  auto cfg = base_config();
  cfg.ema_weight_ppm = 500'000;
  market_maker m(cfg, [] { return client_order_id{"x"}; });
  trade t;
  t.sym = cfg.sym;
  t.px = px("100");
  m.on_trade(t, timestamp_ns{1});
  t.px = px("102");
  m.on_trade(t, timestamp_ns{2});
  int64_t fv = m.fair_value()->raw;
  CAF_CHECK_EQUAL(fv, raw("101"));
}

CAF_TEST(quotes_skew_against_inventory) {
  trade_at("100");
  ack_all();
  report(*mm.bid(), order_status::filled, "1"); // long 1
  CAF_CHECK_EQUAL(mm.inventory().raw, qt("1").raw);
  auto q = mm.desired_quotes();
  // One tick lower per quote_qty held: bid 99.97, ask 100.01.
  CAF_REQUIRE(q.bid && q.ask);
  int64_t b = q.bid->raw;
  int64_t a = q.ask->raw;
  CAF_CHECK_EQUAL(b, raw("99.97"));
  CAF_CHECK_EQUAL(a, raw("100.01"));
}

CAF_TEST(side_that_would_exceed_max_inventory_is_not_quoted) {
  trade_at("100");
  ack_all();
  report(*mm.bid(), order_status::filled, "1");
  trade_at("100"); // new bid, stale ask canceled
  CAF_REQUIRE(mm.bid().has_value());
  report(*mm.bid(), order_status::accepted, "0");
  report(*mm.bid(), order_status::filled, "1"); // long 2 = max
  auto q = mm.desired_quotes();
  CAF_CHECK(!q.bid.has_value());
  CAF_CHECK(q.ask.has_value());
  auto next = trade_at("100");
  CAF_CHECK(order_on(next, side::buy) == nullptr);
}

CAF_TEST(requotes_only_when_price_moves_by_the_threshold) {
  trade_at("100");
  ack_all();
  CAF_CHECK(trade_at("100.02").empty()); // 2 ticks < 3
  auto acts = trade_at("100.03");        // 3 ticks: cancel both
  CAF_CHECK_EQUAL(count_cancels(acts), 2u);
  CAF_CHECK_EQUAL(count_orders(acts), 0u);
  CAF_CHECK(mm.bid()->state == quote_state::pending_cancel);
}

CAF_TEST(requote_is_cancel_then_new_never_two_orders_per_side) {
  trade_at("100");
  ack_all();
  auto old_bid = *mm.bid();
  trade_at("100.05");
  // Cancel pending: more trades add nothing on that side.
  CAF_CHECK(trade_at("100.10").empty());
  report(old_bid, order_status::canceled, "0");
  auto acts = trade_at("100.10");
  const auto* bid = order_on(acts, side::buy);
  CAF_REQUIRE(bid != nullptr);
  int64_t p = bid->limit_price.raw;
  CAF_CHECK_EQUAL(p, raw("100.08"));
  CAF_CHECK(bid->id != old_bid.id);
}

CAF_TEST(partial_fill_requotes_regardless_of_threshold) {
  trade_at("100");
  ack_all();
  report(*mm.ask(), order_status::partially_filled, "0.5");
  CAF_CHECK_EQUAL(mm.inventory().raw, qt("-0.5").raw);
  auto acts = trade_at("100");
  CAF_CHECK_EQUAL(count_cancels(acts), 2u);
  // A repeated report does not count the fill twice.
  report(*mm.ask(), order_status::partially_filled, "0.5");
  CAF_CHECK_EQUAL(mm.inventory().raw, qt("-0.5").raw);
}

CAF_TEST(throttle_spaces_order_actions) {
  auto cfg = base_config();
  cfg.min_action_interval = std::chrono::milliseconds(10);
  int n = 0;
  market_maker m(cfg, [&n] { return client_order_id{"t" + std::to_string(++n)}; });
  trade t;
  t.sym = cfg.sym;
  t.px = px("100");
  CAF_CHECK_EQUAL(m.on_trade(t, timestamp_ns{1'000'000}).size(), 2u);
  execution_report r;
  r.id = m.bid()->id;
  r.status = order_status::rejected;
  m.on_execution_report(r, timestamp_ns{2'000'000}); // bid gone: would be re-placed at once without a throttle
  CAF_CHECK(m.on_trade(t, timestamp_ns{5'000'000}).empty());
  CAF_CHECK(m.on_trade(t, timestamp_ns{10'999'999}).empty());
  CAF_CHECK_EQUAL(m.on_trade(t, timestamp_ns{11'000'000}).size(), 1u);
}

CAF_TEST(halting_cancels_live_orders_and_stops_quoting) {
  trade_at("100");
  ack_all();
  auto cancels = mm.on_trading_mode(trading_mode::halted, timestamp_ns{clock});
  CAF_CHECK_EQUAL(count_cancels(cancels), 2u);
  CAF_CHECK(trade_at("105").empty());
  report(*mm.bid(), order_status::canceled, "0");
  report(*mm.ask(), order_status::canceled, "0");
  CAF_CHECK(trade_at("105").empty());
  CAF_CHECK(!mm.bid().has_value() && !mm.ask().has_value());
  CAF_CHECK(mm.on_trading_mode(trading_mode::active, timestamp_ns{clock}).empty());
  CAF_CHECK_EQUAL(count_orders(trade_at("105")), 2u);
}

CAF_TEST(reducing_mode_also_stops_quoting_and_cancels_in_flight_quotes) {
  trade_at("100"); // both quotes still pending_new
  auto cancels = mm.on_trading_mode(trading_mode::reducing, timestamp_ns{clock});
  CAF_CHECK_EQUAL(count_cancels(cancels), 2u);
  CAF_CHECK(mm.on_trading_mode(trading_mode::halted, timestamp_ns{clock}).empty());
}

CAF_TEST(rejected_new_quote_frees_its_side) {
  trade_at("100");
  order_reject rej;
  rej.id = mm.bid()->id;
  rej.reason = reject_reason::price_collar_breached;
  mm.on_reject(rej);
  CAF_CHECK(!mm.bid().has_value());
  CAF_CHECK_EQUAL(mm.rejects(), 1u);
  auto acts = trade_at("100");
  CAF_CHECK(order_on(acts, side::buy) != nullptr);
}

CAF_TEST(refused_cancel_leaves_the_quote_working) {
  trade_at("100");
  ack_all();
  trade_at("100.05");
  order_reject rej;
  rej.id = mm.bid()->id;
  rej.reason = reject_reason::unknown_order;
  mm.on_reject(rej);
  CAF_CHECK(mm.bid()->state == quote_state::working);
}

// Issue 24 (strategy resync): the OMS restarted. A quote the new OMS does
// not hold would wait forever for its reports: it is forgotten and the side
// quoted again; a quote it holds is kept, with fills the old OMS saw.
CAF_TEST(resync_forgets_quotes_the_new_oms_lacks_and_keeps_its_fills) {
  trade_at("100.00");
  CAF_REQUIRE(mm.bid() && mm.ask());
  report(*mm.ask(), order_status::accepted, "0");
  auto bid = *mm.bid(); // still pending_new: its ack went to the old OMS
  auto ask = *mm.ask();
  CAF_CHECK(trade_at("100.00").empty()); // nothing to do while both sides are live
  auto acts = mm.resync({held(ask, "0.4")}, timestamp_ns{clock}).actions;
  CAF_CHECK(acts.empty());
  CAF_CHECK(!mm.bid());
  CAF_REQUIRE(mm.ask());
  CAF_CHECK_EQUAL(mm.ask()->id, ask.id);
  CAF_CHECK(mm.ask()->state == quote_state::working);
  CAF_CHECK_EQUAL(mm.inventory().raw, -qt("0.4").raw); // the sell fill the old OMS saw
  // The next trade quotes the bid again (and requotes the ask: inventory moved).
  acts = trade_at("100.00");
  CAF_REQUIRE(order_on(acts, side::buy) != nullptr);
  CAF_CHECK(order_on(acts, side::buy)->id != bid.id);
  CAF_CHECK_EQUAL(count_cancels(acts), 1u);
}

CAF_TEST(resync_resends_a_cancel_and_cancels_extra_orders_of_the_strategy) {
  trade_at("100.00");
  ack_all();
  trade_at("101.00"); // moved past the threshold: both quotes being cancelled
  CAF_REQUIRE(mm.bid() && mm.bid()->state == quote_state::pending_cancel);
  auto bid = *mm.bid();
  auto ask = *mm.ask();
  // The new OMS holds the bid (the cancel may never have left), not the ask,
  // plus an order of this strategy on the sell side it adopted from the
  // venue and a second unknown buy; and orders of others.
  live_quote adopted{client_order_id{"adopted-1"}, side::sell, px("102.00"), qt("1"), qt("0"),
                     quote_state::working, {}, {}};
  live_quote extra{client_order_id{"extra-1"}, side::buy, px("98.00"), qt("1"), qt("0"),
                   quote_state::working, {}, {}};
  auto other_strategy = held(extra, "0");
  other_strategy.request.strategy.value = "mm2";
  other_strategy.request.id = client_order_id{"other-1"};
  auto other_symbol = held(extra, "0");
  other_symbol.request.sym = *symbol::parse("ETHUSDT");
  other_symbol.request.id = client_order_id{"other-2"};
  auto acts = mm.resync({held(extra, "0"), held(bid, "0"), held(adopted, "0"), other_strategy,
                         other_symbol},
                        timestamp_ns{clock})
                .actions;
  CAF_REQUIRE(mm.bid() && mm.ask());
  CAF_CHECK_EQUAL(mm.bid()->id, bid.id); // ours, not the unknown buy listed before it
  CAF_CHECK(mm.bid()->state == quote_state::pending_cancel);
  CAF_CHECK_EQUAL(mm.ask()->id, client_order_id{"adopted-1"});
  CAF_CHECK(mm.ask()->id != ask.id);
  std::vector<std::string> cancelled;
  for (auto& a : acts)
    if (auto* c = std::get_if<cancel_request>(&a))
      cancelled.push_back(c->id.value);
  CAF_CHECK_EQUAL(acts.size(), 2u);
  CAF_CHECK(std::find(cancelled.begin(), cancelled.end(), bid.id.value) != cancelled.end());
  CAF_CHECK(std::find(cancelled.begin(), cancelled.end(), "extra-1") != cancelled.end());
}

// The OMS crashed with both quotes in flight (their acks went nowhere): the
// maker sends nothing while it waits for the new OMS, which holds neither;
// after the resync it quotes both sides again with new ids.
CAF_TEST(an_oms_restart_with_a_quote_in_flight_the_maker_requotes_after_the_resync) {
  trade_at("100.00");
  CAF_REQUIRE(mm.bid() && mm.ask());
  auto bid = *mm.bid();
  auto ask = *mm.ask();
  CAF_CHECK(trade_at("100.00").empty()); // without a resync: stuck waiting for reports
  mm.begin_resync();
  CAF_CHECK(mm.resyncing());
  CAF_CHECK(trade_at("105.00").empty()); // paused: no quote before the OMS answered
  auto r = mm.resync({}, timestamp_ns{clock});
  CAF_CHECK(!mm.resyncing());
  CAF_CHECK(r.actions.empty());
  CAF_CHECK_EQUAL(r.dropped, 2);
  CAF_CHECK_EQUAL(r.kept, 0);
  CAF_CHECK(!mm.bid() && !mm.ask());
  auto acts = trade_at("105.00");
  CAF_REQUIRE_EQUAL(count_orders(acts), 2u);
  CAF_CHECK(order_on(acts, side::buy)->id != bid.id);
  CAF_CHECK(order_on(acts, side::sell)->id != ask.id);
  CAF_CHECK_EQUAL(order_on(acts, side::buy)->limit_price.raw, raw("104.98"));
}

CAF_TEST(a_quote_the_new_oms_reports_open_is_kept_not_sent_twice) {
  trade_at("100.00");
  ack_all();
  auto bid = *mm.bid();
  auto ask = *mm.ask();
  mm.begin_resync();
  auto r = mm.resync({held(bid, "0"), held(ask, "0")}, timestamp_ns{clock});
  CAF_CHECK(r.actions.empty());
  CAF_CHECK_EQUAL(r.kept, 2);
  CAF_CHECK_EQUAL(r.dropped, 0);
  CAF_CHECK_EQUAL(mm.bid()->id, bid.id);
  CAF_CHECK_EQUAL(mm.ask()->id, ask.id);
  CAF_CHECK(trade_at("100.00").empty()); // both sides live: nothing sent again
  // A quote held but not yet acknowledged stays pending (not re-sent either).
  mm.begin_resync();
  r = mm.resync({held(bid, "0", false), held(ask, "0")}, timestamp_ns{clock});
  CAF_CHECK(mm.bid()->state == quote_state::pending_new);
  CAF_CHECK(trade_at("100.00").empty());
}

// A halt while the maker waits for the new OMS still cancels at once.
CAF_TEST(a_halt_while_resyncing_still_cancels_and_the_resync_keeps_the_cancel) {
  trade_at("100.00");
  ack_all();
  auto bid = *mm.bid();
  mm.begin_resync();
  auto acts = mm.on_trading_mode(trading_mode::halted, timestamp_ns{clock});
  CAF_CHECK_EQUAL(count_cancels(acts), 2u);
  auto r = mm.resync({held(bid, "0")}, timestamp_ns{clock});
  CAF_REQUIRE(mm.bid());
  CAF_CHECK(mm.bid()->state == quote_state::pending_cancel);
  CAF_CHECK_EQUAL(r.actions.size(), 1u); // the bid's cancel, sent again to the new OMS
  CAF_CHECK(trade_at("100.00").empty()); // halted: still no quote
}

// A restarted strategy (or one on a node that took over) starts with no
// quotes while the OMS holds one of its previous run: it is adopted, so the
// side is not quoted twice.
CAF_TEST(an_order_of_this_strategy_the_maker_does_not_know_is_adopted_at_start) {
  mm.begin_resync();
  live_quote previous{client_order_id{"prev-1"}, side::buy, px("99.98"), qt("1"), qt("0"),
                      quote_state::working, {}, {}};
  auto r = mm.resync({held(previous, "0")}, timestamp_ns{clock});
  CAF_CHECK_EQUAL(r.adopted, 1);
  CAF_CHECK(r.actions.empty());
  CAF_REQUIRE(mm.bid());
  CAF_CHECK_EQUAL(mm.bid()->id, client_order_id{"prev-1"});
  auto acts = trade_at("100.00");
  CAF_CHECK_EQUAL(count_orders(acts), 1u); // the ask only
  CAF_CHECK(order_on(acts, side::sell) != nullptr);
  CAF_CHECK_EQUAL(count_cancels(acts), 0u);
}

// The order of a dropped quote reached the new OMS after its answer (it went
// the longer way, through risk): its first report brings it back to its free
// side, or cancels it when a newer quote holds the side; fills count either
// way.
CAF_TEST(a_dropped_quote_that_reports_later_takes_its_side_back_or_is_cancelled) {
  trade_at("100.00");
  auto bid = *mm.bid();
  auto ask = *mm.ask();
  mm.begin_resync();
  CAF_CHECK_EQUAL(mm.resync({}, timestamp_ns{clock}).dropped, 2);
  // The bid reports before any requote: its side is free, it takes it back.
  CAF_CHECK(report(bid, order_status::accepted, "0").empty());
  CAF_REQUIRE(mm.bid());
  CAF_CHECK_EQUAL(mm.bid()->id, bid.id);
  CAF_CHECK(mm.bid()->state == quote_state::working);
  auto acts = trade_at("100.00");
  CAF_CHECK_EQUAL(count_orders(acts), 1u); // the ask only, not a second bid
  CAF_REQUIRE(mm.ask());
  auto new_ask = *mm.ask();
  CAF_CHECK(new_ask.id != ask.id);
  // The old ask reports partly filled: the fill counts, and it is cancelled.
  acts = report(ask, order_status::partially_filled, "0.25");
  CAF_CHECK_EQUAL(mm.inventory().raw, -qt("0.25").raw);
  CAF_REQUIRE_EQUAL(acts.size(), 1u);
  CAF_REQUIRE(std::holds_alternative<cancel_request>(acts[0]));
  CAF_CHECK_EQUAL(std::get<cancel_request>(acts[0]).id, ask.id);
  CAF_CHECK_EQUAL(mm.ask()->id, new_ask.id);
  // Watched until it ends: a fill before the cancel lands still counts, once.
  live_quote ask_after = ask;
  ask_after.cum = qt("0.25");
  CAF_CHECK(report(ask_after, order_status::pending_cancel, "0.5").empty());
  CAF_CHECK_EQUAL(mm.inventory().raw, -qt("0.5").raw);
  ask_after.cum = qt("0.5");
  CAF_CHECK(report(ask_after, order_status::canceled, "0.5").empty());
  CAF_CHECK(report(ask_after, order_status::partially_filled, "0.75").empty()); // forgotten
  CAF_CHECK_EQUAL(mm.inventory().raw, -qt("0.5").raw);
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST(invalid_config_is_refused_with_the_key) {
  auto cfg = base_config();
  cfg.tick_size = price{};
  std::string what;
  try {
    market_maker m(cfg, [] { return client_order_id{"x"}; });
  } catch (const std::invalid_argument& e) {
    what = e.what();
  }
  CAF_CHECK(what.find("tick_size") != std::string::npos);
}

CAF_TEST(a_config_without_account_is_refused) {
  auto cfg = base_config();
  cfg.account = account_id{};
  std::string what;
  try {
    market_maker m(cfg, [] { return client_order_id{"x"}; });
  } catch (const std::invalid_argument& e) {
    what = e.what();
  }
  CAF_CHECK(what.find("market_maker.account") != std::string::npos);
}
