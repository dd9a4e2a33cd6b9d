// The Kraken order core the REST and WebSocket v2 sides share
// (venue/kraken/kraken_trade.hpp, kraken_json.hpp, kraken_rate_limit.hpp):
// txids, the dead-man's switch fired by tick() and disarmed with 0, GTD
// expiry, the call counter's and the trading counter's decay, cancel
// penalties, limits scaled with the venue's own, amends (re-price, tags kept).
#define CAF_SUITE venue_kraken_trade
#include "tests/support/unit_test.hpp"

#include "tests/unit/venue/kraken_test_fixture.hpp"

using namespace cwts;
using namespace cwts::venue;
using namespace cwts::venue::testing;

namespace {

kraken_order_request buy(const symbol_rules* r, const char* px, const char* vol) {
  kraken_order_request o;
  o.rules = r;
  o.side = order_side::buy;
  o.px = *price::parse(px);
  o.volume = *qty::parse(vol);
  return o;
}

bool kraken_shaped(const std::string& id, char prefix) {
  if (id.size() != 19 || id[0] != prefix || id[6] != '-' || id[12] != '-') return false;
  for (size_t i = 1; i < id.size(); ++i)
    if (i != 6 && i != 12 && !((id[i] >= 'A' && id[i] <= 'Z') || (id[i] >= '2' && id[i] <= '7')))
      return false;
  return true;
}

} // namespace

CAF_TEST(txids_look_like_krakens_and_map_back_to_the_order) {
  for (int64_t id : std::initializer_list<int64_t>{1, 2, 3, 1000, 123456789, INT64_MAX}) {
    auto t = kraken_txid(id);
    CAF_CHECK(kraken_shaped(t, 'O'));
    CAF_CHECK_EQUAL(parse_kraken_txid(t).value_or(-1), id);
  }
  // Deterministic (a replay gives the same ids) and unrelated for neighbours.
  CAF_CHECK_EQUAL(kraken_txid(7), kraken_txid(7));
  CAF_CHECK_NOT_EQUAL(kraken_txid(7).substr(0, 6), kraken_txid(8).substr(0, 6));
  // A changed character fails the check bits; other shapes are refused.
  auto t = kraken_txid(42);
  t[3] = t[3] == 'A' ? 'B' : 'A';
  CAF_CHECK(!parse_kraken_txid(t));
  CAF_CHECK(!parse_kraken_txid("OQCLML-BW3P3-BUCMW"));
  CAF_CHECK(!parse_kraken_txid("TQCLML-BW3P3-BUCMWZ"));
  CAF_CHECK(!parse_kraken_txid("oqclml-bw3p3-bucmwz"));
  CAF_CHECK(kraken_shaped(kraken_trade_txid(0, 5), 'T'));
  CAF_CHECK(kraken_shaped(kraken_amend_id(1), 'T'));
  CAF_CHECK_NOT_EQUAL(kraken_trade_txid(0, 5), kraken_trade_txid(1, 5));
}

CAF_TEST(cl_ord_id_forms) {
  CAF_CHECK(kraken_cl_ord_id_ok("6d1b345e-2821-40e2-ad83-4ecb18a06876"));
  CAF_CHECK(kraken_cl_ord_id_ok("6d1b345e282140e2ad834ecb18a06876"));
  CAF_CHECK(kraken_cl_ord_id_ok("tr1-kx2abc-1"));
  CAF_CHECK(!kraken_cl_ord_id_ok(""));
  CAF_CHECK(!kraken_cl_ord_id_ok("nineteen-characters"));
  CAF_CHECK(!kraken_cl_ord_id_ok("6d1b345e-2821-40e2-ad83-4ecb18a0687z"));
  CAF_CHECK(!kraken_cl_ord_id_ok("has space"));
}

CAF_TEST(counters_decay_linearly) {
  kraken_decay_counter c;
  for (int i = 0; i < 20; ++i) CAF_CHECK(c.charge(1, 20, 1.0, 0));
  CAF_CHECK(!c.charge(1, 20, 1.0, 0));
  CAF_CHECK(!c.charge(1, 20, 1.0, 999));
  CAF_CHECK(c.charge(1, 20, 1.0, 1000));
  CAF_CHECK_EQUAL(c.value(1.0, 1000), 20.0);
  CAF_CHECK_EQUAL(c.value(1.0, 21'000), 0.0);
  CAF_CHECK_EQUAL(kraken_call_cost("Balance"), 1);
  CAF_CHECK_EQUAL(kraken_call_cost("ClosedOrders"), 1);
  CAF_CHECK_EQUAL(kraken_call_cost("TradesHistory"), 2);
  CAF_CHECK_EQUAL(kraken_call_cost("AddOrder"), 0);
  CAF_CHECK_EQUAL(kraken_cancel_penalty(1000), 8);
  CAF_CHECK_EQUAL(kraken_cancel_penalty(12'000), 5);
  CAF_CHECK_EQUAL(kraken_cancel_penalty(400'000), 0);
}

CAF_TEST(limits_scale_with_the_venues_own) {
  auto pro = kraken_limits_for(order_limits{}, default_request_weight_limit);
  CAF_CHECK_EQUAL(pro.call_max, 20.0);
  CAF_CHECK_EQUAL(pro.trading_max, 180.0);
  CAF_CHECK_EQUAL(pro.trading_decay_per_s, 3.75);
  order_limits bench;
  bench.per_10s = 100000; // config/venue.ini
  auto loose = kraken_limits_for(bench, 6000);
  CAF_CHECK_EQUAL(loose.trading_max, 180000.0);
  CAF_CHECK_EQUAL(loose.call_max, 20.0);
  order_limits tight;
  tight.per_10s = 10;
  CAF_CHECK_EQUAL(kraken_limits_for(tight, 1000).trading_max, 180.0);
}

CAF_TEST_FIXTURE_SCOPE(kraken_trade_tests, kraken_fixture)

CAF_TEST(the_call_counter_refuses_past_its_maximum_and_recovers) {
  for (int i = 0; i < 20; ++i) CAF_REQUIRE_EQUAL(kraken_error_of(call("alice", "Balance")), "");
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "Balance")), "EAPI:Rate limit exceeded");
  // Trading calls do not use this counter.
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "CancelAll")), "");
  // bob has his own.
  CAF_CHECK_EQUAL(kraken_error_of(call("bob", "Balance")), "");
  now += 1000; // decays by one a second
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "Balance")), "");
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "Balance")), "EAPI:Rate limit exceeded");
  now += 2000; // the trade history costs two
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "TradesHistory")), "");
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "Balance")), "EAPI:Rate limit exceeded");
}

CAF_TEST(the_trading_counter_is_per_pair_and_cancels_are_never_refused) {
  kraken_limits tight;
  tight.trading_max = 10;
  tight.trading_decay_per_s = 1;
  kraken_error_counts errors;
  kraken_trade t{engine, binance.faults(), errors, tight};
  auto* chf = engine.rules(usdchf());
  std::vector<std::string> placed;
  for (int i = 0; i < 10; ++i) {
    auto r = t.place("alice", buy(chf, "0.5", "2"), now);
    CAF_REQUIRE(std::holds_alternative<kraken_placed>(r));
    placed.push_back(std::get<kraken_placed>(r).txid);
  }
  auto over = t.place("alice", buy(chf, "0.5", "2"), now);
  CAF_REQUIRE(std::holds_alternative<kraken_error>(over));
  CAF_CHECK_EQUAL(std::get<kraken_error>(over).text, "EOrder:Rate limit exceeded");
  // Another pair has its own counter.
  CAF_CHECK(std::holds_alternative<kraken_placed>(
    t.place("alice", buy(engine.rules(*symbol::parse("BTCUSD")), "100", "0.01"), now)));
  // A cancel of a young order costs 8 but still goes through.
  auto c = t.cancel("alice", kraken_order_ref{placed[0], std::nullopt, {}}, now);
  CAF_CHECK_EQUAL(std::get<size_t>(c), 1u);
  CAF_CHECK_EQUAL(t.trading_limit().counter("alice", usdchf(), now), 18.0);
  now += 9000; // 18 - 9 = 9: one more order fits
  CAF_CHECK(std::holds_alternative<kraken_placed>(t.place("alice", buy(chf, "0.5", "2"), now)));
  CAF_CHECK(std::holds_alternative<kraken_error>(t.place("alice", buy(chf, "0.5", "2"), now)));
  CAF_CHECK_EQUAL(errors.by_text().at("EOrder:Rate limit exceeded"), 2u);
}

CAF_TEST(cancel_all_orders_after_fires_on_tick_and_disarms_with_zero) {
  for (int i = 0; i < 3; ++i)
    call("alice", "AddOrder", "pair=USDCHF&type=buy&ordertype=limit&price=0.5&volume=2");
  call("bob", "AddOrder", "pair=USDCHF&type=buy&ordertype=limit&price=0.5&volume=2");
  auto armed = kraken_result(call("alice", "CancelAllOrdersAfter", "timeout=60"));
  CAF_CHECK_EQUAL(kraken_at(armed, {"currentTime"}), "2023-11-14T22:13:20Z");
  CAF_CHECK_EQUAL(kraken_at(armed, {"triggerTime"}), "2023-11-14T22:14:20Z");
  // bob arms and disarms: "0" as the trigger time.
  call("bob", "CancelAllOrdersAfter", "timeout=10");
  auto off = kraken_result(call("bob", "CancelAllOrdersAfter", "timeout=0"));
  CAF_CHECK_EQUAL(kraken_at(off, {"triggerTime"}), "0");
  CAF_CHECK(kraken.tick(now + 59'999).dead_man.empty());
  // A refresh moves the trigger.
  now += 30'000;
  call("alice", "CancelAllOrdersAfter", "timeout=60");
  CAF_CHECK(kraken.tick(now + 59'999).dead_man.empty());
  auto fired = kraken.tick(now + 60'000);
  CAF_REQUIRE_EQUAL(fired.dead_man.size(), 1u);
  CAF_CHECK_EQUAL(fired.dead_man[0].account, "alice");
  CAF_CHECK_EQUAL(fired.dead_man[0].canceled, 3u);
  CAF_CHECK(engine.open_orders("alice", std::nullopt).empty());
  CAF_CHECK_EQUAL(engine.open_orders("bob", std::nullopt).size(), 1u);
  CAF_CHECK_EQUAL(kraken.trade().dead_man().fired(), 1u);
  CAF_CHECK(kraken.tick(now + 120'000).dead_man.empty()); // fires once
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "CancelAllOrdersAfter", "timeout=86401")),
                  "EGeneral:Invalid arguments:timeout");
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "CancelAllOrdersAfter")),
                  "EGeneral:Invalid arguments:timeout");
}

CAF_TEST(gtd_orders_expire_on_tick) {
  auto r = call("alice", "AddOrder",
                "pair=USDCHF&type=buy&ordertype=limit&price=0.5&volume=2&timeinforce=GTD"
                "&expiretm=%2B30");
  CAF_REQUIRE_EQUAL(kraken_error_of(r), "");
  auto txid = kraken_result(r).member("txid")->items[0].text;
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "AddOrder",
                                       "pair=USDCHF&type=buy&ordertype=limit&price=0.5&volume=2"
                                       "&timeinforce=GTD")),
                  "EGeneral:Invalid arguments:expiretm");
  CAF_CHECK_EQUAL(kraken.tick(now + 29'999).expired, 0u);
  CAF_CHECK_EQUAL(kraken.tick(now + 30'000).expired, 1u);
  auto q = kraken_result(call("alice", "QueryOrders", "txid=" + txid));
  CAF_CHECK_EQUAL(kraken_at(q, {txid, "status"}), "expired");
  CAF_CHECK_EQUAL(kraken_at(q, {txid, "expiretm"}), "1700000030.0000");
}

CAF_TEST(ioc_and_market_orders_do_not_rest) {
  CAF_REQUIRE(std::holds_alternative<order>(
    engine.place(limit("bob", order_side::sell, "0.9", "3"), now)));
  auto m = call("alice", "AddOrder", "pair=USDCHF&type=buy&ordertype=market&volume=5");
  CAF_CHECK_EQUAL(kraken_error_of(m), "");
  CAF_CHECK_EQUAL(kraken_at(kraken_result(m), {"descr", "order"}),
                  "buy 5.00000000 USDCHF @ market");
  auto txid = kraken_result(m).member("txid")->items[0].text;
  auto q = kraken_result(call("alice", "QueryOrders", "txid=" + txid));
  CAF_CHECK_EQUAL(kraken_at(q, {txid, "vol_exec"}), "3");
  CAF_CHECK_EQUAL(kraken_at(q, {txid, "status"}), "canceled");
  CAF_CHECK(engine.open_orders("alice", std::nullopt).empty());
  auto ioc = call("alice", "AddOrder",
                  "pair=USDCHF&type=buy&ordertype=limit&price=0.5&volume=2&timeinforce=IOC");
  CAF_CHECK_EQUAL(kraken_error_of(ioc), "");
  CAF_CHECK(engine.open_orders("alice", std::nullopt).empty());
}

// kraken_trade::amend, the code REST AmendOrder and WS amend_order share:
// each amend charges the pair's trading counter, a post-only order is never
// re-priced into the book, refusals are counted by their text, and the
// order keeps its txid and tags (userref, cl_ord_id).
CAF_TEST(amend_reprices_keeps_tags_charges_and_counts_refusals) {
  kraken_error_counts errors;
  kraken_trade t{engine, binance.faults(), errors, kraken_limits{}};
  auto* chf = engine.rules(usdchf());
  CAF_REQUIRE(std::holds_alternative<order>(
    engine.place(limit("bob", order_side::sell, "0.9", "3"), now)));
  auto req = buy(chf, "0.8", "10");
  req.type = order_type::limit_maker;
  req.userref = 77;
  req.cl_ord_id = "pm-1";
  auto placed = t.place("alice", req, now);
  CAF_REQUIRE(std::holds_alternative<kraken_placed>(placed));
  auto id = std::get<kraken_placed>(placed).order_id;
  auto before = t.trading_limit().counter("alice", usdchf(), now);
  kraken_amend_request up;
  up.cl_ord_id = "pm-1";
  up.limit_price = *price::parse("0.9");
  auto refused = t.amend("alice", up, now);
  CAF_REQUIRE(std::holds_alternative<kraken_error>(refused));
  CAF_CHECK_EQUAL(std::get<kraken_error>(refused).text, "EOrder:Post only order");
  CAF_CHECK_EQUAL(errors.by_text().at("EOrder:Post only order"), 1u);
  up.limit_price = *price::parse("0.85");
  up.order_qty = *qty::parse("12");
  auto done = t.amend("alice", up, now);
  CAF_REQUIRE(std::holds_alternative<kraken_amended>(done));
  CAF_CHECK_EQUAL(std::get<kraken_amended>(done).order_id, id);
  auto o = std::get<order>(t.find("alice", kraken_txid(id), {}));
  CAF_CHECK(o.px == *price::parse("0.85"));
  CAF_CHECK(o.orig_qty == *qty::parse("12"));
  CAF_CHECK(o.type == order_type::limit_maker);
  CAF_CHECK_EQUAL(t.tags(id)->userref, 77);
  CAF_CHECK_EQUAL(t.tags(id)->cl_ord_id, "pm-1");
  // The refused and the done amend cost 1 each (the engine saw both); a
  // price with more decimals than the pair's is refused before any charge.
  kraken_amend_request odd;
  odd.txid = kraken_txid(id);
  odd.limit_price = *price::parse("0.85001");
  CAF_CHECK(std::holds_alternative<kraken_error>(t.amend("alice", odd, now)));
  CAF_CHECK_EQUAL(t.trading_limit().counter("alice", usdchf(), now), before + 2);
}

CAF_TEST_FIXTURE_SCOPE_END()
