// OKX v5 depth channels built by the venue (venue/okx/okx_ws_book.hpp):
// CRC32 and the signed books checksum against hand-computed values, the
// books snapshot / update / keepalive seqId chain, the okx-bad-checksum
// corruption, books5 and bbo-tbt tops, the public channel pushes.
#define CAF_SUITE venue_okx_ws_book
#include "tests/support/unit_test.hpp"

#include "tests/unit/venue/usdchf_rules.hpp"
#include "venue/fault_plan.hpp"
#include "venue/json_reader.hpp"
#include "venue/market_stats.hpp"
#include "venue/okx/okx_ws_book.hpp"
#include "venue/okx/okx_ws_market.hpp"

using namespace cwts;
using namespace cwts::venue;
using namespace cwts::venue::okx;
using namespace cwts::venue::testing;

namespace {

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// The first data element of a push.
json_value data_of(const std::string& frame) {
  auto parsed = parse_json(frame);
  CAF_REQUIRE(std::holds_alternative<json_value>(parsed));
  auto& v = std::get<json_value>(parsed);
  auto* data = v.member("data");
  CAF_REQUIRE(data != nullptr && !data->items.empty());
  return data->items[0];
}

int64_t num(const json_value& v, const char* name) {
  auto* m = v.member(name);
  CAF_REQUIRE(m != nullptr);
  return std::stoll(m->text);
}

ws_side side_of(const json_value& v, const char* name) {
  ws_side out;
  for (auto& l : v.member(name)->items)
    out.push_back(ws_level{l.items[0].text, l.items[1].text, std::stoll(l.items[3].text)});
  return out;
}

struct fixture {
  matching_engine engine;
  books_channel books;

  fixture() {
    engine.add_symbol(usdchf_rules());
    for (auto* asset : {"USD", "CHF"})
      engine.fund("a", asset, *qty::parse("100000"));
  }

  int64_t place(order_side side, const char* px, const char* q) {
    auto r = engine.place(limit("a", side, px, q), 1000);
    CAF_REQUIRE(std::holds_alternative<order>(r));
    return std::get<order>(r).order_id;
  }

  books_channel::pushes flush(int64_t now, bool existing, bool fresh, bool corrupt = false) {
    return books.flush(engine, usdchf(), "USD-CHF", now, existing, fresh,
                       [corrupt] { return corrupt; });
  }
};

} // namespace

CAF_TEST(checksum_interleaves_bids_and_asks_and_is_signed) {
  ws_side bids{{"0.9", "10", 1}, {"0.8", "20", 1}};
  ws_side asks{{"1.1", "5", 1}, {"1.2", "7", 1}};
  CAF_CHECK_EQUAL(checksum_text(bids, asks), "0.9:10:1.1:5:0.8:20:1.2:7");
  // zlib.crc32(b"0.9:10:1.1:5:0.8:20:1.2:7") = 4216784860, as int32:
  CAF_CHECK_EQUAL(book_checksum(bids, asks), -78182436);
  // OKX's documented example text (a longer side keeps contributing).
  ws_side b2{{"3366.1", "7", 1}, {"3366", "6", 1}};
  ws_side a2{{"3366.8", "9", 1}, {"3368", "8", 1}, {"3372", "8", 1}};
  CAF_CHECK_EQUAL(checksum_text(b2, a2), "3366.1:7:3366.8:9:3366:6:3368:8:3372:8");
  CAF_CHECK_EQUAL(book_checksum(b2, a2), 1362239393);
}

CAF_TEST(checksum_covers_only_the_top_25_levels) {
  ws_side bids, asks;
  for (int i = 0; i < 30; ++i) {
    bids.push_back(ws_level{std::to_string(100 - i), "1", 1});
    asks.push_back(ws_level{std::to_string(200 + i), "1", 1});
  }
  auto full = book_checksum(bids, asks);
  bids.resize(25);
  asks.resize(25);
  CAF_CHECK_EQUAL(book_checksum(bids, asks), full);
}

CAF_TEST(levels_are_the_shortest_decimal_text) {
  CAF_CHECK_EQUAL(wire_decimal(*price::parse("0.9120")), "0.912");
  CAF_CHECK_EQUAL(wire_decimal(*qty::parse("50000")), "50000");
  CAF_CHECK_EQUAL(wire_decimal(qty{}), "0");
}

CAF_TEST_FIXTURE_SCOPE(books_tests, fixture)

CAF_TEST(nothing_is_built_without_subscribers) {
  place(order_side::buy, "0.9", "10");
  auto p = flush(1000, false, false);
  CAF_CHECK(!p.update && !p.snapshot);
}

CAF_TEST(snapshot_has_prev_seq_minus_one_and_the_book_checksum) {
  place(order_side::buy, "0.9", "10");
  place(order_side::buy, "0.8", "20");
  place(order_side::sell, "1.1", "5");
  place(order_side::sell, "1.2", "7");
  auto p = flush(1000, false, true);
  CAF_REQUIRE(p.snapshot.has_value());
  CAF_CHECK(!p.update);
  CAF_CHECK(contains(*p.snapshot, "{\"arg\":{\"channel\":\"books\",\"instId\":\"USD-CHF\"},"
                                  "\"action\":\"snapshot\""));
  auto d = data_of(*p.snapshot);
  CAF_CHECK_EQUAL(num(d, "prevSeqId"), -1);
  CAF_CHECK_EQUAL(num(d, "seqId"), engine.last_update_id(usdchf()));
  CAF_CHECK_EQUAL(num(d, "checksum"), -78182436);
  CAF_CHECK(contains(*p.snapshot, "\"bids\":[[\"0.9\",\"10\",\"0\",\"1\"],[\"0.8\",\"20\",\"0\",\"1\"]]"));
  CAF_CHECK(contains(*p.snapshot, "\"ts\":\"1000\""));
}

CAF_TEST(updates_carry_changed_levels_and_chain_seq_ids) {
  place(order_side::buy, "0.9", "10");
  auto id = place(order_side::sell, "1.1", "5");
  auto snap = data_of(*flush(1000, false, true).snapshot);
  place(order_side::buy, "0.9", "3");
  auto p = flush(1100, true, false);
  CAF_REQUIRE(p.update.has_value());
  CAF_CHECK(contains(*p.update, "\"action\":\"update\""));
  auto u = data_of(*p.update);
  CAF_CHECK_EQUAL(num(u, "prevSeqId"), num(snap, "seqId"));
  CAF_CHECK(num(u, "seqId") > num(u, "prevSeqId"));
  CAF_CHECK(contains(*p.update, "\"asks\":[],\"bids\":[[\"0.9\",\"13\",\"0\",\"2\"]]"));
  CAF_CHECK_EQUAL(num(u, "checksum"),
                  book_checksum({{"0.9", "13", 2}}, {{"1.1", "5", 1}}));
  // A level gone is sent with size "0".
  CAF_REQUIRE(std::holds_alternative<order>(
    engine.cancel("a", usdchf(), order_key{id, {}}, 1200)));
  auto gone = flush(1200, true, false);
  CAF_REQUIRE(gone.update.has_value());
  CAF_CHECK(contains(*gone.update, "\"asks\":[[\"1.1\",\"0\",\"0\",\"0\"]]"));
  CAF_CHECK_EQUAL(num(data_of(*gone.update), "prevSeqId"), num(u, "seqId"));
}

CAF_TEST(no_change_sends_nothing_until_the_keepalive) {
  place(order_side::buy, "0.9", "10");
  auto snap = data_of(*flush(1000, false, true).snapshot);
  CAF_CHECK(!flush(1100, true, false).update);
  auto p = flush(1000 + books_keepalive_ms, true, false);
  CAF_REQUIRE(p.update.has_value());
  auto u = data_of(*p.update);
  // OKX: with no change, seqId equals prevSeqId and no levels are sent.
  CAF_CHECK_EQUAL(num(u, "seqId"), num(snap, "seqId"));
  CAF_CHECK_EQUAL(num(u, "prevSeqId"), num(snap, "seqId"));
  CAF_CHECK(contains(*p.update, "\"asks\":[],\"bids\":[]"));
}

CAF_TEST(a_late_subscriber_gets_a_snapshot_of_the_same_seq_as_the_update) {
  place(order_side::buy, "0.9", "10");
  flush(1000, false, true);
  place(order_side::sell, "1.1", "5");
  auto p = flush(1100, true, true);
  CAF_REQUIRE(p.update && p.snapshot);
  auto u = data_of(*p.update);
  auto s = data_of(*p.snapshot);
  CAF_CHECK_EQUAL(num(s, "seqId"), num(u, "seqId"));
  CAF_CHECK_EQUAL(num(s, "checksum"), num(u, "checksum"));
  CAF_CHECK_EQUAL(side_of(s, "asks").size(), 1u);
}

CAF_TEST(bad_checksum_fault_corrupts_only_updates_and_is_counted) {
  fault_plan faults;
  CAF_REQUIRE(!faults.apply({{"okx-bad-checksum", "1"}}, fault_source::admin));
  place(order_side::buy, "0.9", "10");
  auto take = [&] { return faults.take_okx_bad_checksum(); };
  auto first = books.flush(engine, usdchf(), "USD-CHF", 1000, false, true, take);
  CAF_CHECK_EQUAL(faults.counters().okx_bad_checksums, 0u); // snapshots stay right
  place(order_side::buy, "0.8", "10");
  auto bad = books.flush(engine, usdchf(), "USD-CHF", 1100, true, false, take);
  CAF_REQUIRE(bad.update.has_value());
  auto right = book_checksum({{"0.9", "10", 1}, {"0.8", "10", 1}}, {});
  CAF_CHECK_NOT_EQUAL(num(data_of(*bad.update), "checksum"), right);
  CAF_CHECK_EQUAL(faults.counters().okx_bad_checksums, 1u);
  place(order_side::buy, "0.7", "10");
  auto good = books.flush(engine, usdchf(), "USD-CHF", 1200, true, false, take);
  CAF_CHECK_EQUAL(num(data_of(*good.update), "checksum"),
                  book_checksum({{"0.9", "10", 1}, {"0.8", "10", 1}, {"0.7", "10", 1}}, {}));
  CAF_CHECK(first.snapshot.has_value());
}

CAF_TEST(books5_and_bbo_push_whole_tops_when_they_change) {
  top_channel five{"books5", 5};
  for (int i = 0; i < 7; ++i)
    place(order_side::buy, ("0.9" + std::to_string(i)).c_str(), "10");
  auto p = five.changed(engine, usdchf(), "USD-CHF", 1000);
  CAF_REQUIRE(p.has_value());
  CAF_CHECK_EQUAL(side_of(data_of(*p), "bids").size(), 5u);
  CAF_CHECK(contains(*p, "\"instId\":\"USD-CHF\",\"ts\":\"1000\",\"seqId\":"));
  CAF_CHECK(!five.changed(engine, usdchf(), "USD-CHF", 1100));
  top_channel bbo{"bbo-tbt", 1};
  CAF_CHECK(bbo.changed(engine, usdchf(), "USD-CHF", 1000).has_value());
  place(order_side::buy, "0.80", "10"); // below the best: no change
  CAF_CHECK(!bbo.changed(engine, usdchf(), "USD-CHF", 1100));
  place(order_side::buy, "0.99", "10");
  auto best = bbo.changed(engine, usdchf(), "USD-CHF", 1200);
  CAF_REQUIRE(best.has_value());
  CAF_CHECK(contains(*best, "\"bids\":[[\"0.99\",\"10\",\"0\",\"1\"]]"));
}

CAF_TEST(trades_tickers_and_candles_are_pushed_to_subscribed_channels) {
  market_stats stats;
  engine.on_trade([&stats](const public_trade& t) { stats.record(t); });
  market_channels channels{engine, stats};
  market_channels::subscribed_set subs{{"trades", "USD-CHF"}, {"tickers", "USD-CHF"},
                                       {"candle1m", "USD-CHF"}};
  place(order_side::sell, "0.9", "10");
  for (auto* asset : {"USD", "CHF"})
    engine.fund("b", asset, *qty::parse("100000"));
  CAF_REQUIRE(std::holds_alternative<order>(
    engine.place(limit("b", order_side::buy, "0.9", "4"), 60'000)));
  auto settled = channels.settled(60'000, subs);
  CAF_REQUIRE_EQUAL(settled.size(), 1u);
  CAF_CHECK(contains(settled[0].frame, "\"px\":\"0.9\",\"sz\":\"4\",\"side\":\"buy\",\"ts\":\"60000\""));
  auto ticks = channels.tick(60'050, subs);
  CAF_REQUIRE_EQUAL(ticks.size(), 2u);
  CAF_CHECK(contains(ticks[0].frame, "\"channel\":\"tickers\""));
  CAF_CHECK(contains(ticks[0].frame, "\"last\":\"0.9\",\"lastSz\":\"4\",\"askPx\":\"0.9\",\"askSz\":\"6\""));
  CAF_CHECK(contains(ticks[1].frame, "\"channel\":\"candle1m\""));
  CAF_CHECK(contains(ticks[1].frame, "[\"60000\",\"0.9\",\"0.9\",\"0.9\",\"0.9\",\"4\",\"3.6\",\"3.6\",\"0\"]"));
  // Nothing changed: nothing pushed.
  CAF_CHECK(channels.tick(60'100, subs).empty());
  // The minute closes: the bar once more, confirmed, then the new one.
  auto next = channels.tick(120'000, subs);
  CAF_REQUIRE_EQUAL(next.size(), 2u);
  CAF_CHECK(contains(next[0].frame, "\"0.9\",\"4\",\"3.6\",\"3.6\",\"1\"]"));
  CAF_CHECK(contains(next[1].frame, "[\"120000\","));
}

CAF_TEST(candle_channels_map_okx_bars) {
  CAF_CHECK(parse_candle_channel("candle1m").has_value());
  auto hk = parse_candle_channel("candle1D");
  auto utc = parse_candle_channel("candle1Dutc");
  CAF_REQUIRE(hk && utc);
  int64_t hk_offset = hk->tz_offset_ms, utc_offset = utc->tz_offset_ms;
  CAF_CHECK_EQUAL(hk_offset, 8 * 3600 * 1000);
  CAF_CHECK_EQUAL(utc_offset, 0);
  CAF_CHECK(!parse_candle_channel("candle1mutc"));
  CAF_CHECK(!parse_candle_channel("candle5D"));
  CAF_CHECK(market_channel_endpoint("candle1H") == ws_endpoint::business);
  CAF_CHECK(market_channel_endpoint("books") == ws_endpoint::public_);
  CAF_CHECK(!market_channel_endpoint("orders"));
}

CAF_TEST_FIXTURE_SCOPE_END()
