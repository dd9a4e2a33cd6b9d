// Kraken WebSocket v2 public channels built by the venue
// (venue/kraken/kraken_ws_format.hpp, kraken_ws_book.hpp,
// kraken_ws_market.hpp): number and time formats, the top-10 checksum
// against CRC32 values computed by hand (python's zlib.crc32), the book
// snapshot / update / deletion sequence, the kraken-bad-checksum fault,
// trade, ticker, ohlc and instrument messages.
#define CAF_SUITE venue_kraken_ws_book
#include "tests/support/unit_test.hpp"

#include "tests/unit/venue/usdchf_rules.hpp"
#include "venue/fault_plan.hpp"
#include "venue/json_reader.hpp"
#include "venue/kraken/kraken_ws_book.hpp"
#include "venue/kraken/kraken_ws_market.hpp"
#include "venue/market_stats.hpp"

using namespace cwts;
using namespace cwts::venue;
using namespace cwts::venue::kraken;
using namespace cwts::venue::testing;

namespace {

json_value parse(const std::string& frame) {
  auto parsed = parse_json(frame);
  CAF_REQUIRE(std::holds_alternative<json_value>(parsed));
  return std::get<json_value>(parsed);
}

// The first data element of a channel message.
json_value data_of(const std::string& frame) {
  auto v = parse(frame);
  auto* data = v.member("data");
  CAF_REQUIRE(data != nullptr && !data->items.empty());
  return data->items[0];
}

std::string text(const json_value& v, const char* name) {
  auto* m = v.member(name);
  CAF_REQUIRE(m != nullptr);
  return m->text;
}

// A side as sent: price and qty texts.
std::vector<std::pair<std::string, std::string>> side_of(const json_value& v, const char* name) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& l : v.member(name)->items)
    out.emplace_back(text(l, "price"), text(l, "qty"));
  return out;
}

level lv(const char* px, const char* q) { return level{*price::parse(px), *qty::parse(q)}; }

struct fixture {
  matching_engine engine;
  pair_info pair;
  book_channel book{10};

  fixture() {
    engine.add_symbol(usdchf_rules());
    pair = pair_of(usdchf_rules());
    for (auto* asset : {"USD", "CHF"})
      engine.fund("a", asset, *qty::parse("100000"));
  }

  int64_t place(order_side side, const char* px, const char* q) {
    auto r = engine.place(limit("a", side, px, q), 1000);
    if (auto* e = std::get_if<venue_error>(&r)) CAF_FAIL("place refused: " << e->msg);
    return std::get<order>(r).order_id;
  }

  book_channel::pushes flush(bool existing, bool fresh, bool corrupt = false) {
    return book.flush(engine, pair, 1'700'000'000'123, existing, fresh,
                      [corrupt] { return corrupt; });
  }
};

} // namespace

CAF_TEST(numbers_times_and_pair_names_follow_kraken_v2) {
  CAF_CHECK_EQUAL(decimals_of(price::parse("0.0001")->raw), 4);
  CAF_CHECK_EQUAL(decimals_of(qty::parse("1")->raw), 0);
  CAF_CHECK_EQUAL(fixed_text(price::parse("1.09")->raw, 4), "1.0900");
  CAF_CHECK_EQUAL(json_number(*price::parse("1.0900")), "1.09");
  CAF_CHECK_EQUAL(json_number(*qty::parse("100")), "100");
  CAF_CHECK_EQUAL(rfc3339(1'700'000'000'123), "2023-11-14T22:13:20.123000Z");
  fixture f;
  CAF_CHECK_EQUAL(f.pair.v2_symbol, "USD/CHF");
  CAF_CHECK_EQUAL(f.pair.price_decimals, 4);
  CAF_CHECK_EQUAL(f.pair.qty_decimals, 0);
  CAF_CHECK(find_pair(f.engine, "USD/CHF").has_value());
  CAF_CHECK(!find_pair(f.engine, "USD/XYZ").has_value());
}

CAF_TEST(checksum_field_drops_the_point_and_leading_zeros) {
  // Kraken's own example: 0.05005 at 5 decimals -> "5005".
  CAF_CHECK_EQUAL(checksum_field(price::parse("0.05005")->raw, 5), "5005");
  CAF_CHECK_EQUAL(checksum_field(qty::parse("0.000005")->raw, 8), "500");
}

CAF_TEST(checksum_is_asks_ascending_then_bids_descending) {
  fixture f;
  side_levels asks{lv("0.91", "5"), lv("0.92", "7")};
  side_levels bids{lv("0.90", "10"), lv("0.89", "20")};
  CAF_CHECK_EQUAL(checksum_text(asks, bids, f.pair), "9100592007900010890020");
  // python3: zlib.crc32(b"9100592007900010890020")
  CAF_CHECK_EQUAL(book_checksum(asks, bids, f.pair), 1382365238U);
}

CAF_TEST(book_sends_a_snapshot_then_changed_levels_with_checksums) {
  fixture f;
  f.place(order_side::sell, "0.9100", "5");
  f.place(order_side::sell, "0.9200", "7");
  auto best_bid = f.place(order_side::buy, "0.9000", "10");
  f.place(order_side::buy, "0.8900", "20");
  auto first = f.flush(false, true);
  CAF_REQUIRE(first.snapshot.has_value());
  CAF_CHECK(!first.update.has_value());
  auto snap = parse(*first.snapshot);
  CAF_CHECK_EQUAL(text(snap, "channel"), "book");
  CAF_CHECK_EQUAL(text(snap, "type"), "snapshot");
  auto d = data_of(*first.snapshot);
  CAF_CHECK_EQUAL(text(d, "symbol"), "USD/CHF");
  CAF_CHECK_EQUAL(text(d, "checksum"), "1382365238");
  auto asks = side_of(d, "asks");
  CAF_REQUIRE_EQUAL(asks.size(), 2u);
  CAF_CHECK_EQUAL(asks[0].first, "0.91");
  CAF_CHECK_EQUAL(asks[0].second, "5");
  auto snap_bids = side_of(d, "bids");
  CAF_CHECK_EQUAL(snap_bids.at(0).first, "0.9");
  CAF_CHECK(d.member("timestamp") != nullptr);
  // Nothing changed: nothing sent.
  CAF_CHECK(!f.flush(true, false).update.has_value());
  // The best bid goes, an ask grows: both levels in one update.
  CAF_REQUIRE(std::holds_alternative<order>(
    f.engine.cancel("a", usdchf(), order_key{best_bid, {}}, 1001)));
  f.place(order_side::sell, "0.9100", "3");
  auto next = f.flush(true, false);
  CAF_REQUIRE(next.update.has_value());
  auto u = data_of(*next.update);
  CAF_CHECK_EQUAL(text(parse(*next.update), "type"), "update");
  auto bids = side_of(u, "bids");
  CAF_REQUIRE_EQUAL(bids.size(), 1u);
  CAF_CHECK_EQUAL(bids[0].first, "0.9");
  CAF_CHECK_EQUAL(bids[0].second, "0"); // deletion
  auto changed = side_of(u, "asks");
  CAF_REQUIRE_EQUAL(changed.size(), 1u);
  CAF_CHECK_EQUAL(changed[0].second, "8");
  // python3: zlib.crc32(b"9100892007890020")
  CAF_CHECK_EQUAL(text(u, "checksum"), "2850462212");
}

CAF_TEST(kraken_bad_checksum_corrupts_the_next_updates_only) {
  fixture f;
  fault_plan faults;
  CAF_REQUIRE(!faults.apply({{"kraken-bad-checksum", "1"}}, fault_source::admin));
  auto take = [&] { return faults.take_kraken_bad_checksum(); };
  f.place(order_side::sell, "0.9100", "5");
  auto snap = f.book.flush(f.engine, f.pair, 1000, false, true, take);
  CAF_REQUIRE(snap.snapshot.has_value());
  CAF_CHECK_EQUAL(faults.counters().kraken_bad_checksums, 0u); // snapshots stay right
  f.place(order_side::buy, "0.9000", "10");
  auto bad = f.book.flush(f.engine, f.pair, 1100, true, false, take);
  CAF_REQUIRE(bad.update.has_value());
  side_levels asks{lv("0.91", "5")}, bids{lv("0.90", "10")};
  auto right = std::to_string(book_checksum(asks, bids, f.pair));
  CAF_CHECK_NOT_EQUAL(text(data_of(*bad.update), "checksum"), right);
  CAF_CHECK_EQUAL(faults.counters().kraken_bad_checksums, 1u);
  f.place(order_side::buy, "0.8900", "2");
  auto good = f.book.flush(f.engine, f.pair, 1200, true, false, take);
  CAF_REQUIRE(good.update.has_value());
  bids.push_back(lv("0.89", "2"));
  CAF_CHECK_EQUAL(text(data_of(*good.update), "checksum"),
                  std::to_string(book_checksum(asks, bids, f.pair)));
  CAF_CHECK_EQUAL(faults.counters().kraken_bad_checksums, 1u);
}

CAF_TEST(book_update_stays_within_the_subscribed_depth) {
  fixture f;
  for (int i = 0; i < 12; ++i)
    f.place(order_side::buy, ("0." + std::to_string(8000 + i)).c_str(), "2");
  auto first = f.flush(false, true);
  CAF_CHECK_EQUAL(side_of(data_of(*first.snapshot), "bids").size(), 10u);
  // A level below the top 10 changes nothing a depth-10 subscriber sees.
  f.place(order_side::buy, "0.7000", "2");
  CAF_CHECK(!f.flush(true, false).update.has_value());
}

CAF_TEST(trade_ticker_ohlc_and_instrument_messages) {
  fixture f;
  market_stats stats;
  f.engine.on_trade([&](const public_trade& t) { stats.record(t); });
  market_channels market(f.engine, stats);
  f.engine.fund("b", "USD", *qty::parse("100000"));
  f.engine.fund("b", "CHF", *qty::parse("100000"));
  f.place(order_side::sell, "0.9100", "5");
  auto now = int64_t{1'700'000'000'000};
  auto taker = limit("b", order_side::buy, "0.9100", "2");
  CAF_REQUIRE(std::holds_alternative<order>(f.engine.place(taker, now)));
  market_channels::subscribed_set subs{{"trade", "USD/CHF", 0}, {"ticker", "USD/CHF", 0},
                                       {"ohlc", "USD/CHF", 1}};
  auto pushes = market.settled(now, subs);
  CAF_REQUIRE_EQUAL(pushes.size(), 1u);
  auto t = data_of(pushes[0].frame);
  CAF_CHECK_EQUAL(text(parse(pushes[0].frame), "channel"), "trade");
  CAF_CHECK_EQUAL(text(t, "side"), "buy");
  CAF_CHECK_EQUAL(text(t, "price"), "0.91");
  CAF_CHECK_EQUAL(text(t, "qty"), "2");
  CAF_CHECK_EQUAL(text(t, "ord_type"), "limit");
  CAF_CHECK(t.member("trade_id") != nullptr);
  auto ticker = market.initial({"ticker", "USD/CHF", 0}, now);
  CAF_REQUIRE(ticker.has_value());
  auto k = data_of(*ticker);
  CAF_CHECK_EQUAL(text(k, "ask"), "0.91");
  CAF_CHECK_EQUAL(text(k, "ask_qty"), "3");
  CAF_CHECK_EQUAL(text(k, "last"), "0.91");
  CAF_CHECK_EQUAL(text(k, "volume"), "2");
  CAF_CHECK_EQUAL(text(k, "vwap"), "0.91");
  for (auto* field : {"bid", "bid_qty", "low", "high", "change", "change_pct"})
    CAF_CHECK(k.member(field) != nullptr);
  auto ohlc = market.initial({"ohlc", "USD/CHF", 1}, now);
  CAF_REQUIRE(ohlc.has_value());
  auto bar = data_of(*ohlc);
  CAF_CHECK_EQUAL(text(bar, "open"), "0.91");
  CAF_CHECK_EQUAL(text(bar, "interval"), "1");
  CAF_CHECK_EQUAL(text(bar, "trades"), "1");
  // The 100 ms tick: ticker and the current bar once, then not again.
  CAF_CHECK_EQUAL(market.tick(now + 100, subs).size(), 2u);
  CAF_CHECK_EQUAL(market.tick(now + 200, subs).size(), 0u);
  auto inst = market.initial({"instrument", "", 0}, now);
  CAF_REQUIRE(inst.has_value());
  auto inst_msg = parse(*inst);
  auto* data = inst_msg.member("data");
  CAF_REQUIRE(data != nullptr);
  auto p = data->member("pairs")->items.at(0);
  CAF_CHECK_EQUAL(text(p, "symbol"), "USD/CHF");
  CAF_CHECK_EQUAL(text(p, "price_precision"), "4");
  CAF_CHECK_EQUAL(text(p, "qty_precision"), "0");
  CAF_CHECK_EQUAL(text(p, "price_increment"), "0.0001");
  CAF_CHECK_EQUAL(text(p, "qty_min"), "1");
  CAF_CHECK_EQUAL(data->member("assets")->items.size(), 2u);
}
