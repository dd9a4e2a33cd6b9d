#define CAF_SUITE venue_matching_engine_amend
#include "tests/support/unit_test.hpp"

// matching_engine::amend: a quantity decrease keeps queue priority, a price
// change or a quantity increase loses it, a crossing amend trades as a
// taker, post-only and unfunded amends are refused with the order left
// untouched, and the order keeps its id and client id throughout.

#include "tests/unit/venue/usdchf_rules.hpp"

#include "venue/matching_engine.hpp"

using namespace cwts;
using namespace cwts::venue;
using namespace cwts::venue::testing;

namespace {

struct fixture {
  fixture() {
    engine.add_symbol(usdchf_rules());
    engine.on_trade([this](const public_trade& t) { trades.push_back(t); });
    engine.on_order_update([this](const order& o) { updates.push_back(o); });
    engine.on_book_change([this](symbol, order_side, price, int64_t) { ++book_changes; });
    for (auto* acc : {"a", "b", "t"})
      for (auto* asset : {"USD", "CHF"})
        engine.fund(acc, asset, *qty::parse("10000"));
  }

  order placed(const place_request& r) {
    auto res = engine.place(r, 1000);
    CAF_REQUIRE(std::holds_alternative<order>(res));
    return std::get<order>(res);
  }

  order_result amend(const std::string& acc, int64_t id, const char* px, const char* q,
                     bool post_only = false) {
    order_amend r;
    if (px) r.px = *price::parse(px);
    if (q) r.quantity = *qty::parse(q);
    r.post_only = post_only;
    return engine.amend(acc, usdchf(), order_key{id, {}}, r, 2000);
  }

  order amended(const std::string& acc, int64_t id, const char* px, const char* q) {
    auto res = amend(acc, id, px, q);
    CAF_REQUIRE(std::holds_alternative<order>(res));
    return std::get<order>(res);
  }

  order now(const std::string& acc, int64_t id) {
    return std::get<order>(engine.query(acc, usdchf(), order_key{id, {}}));
  }

  // A 1-lot taker sell at `px`: it fills the maker at the queue's front.
  void first_in_queue(const char* px) {
    auto taker = placed(limit("t", order_side::sell, px, "1", time_in_force::ioc));
    CAF_REQUIRE_EQUAL(taker.fills.size(), 1u);
  }

  matching_engine engine;
  std::vector<public_trade> trades;
  std::vector<order> updates;
  int book_changes = 0;
};

int code_of(const order_result& r) {
  auto e = std::get_if<venue_error>(&r);
  return e ? e->code : 0;
}

std::string free_of(const matching_engine& e, const char* acc, const char* asset) {
  return e.balances().of(acc).at(asset).free.to_string();
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(amend_tests, fixture)

CAF_TEST(quantity_down_keeps_priority_id_and_client_id) {
  auto first = placed(limit("a", order_side::buy, "1.0000", "10", time_in_force::gtc, "mine"));
  auto second = placed(limit("b", order_side::buy, "1.0000", "10"));
  auto changes = book_changes;
  auto o = amended("a", first.order_id, nullptr, "4");
  CAF_CHECK_EQUAL(o.order_id, first.order_id);
  CAF_CHECK_EQUAL(o.client_order_id, "mine");
  CAF_CHECK_EQUAL(o.orig_qty.to_string(), "4.00000000");
  CAF_CHECK_EQUAL(o.amendments, 1);
  CAF_CHECK_EQUAL(book_changes, changes + 1);
  CAF_CHECK_EQUAL(updates.back().order_id, first.order_id);
  CAF_CHECK_EQUAL(engine.level_quantity(usdchf(), order_side::buy, o.px).to_string(),
                  "14.00000000");
  // 10000 - 4 * 1.0 locked.
  CAF_CHECK_EQUAL(free_of(engine, "a", "CHF"), "9996.00000000");
  first_in_queue("1.0000");
  CAF_CHECK_EQUAL(now("a", first.order_id).executed_qty.to_string(), "1.00000000");
  CAF_CHECK(now("b", second.order_id).executed_qty.is_zero());
}

CAF_TEST(price_change_and_quantity_up_lose_priority) {
  auto first = placed(limit("a", order_side::buy, "1.0000", "10"));
  auto second = placed(limit("b", order_side::buy, "1.0000", "10"));
  // Up in size at the same price: back of the queue.
  auto up = amended("a", first.order_id, nullptr, "12");
  CAF_CHECK_EQUAL(up.orig_qty.to_string(), "12.00000000");
  first_in_queue("1.0000");
  CAF_CHECK(now("a", first.order_id).executed_qty.is_zero());
  CAF_CHECK_EQUAL(now("b", second.order_id).executed_qty.to_string(), "1.00000000");
  // b re-priced away and back: behind a now.
  amended("b", second.order_id, "0.9999", nullptr);
  CAF_CHECK_EQUAL(engine.level_quantity(usdchf(), order_side::buy, *price::parse("0.9999"))
                    .to_string(), "9.00000000");
  amended("b", second.order_id, "1.0000", nullptr);
  first_in_queue("1.0000");
  CAF_CHECK_EQUAL(now("a", first.order_id).executed_qty.to_string(), "1.00000000");
  auto b = now("b", second.order_id);
  CAF_CHECK_EQUAL(b.executed_qty.to_string(), "1.00000000");
  CAF_CHECK_EQUAL(b.order_id, second.order_id);
  CAF_CHECK(b.status == order_status::partially_filled);
  CAF_CHECK_EQUAL(b.amendments, 2);
}

CAF_TEST(crossing_amend_trades_as_a_taker_and_rests_the_rest) {
  auto ask = placed(limit("a", order_side::sell, "1.1000", "4"));
  auto bid = placed(limit("b", order_side::buy, "1.0000", "10"));
  auto o = amended("b", bid.order_id, "1.1000", nullptr);
  CAF_CHECK(o.status == order_status::partially_filled);
  CAF_CHECK_EQUAL(o.executed_qty.to_string(), "4.00000000");
  CAF_REQUIRE_EQUAL(o.fills.size(), 1u);
  CAF_CHECK(!o.fills[0].maker);
  CAF_REQUIRE_EQUAL(trades.size(), 1u);
  CAF_CHECK_EQUAL(trades[0].taker_order_id, bid.order_id);
  CAF_CHECK(!trades[0].buyer_is_maker);
  CAF_CHECK(now("a", ask.order_id).status == order_status::filled);
  CAF_CHECK_EQUAL(engine.level_quantity(usdchf(), order_side::buy, o.px).to_string(),
                  "6.00000000");
  // Received 4 USD less the taker fee; 6 left locked at 1.1.
  auto chf = engine.balances().of("b").at("CHF");
  CAF_CHECK_EQUAL(chf.locked.to_string(), "6.60000000");
  CAF_CHECK_EQUAL(chf.free.to_string(), "9989.00000000");
  // Amend the rest through the whole book: filled, nothing locked.
  placed(limit("a", order_side::sell, "1.2000", "6"));
  auto done = amended("b", bid.order_id, "1.2000", nullptr);
  CAF_CHECK(done.status == order_status::filled);
  CAF_CHECK(engine.balances().of("b").at("CHF").locked.is_zero());
  CAF_CHECK(engine.open_orders("b", usdchf()).empty());
}

CAF_TEST(post_only_amend_that_would_take_is_refused_and_order_kept) {
  placed(limit("a", order_side::sell, "1.1000", "4"));
  auto maker = limit("b", order_side::buy, "1.0000", "10");
  maker.type = order_type::limit_maker;
  auto o = placed(maker);
  auto refused = amend("b", o.order_id, "1.1000", nullptr);
  CAF_CHECK_EQUAL(code_of(refused), -2010);
  CAF_CHECK_EQUAL(std::get<venue_error>(refused).msg, "Order would immediately match and take.");
  CAF_CHECK(trades.empty());
  CAF_CHECK(now("b", o.order_id).px == *price::parse("1.0000"));
  // A plain limit order with the post_only flag: same refusal.
  auto plain = placed(limit("b", order_side::buy, "1.0000", "1"));
  CAF_CHECK_EQUAL(code_of(amend("b", plain.order_id, "1.1000", nullptr, true)), -2010);
  // Passive re-prices are fine.
  CAF_CHECK(amended("b", o.order_id, "1.0999", nullptr).px == *price::parse("1.0999"));
}

CAF_TEST(unfunded_amend_is_refused_with_the_order_unchanged) {
  engine.fund("poor", "CHF", *qty::parse("11"));
  auto o = placed(limit("poor", order_side::buy, "1.0000", "10"));
  auto changes = book_changes;
  auto refused = amend("poor", o.order_id, "1.2000", nullptr);
  CAF_CHECK_EQUAL(code_of(refused), -2010);
  CAF_CHECK_EQUAL(std::get<venue_error>(refused).msg,
                  "Account has insufficient balance for requested action.");
  CAF_CHECK_EQUAL(code_of(amend("poor", o.order_id, nullptr, "12")), -2010);
  auto same = now("poor", o.order_id);
  CAF_CHECK(same.px == o.px);
  CAF_CHECK(same.orig_qty == o.orig_qty);
  CAF_CHECK_EQUAL(same.amendments, 0);
  CAF_CHECK_EQUAL(book_changes, changes);
  auto chf = engine.balances().of("poor").at("CHF");
  CAF_CHECK_EQUAL(chf.locked.to_string(), "10.00000000");
  CAF_CHECK_EQUAL(chf.free.to_string(), "1.00000000");
  // What the free balance covers goes through: 11 at 1.0.
  CAF_CHECK(amended("poor", o.order_id, nullptr, "11").orig_qty == *qty::parse("11"));
  CAF_CHECK(engine.balances().of("poor").at("CHF").free.is_zero());
  // A lower price frees quote.
  amended("poor", o.order_id, "0.5000", nullptr);
  CAF_CHECK_EQUAL(free_of(engine, "poor", "CHF"), "5.50000000");
}

CAF_TEST(quantity_at_or_below_filled_and_unknown_orders_are_refused) {
  auto bid = placed(limit("b", order_side::buy, "1.0000", "10"));
  placed(limit("a", order_side::sell, "1.0000", "4"));
  CAF_CHECK_EQUAL(code_of(amend("b", bid.order_id, nullptr, "4")), -2038);
  CAF_CHECK_EQUAL(code_of(amend("b", bid.order_id, nullptr, "3")), -2038);
  CAF_CHECK(now("b", bid.order_id).orig_qty == *qty::parse("10"));
  CAF_CHECK(amended("b", bid.order_id, nullptr, "5").remaining() == *qty::parse("1"));
  CAF_CHECK_EQUAL(code_of(amend("a", bid.order_id, nullptr, "6")), -2013); // not a's
  CAF_CHECK_EQUAL(code_of(amend("b", 9999, nullptr, "6")), -2013);
  CAF_CHECK_EQUAL(code_of(amend("b", bid.order_id, "0.00001", nullptr)), -1013);
  engine.cancel("b", usdchf(), order_key{bid.order_id, {}}, 3000);
  CAF_CHECK_EQUAL(code_of(amend("b", bid.order_id, "0.9000", nullptr)), -2013);
}

CAF_TEST(replayed_amends_give_the_same_ids) {
  auto run = [](matching_engine& e) {
    e.add_symbol(usdchf_rules());
    for (auto* acc : {"a", "b"})
      for (auto* asset : {"USD", "CHF"})
        e.fund(acc, asset, *qty::parse("10000"));
    std::vector<int64_t> ids;
    auto p = [&](const place_request& r) { return std::get<order>(e.place(r, 1)).order_id; };
    auto a1 = p(limit("a", order_side::sell, "1.1000", "5"));
    auto b1 = p(limit("b", order_side::buy, "1.0000", "10"));
    order_amend r;
    r.px = *price::parse("1.1000");
    auto o = std::get<order>(e.amend("b", usdchf(), order_key{b1, {}}, r, 2));
    ids.push_back(a1);
    ids.push_back(o.order_id);
    for (auto& f : o.fills) ids.push_back(f.trade_id);
    ids.push_back(p(limit("a", order_side::sell, "1.1000", "5")));
    return ids;
  };
  matching_engine x, y;
  CAF_CHECK_EQUAL(run(x), run(y));
}

CAF_TEST_FIXTURE_SCOPE_END()
