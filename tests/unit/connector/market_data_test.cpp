// The market-stream codec (every stream kind, combined or raw, errors by
// reason) and the local order book's documented sync procedure: buffering,
// the snapshot, dropping old diffs, the first-event rule, gaps, resyncs,
// crossed books.
#define CAF_SUITE connector_market_data
#include "tests/support/unit_test.hpp"

#include <string>

#include "actors/connector/market_codec.hpp"
#include "actors/connector/order_book.hpp"
#include "actors/connector/trade_scanner.hpp"

using namespace cwts;
using namespace cwts::connector;

namespace {

const timestamp_ns rx{1'700'000'000'000'000'000};

std::string depth_frame(int64_t U, int64_t u, const std::string& bids, const std::string& asks) {
  return R"({"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1672515782136,"s":"BTCUSDT","U":)"
         + std::to_string(U) + R"(,"u":)" + std::to_string(u) + R"(,"b":)" + bids + R"(,"a":)"
         + asks + "}}";
}

depth_update diff(int64_t U, int64_t u, const std::string& bids = "[]",
                  const std::string& asks = "[]") {
  market_event ev;
  auto k = decode_market_frame(depth_frame(U, u, bids, asks), rx, ev);
  CAF_REQUIRE(k.ok());
  return ev.depth;
}

depth_snapshot snapshot(int64_t id) {
  auto s = parse_depth_snapshot(R"({"lastUpdateId":)" + std::to_string(id)
                                + R"(,"bids":[["100.0","1"],["99.0","2"]],"asks":[["101.0","3"]]})");
  CAF_REQUIRE(s.ok());
  return s.value();
}

symbol btc() {
  return *symbol::parse("BTCUSDT");
}

} // namespace

CAF_TEST(decodes_every_subscribed_stream_kind) {
  market_event ev;
  auto k = decode_market_frame(
    R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":12,"p":"100.5","q":"0.1","T":1672515782136,"m":true,"M":true}})",
    rx, ev);
  CAF_REQUIRE(k.ok());
  CAF_CHECK(k.value() == market_event_kind::trade);
  CAF_CHECK_EQUAL(ev.tr.id.value, 12);
  CAF_CHECK_EQUAL(ev.tr.px.to_string(), "100.50000000");
  CAF_CHECK(ev.tr.buyer_is_maker);
  CAF_CHECK_EQUAL(ev.tr.ts_event.ns, 1672515782136LL * 1'000'000);

  k = decode_market_frame(
    R"({"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":1,"s":"BTCUSDT","a":5,"p":"100.5","q":"2","f":10,"l":12,"T":1672515782136,"m":false,"M":true}})",
    rx, ev);
  CAF_REQUIRE(k.ok());
  CAF_CHECK(k.value() == market_event_kind::agg_trade);
  CAF_CHECK_EQUAL(ev.agg.agg_id, 5);
  CAF_CHECK_EQUAL(ev.agg.last_trade_id, 12);

  k = decode_market_frame(
    R"({"stream":"btcusdt@bookTicker","data":{"u":400900217,"s":"BTCUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"}})",
    rx, ev);
  CAF_REQUIRE(k.ok());
  CAF_CHECK(k.value() == market_event_kind::book_ticker);
  CAF_CHECK_EQUAL(ev.top.update_id, 400900217);
  CAF_CHECK_EQUAL(ev.top.ask_qty.to_string(), "40.66000000");
  CAF_CHECK(!ev.top.from_local_book);

  k = decode_market_frame(depth_frame(157, 160, R"([["0.0024","10"]])", R"([["0.0026","100"],["0.0027","0"]])"),
                          rx, ev);
  CAF_REQUIRE(k.ok());
  CAF_CHECK(k.value() == market_event_kind::depth_update);
  CAF_CHECK_EQUAL(ev.depth.first_id, 157);
  CAF_CHECK_EQUAL(ev.depth.last_id, 160);
  CAF_REQUIRE_EQUAL(ev.depth.bids.size(), 1u);
  CAF_REQUIRE_EQUAL(ev.depth.asks.size(), 2u);
  CAF_CHECK(ev.depth.asks[1].quantity.is_zero());

  // A raw (not combined) event: the kind comes from "e".
  k = decode_market_frame(R"({"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":"1","q":"1","T":5,"m":false,"M":true})",
                          rx, ev);
  CAF_REQUIRE(k.ok());
  CAF_CHECK(k.value() == market_event_kind::trade);
}

CAF_TEST(rejects_bad_frames_with_a_reason) {
  market_event ev;
  auto reason = [&](const std::string& text) {
    auto k = decode_market_frame(text, rx, ev);
    return k.ok() ? std::string("accepted") : k.error().reason;
  };
  CAF_CHECK(reason("{\"stream\":").find("malformed JSON") == 0);
  CAF_CHECK_EQUAL(reason("[1,2]"), "frame is not an object");
  CAF_CHECK_EQUAL(reason(R"({"stream":"btcusdt@kline_1m","data":{}})"),
                  "field \"stream\": unsupported stream \"btcusdt@kline_1m\"");
  CAF_CHECK_EQUAL(reason(R"({"stream":"btcusdt@trade"})"), "field \"data\": missing");
  CAF_CHECK_EQUAL(reason(R"({"stream":"btcusdt@trade","data":{"e":"aggTrade"}})"),
                  "field \"e\": expected \"trade\", got \"aggTrade\"");
  CAF_CHECK(reason(R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":1.5,"q":"1","T":5,"m":false}})")
              .find("field \"p\": not a string") == 0);
  CAF_CHECK(reason(depth_frame(5, 4, "[]", "[]")).find("field \"u\"") == 0);
  CAF_CHECK(reason(depth_frame(1, 2, R"([["x","1"]])", "[]")).find("field \"b\"") == 0);
  CAF_CHECK(reason(depth_frame(1, 2, R"([["1","-1"]])", "[]")).find("field \"b\"") == 0);
  CAF_CHECK(reason(R"({"e":"kline"})").find("field \"e\": unsupported event") == 0);
  CAF_CHECK(!parse_depth_snapshot(R"({"lastUpdateId":"5","bids":[],"asks":[]})").ok());
}

CAF_TEST(syncs_by_the_documented_procedure) {
  order_book b(btc());
  CAF_CHECK(b.on_update(diff(95, 99)) == depth_result::buffered);
  CAF_CHECK(b.on_update(diff(100, 104, R"([["100.0","5"]])")) == depth_result::buffered);
  CAF_CHECK(b.on_update(diff(105, 106, "[]", R"([["101.0","0"],["102.0","1"]])")) == depth_result::buffered);
  // lastUpdateId 101: 95..99 dropped, 100..104 spans 102 and is applied.
  CAF_CHECK(b.on_snapshot(snapshot(101)) == snapshot_result::synced);
  CAF_CHECK(b.synced());
  CAF_CHECK_EQUAL(b.update_id(), 106);
  CAF_CHECK_EQUAL(b.bids(5).size(), 2u);
  CAF_CHECK_EQUAL(b.bids(5)[0].quantity.to_string(), "5.00000000");
  CAF_REQUIRE_EQUAL(b.asks(5).size(), 1u);
  CAF_CHECK_EQUAL(b.asks(5)[0].px.to_string(), "102.00000000");
  CAF_CHECK(b.on_update(diff(100, 106)) == depth_result::stale);
  CAF_CHECK(b.on_update(diff(107, 107, R"([["99.0","0"]])")) == depth_result::applied);
  CAF_CHECK_EQUAL(b.bids(5).size(), 1u);
  auto top = b.top(rx, rx);
  CAF_CHECK(top.from_local_book);
  CAF_CHECK_EQUAL(top.update_id, 107);
  CAF_CHECK_EQUAL(top.bid_px.to_string(), "100.00000000");
  CAF_CHECK_EQUAL(b.resyncs(), 0u);
  CAF_CHECK_EQUAL(b.gaps(), 0u);
}

CAF_TEST(a_snapshot_older_than_the_buffer_is_fetched_again) {
  order_book b(btc());
  CAF_CHECK(b.on_update(diff(120, 125)) == depth_result::buffered);
  CAF_CHECK(b.on_snapshot(snapshot(100)) == snapshot_result::too_old);
  CAF_CHECK(!b.synced());
  CAF_CHECK_EQUAL(b.buffered(), 1u);
  CAF_CHECK(b.on_snapshot(snapshot(122)) == snapshot_result::synced);
  CAF_CHECK_EQUAL(b.update_id(), 125);
}

CAF_TEST(a_snapshot_newer_than_every_diff_is_live_and_the_next_diff_must_span_it) {
  order_book b(btc());
  CAF_CHECK(b.on_update(diff(90, 95)) == depth_result::buffered);
  // A quiet book may send no diff for long: the snapshot is the book now.
  CAF_CHECK(b.on_snapshot(snapshot(100)) == snapshot_result::synced);
  CAF_CHECK(b.synced());
  CAF_CHECK_EQUAL(b.update_id(), 100);
  CAF_CHECK(b.on_update(diff(99, 100)) == depth_result::stale);
  // Step 5 still applies to the first diff: U <= 101 <= u (overlap allowed).
  CAF_CHECK(b.on_update(diff(99, 103)) == depth_result::applied);
  CAF_CHECK(b.on_update(diff(104, 104)) == depth_result::applied);
  // A snapshot older than a change we never saw: the first diff shows it.
  order_book c(btc());
  c.on_update(diff(90, 95));
  CAF_CHECK(c.on_snapshot(snapshot(100)) == snapshot_result::synced);
  CAF_CHECK(c.on_update(diff(103, 104)) == depth_result::gap);
  CAF_CHECK_EQUAL(c.gaps(), 1u);
  CAF_CHECK(!c.synced());
}

CAF_TEST(a_gap_discards_the_book_and_counts_a_resync) {
  order_book b(btc());
  b.on_update(diff(100, 101));
  CAF_REQUIRE(b.on_snapshot(snapshot(100)) == snapshot_result::synced);
  CAF_CHECK(b.on_update(diff(103, 104)) == depth_result::gap); // 102 missing
  CAF_CHECK(!b.synced());
  CAF_CHECK_EQUAL(b.gaps(), 1u);
  CAF_CHECK_EQUAL(b.resyncs(), 1u);
  CAF_CHECK_EQUAL(b.bid_levels(), 0u);
  CAF_CHECK_EQUAL(b.buffered(), 1u); // the breaking event is kept for the replay
  CAF_CHECK(b.on_update(diff(105, 106)) == depth_result::buffered);
  CAF_CHECK(b.on_snapshot(snapshot(105)) == snapshot_result::synced);
  CAF_CHECK_EQUAL(b.update_id(), 106);
  // A gap inside the replay: the first applies, the second breaks.
  order_book c(btc());
  c.on_update(diff(100, 101));
  c.on_update(diff(104, 105));
  c.on_update(diff(106, 106));
  CAF_CHECK(c.on_snapshot(snapshot(100)) == snapshot_result::gap);
  CAF_CHECK_EQUAL(c.buffered(), 2u); // 104..105 and 106 kept, in order
  CAF_CHECK(c.on_snapshot(snapshot(104)) == snapshot_result::synced);
  CAF_CHECK_EQUAL(c.update_id(), 106);
}

CAF_TEST(a_reset_after_a_lost_connection_rebuilds) {
  order_book b(btc());
  b.on_update(diff(100, 101));
  CAF_REQUIRE(b.on_snapshot(snapshot(100)) == snapshot_result::synced);
  b.reset();
  CAF_CHECK(!b.synced());
  CAF_CHECK_EQUAL(b.resyncs(), 1u);
  CAF_CHECK_EQUAL(b.buffered(), 0u);
}

CAF_TEST(flags_and_counts_a_crossed_or_locked_book) {
  order_book b(btc());
  b.on_update(diff(100, 101));
  CAF_REQUIRE(b.on_snapshot(snapshot(100)) == snapshot_result::synced);
  CAF_CHECK(!b.crossed());
  // A bid at the best ask: locked.
  CAF_CHECK(b.on_update(diff(102, 102, R"([["101.0","1"]])")) == depth_result::applied);
  CAF_CHECK(b.crossed());
  CAF_CHECK_EQUAL(b.crossed_count(), 1u);
  b.on_update(diff(103, 103, R"([["101.5","1"]])")); // still crossed: one episode
  CAF_CHECK_EQUAL(b.crossed_count(), 1u);
  b.on_update(diff(104, 104, R"([["101.0","0"],["101.5","0"]])"));
  CAF_CHECK(!b.crossed());
}

CAF_TEST(buffer_overflow_drops_the_oldest_diffs) {
  order_book b(btc(), 2);
  b.on_update(diff(100, 100));
  b.on_update(diff(101, 101));
  b.on_update(diff(102, 102));
  CAF_CHECK_EQUAL(b.buffered(), 2u);
  CAF_CHECK_EQUAL(b.buffer_overflows(), 1u);
  CAF_CHECK(b.on_snapshot(snapshot(99)) == snapshot_result::too_old);
  CAF_CHECK(b.on_snapshot(snapshot(101)) == snapshot_result::synced);
}

// Issue 26: a 19-digit integer overflowed int64 inside the scanner (signed
// overflow, undefined behaviour, seen only by UBSan). The scanner reads at most
// 18 digits; a longer number goes to the DOM, which decodes it if it fits int64
// and otherwise rejects the frame with a reason (counted as a parse error).
CAF_TEST(the_trade_scanner_stops_at_18_digits_and_leaves_longer_integers_to_the_dom) {
  auto frame = [](const std::string& t, const std::string& e = "1") {
    return R"({"stream":"btcusdt@trade","data":{"e":"trade","E":)" + e
           + R"(,"s":"BTCUSDT","t":)" + t + R"(,"p":"1","q":"1","T":5,"m":true,"M":true}})";
  };
  // At the limit: 18 nines, the scanner's largest, agrees with the DOM.
  trade fast{};
  CAF_CHECK(scan_trade_frame(frame("999999999999999999"), rx, fast));
  CAF_CHECK_EQUAL(fast.id.value, 999'999'999'999'999'999);
  CAF_CHECK(scan_trade_frame(frame("1", "999999999999999999"), rx, fast));
  market_event ev;
  CAF_REQUIRE(decode_market_frame_dom(frame("999999999999999999"), rx, ev).ok());
  CAF_CHECK_EQUAL(ev.tr.id.value, 999'999'999'999'999'999);
  // 19 digits that still fit int64: the scanner declines, the DOM decodes.
  for (auto t : {"1000000000000000000", "9223372036854775807"}) {
    CAF_CHECK(!scan_trade_frame(frame(t), rx, fast));
    CAF_REQUIRE(decode_market_frame(frame(t), rx, ev).ok());
    CAF_CHECK_EQUAL(std::to_string(ev.tr.id.value), t);
  }
  // Past int64 (the first overflowing value, the one UBSan reported, longer
  // still): the scanner declines without overflowing, the frame is rejected.
  for (auto t : {"9223372036854775808", "9999999999999999999", "99999999999999999999999"}) {
    CAF_CHECK(!scan_trade_frame(frame(t), rx, fast));
    CAF_CHECK(!scan_trade_frame(frame("1", t), rx, fast));
    auto k = decode_market_frame(frame(t), rx, ev);
    CAF_REQUIRE(!k.ok());
    CAF_CHECK_EQUAL(k.error().reason, R"(field "t": integer out of range)");
  }
}

CAF_TEST(the_trade_scanner_agrees_with_the_dom_and_falls_back_on_other_shapes) {
  const std::string frames[] = {
    R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":0,"p":"100.5","q":"0.00000001","T":1672515782136,"m":true,"M":true}})",
    R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":99,"p":"1.","q":".5","T":5,"m":false,"M":false}})",
    R"({"e":"trade","E":1,"s":"ETHUSDT","t":7,"p":"2500.12345678000","q":"3","T":9,"m":false,"M":true})",
  };
  for (auto& f : frames) {
    trade fast{};
    CAF_CHECK(scan_trade_frame(f, rx, fast));
    market_event ev;
    CAF_REQUIRE(decode_market_frame_dom(f, rx, ev).ok());
    CAF_CHECK(ev.tr.sym == fast.sym);
    CAF_CHECK_EQUAL(ev.tr.id.value, fast.id.value);
    CAF_CHECK(ev.tr.px == fast.px);
    CAF_CHECK(ev.tr.quantity == fast.quantity);
    CAF_CHECK_EQUAL(ev.tr.ts_event.ns, fast.ts_event.ns);
    CAF_CHECK_EQUAL(ev.tr.buyer_is_maker, fast.buyer_is_maker);
  }
  // Other shapes the scanner leaves to the DOM, which still decodes them.
  const std::string others[] = {
    R"({"stream":"btcusdt@trade","data":{"s":"BTCUSDT","e":"trade","E":1,"t":1,"p":"1","q":"1","T":5,"m":true,"M":true}})",
    R"({ "stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":"1","q":"1","T":5,"m":true,"M":true}})",
    R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":"12345678901.5","q":"1","T":5,"m":true,"M":true}})",
  };
  for (auto& f : others) {
    trade fast{};
    CAF_CHECK(!scan_trade_frame(f, rx, fast));
    market_event ev;
    CAF_CHECK(decode_market_frame(f, rx, ev).ok());
  }
  // Bad ones: neither accepts.
  const std::string bad[] = {
    R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":"1e5","q":"1","T":5,"m":true,"M":true}})",
    R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"btcusdt","t":1,"p":"1","q":"1","T":5,"m":true,"M":true}})",
    R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":"1","q":"1","T":5,"m":true,"M":true}}x)",
    R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":"1","q":"1","T":99999999999999999,"m":true,"M":true}})",
    R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":"1.000000001","q":"1","T":5,"m":true,"M":true}})",
  };
  for (auto& f : bad) {
    trade fast{};
    CAF_CHECK(!scan_trade_frame(f, rx, fast));
    market_event ev;
    auto k = decode_market_frame(f, rx, ev);
    CAF_CHECK(!k.ok());
    if (!k.ok())
      CAF_MESSAGE("rejected: " << k.error().reason);
  }
}
