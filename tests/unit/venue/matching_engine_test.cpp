#define CAF_SUITE venue_matching_engine
#include "tests/support/unit_test.hpp"

#include "tests/unit/venue/usdchf_rules.hpp"

#include <map>

#include "venue/matching_engine.hpp"

using namespace cwts;
using namespace cwts::venue;
using namespace cwts::venue::testing;

namespace {

order placed(matching_engine& e, const place_request& r) {
  auto res = e.place(r, 1000);
  CAF_REQUIRE(std::holds_alternative<order>(res));
  return std::get<order>(res);
}

int error_code(const order_result& r) {
  auto e = std::get_if<venue_error>(&r);
  return e ? e->code : 0;
}

struct fixture {
  fixture() {
    engine.add_symbol(usdchf_rules());
    engine.on_trade([this](const public_trade& t) { trades.push_back(t); });
    for (auto* acc : {"a", "b", "c", "t"})
      for (auto* asset : {"USD", "CHF"})
        engine.fund(acc, asset, *qty::parse("10000000"));
  }
  matching_engine engine;
  std::vector<public_trade> trades;
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(engine_tests, fixture)

CAF_TEST(fills_best_price_first_then_time_priority) {
  auto a = placed(engine, limit("a", order_side::sell, "1.2000", "10"));
  auto b = placed(engine, limit("b", order_side::sell, "1.1990", "10"));
  auto c = placed(engine, limit("c", order_side::sell, "1.1990", "10"));
  auto taker = placed(engine, limit("t", order_side::buy, "1.2000", "15"));
  CAF_CHECK(taker.status == order_status::filled);
  CAF_REQUIRE_EQUAL(taker.fills.size(), 2u);
  CAF_CHECK_EQUAL(taker.fills[0].px.to_string(), "1.19900000");
  auto first = std::get<order>(engine.query("b", usdchf(), {b.order_id, {}}));
  auto second = std::get<order>(engine.query("c", usdchf(), {c.order_id, {}}));
  auto third = std::get<order>(engine.query("a", usdchf(), {a.order_id, {}}));
  CAF_CHECK(first.status == order_status::filled);
  CAF_CHECK(second.status == order_status::partially_filled);
  CAF_CHECK_EQUAL(second.executed_qty.to_string(), "5.00000000");
  CAF_CHECK(third.status == order_status::new_order);
  CAF_CHECK_EQUAL(trades.size(), 2u);
  CAF_CHECK_EQUAL(taker.cummulative_quote_qty.to_string(), "17.98500000");
}

CAF_TEST(partially_filled_gtc_rests_its_remainder) {
  placed(engine, limit("a", order_side::sell, "1.2000", "4"));
  auto taker = placed(engine, limit("t", order_side::buy, "1.2000", "10"));
  CAF_CHECK(taker.status == order_status::partially_filled);
  auto open = engine.open_orders("t", usdchf());
  CAF_REQUIRE_EQUAL(open.size(), 1u);
  CAF_CHECK_EQUAL(open[0].remaining().to_string(), "6.00000000");
}

CAF_TEST(ioc_expires_its_remainder_and_fok_needs_full_quantity) {
  placed(engine, limit("a", order_side::sell, "1.2000", "4"));
  auto fok = placed(engine, limit("t", order_side::buy, "1.2000", "10", time_in_force::fok));
  CAF_CHECK(fok.status == order_status::expired);
  CAF_CHECK(fok.executed_qty.is_zero());
  CAF_CHECK(trades.empty());
  auto ioc = placed(engine, limit("t", order_side::buy, "1.2000", "10", time_in_force::ioc));
  CAF_CHECK(ioc.status == order_status::expired);
  CAF_CHECK_EQUAL(ioc.executed_qty.to_string(), "4.00000000");
  CAF_CHECK(engine.open_orders("t", usdchf()).empty());
}

CAF_TEST(market_order_walks_the_book) {
  placed(engine, limit("a", order_side::buy, "1.1000", "5"));
  placed(engine, limit("a", order_side::buy, "1.0900", "5"));
  place_request m;
  m.account = "t";
  m.sym = usdchf();
  m.side = order_side::sell;
  m.type = order_type::market;
  m.quantity = *qty::parse("7");
  auto o = placed(engine, m);
  CAF_CHECK(o.status == order_status::filled);
  CAF_CHECK_EQUAL(o.cummulative_quote_qty.to_string(), "7.68000000");
  CAF_CHECK(trades.back().buyer_is_maker);
}

CAF_TEST(cancel_by_client_id_and_query_of_closed_orders) {
  auto o = placed(engine, limit("a", order_side::buy, "1.1000", "5", time_in_force::gtc, "x1"));
  CAF_CHECK_EQUAL(error_code(engine.cancel("b", usdchf(), {{}, "x1"}, 2000)), -2011);
  auto c = engine.cancel("a", usdchf(), {{}, "x1"}, 2000);
  CAF_REQUIRE(std::holds_alternative<order>(c));
  CAF_CHECK(std::get<order>(c).status == order_status::canceled);
  auto q = engine.query("a", usdchf(), {o.order_id, {}});
  CAF_REQUIRE(std::holds_alternative<order>(q));
  CAF_CHECK(std::get<order>(q).status == order_status::canceled);
  CAF_CHECK_EQUAL(error_code(engine.cancel("a", usdchf(), {o.order_id, {}}, 3000)), -2011);
  CAF_CHECK_EQUAL(error_code(engine.query("a", usdchf(), {999, {}})), -2013);
}

CAF_TEST(rejects_duplicate_open_client_order_id) {
  placed(engine, limit("a", order_side::buy, "1.1000", "5", time_in_force::gtc, "dup"));
  CAF_CHECK_EQUAL(error_code(engine.place(limit("a", order_side::buy, "1.1000", "5",
                                               time_in_force::gtc, "dup"), 1)), -2010);
  // Another account may use the same id.
  placed(engine, limit("b", order_side::buy, "1.1000", "5", time_in_force::gtc, "dup"));
}

CAF_TEST(cancel_all_cancels_and_reports_nothing_open) {
  placed(engine, limit("a", order_side::buy, "1.1000", "5"));
  placed(engine, limit("a", order_side::buy, "1.0000", "5"));
  auto all = engine.cancel_all("a", usdchf(), 5);
  CAF_REQUIRE(std::holds_alternative<std::vector<order>>(all));
  CAF_CHECK_EQUAL(std::get<std::vector<order>>(all).size(), 2u);
  auto again = engine.cancel_all("a", usdchf(), 6);
  auto e = std::get_if<venue_error>(&again);
  CAF_REQUIRE(e != nullptr);
  CAF_CHECK_EQUAL(e->code, -2011);
}

CAF_TEST(filters_reject_with_1013) {
  auto tick = engine.place(limit("a", order_side::buy, "1.10005", "5"), 1);
  CAF_REQUIRE_EQUAL(error_code(tick), -1013);
  CAF_CHECK_EQUAL(std::get<venue_error>(tick).msg, "Filter failure: PRICE_FILTER");
  auto lot = engine.place(limit("a", order_side::buy, "1.1000", "5.5"), 1);
  CAF_CHECK_EQUAL(std::get<venue_error>(lot).msg, "Filter failure: LOT_SIZE");
  auto small = engine.place(limit("a", order_side::buy, "0.0001", "1"), 1);
  CAF_CHECK_EQUAL(std::get<venue_error>(small).msg, "Filter failure: NOTIONAL");
}

CAF_TEST(limit_maker_rests_or_is_rejected_when_it_would_take) {
  engine.place(limit("a", order_side::sell, "1.1005", "10"), 1);
  auto maker = limit("b", order_side::buy, "1.1004", "5");
  maker.type = order_type::limit_maker;
  auto rested = engine.place(maker, 2);
  CAF_REQUIRE(std::holds_alternative<order>(rested));
  CAF_CHECK(std::get<order>(rested).status == order_status::new_order);
  CAF_CHECK(std::get<order>(rested).tif == time_in_force::gtc);
  maker.px = *price::parse("1.1005");
  auto taking = engine.place(maker, 3);
  CAF_REQUIRE(std::holds_alternative<venue_error>(taking));
  CAF_CHECK_EQUAL(std::get<venue_error>(taking).code, -2010);
  CAF_CHECK_EQUAL(std::get<venue_error>(taking).msg, "Order would immediately match and take.");
  CAF_CHECK(trades.empty());
}

CAF_TEST(percent_price_by_side_bounds_prices_around_the_last_trade) {
  engine.place(limit("a", order_side::sell, "1.0000", "1"), 1);
  engine.place(limit("b", order_side::buy, "1.0000", "1"), 2); // last = 1.0
  auto check = [&](order_side side, const char* px) {
    auto r = engine.place(limit("c", side, px, "10"), 3);
    auto e = std::get_if<venue_error>(&r);
    return e ? e->msg : std::string("accepted");
  };
  // Defaults: multipliers up 5, down 0.2 on both sides (filters.md example).
  CAF_CHECK_EQUAL(check(order_side::buy, "0.1999"), "Filter failure: PERCENT_PRICE_BY_SIDE");
  CAF_CHECK_EQUAL(check(order_side::buy, "0.2000"), "accepted");
  CAF_CHECK_EQUAL(check(order_side::sell, "5.0001"), "Filter failure: PERCENT_PRICE_BY_SIDE");
  CAF_CHECK_EQUAL(check(order_side::sell, "5.0000"), "accepted");
}

CAF_TEST(max_num_orders_counts_resting_orders_per_account) {
  matching_engine small;
  auto r = usdchf_rules();
  r.max_num_orders = 2;
  small.add_symbol(r);
  small.fund("a", "CHF", *qty::parse("1000"));
  small.fund("b", "USD", *qty::parse("1000"));
  small.place(limit("a", order_side::buy, "1.0000", "1"), 1);
  small.place(limit("a", order_side::buy, "1.0001", "1"), 1);
  auto third = small.place(limit("a", order_side::buy, "1.0002", "1"), 1);
  CAF_REQUIRE(std::holds_alternative<venue_error>(third));
  CAF_CHECK_EQUAL(std::get<venue_error>(third).msg, "Filter failure: MAX_NUM_ORDERS");
  small.place(limit("b", order_side::sell, "1.0001", "1"), 2); // fills one of them
  CAF_CHECK(std::holds_alternative<order>(small.place(limit("a", order_side::buy, "1.0002", "1"), 3)));
  small.cancel_all("a", usdchf(), 4);
  CAF_CHECK(std::holds_alternative<order>(small.place(limit("a", order_side::buy, "1.0002", "1"), 5)));
}

CAF_TEST(self_trade_prevention_expires_taker_maker_or_both) {
  auto run = [&](stp_mode mode, const char* coid) {
    engine.place(limit("a", order_side::sell, "1.1000", "5", time_in_force::gtc,
                       std::string(coid) + "m"), 1);
    auto taker = limit("a", order_side::buy, "1.1000", "5", time_in_force::gtc, coid);
    taker.stp = mode;
    auto placed = std::get<order>(engine.place(taker, 2));
    auto maker = std::get<order>(engine.query("a", usdchf(),
                                              order_key{std::nullopt, std::string(coid) + "m"}));
    return std::make_pair(placed.status, maker.status);
  };
  auto taker_only = run(stp_mode::expire_taker, "t1");
  CAF_CHECK(taker_only.first == order_status::expired_in_match);
  CAF_CHECK(taker_only.second == order_status::new_order);
  engine.cancel_all("a", usdchf(), 3);
  auto maker_only = run(stp_mode::expire_maker, "t2");
  CAF_CHECK(maker_only.first == order_status::new_order); // rests after the maker left
  CAF_CHECK(maker_only.second == order_status::expired_in_match);
  engine.cancel_all("a", usdchf(), 4);
  auto both = run(stp_mode::expire_both, "t3");
  CAF_CHECK(both.first == order_status::expired_in_match);
  CAF_CHECK(both.second == order_status::expired_in_match);
  CAF_CHECK(trades.empty());
  CAF_CHECK(engine.depth(usdchf(), order_side::sell).empty());
  CAF_CHECK_EQUAL(std::string(to_string(order_status::expired_in_match)), "EXPIRED_IN_MATCH");
  // Without STP (NONE, the default) the account trades with itself.
  run(stp_mode::none, "t4");
  CAF_CHECK_EQUAL(trades.size(), 1u);
}

CAF_TEST(level_totals_match_resting_orders_after_random_flow) {
  // Deterministic pseudo-random flow (LCG): places, IOC takers and cancels.
  uint64_t seed = 42;
  auto next = [&seed](uint64_t n) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return (seed >> 33) % n;
  };
  for (int i = 0; i < 3000; ++i) {
    auto acc = next(2) == 0 ? "a" : "b";
    auto side = next(2) == 0 ? order_side::buy : order_side::sell;
    auto px = "1.10" + std::to_string(10 + next(10));
    auto q = std::to_string(1 + next(9));
    auto tif = next(4) == 0 ? time_in_force::ioc : time_in_force::gtc;
    engine.place(limit(acc, side, px.c_str(), q.c_str(), tif), i);
    if (next(5) == 0) {
      auto open = engine.open_orders(acc, usdchf());
      if (!open.empty())
        engine.cancel(acc, usdchf(), order_key{open[next(open.size())].order_id, {}}, i);
    }
  }
  std::map<std::pair<int, int64_t>, int64_t> expected;
  for (auto* acc : {"a", "b"})
    for (auto& o : engine.open_orders(acc, usdchf()))
      expected[{o.side == order_side::buy ? 0 : 1, o.px.raw}] += o.remaining().raw;
  std::map<std::pair<int, int64_t>, int64_t> shown;
  for (auto& l : engine.depth(usdchf(), order_side::buy)) shown[{0, l.px.raw}] = l.quantity.raw;
  for (auto& l : engine.depth(usdchf(), order_side::sell)) shown[{1, l.px.raw}] = l.quantity.raw;
  CAF_CHECK(expected == shown);
  CAF_CHECK(!shown.empty());
}

CAF_TEST(fills_move_balances_and_closing_releases_locks) {
  engine.fund("poor", "CHF", *qty::parse("11"));
  // BUY 10 @ 1.1 locks 11 CHF; a second one finds no free CHF.
  engine.place(limit("poor", order_side::buy, "1.1000", "10"), 1);
  auto& chf = engine.balances().of("poor").at("CHF");
  CAF_CHECK_EQUAL(chf.locked.to_string(), "11.00000000");
  auto refused = engine.place(limit("poor", order_side::buy, "1.1000", "1"), 2);
  CAF_REQUIRE(std::holds_alternative<venue_error>(refused));
  CAF_CHECK_EQUAL(std::get<venue_error>(refused).code, -2010);
  CAF_CHECK_EQUAL(std::get<venue_error>(refused).msg,
                  "Account has insufficient balance for requested action.");
  // A seller takes 4: poor gets 4 USD and pays 4.4 CHF from the lock.
  engine.place(limit("a", order_side::sell, "1.1000", "4"), 3);
  auto usd = engine.balances().of("poor").at("USD");
  CAF_CHECK_EQUAL(usd.free.to_string(), "4.00000000");
  CAF_CHECK_EQUAL(chf.locked.to_string(), "6.60000000");
  CAF_CHECK_EQUAL(chf.free.to_string(), "0.00000000");
  engine.cancel_all("poor", usdchf(), 4);
  CAF_CHECK_EQUAL(chf.locked.to_string(), "0.00000000");
  CAF_CHECK_EQUAL(chf.free.to_string(), "6.60000000");
  auto mine = engine.trades_of("poor", usdchf());
  CAF_REQUIRE_EQUAL(mine.size(), 1u);
  CAF_CHECK(mine[0].is_buyer && mine[0].is_maker);
  CAF_CHECK_EQUAL(engine.all_orders("poor", usdchf()).size(), 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()
