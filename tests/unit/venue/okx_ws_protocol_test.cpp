// One OKX v5 WebSocket connection's requests (venue/okx/okx_ws_protocol.hpp)
// and the private channels (okx_ws_private.hpp): ping, subscribe errors by
// endpoint, login signature checks, order ops before and after login, the
// orders channel for place / fill / cancel / amend, the account channel.
#define CAF_SUITE venue_okx_ws_protocol
#include "tests/support/unit_test.hpp"

#include <set>

#include "tests/unit/venue/usdchf_rules.hpp"
#include "venue/okx/okx_auth.hpp"
#include "venue/okx/okx_ws_private.hpp"
#include "venue/okx/okx_ws_protocol.hpp"

using namespace cwts;
using namespace cwts::venue;
using namespace cwts::venue::okx;
using namespace cwts::venue::testing;

namespace {

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

constexpr int64_t now = 1'700'000'000'000;

struct fixture {
  matching_engine engine;
  key_store keys;
  fault_plan faults;
  venue_stats stats;
  okx_trade trade{engine, faults, stats};
  okx_rate_limit limits; // the REST surface's, in the venue
  ws_handler handler{keys, trade, limits, faults, stats};
  std::set<std::string> listening{"demo"};
  private_channels privates{engine,
                            [this](const std::string& a) { return listening.count(a) > 0; }};
  ws_state pub, priv, biz;

  fixture() {
    engine.add_symbol(usdchf_rules());
    api_account a;
    a.name = "demo";
    a.api_key = "demokey";
    a.secret = "demosecret";
    a.passphrase = "demopass";
    keys.add(a);
    for (auto* acc : {"demo", "other"})
      for (auto* asset : {"USD", "CHF"})
        engine.fund(acc, asset, *qty::parse("100000"));
    pub.conn_id = "c1";
    priv.endpoint = ws_endpoint::private_;
    priv.conn_id = "c2";
    biz.endpoint = ws_endpoint::business;
    biz.conn_id = "c3";
  }

  std::string one(std::string_view frame, ws_state& s) {
    auto out = handler.handle(frame, s, now);
    CAF_REQUIRE_EQUAL(out.frames.size(), 1u);
    return out.frames[0];
  }

  std::string login_frame(int64_t ts_s, const std::string& pass = "demopass",
                          const std::string& secret = "demosecret",
                          const std::string& key = "demokey") {
    auto ts = std::to_string(ts_s);
    return "{\"op\":\"login\",\"args\":[{\"apiKey\":\"" + key + "\",\"passphrase\":\"" + pass
           + "\",\"timestamp\":\"" + ts + "\",\"sign\":\""
           + okx_sign(secret, ts + "GET/users/self/verify") + "\"}]}";
  }

  void login() {
    CAF_REQUIRE_EQUAL(one(login_frame(now / 1000), priv),
                      "{\"event\":\"login\",\"code\":\"0\",\"msg\":\"\",\"connId\":\"c2\"}");
  }

  std::vector<std::string> pushes(const std::string& channel) {
    std::vector<std::string> out;
    for (auto& p : privates.take(now))
      if (p.channel == channel) out.push_back(p.data);
    return out;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(okx_ws_protocol_tests, fixture)

CAF_TEST(ping_is_answered_pong) {
  CAF_CHECK_EQUAL(one("ping", pub), "pong");
}

CAF_TEST(subscribe_acks_each_arg_and_unsubscribe_removes) {
  auto out = handler.handle("{\"op\":\"subscribe\",\"args\":[{\"channel\":\"books\",\"instId\":"
                            "\"USD-CHF\"},{\"channel\":\"trades\",\"instId\":\"USD-CHF\"}]}",
                            pub, now);
  CAF_REQUIRE_EQUAL(out.frames.size(), 2u);
  CAF_CHECK_EQUAL(out.frames[0], "{\"event\":\"subscribe\",\"arg\":{\"channel\":\"books\","
                                 "\"instId\":\"USD-CHF\"},\"connId\":\"c1\"}");
  CAF_CHECK_EQUAL(out.subscribed.size(), 2u);
  CAF_CHECK_EQUAL(pub.market.size(), 2u);
  CAF_CHECK_EQUAL(pub.awaiting_snapshot.size(), 1u);
  CAF_CHECK(contains(one("{\"op\":\"unsubscribe\",\"args\":[{\"channel\":\"books\",\"instId\":"
                         "\"USD-CHF\"}]}", pub), "\"event\":\"unsubscribe\""));
  CAF_CHECK_EQUAL(pub.market.size(), 1u);
  CAF_CHECK(pub.awaiting_snapshot.empty());
}

CAF_TEST(subscribe_errors_name_the_reason) {
  auto err = [&](std::string_view f, ws_state& s) { return one(f, s); };
  CAF_CHECK(contains(err("{not json", pub), "\"code\":\"60012\",\"msg\":\"Invalid request: {not json\""));
  CAF_CHECK(contains(err("{\"args\":[]}", pub), "\"code\":\"60012\""));
  CAF_CHECK(contains(err("{\"op\":\"subscribe\",\"args\":[]}", pub), "\"code\":\"60012\""));
  CAF_CHECK(contains(err("{\"op\":\"fly\"}", pub), "\"code\":\"60019\",\"msg\":\"Invalid op: fly\""));
  CAF_CHECK(contains(err("{\"op\":\"subscribe\",\"args\":[{\"channel\":\"books\",\"instId\":\"BTC-USDT\"}]}", pub),
                     "\"code\":\"60018\",\"msg\":\"Wrong URL or channel:books,instId:BTC-USDT doesn't exist."));
  CAF_CHECK(contains(err("{\"op\":\"subscribe\",\"args\":[{\"channel\":\"nope\",\"instId\":\"USD-CHF\"}]}", pub),
                     "\"code\":\"60018\""));
  // Candles live on /business, books on /public.
  CAF_CHECK(contains(err("{\"op\":\"subscribe\",\"args\":[{\"channel\":\"candle1m\",\"instId\":\"USD-CHF\"}]}", pub),
                     "\"code\":\"60018\""));
  CAF_CHECK(contains(err("{\"op\":\"subscribe\",\"args\":[{\"channel\":\"books\",\"instId\":\"USD-CHF\"}]}", biz),
                     "\"code\":\"60018\""));
  CAF_CHECK(contains(err("{\"op\":\"subscribe\",\"args\":[{\"channel\":\"candle1m\",\"instId\":\"USD-CHF\"}]}", biz),
                     "\"event\":\"subscribe\""));
  // One bad arg refuses the whole request.
  CAF_CHECK(contains(err("{\"op\":\"subscribe\",\"args\":[{\"channel\":\"books\",\"instId\":\"USD-CHF\"},"
                         "{\"channel\":\"books\",\"instId\":\"X-Y\"}]}", pub), "\"code\":\"60018\""));
  CAF_CHECK(pub.market.empty());
  CAF_CHECK(stats.rejects[60018] >= 4u);
  // Private channels need the private URL, then a login.
  CAF_CHECK(contains(err("{\"op\":\"subscribe\",\"args\":[{\"channel\":\"orders\",\"instType\":\"SPOT\"}]}", pub),
                     "\"code\":\"60018\""));
  CAF_CHECK(contains(err("{\"op\":\"subscribe\",\"args\":[{\"channel\":\"orders\",\"instType\":\"SPOT\"}]}", priv),
                     "\"code\":\"60011\""));
}

CAF_TEST(subscriptions_per_connection_are_bounded) {
  std::string many = "{\"op\":\"subscribe\",\"args\":[";
  for (size_t i = 0; i <= max_ws_subscriptions; ++i)
    many += std::string(i ? "," : "") + "{\"channel\":\"books\",\"instId\":\"USD-CHF\"}";
  CAF_CHECK(contains(one(many + "]}", pub), "\"code\":\"60012\""));
  CAF_CHECK(pub.market.empty());
}

CAF_TEST(login_checks_key_passphrase_timestamp_and_sign) {
  auto t = now / 1000;
  CAF_CHECK(contains(one(login_frame(t, "wrong"), priv), "\"code\":\"60024\""));
  CAF_CHECK(contains(one(login_frame(t, "demopass", "othersecret"), priv), "\"code\":\"60007\""));
  CAF_CHECK(contains(one(login_frame(t - 31), priv), "\"code\":\"60006\""));
  CAF_CHECK(contains(one(login_frame(t + 31), priv), "\"code\":\"60006\""));
  CAF_CHECK(contains(one(login_frame(t, "demopass", "demosecret", "nokey"), priv), "\"code\":\"60005\""));
  CAF_CHECK(contains(one("{\"op\":\"login\",\"args\":[{\"apiKey\":\"demokey\",\"passphrase\":\"demopass\","
                         "\"timestamp\":\"soon\",\"sign\":\"x\"}]}", priv), "\"code\":\"60004\""));
  CAF_CHECK(contains(one("{\"op\":\"login\",\"args\":[{\"passphrase\":\"p\",\"timestamp\":\"1\",\"sign\":\"x\"}]}",
                         priv), "\"code\":\"60001\""));
  CAF_CHECK(priv.account.empty());
  // Fractional seconds (some SDKs send them) are read too.
  auto frac = std::to_string(now / 1000) + ".250";
  auto with_frac = "{\"op\":\"login\",\"args\":[{\"apiKey\":\"demokey\",\"passphrase\":\"demopass\","
                   "\"timestamp\":\"" + frac + "\",\"sign\":\""
                   + okx_sign("demosecret", frac + "GET/users/self/verify") + "\"}]}";
  CAF_CHECK(contains(one(with_frac, pub), "\"event\":\"login\",\"code\":\"0\""));
  login();
  CAF_CHECK_EQUAL(priv.account, "demo");
}

CAF_TEST(order_ops_need_login_and_the_private_url) {
  auto place = "{\"id\":\"1512\",\"op\":\"order\",\"args\":[{\"instId\":\"USD-CHF\",\"tdMode\":\"cash\","
               "\"side\":\"buy\",\"ordType\":\"limit\",\"px\":\"0.9\",\"sz\":\"10\"}]}";
  CAF_CHECK(contains(one(place, priv), "{\"id\":\"1512\",\"op\":\"order\",\"code\":\"60011\""));
  CAF_CHECK(contains(one(place, pub), "\"code\":\"60028\""));
  CAF_CHECK(contains(one("{\"op\":\"order\",\"args\":[]}", priv), "\"code\":\"60012\""));
  CAF_CHECK(engine.open_orders("demo", std::nullopt).empty());
}

CAF_TEST(order_ops_place_amend_cancel_and_batch) {
  login();
  auto r = one("{\"id\":\"1\",\"op\":\"order\",\"args\":[{\"instId\":\"USD-CHF\",\"tdMode\":\"cash\","
               "\"side\":\"buy\",\"ordType\":\"limit\",\"px\":\"0.9\",\"sz\":\"10\",\"clOrdId\":\"b1\"}]}",
               priv);
  CAF_CHECK(contains(r, "{\"id\":\"1\",\"op\":\"order\",\"code\":\"0\",\"msg\":\"\",\"data\":[{"));
  CAF_CHECK(contains(r, "\"clOrdId\":\"b1\""));
  CAF_CHECK(contains(r, "\"sCode\":\"0\""));
  CAF_CHECK(contains(r, "\"inTime\":\""));
  CAF_REQUIRE_EQUAL(engine.open_orders("demo", std::nullopt).size(), 1u);
  auto amend = one("{\"id\":\"2\",\"op\":\"amend-order\",\"args\":[{\"instId\":\"USD-CHF\","
                   "\"clOrdId\":\"b1\",\"newSz\":\"6\"}]}", priv);
  CAF_CHECK(contains(amend, "\"code\":\"0\""));
  auto open = engine.open_orders("demo", std::nullopt);
  CAF_REQUIRE_EQUAL(open.size(), 1u);
  CAF_CHECK_EQUAL(open[0].orig_qty.raw, qty::from_units(6).raw);
  auto amended = pushes("orders");
  CAF_REQUIRE_EQUAL(amended.size(), 2u); // live, then the amend
  CAF_CHECK(contains(amended[1], "\"sz\":\"6\""));
  CAF_CHECK(contains(amended[1], "\"amendResult\":\"0\""));
  auto cancel = one("{\"id\":\"3\",\"op\":\"cancel-order\",\"args\":[{\"instId\":\"USD-CHF\","
                    "\"clOrdId\":\"b1\"}]}", priv);
  CAF_CHECK(contains(cancel, "\"code\":\"0\""));
  CAF_CHECK(engine.open_orders("demo", std::nullopt).empty());
  // A batch with one good and one bad order: code 2, each its own sCode.
  auto batch = one("{\"id\":\"4\",\"op\":\"batch-orders\",\"args\":["
                   "{\"instId\":\"USD-CHF\",\"tdMode\":\"cash\",\"side\":\"buy\",\"ordType\":\"limit\",\"px\":\"0.9\",\"sz\":\"10\"},"
                   "{\"instId\":\"USD-CHF\",\"tdMode\":\"cash\",\"side\":\"buy\",\"ordType\":\"limit\",\"px\":\"0.9\",\"sz\":\"0.5\"}]}",
                   priv);
  CAF_CHECK(contains(batch, "\"code\":\"2\""));
  CAF_CHECK(contains(batch, "\"sCode\":\"0\""));
  CAF_CHECK(contains(batch, "\"sCode\":\"51"));
  // Canceling what is gone: code 1 with the order's sCode.
  auto again = one("{\"id\":\"5\",\"op\":\"cancel-order\",\"args\":[{\"instId\":\"USD-CHF\","
                   "\"clOrdId\":\"b1\"}]}", priv);
  CAF_CHECK(contains(again, "\"code\":\"1\""));
}

CAF_TEST(unavailable_fault_answers_50001) {
  login();
  CAF_REQUIRE(!faults.apply({{"ws-api-unavailable", "1"}}, fault_source::admin));
  auto r = one("{\"id\":\"1\",\"op\":\"order\",\"args\":[{\"instId\":\"USD-CHF\",\"tdMode\":\"cash\","
               "\"side\":\"buy\",\"ordType\":\"limit\",\"px\":\"0.9\",\"sz\":\"10\"}]}", priv);
  CAF_CHECK(contains(r, "\"code\":\"50001\""));
  CAF_CHECK(engine.open_orders("demo", std::nullopt).empty()); // unavailable-executes=false
  CAF_CHECK_EQUAL(faults.counters().ws_api_unavailable, 1u);
}

CAF_TEST(order_ops_share_the_rest_rate_limit_per_two_seconds) {
  login();
  auto cancel = "{\"id\":\"9\",\"op\":\"cancel-order\",\"args\":[{\"instId\":\"USD-CHF\","
                "\"ordId\":\"424242\"}]}";
  auto allowed = okx_rate_limit_of("POST", "/api/v5/trade/cancel-order");
  // Half the allowance spent over REST (the venue charges the same table)...
  for (int64_t i = 0; i < allowed / 2; ++i)
    CAF_REQUIRE(!limits.charge("POST", "/api/v5/trade/cancel-order", "demo", now));
  // ...leaves the other half to the WebSocket op.
  for (int64_t i = allowed / 2; i < allowed; ++i)
    CAF_CHECK(contains(one(cancel, priv), "\"code\":\"1\""));
  CAF_CHECK(contains(one(cancel, priv), "\"code\":\"50011\""));
}

CAF_TEST(orders_channel_pushes_place_fill_and_cancel) {
  auto rest = engine.place(limit("demo", order_side::sell, "0.9", "10"), now);
  CAF_REQUIRE(std::holds_alternative<order>(rest));
  auto live = pushes("orders");
  CAF_REQUIRE_EQUAL(live.size(), 1u);
  CAF_CHECK(contains(live[0], "\"state\":\"live\""));
  CAF_CHECK(contains(live[0], "\"tradeId\":\"\""));
  CAF_CHECK(contains(live[0], "\"execType\":\"\""));
  // Two takers fill it in two steps: one push per fill, maker side.
  CAF_REQUIRE(std::holds_alternative<order>(engine.place(limit("other", order_side::buy, "0.9", "4"), now)));
  CAF_REQUIRE(std::holds_alternative<order>(engine.place(limit("other", order_side::buy, "0.9", "2"), now)));
  auto fills = pushes("orders");
  CAF_REQUIRE_EQUAL(fills.size(), 2u);
  CAF_CHECK(contains(fills[0], "\"accFillSz\":\"4\""));
  CAF_CHECK(contains(fills[0], "\"fillSz\":\"4\""));
  CAF_CHECK(contains(fills[0], "\"state\":\"partially_filled\""));
  CAF_CHECK(contains(fills[0], "\"execType\":\"M\""));
  CAF_CHECK(contains(fills[1], "\"accFillSz\":\"6\""));
  CAF_CHECK(!contains(fills[1], "\"tradeId\":\"\""));
  auto id = std::get<order>(rest).order_id;
  CAF_REQUIRE(std::holds_alternative<order>(engine.cancel("demo", usdchf(), order_key{id, {}}, now)));
  auto canceled = pushes("orders");
  CAF_REQUIRE_EQUAL(canceled.size(), 1u);
  CAF_CHECK(contains(canceled[0], "\"state\":\"canceled\""));
  CAF_CHECK(contains(canceled[0], "\"fillSz\":\"\""));
}

CAF_TEST(orders_channel_taker_fill_and_nothing_for_unheard_accounts) {
  CAF_REQUIRE(std::holds_alternative<order>(engine.place(limit("other", order_side::sell, "0.9", "10"), now)));
  CAF_CHECK(pushes("orders").empty()); // nobody listens to "other"
  CAF_REQUIRE(std::holds_alternative<order>(engine.place(limit("demo", order_side::buy, "0.9", "10"), now)));
  auto p = pushes("orders");
  CAF_REQUIRE_EQUAL(p.size(), 2u);
  CAF_CHECK(contains(p[0], "\"state\":\"live\""));
  CAF_CHECK(contains(p[1], "\"state\":\"filled\""));
  CAF_CHECK(contains(p[1], "\"execType\":\"T\""));
}

CAF_TEST(account_channel_pushes_changed_balances) {
  CAF_REQUIRE(std::holds_alternative<order>(engine.place(limit("demo", order_side::buy, "0.9", "10"), now)));
  auto acc = pushes("account");
  CAF_REQUIRE_EQUAL(acc.size(), 1u);
  // 9 CHF locked by the buy.
  CAF_CHECK(contains(acc[0], "{\"ccy\":\"CHF\",\"eq\":\"100000\",\"cashBal\":\"100000\","
                             "\"availBal\":\"99991\",\"availEq\":\"99991\",\"frozenBal\":\"9\""));
  CAF_CHECK(contains(privates.account_data("demo", now), "\"ccy\":\"USD\""));
  auto frame = private_frame(private_sub{"orders", "", "SPOT"}, "demo", "{}");
  CAF_CHECK_EQUAL(frame, "{\"arg\":{\"channel\":\"orders\",\"instType\":\"SPOT\",\"uid\":\"demo\"},"
                         "\"data\":[{}]}");
}

CAF_TEST_FIXTURE_SCOPE_END()
