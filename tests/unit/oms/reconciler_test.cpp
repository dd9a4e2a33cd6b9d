#define CAF_SUITE oms_reconciler
#include "tests/support/unit_test.hpp"

#include "actors/oms/reconciler.hpp"
#include "tests/unit/oms/oms_test_fixture.hpp"
#include "tests/unit/oms/temp_dir.hpp"

using namespace cwts;
using namespace cwts::oms;
using namespace cwts::oms::testing;

namespace {

venue_order_state at_venue(std::string_view id, order_status st, std::string_view executed,
                           std::string_view quote) {
  venue_order_state v;
  v.id.value = std::string(id);
  v.venue_id.value = 7;
  v.sym = *symbol::parse("BTCUSDT");
  v.order_side = side::buy;
  v.status = st;
  v.limit_price = px("30000");
  v.orig_qty = qt("1");
  v.executed_qty = qt(executed);
  v.cum_quote = *notional::parse(quote);
  return v;
}

venue_snapshot btc_snapshot(std::string_view btc_held) {
  venue_snapshot s;
  s.venue = test_venue;
  s.complete = true;
  s.assets.push_back(symbol_assets{*symbol::parse("BTCUSDT"), "BTC", "USDT"});
  s.balances.push_back(asset_balance{"BTC", qt(btc_held), qty{}});
  s.balances.push_back(asset_balance{"USDT", qt("1000"), qty{}});
  return s;
}

journaled_fill fill(side s, std::string_view q) {
  return journaled_fill{client_order_id{"f"}, *symbol::parse("BTCUSDT"), s, qt(q), px("30000")};
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(reconciler_tests, oms_fixture)

CAF_TEST(catches_up_fills_missed_while_down_at_the_quote_weighted_price) {
  drive_to("o1", order_status::partially_filled); // cum 0.4 at 30000
  venue_snapshot snap;
  snap.venue = test_venue;
  // The venue filled 0.6 more: 0.2 at 30000 and 0.4 at 30300 -> 18120.
  snap.ended.push_back(at_venue("o1", order_status::filled, "1", "30120"));
  auto plan = plan_reconciliation(store, snap, tick());
  CAF_REQUIRE_EQUAL(plan.reports.size(), 1u);
  auto& r = plan.reports.front();
  CAF_CHECK_EQUAL(to_string(r.status), std::string("FILLED"));
  CAF_CHECK_EQUAL(r.last_qty.to_string(), qt("0.6").to_string());
  CAF_CHECK_EQUAL(r.last_price.to_string(), qt("30200").to_string());
  CAF_CHECK_EQUAL(r.cum_qty.to_string(), qt("1").to_string());
  CAF_CHECK_EQUAL(r.leaves_qty.to_string(), qt("0").to_string());
  CAF_CHECK(store.apply(r).changed());
  CAF_CHECK_EQUAL(to_string(status_of("o1")), std::string("FILLED"));
}

CAF_TEST(acknowledges_an_order_the_crash_left_pending_new) {
  drive_to("o1", order_status::pending_new);
  venue_snapshot snap;
  snap.venue = test_venue;
  snap.open_orders.push_back(at_venue("o1", order_status::accepted, "0", "0"));
  auto plan = plan_reconciliation(store, snap, tick());
  CAF_REQUIRE_EQUAL(plan.reports.size(), 1u);
  CAF_CHECK(store.apply(plan.reports.front()).changed());
  CAF_CHECK_EQUAL(to_string(status_of("o1")), std::string("NEW"));
  CAF_CHECK(plan.adopted.empty());
}

CAF_TEST(leaves_an_order_alone_when_journal_and_venue_agree) {
  drive_to("o1", order_status::accepted);
  venue_snapshot snap;
  snap.venue = test_venue;
  snap.open_orders.push_back(at_venue("o1", order_status::accepted, "0", "0"));
  auto plan = plan_reconciliation(store, snap, tick());
  CAF_CHECK(plan.reports.empty());
  CAF_CHECK(plan.never_reached.empty());
  CAF_CHECK(plan.unsettled.empty());
}

CAF_TEST(rejects_an_order_the_venue_never_received) {
  drive_to("o1", order_status::pending_new);
  venue_snapshot snap;
  snap.venue = test_venue;
  snap.unknown_at_venue.push_back(client_order_id{"o1"});
  auto plan = plan_reconciliation(store, snap, tick());
  CAF_REQUIRE_EQUAL(plan.never_reached.size(), 1u);
  CAF_CHECK(store.apply(plan.never_reached.front()).changed());
  CAF_CHECK_EQUAL(to_string(status_of("o1")), std::string("REJECTED"));
}

CAF_TEST(adopts_an_open_venue_order_nobody_here_knows) {
  venue_snapshot snap;
  snap.venue = test_venue;
  snap.open_orders.push_back(at_venue("manual-1", order_status::partially_filled, "0.25", "7500"));
  auto plan = plan_reconciliation(store, snap, tick());
  CAF_REQUIRE_EQUAL(plan.adopted.size(), 1u);
  auto& rec = plan.adopted.front();
  CAF_CHECK_EQUAL(rec.request.strategy.value, adopted_strategy.value);
  CAF_CHECK_EQUAL(rec.cum_qty.to_string(), qt("0.25").to_string());
  CAF_CHECK_EQUAL(rec.leaves_qty.to_string(), qt("0.75").to_string());
  CAF_CHECK_EQUAL(rec.avg_fill_price.to_string(), qt("30000").to_string());
  CAF_CHECK(store.restore(rec));
  CAF_CHECK_EQUAL(store.live_orders().size(), 1u);
}

CAF_TEST(keeps_an_order_unsettled_when_the_snapshot_says_nothing_of_it) {
  drive_to("o1", order_status::accepted);
  venue_snapshot silent;
  silent.venue = test_venue;
  auto plan = plan_reconciliation(store, silent, tick());
  CAF_REQUIRE_EQUAL(plan.unsettled.size(), 1u);
  CAF_CHECK_EQUAL(plan.unsettled.front().value, "o1");
}

// Each venue reconciles its own orders: another venue's snapshot neither
// settles nor questions them, and adopts what it shows under its venue.
CAF_TEST(a_snapshot_of_another_venue_leaves_this_venues_orders_alone) {
  drive_to("o1", order_status::accepted);
  venue_snapshot other;
  other.venue = venue_name{"fix"};
  other.open_orders.push_back(at_venue("x9", order_status::accepted, "0", "0"));
  auto plan = plan_reconciliation(store, other, tick());
  CAF_CHECK(plan.unsettled.empty());
  CAF_CHECK(plan.reports.empty());
  CAF_CHECK(plan.never_reached.empty());
  CAF_REQUIRE_EQUAL(plan.adopted.size(), 1u);
  CAF_CHECK_EQUAL(plan.adopted.front().request.venue.value, "fix");
}

CAF_TEST(resends_a_cancel_the_crash_interrupted) {
  drive_to("o1", order_status::accepted);
  store.request_cancel(client_order_id{"o1"}, tick());
  venue_snapshot snap;
  snap.venue = test_venue;
  snap.open_orders.push_back(at_venue("o1", order_status::accepted, "0", "0"));
  auto plan = plan_reconciliation(store, snap, tick());
  CAF_CHECK(plan.reports.empty());
  CAF_REQUIRE_EQUAL(plan.cancels_to_resend.size(), 1u);
  CAF_CHECK_EQUAL(plan.cancels_to_resend.front().id.value, "o1");
}

CAF_TEST(flags_a_journal_that_shows_more_filled_than_the_venue) {
  drive_to("o1", order_status::partially_filled);
  venue_snapshot snap;
  snap.venue = test_venue;
  snap.open_orders.push_back(at_venue("o1", order_status::accepted, "0", "0"));
  auto plan = plan_reconciliation(store, snap, tick());
  CAF_CHECK_EQUAL(plan.contradictions.size(), 1u);
  CAF_CHECK(plan.reports.empty());
}

CAF_TEST(explains_a_position_made_of_baseline_plus_journaled_fills) {
  position_baseline base;
  base.seq = 1;
  base.amounts.push_back(asset_balance{"BTC", qt("2"), qty{}});
  auto check = check_positions(base, {fill(side::buy, "1.5"), fill(side::sell, "0.5")},
                               btc_snapshot("3"), qty{});
  CAF_CHECK(check.explained());
  CAF_REQUIRE_EQUAL(check.holdings.size(), 1u);
  CAF_CHECK_EQUAL(check.holdings.front().asset, "BTC");
  CAF_CHECK_EQUAL(check.holdings.front().free.to_string(), qt("3").to_string());
}

CAF_TEST(a_missing_report_is_not_flat) {
  position_baseline base;
  base.seq = 1;
  base.amounts.push_back(asset_balance{"BTC", qt("2"), qty{}});
  // The venue holds 0.7 BTC more than the journal explains.
  auto check = check_positions(base, {fill(side::buy, "1")}, btc_snapshot("3.7"), qty{});
  CAF_REQUIRE_EQUAL(check.unexplained.size(), 1u);
  CAF_CHECK_EQUAL(check.unexplained.front().expected.to_string(), qt("3").to_string());
  CAF_CHECK_EQUAL(check.unexplained.front().actual.to_string(), qt("3.7").to_string());
  CAF_CHECK(check.summary().find("BTC expected 3.00000000 venue 3.70000000") != std::string::npos);
  // Within the tolerance (commission in the base asset) it is explained.
  CAF_CHECK(check_positions(base, {fill(side::buy, "1")}, btc_snapshot("3.7"), qt("0.7")).explained());
}

CAF_TEST_FIXTURE_SCOPE_END()

// The journal side: baselines and fills survive a reopen.
CAF_TEST(journal_keeps_baselines_and_fills_since_them) {
  temp_dir dir;
  auto path = (dir.path / "oms.sqlite").string();
  order_journal j;
  CAF_REQUIRE(!j.open(path));
  oms_fixture f;
  f.store.submit(order("o1"), f.tick());
  CAF_REQUIRE(!j.record_submitted(order("o1"), f.tick()));
  position_baseline none;
  CAF_REQUIRE(!j.load_baseline(test_venue, none));
  CAF_CHECK_EQUAL(none.seq, 0);
  position_baseline first;
  CAF_REQUIRE(!j.record_baseline(test_venue, {asset_balance{"BTC", qt("1"), qt("0.5")}},
                                 "reconciliation", "first", timestamp_ns{5}, first));
  CAF_CHECK_EQUAL(first.seq, 1);
  CAF_REQUIRE_EQUAL(first.amounts.size(), 1u);
  CAF_CHECK_EQUAL(first.amounts.front().free.to_string(), qt("1.5").to_string());
  auto upd = f.store.apply(f.report("o1", order_status::partially_filled, "0.4", "0.4", "30100"));
  CAF_REQUIRE(!j.record_update(*f.store.find(client_order_id{"o1"}), upd));
  bool known = false;
  CAF_REQUIRE(!j.contains(client_order_id{"o1"}, known));
  CAF_CHECK(known);
  CAF_REQUIRE(!j.contains(client_order_id{"o9"}, known));
  CAF_CHECK(!known);
  j.close();
  order_journal again;
  CAF_REQUIRE(!again.open(path));
  position_baseline back;
  CAF_REQUIRE(!again.load_baseline(test_venue, back));
  CAF_CHECK_EQUAL(back.seq, 1);
  CAF_CHECK_EQUAL(back.issuer, "reconciliation");
  std::vector<journaled_fill> fills;
  CAF_REQUIRE(!again.fills_since(back.event_seq, test_venue, fills));
  CAF_REQUIRE_EQUAL(fills.size(), 1u);
  CAF_CHECK_EQUAL(fills.front().quantity.to_string(), qt("0.4").to_string());
  CAF_CHECK_EQUAL(fills.front().px.to_string(), qt("30100").to_string());
  std::vector<journaled_fill> none_after;
  CAF_REQUIRE(!again.fills_since(back.event_seq + 1, test_venue, none_after));
  CAF_CHECK(none_after.empty());
}

// Two venues in one journal: each has its own baseline and its own fills;
// neither venue's reconciliation counts the other's holdings or fills.
CAF_TEST(journal_keeps_baselines_and_fills_per_venue) {
  temp_dir dir;
  order_journal j;
  CAF_REQUIRE(!j.open((dir.path / "oms.sqlite").string()));
  venue_name other{"fix"};
  oms_fixture f;
  auto at_other = order("o2");
  at_other.venue = other;
  f.store.submit(order("o1"), f.tick());
  f.store.submit(at_other, f.tick());
  CAF_REQUIRE(!j.record_submitted(order("o1"), f.tick()));
  CAF_REQUIRE(!j.record_submitted(at_other, f.tick()));
  position_baseline a, b;
  CAF_REQUIRE(!j.record_baseline(test_venue, {asset_balance{"BTC", qt("1"), qt("0")}},
                                 "reconciliation", "first", timestamp_ns{5}, a));
  CAF_REQUIRE(!j.record_baseline(other, {asset_balance{"BTC", qt("7"), qt("0")}},
                                 "reconciliation", "first", timestamp_ns{6}, b));
  auto fill_other = f.report("o2", order_status::partially_filled, "0.3", "0.3");
  fill_other.venue = other;
  auto upd = f.store.apply(fill_other);
  CAF_REQUIRE(!j.record_update(*f.store.find(client_order_id{"o2"}), upd));
  position_baseline back;
  CAF_REQUIRE(!j.load_baseline(test_venue, back));
  CAF_CHECK_EQUAL(back.seq, a.seq);
  CAF_REQUIRE_EQUAL(back.amounts.size(), 1u);
  CAF_CHECK_EQUAL(back.amounts.front().free.to_string(), qt("1").to_string());
  CAF_REQUIRE(!j.load_baseline(other, back));
  CAF_CHECK_EQUAL(back.seq, b.seq);
  std::vector<journaled_fill> mine, theirs, all;
  CAF_REQUIRE(!j.fills_since(0, test_venue, mine));
  CAF_REQUIRE(!j.fills_since(0, other, theirs));
  CAF_REQUIRE(!j.all_fills(all));
  CAF_CHECK(mine.empty());
  CAF_REQUIRE_EQUAL(theirs.size(), 1u);
  CAF_CHECK_EQUAL(theirs.front().venue.value, "fix");
  CAF_CHECK_EQUAL(all.size(), 1u);
}

// A journal written before orders carried a venue (schema 2) opens as
// schema 3; its rows belong to the legacy venue the OMS names.
CAF_TEST(journal_from_before_venues_reads_as_the_legacy_venue) {
  temp_dir dir;
  auto path = (dir.path / "oms.sqlite").string();
  {
    order_journal j;
    CAF_REQUIRE(!j.open(path));
    auto o = order("o1");
    o.venue = venue_name{};
    CAF_REQUIRE(!j.record_submitted(o, timestamp_ns{1}));
    position_baseline b;
    CAF_REQUIRE(!j.record_baseline(venue_name{}, {asset_balance{"BTC", qt("2"), qt("0")}},
                                   "reconciliation", "first", timestamp_ns{2}, b));
  }
  order_journal j;
  j.set_legacy_venue(test_venue);
  CAF_REQUIRE(!j.open(path));
  std::vector<order_record> live;
  CAF_REQUIRE(!j.load(live));
  CAF_REQUIRE_EQUAL(live.size(), 1u);
  CAF_CHECK_EQUAL(live.front().request.venue.value, test_venue.value);
  position_baseline back;
  CAF_REQUIRE(!j.load_baseline(test_venue, back));
  CAF_CHECK_NOT_EQUAL(back.seq, 0);
  CAF_REQUIRE(!j.load_baseline(venue_name{"fix"}, back));
  CAF_CHECK_EQUAL(back.seq, 0);
}
