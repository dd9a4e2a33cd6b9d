// One Kraken WebSocket v2 connection's requests (venue/kraken/
// kraken_ws_protocol.hpp, kraken_ws_orders.hpp) and the private channels
// (kraken_ws_private.hpp): status, ping, subscribe acks and errors, token
// auth (good, missing, unknown, expired; a connection keeps its token past
// expiry and eviction), the order methods (add_order,
// amend_order, cancel_order, cancel_all, cancel_all_orders_after) and the
// executions reports and balances they cause.
#define CAF_SUITE venue_kraken_ws_protocol
#include "tests/support/unit_test.hpp"

#include "tests/unit/venue/usdchf_rules.hpp"
#include "venue/json_reader.hpp"
#include "venue/kraken/kraken_tokens.hpp"
#include "venue/kraken/kraken_ws_orders.hpp"
#include "venue/kraken/kraken_ws_private.hpp"
#include "venue/kraken/kraken_ws_protocol.hpp"

using namespace cwts;
using namespace cwts::venue;
using namespace cwts::venue::kraken;
using namespace cwts::venue::testing;

namespace {

constexpr int64_t t0 = 1'700'000'000'000;

json_value parse(const std::string& frame) {
  auto parsed = parse_json(frame);
  CAF_REQUIRE(std::holds_alternative<json_value>(parsed));
  return std::get<json_value>(parsed);
}

std::string field(const std::string& frame, const char* name) {
  auto v = parse(frame);
  auto* m = v.member(name);
  return m ? m->text : std::string("<none>");
}

std::string result_field(const std::string& frame, const char* name) {
  auto v = parse(frame);
  auto* r = v.member("result");
  auto* m = r ? r->member(name) : nullptr;
  return m ? m->text : std::string("<none>");
}

bool ok(const std::string& frame) {
  auto v = parse(frame);
  auto* s = v.member("success");
  return s && s->flag;
}

struct fixture {
  matching_engine engine;
  fault_plan faults;
  kraken_error_counts errors;
  kraken_trade trade{engine, faults, errors, kraken_limits{}};
  kraken_tokens tokens;
  ws_order_methods orders{trade, faults};
  private_channels privates{trade, [](const std::string&) { return true; }};
  ws_handler handler{engine,
                     [this](const std::string& t, int64_t now) {
                       return tokens.account_of_token(t, now);
                     },
                     &orders, [this](const std::string& e) { errors.count(e); }};
  ws_state state;
  std::string token;

  fixture() {
    engine.add_symbol(usdchf_rules());
    for (auto* acc : {"a", "b"})
      for (auto* asset : {"USD", "CHF"})
        engine.fund(acc, asset, *qty::parse("100000"));
    token = tokens.issue("a", t0).token;
  }

  ws_outcome send(const std::string& frame, int64_t now = t0) {
    return handler.handle(frame, state, now);
  }
  std::string one(const std::string& frame, int64_t now = t0) {
    auto out = send(frame, now);
    CAF_REQUIRE_EQUAL(out.frames.size(), 1u);
    return out.frames[0];
  }
  std::string with_token(const std::string& method, const std::string& params) {
    return R"({"method":")" + method + R"(","params":{"token":")" + token + "\"" + params
           + R"(},"req_id":7})";
  }
  // Account a's executions reports since the last call, parsed.
  std::vector<json_value> executions() {
    std::vector<json_value> out;
    for (auto& p : privates.take(t0))
      if (p.channel == "executions" && p.account == "a")
        out.push_back(parse(channel_frame("executions", "update", p.data, 1))
                        .member("data")->items.at(0));
    return out;
  }
};

std::string text(const json_value& v, const char* name) {
  auto* m = v.member(name);
  return m ? m->text : std::string("<none>");
}

} // namespace

CAF_TEST(status_and_ping) {
  fixture f;
  auto status = parse(ws_handler::status_message(42));
  CAF_CHECK_EQUAL(text(status, "channel"), "status");
  auto& d = status.member("data")->items.at(0);
  CAF_CHECK_EQUAL(text(d, "api_version"), "v2");
  CAF_CHECK_EQUAL(text(d, "system"), "online");
  CAF_CHECK_EQUAL(text(d, "connection_id"), "42");
  auto pong = f.one(R"({"method":"ping","req_id":101})");
  CAF_CHECK_EQUAL(field(pong, "method"), "pong");
  CAF_CHECK_EQUAL(field(pong, "req_id"), "101");
  CAF_CHECK(field(pong, "time_in") != "<none>");
}

CAF_TEST(subscribe_acks_one_per_symbol_and_refuses_unknown_ones) {
  fixture f;
  auto out = f.send(
    R"({"method":"subscribe","params":{"channel":"book","symbol":["USD/CHF","USD/XYZ"],"depth":25},"req_id":3})");
  CAF_REQUIRE_EQUAL(out.frames.size(), 2u);
  CAF_CHECK(ok(out.frames[0]));
  CAF_CHECK_EQUAL(field(out.frames[0], "method"), "subscribe");
  CAF_CHECK_EQUAL(result_field(out.frames[0], "channel"), "book");
  CAF_CHECK_EQUAL(result_field(out.frames[0], "symbol"), "USD/CHF");
  CAF_CHECK_EQUAL(result_field(out.frames[0], "depth"), "25");
  CAF_CHECK_EQUAL(field(out.frames[0], "req_id"), "3");
  CAF_CHECK(!ok(out.frames[1]));
  CAF_CHECK_EQUAL(field(out.frames[1], "error"), "Currency pair not supported USD/XYZ");
  CAF_CHECK_EQUAL(field(out.frames[1], "symbol"), "USD/XYZ");
  CAF_CHECK_EQUAL(f.state.awaiting_snapshot.size(), 1u);
  // Twice: already subscribed. Unsubscribe, then again: not found.
  CAF_CHECK_EQUAL(field(f.one(R"({"method":"subscribe","params":{"channel":"book","symbol":["USD/CHF"],"depth":25}})"), "error"),
                  "Already subscribed");
  CAF_CHECK(ok(f.one(R"({"method":"unsubscribe","params":{"channel":"book","symbol":["USD/CHF"],"depth":25}})")));
  CAF_CHECK(f.state.market.empty());
  CAF_CHECK_EQUAL(field(f.one(R"({"method":"unsubscribe","params":{"channel":"book","symbol":["USD/CHF"],"depth":25}})"), "error"),
                  "Subscription not found");
  // Errors of shape and value.
  CAF_CHECK_EQUAL(field(f.one("not json"), "error"), "Malformed request");
  CAF_CHECK_EQUAL(field(f.one(R"({"method":"fly"})"), "error"), "Event(s) not found");
  CAF_CHECK_EQUAL(field(f.one(R"({"method":"subscribe","params":{"channel":"nope","symbol":["USD/CHF"]}})"), "error"),
                  "Channel nope not found");
  CAF_CHECK_EQUAL(field(f.one(R"({"method":"subscribe","params":{"channel":"book","symbol":["USD/CHF"],"depth":7}})"), "error"),
                  "Invalid depth");
  CAF_CHECK_EQUAL(field(f.one(R"({"method":"subscribe","params":{"channel":"ohlc","symbol":["USD/CHF"],"interval":2}})"), "error"),
                  "Invalid interval");
  CAF_CHECK_EQUAL(field(f.one(R"({"method":"subscribe","params":{"channel":"trade","symbol":"USD/CHF"}})"), "error"),
                  "Malformed request");
  // ticker and instrument: their snapshot is asked for.
  auto t = f.send(R"({"method":"subscribe","params":{"channel":"ticker","symbol":["USD/CHF"]}})");
  CAF_CHECK_EQUAL(t.subscribed.size(), 1u);
  auto i = f.send(R"({"method":"subscribe","params":{"channel":"instrument"}})");
  CAF_REQUIRE_EQUAL(i.subscribed.size(), 1u);
  CAF_CHECK_EQUAL(i.subscribed[0].channel, "instrument");
  CAF_CHECK(f.errors.total() >= 8u);
}

CAF_TEST(private_channels_need_a_live_token) {
  fixture f;
  auto missing = f.one(R"({"method":"subscribe","params":{"channel":"executions"}})");
  CAF_CHECK_EQUAL(field(missing, "error"), "EAccount:Invalid permissions");
  auto unknown = f.one(R"({"method":"subscribe","params":{"channel":"executions","token":"nope"}})");
  CAF_CHECK_EQUAL(field(unknown, "error"), "ESession:Invalid session");
  // GetWebSocketsToken: valid for 15 minutes.
  auto expired = f.one(f.with_token("subscribe", R"(,"channel":"executions")"),
                       t0 + 901'000);
  CAF_CHECK_EQUAL(field(expired, "error"), "ESession:Invalid session");
  auto out = f.send(f.with_token("subscribe", R"(,"channel":"executions","snap_orders":true)"));
  CAF_REQUIRE_EQUAL(out.frames.size(), 1u);
  CAF_CHECK(ok(out.frames[0]));
  CAF_CHECK(out.executions_subscribed);
  CAF_CHECK_EQUAL(f.state.account, "a");
  auto bal = f.send(f.with_token("subscribe", R"(,"channel":"balances")"));
  CAF_CHECK(bal.balances_subscribed);
  // Order methods alike.
  CAF_CHECK_EQUAL(field(f.one(R"({"method":"cancel_all","params":{}})"), "error"),
                  "EAccount:Invalid permissions");
  CAF_CHECK_EQUAL(field(f.one(R"({"method":"cancel_all","params":{"token":"x"}})"), "error"),
                  "ESession:Invalid session");
}

// Kraken's GetWebSocketsToken: the token "does not expire once a successful
// WebSockets connection and private subscription has been made and is
// maintained". Neither its 15 minutes nor the store evicting the account's
// oldest token ends the session of the connection that uses it.
CAF_TEST(a_connection_keeps_its_token_past_expiry_and_eviction) {
  fixture f;
  auto sub = f.send(f.with_token("subscribe", R"(,"channel":"executions")"));
  CAF_REQUIRE_EQUAL(sub.frames.size(), 1u);
  CAF_REQUIRE(ok(sub.frames[0]));
  // The account asks for many more tokens: the first one is evicted.
  for (size_t i = 0; i < kraken_tokens::max_per_account + 2; ++i) f.tokens.issue("a", t0 + 1000);
  CAF_REQUIRE(!f.tokens.account_of_token(f.token, t0 + 1000));
  auto later = t0 + 3'600'000; // an hour: the token's 15 minutes are long gone
  CAF_CHECK(ok(f.one(f.with_token("cancel_all", ""), later)));
  CAF_CHECK(ok(f.one(f.with_token("subscribe", R"(,"channel":"balances")"), later)));
  // Another connection cannot use it: there it is checked as new.
  ws_state other;
  auto elsewhere = f.handler.handle(f.with_token("cancel_all", ""), other, later);
  CAF_REQUIRE_EQUAL(elsewhere.frames.size(), 1u);
  CAF_CHECK_EQUAL(field(elsewhere.frames[0], "error"), "ESession:Invalid session");
  CAF_CHECK(other.account.empty());
  // A different token on the bound connection is checked as new: an
  // unknown one is refused and the binding kept...
  auto bound = f.token;
  f.token = "unknown";
  CAF_CHECK_EQUAL(field(f.one(f.with_token("cancel_all", ""), later), "error"),
                  "ESession:Invalid session");
  // ...another account's valid token is refused (one account per connection)...
  f.token = f.tokens.issue("b", later).token;
  CAF_CHECK_EQUAL(field(f.one(f.with_token("cancel_all", ""), later), "error"),
                  "EAccount:Invalid permissions");
  CAF_CHECK_EQUAL(f.state.account, "a");
  CAF_CHECK_EQUAL(f.state.token, bound);
  // ...and a fresh token of the same account becomes the bound one.
  f.token = f.tokens.issue("a", later).token;
  CAF_CHECK(ok(f.one(f.with_token("cancel_all", ""), later)));
  CAF_CHECK_EQUAL(f.state.token, f.token);
  CAF_CHECK(ok(f.one(f.with_token("cancel_all", ""), later + 3'600'000)));
}

CAF_TEST(order_methods_and_their_executions) {
  fixture f;
  auto add = f.one(f.with_token(
    "add_order", R"(,"order_type":"limit","side":"buy","order_qty":10,"limit_price":0.9,"symbol":"USD/CHF","cl_ord_id":"c1")"));
  CAF_REQUIRE(ok(add));
  CAF_CHECK_EQUAL(field(add, "method"), "add_order");
  CAF_CHECK_EQUAL(field(add, "req_id"), "7");
  CAF_CHECK_EQUAL(result_field(add, "cl_ord_id"), "c1");
  auto txid = result_field(add, "order_id");
  auto ex = f.executions();
  CAF_REQUIRE_EQUAL(ex.size(), 1u);
  CAF_CHECK_EQUAL(text(ex[0], "exec_type"), "new");
  CAF_CHECK_EQUAL(text(ex[0], "order_status"), "new");
  CAF_CHECK_EQUAL(text(ex[0], "order_id"), txid);
  CAF_CHECK_EQUAL(text(ex[0], "cl_ord_id"), "c1");
  CAF_CHECK_EQUAL(text(ex[0], "symbol"), "USD/CHF");
  CAF_CHECK_EQUAL(text(ex[0], "limit_price"), "0.9");
  // The open order is in the snapshot.
  CAF_CHECK(f.privates.orders_snapshot("a", t0).find(txid) != std::string::npos);
  // Amend down in place.
  auto amend = f.one(f.with_token("amend_order", R"(,"order_id":")" + txid + R"(","order_qty":6)"));
  CAF_REQUIRE(ok(amend));
  CAF_CHECK_EQUAL(result_field(amend, "order_id"), txid);
  ex = f.executions();
  CAF_REQUIRE_EQUAL(ex.size(), 1u);
  CAF_CHECK_EQUAL(text(ex[0], "exec_type"), "amended");
  CAF_CHECK_EQUAL(text(ex[0], "order_qty"), "6");
  // b sells into it: a trade, then filled.
  CAF_REQUIRE(std::holds_alternative<order>(
    f.engine.place(limit("b", order_side::sell, "0.9000", "6"), t0)));
  ex = f.executions();
  CAF_REQUIRE_EQUAL(ex.size(), 2u);
  CAF_CHECK_EQUAL(text(ex[0], "exec_type"), "trade");
  CAF_CHECK_EQUAL(text(ex[0], "last_qty"), "6");
  CAF_CHECK_EQUAL(text(ex[0], "last_price"), "0.9");
  CAF_CHECK_EQUAL(text(ex[0], "liquidity_ind"), "m");
  CAF_CHECK_EQUAL(text(ex[0], "order_status"), "filled");
  CAF_CHECK(ex[0].member("fees") != nullptr);
  CAF_CHECK_EQUAL(text(ex[1], "exec_type"), "filled");
  // Cancel by cl_ord_id and order_id, one reply each.
  auto a2 = f.one(f.with_token(
    "add_order", R"(,"order_type":"limit","side":"buy","order_qty":5,"limit_price":0.8,"symbol":"USD/CHF","cl_ord_id":"c2")"));
  auto a3 = f.one(f.with_token(
    "add_order", R"(,"order_type":"limit","side":"buy","order_qty":5,"limit_price":0.8,"symbol":"USD/CHF")"));
  f.executions();
  auto cancel = f.send(f.with_token("cancel_order", R"(,"cl_ord_id":["c2"],"order_id":[")"
                                                      + result_field(a3, "order_id") + R"(","OXXXXX-XXXXX-XXXXXX"])"));
  CAF_REQUIRE_EQUAL(cancel.frames.size(), 3u);
  CAF_CHECK(ok(cancel.frames[0]));
  CAF_CHECK(!ok(cancel.frames[1]) || !ok(cancel.frames[2]));
  ex = f.executions();
  CAF_REQUIRE_EQUAL(ex.size(), 2u);
  CAF_CHECK_EQUAL(text(ex[0], "exec_type"), "canceled");
  CAF_CHECK_EQUAL(text(ex[1], "order_status"), "canceled");
  // Refusals are REST's strings.
  auto bad = f.one(f.with_token(
    "add_order", R"(,"order_type":"limit","side":"buy","order_qty":5,"limit_price":0.8,"symbol":"USD/XYZ")"));
  CAF_CHECK_EQUAL(field(bad, "error"), "EQuery:Unknown asset pair");
  auto poor = f.one(f.with_token(
    "add_order", R"(,"order_type":"limit","side":"buy","order_qty":900000,"limit_price":0.9,"symbol":"USD/CHF")"));
  CAF_CHECK_EQUAL(field(poor, "error"), "EOrder:Insufficient funds");
  // cancel_all counts; cancel_all_orders_after arms and disarms.
  f.one(f.with_token(
    "add_order", R"(,"order_type":"limit","side":"buy","order_qty":5,"limit_price":0.8,"symbol":"USD/CHF")"));
  auto all = f.one(f.with_token("cancel_all", ""));
  CAF_CHECK_EQUAL(result_field(all, "count"), "1");
  auto arm = f.one(f.with_token("cancel_all_orders_after", R"(,"timeout":60)"));
  CAF_REQUIRE(ok(arm));
  CAF_CHECK_EQUAL(result_field(arm, "currentTime"), rfc3339(t0));
  CAF_CHECK_EQUAL(result_field(arm, "triggerTime"), rfc3339(t0 + 60'000));
  auto disarm = f.one(f.with_token("cancel_all_orders_after", R"(,"timeout":0)"));
  CAF_CHECK_EQUAL(result_field(disarm, "triggerTime"), "0");
}

CAF_TEST(balances_snapshot_then_updates_on_trades) {
  fixture f;
  auto snap = parse(channel_frame("balances", "snapshot", f.privates.balances_snapshot("a"), 1));
  CAF_CHECK_EQUAL(snap.member("data")->items.size(), 2u);
  CAF_CHECK_EQUAL(text(snap, "sequence"), "1");
  CAF_REQUIRE(std::holds_alternative<order>(
    f.engine.place(limit("a", order_side::buy, "0.9000", "10"), t0)));
  // Holding funds changes no total: nothing.
  for (auto& p : f.privates.take(t0))
    CAF_CHECK_NOT_EQUAL(p.channel, "balances");
  CAF_REQUIRE(std::holds_alternative<order>(
    f.engine.place(limit("b", order_side::sell, "0.9000", "10"), t0)));
  size_t updates = 0;
  for (auto& p : f.privates.take(t0))
    if (p.channel == "balances" && p.account == "a") {
      ++updates;
      auto data = parse(channel_frame("balances", "update", p.data, 2)).member("data")->items;
      CAF_CHECK_EQUAL(data.size(), 2u); // USD up, CHF down
      CAF_CHECK_EQUAL(text(data.at(0), "type"), "trade");
    }
  CAF_CHECK_EQUAL(updates, 1u);
}

CAF_TEST(ws_api_unavailable_answers_eservice_unavailable) {
  fixture f;
  CAF_REQUIRE(!f.faults.apply({{"ws-api-unavailable", "1"}}, fault_source::admin));
  auto r = f.one(f.with_token("cancel_all", ""));
  CAF_CHECK_EQUAL(field(r, "error"), "EService:Unavailable");
  CAF_CHECK(ok(f.one(f.with_token("cancel_all", ""))));
}

// amend_order with a new limit_price: the same order_id and cl_ord_id, an
// "amended" report, then the trades the new price crosses as a taker.
CAF_TEST(amend_order_reprices_in_place_and_trades_what_it_crosses) {
  fixture f;
  CAF_REQUIRE(std::holds_alternative<order>(
    f.engine.place(limit("b", order_side::sell, "0.9000", "4"), t0)));
  auto add = f.one(f.with_token(
    "add_order", R"(,"order_type":"limit","side":"buy","order_qty":10,"limit_price":0.8,"symbol":"USD/CHF","cl_ord_id":"c9")"));
  CAF_REQUIRE(ok(add));
  auto txid = result_field(add, "order_id");
  f.executions();
  auto post = f.one(f.with_token("amend_order",
                                 R"(,"cl_ord_id":"c9","limit_price":0.9,"post_only":true)"));
  CAF_CHECK_EQUAL(field(post, "error"), "EOrder:Post only order");
  CAF_CHECK_EQUAL(field(f.one(f.with_token("amend_order",
                                           R"(,"cl_ord_id":"c9","limit_price":0.9,"post_only":"yes")")),
                        "error"),
                  "EGeneral:Invalid arguments:post_only");
  CAF_CHECK(f.executions().empty());
  auto amend = f.one(f.with_token("amend_order", R"(,"cl_ord_id":"c9","limit_price":0.9)"));
  CAF_REQUIRE(ok(amend));
  CAF_CHECK_EQUAL(result_field(amend, "order_id"), txid);
  CAF_CHECK_EQUAL(result_field(amend, "cl_ord_id"), "c9");
  auto ex = f.executions();
  CAF_REQUIRE_EQUAL(ex.size(), 2u);
  CAF_CHECK_EQUAL(text(ex[0], "exec_type"), "amended");
  CAF_CHECK_EQUAL(text(ex[0], "limit_price"), "0.9");
  CAF_CHECK_EQUAL(text(ex[0], "order_id"), txid);
  CAF_CHECK_EQUAL(text(ex[1], "exec_type"), "trade");
  CAF_CHECK_EQUAL(text(ex[1], "last_qty"), "4");
  CAF_CHECK_EQUAL(text(ex[1], "liquidity_ind"), "t");
  CAF_CHECK_EQUAL(text(ex[1], "order_status"), "partially_filled");
  // More than the balance can lock: refused, nothing reported.
  auto big = f.one(f.with_token("amend_order", R"(,"order_id":")" + txid
                                                 + R"(","order_qty":200000)"));
  CAF_CHECK_EQUAL(field(big, "error"), "EOrder:Insufficient funds");
  CAF_CHECK(f.executions().empty());
}
