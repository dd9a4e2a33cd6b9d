// The takeover's catch-up from the venue (issue 24, partition drill finding
// 1): what the old active traded after its journal stopped reaching the
// standby is recovered from the venue's order history, so the position
// check agrees instead of halting.
#define CAF_SUITE oms_takeover_catch_up
#include "tests/support/unit_test.hpp"

#include "actors/oms/reconciler.hpp"
#include "actors/oms/takeover_catch_up.hpp"
#include "tests/unit/oms/oms_test_fixture.hpp"

using namespace cwts;
using namespace cwts::oms;
using namespace cwts::oms::testing;

namespace {

constexpr int64_t sec = 1'000'000'000;

venue_order_state at_venue(std::string_view id, order_status st, std::string_view executed,
                           std::string_view quote, int64_t at_s, side s = side::buy) {
  venue_order_state v;
  v.id.value = std::string(id);
  v.venue_id.value = 9;
  v.sym = *symbol::parse("BTCUSDT");
  v.order_side = s;
  v.status = st;
  v.limit_price = px("30000");
  v.orig_qty = qt("1");
  v.executed_qty = qt(executed);
  v.cum_quote = *notional::parse(quote);
  v.update_time = timestamp_ns{at_s * sec};
  return v;
}

venue_snapshot btc_snapshot(std::string_view btc_held) {
  venue_snapshot s;
  s.venue = test_venue;
  s.complete = true;
  s.assets.push_back(symbol_assets{*symbol::parse("BTCUSDT"), "BTC", "USDT"});
  s.balances.push_back(asset_balance{"BTC", qt(btc_held), qty{}});
  return s;
}

std::vector<journaled_fill> fills_of(const std::vector<order_record>& recs) {
  std::vector<journaled_fill> out;
  for (auto& r : recs)
    if (r.cum_qty.is_positive())
      out.push_back(journaled_fill{r.request.id, r.request.sym, r.request.order_side, r.cum_qty,
                                   r.avg_fill_price, r.request.venue});
  return out;
}

const journaled_fn nothing_else = [](const client_order_id&) { return false; };

} // namespace

CAF_TEST_FIXTURE_SCOPE(takeover_catch_up_tests, oms_fixture)

CAF_TEST(window_starts_at_the_last_event_minus_the_margin_never_before_the_baseline) {
  catch_up_limits lim;
  lim.margin_ns = 60 * sec;
  CAF_CHECK_EQUAL(catch_up_since({1000 * sec}, {10 * sec}, lim).ns, 940 * sec);
  CAF_CHECK_EQUAL(catch_up_since({1000 * sec}, {990 * sec}, lim).ns, 990 * sec);
  CAF_CHECK_EQUAL(catch_up_since({30 * sec}, {}, lim).ns, 0);
}

CAF_TEST(orders_filled_after_the_replica_stopped_are_recovered_and_explain_the_position) {
  // The replica: o1 filled (journaled). After the cut the old active filled
  // a2 whole and a3 by half, then a3 was cancelled: neither is open now.
  drive_to("o1", order_status::accepted);
  store.apply(report("o1", order_status::filled, "1", "1"));
  std::vector<venue_order_state> history{
    at_venue("o1", order_status::filled, "1", "30000", 100),
    at_venue("a2", order_status::filled, "1", "30100", 130),
    at_venue("a3", order_status::canceled, "0.5", "15000", 140),
    at_venue("a4", order_status::canceled, "0", "0", 150),
  };
  auto plan = plan_catch_up(store, nothing_else, history, {}, test_venue, timestamp_ns{90 * sec}, 500);
  CAF_REQUIRE_EQUAL(plan.recovered.size(), 3u);
  CAF_CHECK_EQUAL(plan.recovered_fills, 2);
  CAF_CHECK(plan.contradictions.empty());
  CAF_CHECK(!plan.page_full);
  auto& a2 = plan.recovered[0];
  CAF_CHECK_EQUAL(a2.request.id.value, std::string("a2"));
  CAF_CHECK_EQUAL(a2.request.strategy.value, adopted_strategy.value);
  CAF_CHECK_EQUAL(a2.avg_fill_price.to_string(), px("30100").to_string());
  CAF_CHECK_EQUAL(a2.last_update.ns, 130 * sec); // the venue's time, not ours
  CAF_CHECK_EQUAL(plan.recovered[1].cum_qty.to_string(), qt("0.5").to_string());
  CAF_CHECK(plan.recovered[1].leaves_qty.is_zero());

  // Baseline 0 BTC, the journal's fill (o1: 1) and the venue's 2.5: without
  // the catch-up the check halts, with it the position is explained.
  position_baseline base;
  base.seq = 1;
  std::vector<journaled_fill> journal{
    journaled_fill{client_order_id{"o1"}, *symbol::parse("BTCUSDT"), side::buy, qt("1"),
                   px("30000"), test_venue}};
  auto snap = btc_snapshot("2.5");
  CAF_CHECK(!check_positions(base, journal, snap, qty{}).explained());
  auto recovered = fills_of(plan.recovered);
  journal.insert(journal.end(), recovered.begin(), recovered.end());
  CAF_CHECK(check_positions(base, journal, snap, qty{}).explained());
}

CAF_TEST(open_live_and_old_orders_are_left_to_the_reconciler_and_the_baseline) {
  drive_to("o1", order_status::accepted); // live in the journal: reconciler's
  std::vector<venue_order_state> history{
    at_venue("o1", order_status::filled, "1", "30000", 100),
    at_venue("a2", order_status::partially_filled, "0.3", "9000", 120), // open: adopted by the plan
    at_venue("old", order_status::filled, "1", "30000", 10),             // before the window
    at_venue("a5", order_status::filled, "1", "30000", 130),
    at_venue("a5", order_status::filled, "1", "30000", 130),             // answered twice
  };
  std::vector<venue_order_state> open{history[1]};
  auto plan = plan_catch_up(store, nothing_else, history, open, test_venue, timestamp_ns{90 * sec}, 500);
  CAF_REQUIRE_EQUAL(plan.recovered.size(), 1u);
  CAF_CHECK_EQUAL(plan.recovered[0].request.id.value, std::string("a5"));
  CAF_CHECK_EQUAL(plan.recovered_fills, 1);
}

CAF_TEST(an_ended_order_the_venue_filled_further_is_a_contradiction) {
  drive_to("o1", order_status::partially_filled); // cum 0.4
  store.apply(report("o1", order_status::canceled, "0.4"));
  std::vector<venue_order_state> history{at_venue("o1", order_status::canceled, "0.7", "21000", 100)};
  auto plan = plan_catch_up(store, nothing_else, history, {}, test_venue, timestamp_ns{90 * sec}, 500);
  CAF_CHECK(plan.recovered.empty());
  CAF_REQUIRE_EQUAL(plan.contradictions.size(), 1u);
  CAF_CHECK_NOT_EQUAL(plan.contradictions[0].find("o1"), std::string::npos);
}

CAF_TEST(an_ended_order_the_journal_holds_but_the_store_did_not_load_is_not_recovered_again) {
  std::vector<venue_order_state> history{at_venue("e1", order_status::filled, "1", "30000", 100),
                                         at_venue("a2", order_status::filled, "1", "30000", 110)};
  journaled_fn journal_has_e1 = [](const client_order_id& id) { return id.value == "e1"; };
  auto plan = plan_catch_up(store, journal_has_e1, history, {}, test_venue, {}, 500);
  CAF_REQUIRE_EQUAL(plan.recovered.size(), 1u);
  CAF_CHECK_EQUAL(plan.recovered[0].request.id.value, std::string("a2"));
}

CAF_TEST(a_full_page_is_reported) {
  std::vector<venue_order_state> history{
    at_venue("a1", order_status::filled, "1", "30000", 100),
    at_venue("a2", order_status::filled, "1", "30000", 101),
  };
  CAF_CHECK(plan_catch_up(store, nothing_else, history, {}, test_venue, {}, 2).page_full);
  CAF_CHECK(!plan_catch_up(store, nothing_else, history, {}, test_venue, {}, 3).page_full);
}

CAF_TEST_FIXTURE_SCOPE_END()
