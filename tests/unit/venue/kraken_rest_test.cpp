// Kraken private trading and account endpoints through kraken_rest_api,
// without sockets: AddOrder (validate, errors), QueryOrders, OpenOrders,
// ClosedOrders, CancelOrder (txid, userref, cl_ord_id), CancelOrderBatch, AmendOrder,
// EditOrder, AddOrderBatch with per-order errors (form and JSON bodies),
// CancelAll, balances, TradesHistory, GetWebSocketsToken, the fault plan.
#define CAF_SUITE venue_kraken_rest
#include "tests/support/unit_test.hpp"

#include "tests/unit/venue/kraken_test_fixture.hpp"

using namespace cwts;
using namespace cwts::venue;
using namespace cwts::venue::testing;

namespace {

std::string first_txid(const http_reply& r) {
  auto res = kraken_result(r);
  auto t = res.member("txid");
  return t && !t->items.empty() ? t->items[0].text : "";
}

const json_value* at(const json_value& v, std::initializer_list<std::string> path) {
  const json_value* cur = &v;
  for (auto& p : path) cur = cur ? cur->member(p) : nullptr;
  return cur;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(kraken_rest_tests, kraken_fixture)

CAF_TEST(add_query_cancel_a_limit_order) {
  auto r = call("alice", "AddOrder",
                "pair=XBTUSD&type=buy&ordertype=limit&price=27500.0&volume=0.5&userref=42"
                "&cl_ord_id=6d1b345e-2821-40e2-ad83-4ecb18a06876");
  CAF_CHECK_EQUAL(kraken_error_of(r), "");
  CAF_CHECK_EQUAL(kraken_at(kraken_result(r), {"descr", "order"}),
                  "buy 0.50000000 XBTUSD @ limit 27500.0");
  auto txid = first_txid(r);
  CAF_CHECK_EQUAL(txid.size(), 19u);
  CAF_CHECK_EQUAL(txid[0], 'O');
  auto q = kraken_result(call("alice", "QueryOrders", "txid=" + txid + "&trades=true"));
  CAF_CHECK_EQUAL(kraken_at(q, {txid, "status"}), "open");
  CAF_CHECK_EQUAL(kraken_at(q, {txid, "userref"}), "42");
  CAF_CHECK_EQUAL(kraken_at(q, {txid, "cl_ord_id"}), "6d1b345e-2821-40e2-ad83-4ecb18a06876");
  CAF_CHECK_EQUAL(kraken_at(q, {txid, "vol"}), "0.50000000");
  CAF_CHECK_EQUAL(kraken_at(q, {txid, "vol_exec"}), "0.00000000");
  CAF_CHECK_EQUAL(kraken_at(q, {txid, "descr", "pair"}), "XBTUSD");
  CAF_CHECK_EQUAL(kraken_at(q, {txid, "descr", "price"}), "27500.0");
  CAF_CHECK_EQUAL(kraken_at(q, {txid, "descr", "ordertype"}), "limit");
  CAF_CHECK_EQUAL(kraken_at(q, {txid, "opentm"}), "1700000000.0000");
  auto open = kraken_result(call("alice", "OpenOrders"));
  CAF_CHECK_EQUAL(kraken_at(open, {"open", txid, "status"}), "open");
  // bob sees none of alice's orders.
  CAF_CHECK_EQUAL(at(kraken_result(call("bob", "OpenOrders")), {"open"})->members.size(), 0u);
  CAF_CHECK_EQUAL(kraken_error_of(call("bob", "QueryOrders", "txid=" + txid)),
                  "EOrder:Unknown order");
  auto c = call("alice", "CancelOrder", "txid=" + txid);
  CAF_CHECK_EQUAL(kraken_error_of(c), "");
  CAF_CHECK_EQUAL(kraken_at(kraken_result(c), {"count"}), "1");
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "CancelOrder", "txid=" + txid)),
                  "EOrder:Unknown order");
  auto closed = kraken_result(call("alice", "ClosedOrders"));
  CAF_CHECK_EQUAL(kraken_at(closed, {"closed", txid, "status"}), "canceled");
  CAF_CHECK_EQUAL(kraken_at(closed, {"closed", txid, "reason"}), "User requested");
  CAF_CHECK_EQUAL(kraken_at(closed, {"count"}), "1");
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "QueryOrders", "txid=OAAAAA-AAAAA-AAAAAA")),
                  "EOrder:Unknown order");
}

CAF_TEST(validate_checks_without_placing) {
  auto r = call("alice", "AddOrder",
                "pair=USDCHF&type=sell&ordertype=limit&price=0.95&volume=10&validate=true");
  CAF_CHECK_EQUAL(kraken_error_of(r), "");
  CAF_CHECK_EQUAL(kraken_at(kraken_result(r), {"descr", "order"}),
                  "sell 10.00000000 USDCHF @ limit 0.9500");
  CAF_CHECK_EQUAL(kraken_result(r).member("txid"), nullptr);
  CAF_CHECK(engine.open_orders("alice", std::nullopt).empty());
}

CAF_TEST(order_errors_are_krakens_strings) {
  auto err = [&](const std::string& params) {
    return kraken_error_of(call("alice", "AddOrder", params));
  };
  CAF_CHECK_EQUAL(err("pair=XBTEUR&type=buy&ordertype=limit&price=1&volume=1"),
                  "EQuery:Unknown asset pair");
  CAF_CHECK_EQUAL(err("type=buy&ordertype=limit&price=1&volume=1"),
                  "EGeneral:Invalid arguments:pair");
  CAF_CHECK_EQUAL(err("pair=USDCHF&type=up&ordertype=limit&price=1&volume=1"),
                  "EGeneral:Invalid arguments:type");
  CAF_CHECK_EQUAL(err("pair=USDCHF&type=buy&ordertype=stop-loss&price=1&volume=1"),
                  "EGeneral:Invalid arguments:ordertype");
  CAF_CHECK_EQUAL(err("pair=USDCHF&type=buy&ordertype=limit&volume=1"),
                  "EGeneral:Invalid arguments:price");
  CAF_CHECK_EQUAL(err("pair=USDCHF&type=buy&ordertype=limit&price=0.90001&volume=10"),
                  "EOrder:Invalid price:USDCHF price can only be specified up to 4 decimals.");
  CAF_CHECK_EQUAL(err("pair=USDCHF&type=buy&ordertype=limit&price=0.9&volume=0.5"),
                  "EOrder:Order minimum not met");
  CAF_CHECK_EQUAL(err("pair=USDCHF&type=buy&ordertype=limit&price=0.9&volume=10.5"),
                  "EGeneral:Invalid arguments:volume");
  CAF_CHECK_EQUAL(err("pair=USDCHF&type=buy&ordertype=limit&price=0.9&volume=1000000"),
                  "EOrder:Insufficient funds");
  CAF_CHECK_EQUAL(err("pair=USDCHF&type=buy&ordertype=limit&price=0.9&volume=10&oflags=viqc"),
                  "EGeneral:Invalid arguments:oflags");
  CAF_CHECK_EQUAL(err("pair=USDCHF&type=buy&ordertype=limit&price=0.9&volume=10&cl_ord_id="
                      "this-is-far-too-long-for-free-text"),
                  "EGeneral:Invalid arguments:cl_ord_id");
  CAF_CHECK_EQUAL(err("pair=USDCHF&type=buy&ordertype=limit&price=0.9&volume=10&userref=x"),
                  "EGeneral:Invalid arguments:userref");
  CAF_CHECK_EQUAL(err("pair=USDCHF&type=buy&ordertype=limit&price=0.9&volume=10"
                      "&deadline=2023-11-14T22:13:19.000Z"),
                  "EService:Deadline elapsed");
  // Post-only that would take liquidity.
  CAF_REQUIRE(std::holds_alternative<order>(
    engine.place(limit("bob", order_side::sell, "0.9", "10"), now)));
  CAF_CHECK_EQUAL(err("pair=USDCHF&type=buy&ordertype=limit&price=0.9&volume=10&oflags=post"),
                  "EOrder:Post only order");
  CAF_CHECK_EQUAL(kraken.errors().by_text().at("EOrder:Post only order"), 1u);
  CAF_CHECK(kraken.errors().total() >= 14u);
}

CAF_TEST(cancel_by_userref_and_by_cl_ord_id) {
  for (int i = 0; i < 3; ++i)
    CAF_CHECK_EQUAL(kraken_error_of(call("alice", "AddOrder",
                                         "pair=USDCHF&type=buy&ordertype=limit&price=0.8&volume=2"
                                         "&userref=7")),
                    "");
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "AddOrder",
                                       "pair=USDCHF&type=buy&ordertype=limit&price=0.8&volume=2"
                                       "&cl_ord_id=mine-1")),
                  "");
  auto by_ref = call("alice", "CancelOrder", "txid=7");
  CAF_CHECK_EQUAL(kraken_at(kraken_result(by_ref), {"count"}), "3");
  auto by_cl = call("alice", "CancelOrder", "cl_ord_id=mine-1");
  CAF_CHECK_EQUAL(kraken_at(kraken_result(by_cl), {"count"}), "1");
  CAF_CHECK(engine.open_orders("alice", std::nullopt).empty());
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "CancelOrder")), "EGeneral:Invalid arguments:txid");
}

CAF_TEST(cancel_order_batch_takes_txids_userrefs_and_cl_ord_ids) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i)
    ids.push_back(first_txid(call("alice", "AddOrder",
                                  "pair=USDCHF&type=buy&ordertype=limit&price=0.8&volume=2")));
  call("alice", "AddOrder", "pair=USDCHF&type=buy&ordertype=limit&price=0.8&volume=2&userref=3");
  call("alice", "AddOrder", "pair=USDCHF&type=buy&ordertype=limit&price=0.8&volume=2&cl_ord_id=cb-1");
  // JSON, as Kraken documents it (and ccxt sends it).
  auto j = call_json("alice", "CancelOrderBatch",
                     R"("orders":[")" + ids[0] + R"(",")" + ids[1] + R"(","3"],"cl_ord_ids":["cb-1"])");
  CAF_CHECK_EQUAL(kraken_error_of(j), "");
  CAF_CHECK_EQUAL(kraken_at(kraken_result(j), {"count"}), "4");
  // Form-encoded; an id already gone counts nothing.
  auto f = call("alice", "CancelOrderBatch", "orders[0]=" + ids[2] + "&orders[1]=" + ids[0]);
  CAF_CHECK_EQUAL(kraken_at(kraken_result(f), {"count"}), "1");
  CAF_CHECK(engine.open_orders("alice", std::nullopt).empty());
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "CancelOrderBatch")),
                  "EGeneral:Invalid arguments:orders");
}

CAF_TEST(amend_changes_price_and_quantity_keeping_txid_and_cl_ord_id) {
  auto txid = first_txid(call("alice", "AddOrder",
                              "pair=USDCHF&type=buy&ordertype=limit&price=0.8&volume=10"
                              "&cl_ord_id=am-1"));
  CAF_REQUIRE(!txid.empty());
  auto a = call("alice", "AmendOrder", "txid=" + txid + "&order_qty=6");
  CAF_CHECK_EQUAL(kraken_error_of(a), "");
  auto amend_id = kraken_at(kraken_result(a), {"amend_id"});
  CAF_CHECK_EQUAL(amend_id.size(), 19u);
  auto q = kraken_result(call("alice", "QueryOrders", "txid=" + txid));
  CAF_CHECK_EQUAL(kraken_at(q, {txid, "vol"}), "6");
  CAF_CHECK_EQUAL(kraken_at(q, {txid, "status"}), "open");
  // By cl_ord_id too, price and quantity at once (a larger size is fine).
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "AmendOrder",
                                       "cl_ord_id=am-1&order_qty=9&limit_price=0.81")),
                  "");
  q = kraken_result(call("alice", "QueryOrders", "txid=" + txid));
  CAF_CHECK_EQUAL(kraken_at(q, {txid, "vol"}), "9");
  CAF_CHECK_EQUAL(kraken_at(q, {txid, "descr", "price"}), "0.8100");
  CAF_CHECK_EQUAL(kraken_at(q, {txid, "cl_ord_id"}), "am-1");
  CAF_CHECK_EQUAL(kraken_at(q, {txid, "status"}), "open");
  CAF_CHECK_EQUAL(engine.level_quantity(usdchf(), order_side::buy, *price::parse("0.81"))
                    .to_string(), "9.00000000");
  CAF_CHECK(engine.level_quantity(usdchf(), order_side::buy, *price::parse("0.8")).is_zero());
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "AmendOrder", "txid=" + txid + "&order_qty=2.5")),
                  "EGeneral:Invalid arguments:order_qty");
  CAF_CHECK(kraken_error_of(call("alice", "AmendOrder", "txid=" + txid + "&limit_price=0.81234"))
              .rfind("EOrder:Invalid price", 0) == 0);
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "AmendOrder",
                                       "txid=" + txid + "&limit_price=0.82&post_only=maybe")),
                  "EGeneral:Invalid arguments:post_only");
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "AmendOrder", "txid=" + txid)),
                  "EGeneral:Invalid arguments:order_qty");
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "AmendOrder", "order_qty=2")),
                  "EGeneral:Invalid arguments:txid");
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "AmendOrder",
                                       "txid=" + txid + "&order_qty=2&display_qty=1")),
                  "EGeneral:Invalid arguments:display_qty");
  CAF_CHECK_EQUAL(kraken_error_of(call("bob", "AmendOrder", "txid=" + txid + "&order_qty=2")),
                  "EOrder:Unknown order");
}

CAF_TEST(amend_crosses_as_a_taker_and_refuses_post_only_and_unfunded_terms) {
  auto txid = first_txid(call("alice", "AddOrder",
                              "pair=USDCHF&type=buy&ordertype=limit&price=0.8&volume=10"));
  CAF_REQUIRE(!first_txid(call("bob", "AddOrder",
                               "pair=USDCHF&type=sell&ordertype=limit&price=0.9&volume=4"))
                 .empty());
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "AmendOrder",
                                       "txid=" + txid + "&limit_price=0.9&post_only=true")),
                  "EOrder:Post only order");
  // Unfunded: 2000 at 0.9 locks 1800 CHF of alice's 1000.
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "AmendOrder",
                                       "txid=" + txid + "&limit_price=0.9&order_qty=2000")),
                  "EOrder:Insufficient funds");
  auto q = kraken_result(call("alice", "QueryOrders", "txid=" + txid));
  CAF_CHECK_EQUAL(kraken_at(q, {txid, "vol"}), "10");
  CAF_CHECK_EQUAL(kraken_at(q, {txid, "descr", "price"}), "0.8000");
  // Crossing: takes bob's 4 at 0.9, the other 6 rest at 0.9 as the same txid.
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "AmendOrder", "txid=" + txid + "&limit_price=0.9")),
                  "");
  q = kraken_result(call("alice", "QueryOrders", "txid=" + txid));
  CAF_CHECK_EQUAL(kraken_at(q, {txid, "status"}), "open");
  CAF_CHECK_EQUAL(kraken_at(q, {txid, "vol_exec"}), "4");
  CAF_CHECK_EQUAL(engine.trades_of("alice", usdchf()).size(), 1u);
  CAF_CHECK(!engine.trades_of("alice", usdchf())[0].is_maker);
  // At or below what filled: the rest is canceled (Kraken's amend rule).
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "AmendOrder", "txid=" + txid + "&order_qty=4")),
                  "");
  q = kraken_result(call("alice", "QueryOrders", "txid=" + txid));
  CAF_CHECK_EQUAL(kraken_at(q, {txid, "status"}), "canceled");
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "AmendOrder", "txid=" + txid + "&order_qty=5")),
                  "EOrder:Unknown order");
}

CAF_TEST(edit_replaces_the_order_with_a_new_txid) {
  auto old = first_txid(call("alice", "AddOrder",
                             "pair=USDCHF&type=buy&ordertype=limit&price=0.8&volume=10&userref=5"));
  auto e = call("alice", "EditOrder", "txid=" + old + "&pair=USDCHF&price=0.81&volume=4");
  CAF_CHECK_EQUAL(kraken_error_of(e), "");
  auto res = kraken_result(e);
  auto fresh = kraken_at(res, {"txid"});
  CAF_CHECK_NOT_EQUAL(fresh, old);
  CAF_CHECK_EQUAL(kraken_at(res, {"originaltxid"}), old);
  CAF_CHECK_EQUAL(kraken_at(res, {"price"}), "0.8100");
  CAF_CHECK_EQUAL(kraken_at(res, {"volume"}), "4");
  CAF_CHECK_EQUAL(kraken_at(res, {"status"}), "ok");
  CAF_CHECK_EQUAL(kraken_at(res, {"orders_cancelled"}), "1");
  auto q = kraken_result(call("alice", "QueryOrders", "txid=" + old + "," + fresh));
  CAF_CHECK_EQUAL(kraken_at(q, {old, "status"}), "canceled");
  CAF_CHECK_EQUAL(kraken_at(q, {old, "reason"}), "Order replaced");
  CAF_CHECK_EQUAL(kraken_at(q, {fresh, "status"}), "open");
  CAF_CHECK_EQUAL(kraken_at(q, {fresh, "userref"}), "5");
  // By userref, and a bad edit leaves the order working.
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "EditOrder", "txid=5&pair=USDCHF&price=0.80001")),
                  "EOrder:Invalid price:USDCHF price can only be specified up to 4 decimals.");
  CAF_CHECK_EQUAL(engine.open_orders("alice", std::nullopt).size(), 1u);
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "EditOrder", "txid=5&pair=XBTUSD&price=1")),
                  "EOrder:Unknown order");
}

CAF_TEST(a_batch_answers_order_by_order) {
  auto r = call("alice", "AddOrderBatch",
                "pair=USDCHF"
                "&orders[0][type]=buy&orders[0][ordertype]=limit&orders[0][price]=0.8&orders[0][volume]=2"
                "&orders[1][type]=buy&orders[1][ordertype]=limit&orders[1][price]=0.80001&orders[1][volume]=2"
                "&orders[2][type]=sell&orders[2][ordertype]=limit&orders[2][price]=0.99&orders[2][volume]=3");
  CAF_CHECK_EQUAL(kraken_error_of(r), "");
  auto res = kraken_result(r);
  auto* orders = at(res, {"orders"});
  CAF_REQUIRE(orders);
  CAF_REQUIRE_EQUAL(orders->items.size(), 3u);
  CAF_CHECK_EQUAL(kraken_at(orders->items[0], {"txid"}).size(), 19u);
  CAF_CHECK_EQUAL(kraken_at(orders->items[1], {"error"}),
                  "EOrder:Invalid price:USDCHF price can only be specified up to 4 decimals.");
  CAF_CHECK_EQUAL(kraken_at(orders->items[2], {"descr", "order"}),
                  "sell 3.00000000 USDCHF @ limit 0.9900");
  CAF_CHECK_EQUAL(engine.open_orders("alice", std::nullopt).size(), 2u);
  // The JSON form Kraken documents, with validate: nothing placed.
  auto j = call_json("alice", "AddOrderBatch",
                     R"("pair":"USD/CHF","validate":true,"orders":[)"
                     R"({"type":"buy","ordertype":"limit","price":"0.7","volume":"1"},)"
                     R"({"type":"buy","ordertype":"limit","price":"0.7","volume":"0"}])");
  CAF_CHECK_EQUAL(kraken_error_of(j), "");
  auto jres = kraken_result(j);
  auto* jo = at(jres, {"orders"});
  CAF_REQUIRE(jo);
  CAF_REQUIRE_EQUAL(jo->items.size(), 2u);
  CAF_CHECK_EQUAL(kraken_at(jo->items[0], {"txid"}), "<none>");
  CAF_CHECK_EQUAL(kraken_at(jo->items[1], {"error"}), "EGeneral:Invalid arguments:volume");
  CAF_CHECK_EQUAL(engine.open_orders("alice", std::nullopt).size(), 2u);
  // 16 orders are too many; a gap in the indices is malformed.
  std::string many = "pair=USDCHF";
  for (int i = 0; i < 16; ++i)
    many += "&orders[" + std::to_string(i) + "][type]=buy";
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "AddOrderBatch", many)),
                  "EGeneral:Invalid arguments:orders");
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "AddOrderBatch",
                                       "pair=USDCHF&orders[0][type]=buy&orders[2][type]=buy")),
                  "EGeneral:Invalid arguments:orders");
}

CAF_TEST(cancel_all_and_balances) {
  for (int i = 0; i < 4; ++i)
    call("alice", "AddOrder", "pair=USDCHF&type=buy&ordertype=limit&price=0.5&volume=100");
  auto b = kraken_result(call("alice", "BalanceEx"));
  CAF_CHECK_EQUAL(kraken_at(b, {"CHF", "balance"}), "1000.00000000");
  CAF_CHECK_EQUAL(kraken_at(b, {"CHF", "hold_trade"}), "200.00000000");
  CAF_CHECK_EQUAL(kraken_at(b, {"ZUSD", "balance"}), "100000.00000000");
  CAF_CHECK_EQUAL(kraken_at(b, {"XXBT", "balance"}), "2.00000000");
  auto c = call("alice", "CancelAll");
  CAF_CHECK_EQUAL(kraken_at(kraken_result(c), {"count"}), "4");
  CAF_CHECK_EQUAL(kraken_at(kraken_result(call("alice", "CancelAll")), {"count"}), "0");
  auto bal = kraken_result(call("alice", "Balance"));
  CAF_CHECK_EQUAL(kraken_at(bal, {"CHF"}), "1000.00000000");
  CAF_CHECK_EQUAL(kraken_at(bal, {"ZUSD"}), "100000.00000000");
}

CAF_TEST(trades_history_lists_the_accounts_fills) {
  CAF_REQUIRE(std::holds_alternative<order>(
    engine.place(limit("bob", order_side::sell, "0.9", "10"), now)));
  auto txid = first_txid(call("alice", "AddOrder",
                              "pair=USDCHF&type=buy&ordertype=limit&price=0.9&volume=4"));
  auto h = kraken_result(call("alice", "TradesHistory"));
  CAF_CHECK_EQUAL(kraken_at(h, {"count"}), "1");
  auto* trades = at(h, {"trades"});
  CAF_REQUIRE(trades);
  CAF_REQUIRE_EQUAL(trades->members.size(), 1u);
  auto& t = trades->members[0].second;
  CAF_CHECK_EQUAL(trades->members[0].first[0], 'T');
  CAF_CHECK_EQUAL(kraken_at(t, {"ordertxid"}), txid);
  CAF_CHECK_EQUAL(kraken_at(t, {"pair"}), "USDCHF");
  CAF_CHECK_EQUAL(kraken_at(t, {"type"}), "buy");
  CAF_CHECK_EQUAL(kraken_at(t, {"price"}), "0.9000");
  CAF_CHECK_EQUAL(kraken_at(t, {"vol"}), "4");
  CAF_CHECK_EQUAL(kraken_at(t, {"cost"}), "3.6000");
  auto q = kraken_result(call("alice", "QueryOrders", "txid=" + txid + "&trades=true"));
  CAF_CHECK_EQUAL(kraken_at(q, {txid, "status"}), "closed");
  CAF_CHECK_EQUAL(kraken_at(q, {txid, "price"}), "0.9000");
  CAF_CHECK_EQUAL(at(q, {txid, "trades"})->items[0].text, trades->members[0].first);
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "TradesHistory", "type=weird")),
                  "EGeneral:Invalid arguments:type");
}

CAF_TEST(closed_orders_page_by_fifty) {
  for (int i = 0; i < 60; ++i)
    call("alice", "AddOrder", "pair=USDCHF&type=buy&ordertype=limit&price=0.5&volume=2");
  call("alice", "CancelAll");
  auto p1 = kraken_result(call("alice", "ClosedOrders"));
  CAF_CHECK_EQUAL(kraken_at(p1, {"count"}), "60");
  CAF_CHECK_EQUAL(at(p1, {"closed"})->members.size(), 50u);
  auto p2 = kraken_result(call("alice", "ClosedOrders", "ofs=50"));
  CAF_CHECK_EQUAL(at(p2, {"closed"})->members.size(), 10u);
}

CAF_TEST(websockets_token_names_the_account_until_it_expires) {
  auto r = kraken_result(call("alice", "GetWebSocketsToken"));
  auto token = kraken_at(r, {"token"});
  CAF_CHECK_EQUAL(kraken_at(r, {"expires"}), "900");
  CAF_CHECK(token.size() >= 40u);
  CAF_CHECK_EQUAL(kraken.tokens().account_of_token(token, now).value_or("?"), "alice");
  CAF_CHECK(!kraken.tokens().account_of_token(token, now + 900'000));
  CAF_CHECK(!kraken.tokens().account_of_token("nope", now));
  // Bounded per account: the oldest token is dropped.
  for (size_t i = 0; i < kraken_tokens::max_per_account; ++i)
    call("alice", "GetWebSocketsToken");
  CAF_CHECK(!kraken.tokens().account_of_token(token, now));
  CAF_CHECK_EQUAL(kraken.tokens().size(), kraken_tokens::max_per_account);
}

CAF_TEST(the_fault_plan_speaks_kraken) {
  CAF_REQUIRE(!binance.faults().apply({{"unavailable-requests", "1"}}, fault_source::admin));
  CAF_CHECK_EQUAL(kraken_error_of(get("/0/public/Time")), "EService:Unavailable");
  CAF_CHECK_EQUAL(kraken_error_of(get("/0/public/Time")), "");
  CAF_REQUIRE(!binance.faults().apply({{"reject-orders", "1"}, {"reject-code", "-2010"}},
                                      fault_source::admin));
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "AddOrder",
                                       "pair=USDCHF&type=buy&ordertype=limit&price=0.5&volume=2")),
                  "EOrder:Insufficient funds");
  CAF_CHECK(engine.open_orders("alice", std::nullopt).empty());
  // unavailable-executes: the order is placed, its reply is lost.
  CAF_REQUIRE(!binance.faults().apply({{"unavailable-requests", "1"}, {"unavailable-executes", "true"}},
                                      fault_source::admin));
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "AddOrder",
                                       "pair=USDCHF&type=buy&ordertype=limit&price=0.5&volume=2")),
                  "EService:Unavailable");
  CAF_CHECK_EQUAL(engine.open_orders("alice", std::nullopt).size(), 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()
