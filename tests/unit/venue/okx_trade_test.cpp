// OKX v5 trade endpoints through okx_rest_api, without sockets: place,
// query, cancel, amend, batch calls with per-order sCode, orders-pending
// paging, orders-history, fills, balance, cancel-all-after fired by tick(),
// rate limits and the fault plan.
#define CAF_SUITE venue_okx_trade
#include "tests/support/unit_test.hpp"

#include "tests/unit/venue/okx_test_fixture.hpp"

using namespace cwts;
using namespace cwts::venue;
using namespace cwts::venue::testing;

namespace {

std::string limit_body(const char* side, const char* px, const char* sz, std::string cl = {}) {
  return std::string(R"({"instId":"USD-CHF","tdMode":"cash","side":")") + side
         + R"(","ordType":"limit","px":")" + px + R"(","sz":")" + sz + "\""
         + (cl.empty() ? "" : R"(,"clOrdId":")" + cl + "\"") + "}";
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(okx_trade_tests, okx_fixture)

CAF_TEST(place_query_and_cancel) {
  auto r = call("alice", "POST", "/api/v5/trade/order", limit_body("buy", "0.9", "10", "abc1"));
  CAF_CHECK_EQUAL(r.status, 200);
  CAF_CHECK_EQUAL(okx_code_of(r), "0");
  CAF_CHECK_EQUAL(okx_data(r, 0, "sCode"), "0");
  CAF_CHECK_EQUAL(okx_data(r, 0, "clOrdId"), "abc1");
  auto id = okx_data(r, 0, "ordId");
  CAF_REQUIRE(!id.empty());
  auto q = call("alice", "GET", "/api/v5/trade/order?instId=USD-CHF&ordId=" + id);
  CAF_CHECK_EQUAL(okx_code_of(q), "0");
  CAF_CHECK_EQUAL(okx_data(q, 0, "state"), "live");
  CAF_CHECK_EQUAL(okx_data(q, 0, "px"), "0.9");
  CAF_CHECK_EQUAL(okx_data(q, 0, "sz"), "10");
  CAF_CHECK_EQUAL(okx_data(q, 0, "ordType"), "limit");
  CAF_CHECK_EQUAL(okx_data(q, 0, "side"), "buy");
  CAF_CHECK_EQUAL(okx_data(q, 0, "instId"), "USD-CHF");
  CAF_CHECK_EQUAL(okx_data(q, 0, "accFillSz"), "0");
  auto by_cl = call("alice", "GET", "/api/v5/trade/order?instId=USD-CHF&clOrdId=abc1");
  CAF_CHECK_EQUAL(okx_data(by_cl, 0, "ordId"), id);
  // Another account cannot see it.
  CAF_CHECK_EQUAL(okx_code_of(call("bob", "GET", "/api/v5/trade/order?instId=USD-CHF&ordId=" + id)),
                  "51603");
  auto c = call("alice", "POST", "/api/v5/trade/cancel-order",
                R"({"instId":"USD-CHF","clOrdId":"abc1"})");
  CAF_CHECK_EQUAL(okx_code_of(c), "0");
  CAF_CHECK_EQUAL(okx_data(c, 0, "ordId"), id);
  auto again = call("alice", "POST", "/api/v5/trade/cancel-order",
                    R"({"instId":"USD-CHF","ordId":")" + id + "\"}");
  CAF_CHECK_EQUAL(okx_code_of(again), "1");
  CAF_CHECK_EQUAL(okx_data(again, 0, "sCode"), "51401");
  auto unknown = call("alice", "POST", "/api/v5/trade/cancel-order",
                      R"({"instId":"USD-CHF","ordId":"999999"})");
  CAF_CHECK_EQUAL(okx_data(unknown, 0, "sCode"), "51400");
  auto q2 = call("alice", "GET", "/api/v5/trade/order?instId=USD-CHF&ordId=" + id);
  CAF_CHECK_EQUAL(okx_data(q2, 0, "state"), "canceled");
  CAF_CHECK_EQUAL(stats.rejects[51401], 1u);
}

CAF_TEST(order_errors_carry_okx_scodes) {
  auto place = [&](const std::string& body) {
    auto r = call("alice", "POST", "/api/v5/trade/order", body);
    CAF_CHECK_EQUAL(okx_code_of(r), "1");
    return okx_data(r, 0, "sCode");
  };
  CAF_CHECK_EQUAL(place(R"({"instId":"BTC-USDT","tdMode":"cash","side":"buy","ordType":"limit","px":"1","sz":"1"})"),
                  "51001");
  CAF_CHECK_EQUAL(place(R"({"tdMode":"cash","side":"buy","ordType":"limit","px":"1","sz":"1"})"),
                  "50014");
  CAF_CHECK_EQUAL(place(R"({"instId":"USD-CHF","tdMode":"cross","side":"buy","ordType":"limit","px":"1","sz":"1"})"),
                  "51000");
  CAF_CHECK_EQUAL(place(R"({"instId":"USD-CHF","tdMode":"cash","side":"up","ordType":"limit","px":"1","sz":"1"})"),
                  "51000");
  CAF_CHECK_EQUAL(place(R"({"instId":"USD-CHF","tdMode":"cash","side":"buy","ordType":"stop","px":"1","sz":"1"})"),
                  "51000");
  CAF_CHECK_EQUAL(place(limit_body("buy", "0.90001", "10")), "51000"); // off tick
  CAF_CHECK_EQUAL(place(limit_body("buy", "0.9", "0.5")), "51020");    // below minSz
  CAF_CHECK_EQUAL(place(limit_body("buy", "0.9", "10.5")), "51121");   // not a lot multiple
  CAF_CHECK_EQUAL(place(limit_body("buy", "0.9", "5000")), "51008");   // 4500 CHF > 1000
  CAF_CHECK_EQUAL(place(limit_body("buy", "0.9", "2", "bad-id!")), "51000");
  // A market buy sized in quote (OKX's default) with no asks buys nothing.
  CAF_CHECK_EQUAL(place(R"({"instId":"USD-CHF","tdMode":"cash","side":"buy","ordType":"market","sz":"1"})"),
                  "51020");
  CAF_CHECK_EQUAL(place(R"({"instId":"USD-CHF","tdMode":"cash","side":"sell","ordType":"market","sz":"1","tgtCcy":"quote_ccy"})"),
                  "51000");
  CAF_CHECK_EQUAL(stats.rejects[51008], 1u);
  CAF_CHECK_EQUAL(stats.rejects[51001], 1u);
  // Duplicate clOrdId of an open order.
  CAF_CHECK_EQUAL(okx_code_of(call("alice", "POST", "/api/v5/trade/order",
                                   limit_body("buy", "0.9", "2", "dup"))), "0");
  CAF_CHECK_EQUAL(place(limit_body("buy", "0.9", "2", "dup")), "51016");
}

CAF_TEST(request_level_errors) {
  auto r = call("alice", "POST", "/api/v5/trade/order", "{not json");
  CAF_CHECK_EQUAL(okx_code_of(r), "50002");
  CAF_CHECK_EQUAL(r.status, 400);
  CAF_CHECK_EQUAL(okx_code_of(call("alice", "POST", "/api/v5/trade/order", "")), "50000");
  CAF_CHECK_EQUAL(okx_code_of(call("alice", "DELETE", "/api/v5/trade/order")), "50115");
  CAF_CHECK_EQUAL(get("/api/v5/nothing/here").status, 404);
}

CAF_TEST(fill_then_history_fills_and_balance) {
  auto s = call("bob", "POST", "/api/v5/trade/order", limit_body("sell", "0.9", "10", "ask1"));
  CAF_CHECK_EQUAL(okx_code_of(s), "0");
  auto b = call("alice", "POST", "/api/v5/trade/order",
                R"({"instId":"USD-CHF","tdMode":"cash","side":"buy","ordType":"market","sz":"4","tgtCcy":"base_ccy"})");
  CAF_CHECK_EQUAL(okx_code_of(b), "0");
  auto q = call("bob", "GET", "/api/v5/trade/order?instId=USD-CHF&clOrdId=ask1");
  CAF_CHECK_EQUAL(okx_data(q, 0, "state"), "partially_filled");
  CAF_CHECK_EQUAL(okx_data(q, 0, "accFillSz"), "4");
  CAF_CHECK_EQUAL(okx_data(q, 0, "fillPx"), "0.9");
  CAF_CHECK_EQUAL(okx_data(q, 0, "avgPx"), "0.9");
  auto mine = call("alice", "GET", "/api/v5/trade/order?instId=USD-CHF&ordId=" + okx_data(b, 0, "ordId"));
  CAF_CHECK_EQUAL(okx_data(mine, 0, "state"), "filled");
  CAF_CHECK_EQUAL(okx_data(mine, 0, "ordType"), "market");
  auto h = call("alice", "GET", "/api/v5/trade/orders-history?instType=SPOT");
  CAF_CHECK_EQUAL(okx_code_of(h), "0");
  CAF_CHECK_EQUAL(okx_data_size(h), 1u);
  CAF_CHECK_EQUAL(okx_data(h, 0, "state"), "filled");
  CAF_CHECK_EQUAL(okx_code_of(call("alice", "GET", "/api/v5/trade/orders-history")), "50014");
  auto f = call("bob", "GET", "/api/v5/trade/fills?instId=USD-CHF");
  CAF_CHECK_EQUAL(okx_data_size(f), 1u);
  CAF_CHECK_EQUAL(okx_data(f, 0, "execType"), "M");
  CAF_CHECK_EQUAL(okx_data(f, 0, "side"), "sell");
  CAF_CHECK_EQUAL(okx_data(f, 0, "fillSz"), "4");
  CAF_CHECK_EQUAL(okx_data(f, 0, "clOrdId"), "ask1");
  auto taker = call("alice", "GET", "/api/v5/trade/fills");
  CAF_CHECK_EQUAL(okx_data(taker, 0, "execType"), "T");
  // No clOrdId sent: OKX shows "" (not the engine's internal name).
  CAF_CHECK_EQUAL(okx_data(taker, 0, "clOrdId"), "");
  CAF_CHECK_EQUAL(okx_data(b, 0, "clOrdId"), "");
  CAF_CHECK_EQUAL(okx_data(mine, 0, "clOrdId"), "");
  auto bal = call("alice", "GET", "/api/v5/account/balance?ccy=USD");
  auto bal_doc = okx_parse(bal.body); // details points into it
  auto details = bal_doc.member("data")->items[0].member("details");
  CAF_REQUIRE_EQUAL(details->items.size(), 1u);
  CAF_CHECK_EQUAL(details->items[0].member("ccy")->text, "USD");
  CAF_CHECK_EQUAL(details->items[0].member("cashBal")->text, "1004");
  auto bob_bal = call("bob", "GET", "/api/v5/account/balance?ccy=USD");
  auto bd = okx_parse(bob_bal.body).member("data")->items[0].member("details")->items[0];
  CAF_CHECK_EQUAL(bd.member("frozenBal")->text, "6"); // the rest of the ask
  CAF_CHECK_EQUAL(bd.member("availBal")->text, "990");
}

CAF_TEST(market_buy_sized_in_quote_walks_the_asks) {
  call("bob", "POST", "/api/v5/trade/order", limit_body("sell", "0.9", "2"));
  call("bob", "POST", "/api/v5/trade/order", limit_body("sell", "1", "10"));
  // 5.8 CHF: 2 at 0.9 (1.8), then 4 at 1 (4.0).
  auto b = call("alice", "POST", "/api/v5/trade/order",
                R"({"instId":"USD-CHF","tdMode":"cash","side":"buy","ordType":"market","sz":"5.8"})");
  CAF_CHECK_EQUAL(okx_code_of(b), "0");
  auto q = call("alice", "GET", "/api/v5/trade/order?instId=USD-CHF&ordId=" + okx_data(b, 0, "ordId"));
  CAF_CHECK_EQUAL(okx_data(q, 0, "accFillSz"), "6");
  CAF_CHECK_EQUAL(okx_data(q, 0, "state"), "filled");
  // 0.5 CHF does not buy one whole lot.
  auto small = call("alice", "POST", "/api/v5/trade/order",
                    R"({"instId":"USD-CHF","tdMode":"cash","side":"buy","ordType":"market","sz":"0.5","tgtCcy":"quote_ccy"})");
  CAF_CHECK_EQUAL(okx_data(small, 0, "sCode"), "51020");
}

CAF_TEST(cancel_of_a_filled_order_is_51402) {
  call("bob", "POST", "/api/v5/trade/order", limit_body("sell", "0.9", "2"));
  auto b = call("alice", "POST", "/api/v5/trade/order", limit_body("buy", "0.9", "2", "takeall"));
  CAF_CHECK_EQUAL(okx_code_of(b), "0");
  auto c = call("alice", "POST", "/api/v5/trade/cancel-order",
                R"({"instId":"USD-CHF","clOrdId":"takeall"})");
  CAF_CHECK_EQUAL(okx_data(c, 0, "sCode"), "51402");
}

CAF_TEST(amend_reduces_size_in_place) {
  auto r = call("alice", "POST", "/api/v5/trade/order", limit_body("buy", "0.9", "10", "am1"));
  auto id = okx_data(r, 0, "ordId");
  auto a = call("alice", "POST", "/api/v5/trade/amend-order",
                R"({"instId":"USD-CHF","ordId":")" + id + R"(","newSz":"6","reqId":"r1"})");
  CAF_CHECK_EQUAL(okx_code_of(a), "0");
  CAF_CHECK_EQUAL(okx_data(a, 0, "reqId"), "r1");
  CAF_CHECK_EQUAL(okx_data(a, 0, "ordId"), id);
  auto q = call("alice", "GET", "/api/v5/trade/order?instId=USD-CHF&ordId=" + id);
  CAF_CHECK_EQUAL(okx_data(q, 0, "sz"), "6");
  CAF_CHECK_EQUAL(okx_data(q, 0, "clOrdId"), "am1");
  // Price and size up: same ordId and clOrdId, at the back of 0.8.
  auto px = call("alice", "POST", "/api/v5/trade/amend-order",
                 R"({"instId":"USD-CHF","ordId":")" + id + R"(","newPx":"0.8","newSz":"20"})");
  CAF_CHECK_EQUAL(okx_data(px, 0, "sCode"), "0");
  CAF_CHECK_EQUAL(okx_data(px, 0, "ordId"), id);
  q = call("alice", "GET", "/api/v5/trade/order?instId=USD-CHF&ordId=" + id);
  CAF_CHECK_EQUAL(okx_data(q, 0, "px"), "0.8");
  CAF_CHECK_EQUAL(okx_data(q, 0, "sz"), "20");
  CAF_CHECK_EQUAL(okx_data(q, 0, "clOrdId"), "am1");
  auto bad = call("alice", "POST", "/api/v5/trade/amend-order",
                  R"({"instId":"USD-CHF","ordId":")" + id + R"(","newPx":"0.80001"})");
  CAF_CHECK_EQUAL(okx_data(bad, 0, "sCode"), "51000");
  auto none = call("alice", "POST", "/api/v5/trade/amend-order",
                   R"({"instId":"USD-CHF","ordId":")" + id + R"("})");
  CAF_CHECK_EQUAL(okx_data(none, 0, "sCode"), "50015");
  call("alice", "POST", "/api/v5/trade/cancel-order", R"({"instId":"USD-CHF","ordId":")" + id + "\"}");
  auto gone = call("alice", "POST", "/api/v5/trade/amend-order",
                   R"({"instId":"USD-CHF","ordId":")" + id + R"(","newSz":"5"})");
  CAF_CHECK_EQUAL(okx_data(gone, 0, "sCode"), "51509");
  auto unknown = call("alice", "POST", "/api/v5/trade/amend-order",
                      R"({"instId":"USD-CHF","ordId":"424242","newSz":"5"})");
  CAF_CHECK_EQUAL(okx_data(unknown, 0, "sCode"), "51503");
}

CAF_TEST(amend_crosses_and_refuses_post_only_and_unfunded_terms) {
  call("bob", "POST", "/api/v5/trade/order", limit_body("sell", "0.95", "4"));
  auto r = call("alice", "POST", "/api/v5/trade/order", limit_body("buy", "0.9", "10", "am2"));
  auto id = okx_data(r, 0, "ordId");
  // 2000 at 0.9 locks 1800 CHF of alice's 1000: 51008, the order as it was.
  auto poor = call("alice", "POST", "/api/v5/trade/amend-order",
                   R"({"instId":"USD-CHF","ordId":")" + id + R"(","newSz":"2000"})");
  CAF_CHECK_EQUAL(okx_data(poor, 0, "sCode"), "51008");
  auto q = call("alice", "GET", "/api/v5/trade/order?instId=USD-CHF&ordId=" + id);
  CAF_CHECK_EQUAL(okx_data(q, 0, "sz"), "10");
  // Crossing: takes bob's 4 at 0.95 as a taker, rests 6 under the same ordId.
  auto cross = call("alice", "POST", "/api/v5/trade/amend-order",
                    R"({"instId":"USD-CHF","clOrdId":"am2","newPx":"0.95"})");
  CAF_CHECK_EQUAL(okx_data(cross, 0, "sCode"), "0");
  q = call("alice", "GET", "/api/v5/trade/order?instId=USD-CHF&ordId=" + id);
  CAF_CHECK_EQUAL(okx_data(q, 0, "accFillSz"), "4");
  CAF_CHECK_EQUAL(okx_data(q, 0, "state"), "partially_filled");
  auto below = call("alice", "POST", "/api/v5/trade/amend-order",
                    R"({"instId":"USD-CHF","ordId":")" + id + R"(","newSz":"4"})");
  CAF_CHECK_EQUAL(okx_data(below, 0, "sCode"), "51000");
  // A post_only order may not be re-priced into the asks.
  call("bob", "POST", "/api/v5/trade/order", limit_body("sell", "0.97", "4"));
  auto body = limit_body("buy", "0.9", "5", "po1");
  body.replace(body.find("\"limit\""), 7, "\"post_only\"");
  auto po = call("alice", "POST", "/api/v5/trade/order", body);
  CAF_REQUIRE_EQUAL(okx_data(po, 0, "sCode"), "0");
  auto take = call("alice", "POST", "/api/v5/trade/amend-order",
                   R"({"instId":"USD-CHF","clOrdId":"po1","newPx":"0.97"})");
  CAF_CHECK_EQUAL(okx_data(take, 0, "sCode"), "51511");
}

CAF_TEST(amend_with_cxl_on_fail_cancels) {
  auto r = call("alice", "POST", "/api/v5/trade/order", limit_body("buy", "0.9", "10"));
  auto id = okx_data(r, 0, "ordId");
  auto a = call("alice", "POST", "/api/v5/trade/amend-order",
                R"({"instId":"USD-CHF","ordId":")" + id + R"(","newSz":"5000","cxlOnFail":"true"})");
  CAF_CHECK_EQUAL(okx_data(a, 0, "sCode"), "51008");
  auto q = call("alice", "GET", "/api/v5/trade/order?instId=USD-CHF&ordId=" + id);
  CAF_CHECK_EQUAL(okx_data(q, 0, "state"), "canceled");
}

CAF_TEST(batch_orders_report_each_scode) {
  auto body = "[" + limit_body("buy", "0.9", "2", "b1") + "," + limit_body("buy", "0.9", "0.5", "b2")
              + "," + limit_body("buy", "0.8", "2", "b3") + "]";
  auto r = call("alice", "POST", "/api/v5/trade/batch-orders", body);
  CAF_CHECK_EQUAL(r.status, 200);
  CAF_CHECK_EQUAL(okx_code_of(r), "2");
  CAF_CHECK_EQUAL(okx_data_size(r), 3u);
  CAF_CHECK_EQUAL(okx_data(r, 0, "sCode"), "0");
  CAF_CHECK_EQUAL(okx_data(r, 1, "sCode"), "51020");
  CAF_CHECK_EQUAL(okx_data(r, 1, "clOrdId"), "b2");
  CAF_CHECK_EQUAL(okx_data(r, 2, "sCode"), "0");
  auto all_bad = call("alice", "POST", "/api/v5/trade/batch-orders",
                      "[" + limit_body("buy", "0.9", "0.5") + "]");
  CAF_CHECK_EQUAL(okx_code_of(all_bad), "1");
  std::string big = "[";
  for (int i = 0; i < 21; ++i) big += (i ? "," : "") + limit_body("buy", "0.5", "4");
  big += "]";
  CAF_CHECK_EQUAL(okx_code_of(call("alice", "POST", "/api/v5/trade/batch-orders", big)), "51111");
  auto cancels = call("alice", "POST", "/api/v5/trade/cancel-batch-orders",
                      R"([{"instId":"USD-CHF","clOrdId":"b1"},{"instId":"USD-CHF","clOrdId":"b2"},)"
                      R"({"instId":"USD-CHF","clOrdId":"b3"}])");
  CAF_CHECK_EQUAL(okx_code_of(cancels), "2");
  CAF_CHECK_EQUAL(okx_data(cancels, 0, "sCode"), "0");
  CAF_CHECK_EQUAL(okx_data(cancels, 1, "sCode"), "51400");
  CAF_CHECK_EQUAL(okx_data(cancels, 2, "sCode"), "0");
  CAF_CHECK_EQUAL(okx_code_of(call("alice", "POST", "/api/v5/trade/cancel-batch-orders", "{}")),
                  "51000");
}

CAF_TEST(orders_pending_pages_newest_first) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i)
    ids.push_back(okx_data(call("alice", "POST", "/api/v5/trade/order",
                                limit_body("buy", "0.5", "4")), 0, "ordId"));
  auto all = call("alice", "GET", "/api/v5/trade/orders-pending?instType=SPOT");
  CAF_CHECK_EQUAL(okx_data_size(all), 5u);
  CAF_CHECK_EQUAL(okx_data(all, 0, "ordId"), ids[4]);
  auto first = call("alice", "GET", "/api/v5/trade/orders-pending?limit=2");
  CAF_CHECK_EQUAL(okx_data_size(first), 2u);
  CAF_CHECK_EQUAL(okx_data(first, 1, "ordId"), ids[3]);
  auto next = call("alice", "GET", "/api/v5/trade/orders-pending?limit=2&after=" + ids[3]);
  CAF_CHECK_EQUAL(okx_data_size(next), 2u);
  CAF_CHECK_EQUAL(okx_data(next, 0, "ordId"), ids[2]);
  CAF_CHECK_EQUAL(okx_data(next, 1, "ordId"), ids[1]);
  auto newer = call("alice", "GET", "/api/v5/trade/orders-pending?limit=2&before=" + ids[1]);
  CAF_CHECK_EQUAL(okx_data_size(newer), 2u);
  CAF_CHECK_EQUAL(okx_data(newer, 0, "ordId"), ids[3]);
  CAF_CHECK_EQUAL(okx_data(newer, 1, "ordId"), ids[2]);
  CAF_CHECK_EQUAL(okx_code_of(call("alice", "GET", "/api/v5/trade/orders-pending?limit=101")),
                  "51000");
  CAF_CHECK_EQUAL(okx_data_size(call("bob", "GET", "/api/v5/trade/orders-pending")), 0u);
}

CAF_TEST(cancel_all_after_fires_on_tick_and_disarms_with_zero) {
  call("alice", "POST", "/api/v5/trade/order", limit_body("buy", "0.5", "4"));
  call("alice", "POST", "/api/v5/trade/order", limit_body("sell", "1.5", "1"));
  call("bob", "POST", "/api/v5/trade/order", limit_body("buy", "0.5", "4"));
  auto arm = call("alice", "POST", "/api/v5/trade/cancel-all-after", R"({"timeOut":"10"})");
  CAF_CHECK_EQUAL(okx_code_of(arm), "0");
  CAF_CHECK_EQUAL(okx_data(arm, 0, "triggerTime"), std::to_string(now + 10'000));
  CAF_CHECK_EQUAL(okx_data(arm, 0, "ts"), std::to_string(now));
  CAF_CHECK(okx.tick(now + 9'999).empty());
  auto fired = okx.tick(now + 10'000);
  CAF_REQUIRE_EQUAL(fired.size(), 1u);
  CAF_CHECK_EQUAL(fired[0].account, "alice");
  CAF_CHECK_EQUAL(fired[0].canceled, 2u);
  CAF_CHECK(engine.open_orders("alice", std::nullopt).empty());
  CAF_CHECK_EQUAL(engine.open_orders("bob", std::nullopt).size(), 1u);
  CAF_CHECK(okx.tick(now + 20'000).empty()); // fires once
  CAF_CHECK_EQUAL(okx.dead_man().fired(), 1u);
  // Re-armed, then disarmed with "0": nothing fires.
  now += 2'000; // next rate-limit window (1 request per second)
  call("alice", "POST", "/api/v5/trade/order", limit_body("buy", "0.5", "4"));
  call("alice", "POST", "/api/v5/trade/cancel-all-after", R"({"timeOut":"10"})");
  auto off = call("alice", "POST", "/api/v5/trade/cancel-all-after", R"({"timeOut":"0"})");
  CAF_CHECK_EQUAL(okx_data(off, 0, "triggerTime"), "0");
  CAF_CHECK(okx.tick(now + 60'000).empty());
  CAF_CHECK_EQUAL(engine.open_orders("alice", std::nullopt).size(), 1u);
  now += 2'000;
  auto bad = call("alice", "POST", "/api/v5/trade/cancel-all-after", R"({"timeOut":"5"})");
  CAF_CHECK_EQUAL(okx_code_of(bad), "51000");
  CAF_CHECK_EQUAL(okx_code_of(call("alice", "POST", "/api/v5/trade/cancel-all-after", "{}")),
                  "50014");
}

CAF_TEST(rate_limit_is_50011_with_http_429) {
  for (int i = 0; i < 2; ++i)
    CAF_CHECK_EQUAL(okx_code_of(call("alice", "POST", "/api/v5/trade/cancel-all-after",
                                     R"({"timeOut":"0"})")), "0");
  auto over = call("alice", "POST", "/api/v5/trade/cancel-all-after", R"({"timeOut":"0"})");
  CAF_CHECK_EQUAL(over.status, 429);
  CAF_CHECK_EQUAL(okx_code_of(over), "50011");
  // Per account: bob still has his own budget; the next window resets.
  CAF_CHECK_EQUAL(okx_code_of(call("bob", "POST", "/api/v5/trade/cancel-all-after",
                                   R"({"timeOut":"0"})")), "0");
  now += okx_rate_window_ms;
  CAF_CHECK_EQUAL(okx_code_of(call("alice", "POST", "/api/v5/trade/cancel-all-after",
                                   R"({"timeOut":"0"})")), "0");
  CAF_CHECK_EQUAL(stats.rejects[50011], 1u);
}

CAF_TEST(fault_plan_applies_to_okx_requests) {
  CAF_CHECK(!binance.faults().apply({{"unavailable-requests", "1"}}, fault_source::admin));
  auto r = get("/api/v5/public/time");
  CAF_CHECK_EQUAL(r.status, 503);
  CAF_CHECK_EQUAL(okx_code_of(r), "50001");
  CAF_CHECK_EQUAL(get("/api/v5/public/time").status, 200);
  CAF_CHECK(!binance.faults().apply({{"reject-orders", "1"}}, fault_source::admin));
  auto rej = call("alice", "POST", "/api/v5/trade/order", limit_body("buy", "0.9", "2"));
  CAF_CHECK_EQUAL(okx_data(rej, 0, "sCode"), "51008");
  CAF_CHECK_EQUAL(okx_code_of(call("alice", "POST", "/api/v5/trade/order",
                                   limit_body("buy", "0.9", "2"))), "0");
}

CAF_TEST_FIXTURE_SCOPE_END()
