#define CAF_SUITE connector_okx_book
#include "tests/support/unit_test.hpp"

#include "actors/connector/okx/okx_book.hpp"
#include "actors/connector/okx/okx_market_codec.hpp"

using namespace cwts;
using namespace cwts::connector;
using namespace cwts::connector::okx;

namespace {

// Values, not references into a temporary optional (CAF's checks keep references).
price px_of(const char* text) {
  return price::parse(text).value();
}
qty qty_of(const char* text) {
  return qty::parse(text).value();
}

// The checksums below were computed apart from this code, with Python's
// zlib.crc32 over the same strings, read as a signed 32-bit integer:
//   "3366.1:7:3366.8:9:3366:6:3368:8"          -> -1881014294
//   "3366.1:7:3366.8:9:3368:8"                 -> -1471518219
//   "3366.1:7:3366.8:9:3366:6:3368:8:3365:2"   ->   202671967
//   "3366.1:5:3366.8:9:3366:6:3368:8"          ->  1457140709
constexpr int32_t crc_snapshot = -1881014294;
constexpr int32_t crc_bid_deleted = -1471518219;
constexpr int32_t crc_bid_added = 202671967;
constexpr int32_t crc_bid_resized = 1457140709;

std::string books_frame(const char* action, const std::string& bids, const std::string& asks,
                        int64_t prev, int64_t seq, int64_t checksum) {
  return std::string(R"({"arg":{"channel":"books","instId":"USD-CHF"},"action":")") + action
         + R"(","data":[{"asks":[)" + asks + R"(],"bids":[)" + bids
         + R"(],"ts":"1597026383085","checksum":)" + std::to_string(checksum)
         + R"(,"prevSeqId":)" + std::to_string(prev) + R"(,"seqId":)" + std::to_string(seq) + "}]}";
}

const std::string snap_bids = R"(["3366.1","7","0","1"],["3366","6","0","2"])";
const std::string snap_asks = R"(["3366.8","9","0","1"],["3368","8","0","3"])";

okx_book_msg decode_book(const std::string& text) {
  okx_frame f;
  auto k = decode_okx_frame(text, f);
  if (!k) {
    CAF_FAIL("decode failed: " << k.error().reason);
  }
  CAF_REQUIRE(k.value() == okx_frame_kind::books);
  return f.book;
}

okx_book synced_book() {
  okx_book b(*symbol::parse("USDCHF"));
  auto r = b.on_push(decode_book(books_frame("snapshot", snap_bids, snap_asks, -1, 100, crc_snapshot)));
  CAF_REQUIRE_EQUAL(to_string(r), std::string("synced"));
  return b;
}

} // namespace

CAF_TEST(checksum_over_the_wire_strings_interleaved) {
  okx_level a{"3366.1", "7", *price::parse("3366.1"), *qty::parse("7")};
  okx_level b{"3366.8", "9", *price::parse("3366.8"), *qty::parse("9")};
  okx_level c{"3366", "6", *price::parse("3366"), *qty::parse("6")};
  okx_level d{"3368", "8", *price::parse("3368"), *qty::parse("8")};
  CAF_CHECK_EQUAL(okx_book_checksum({&a, &c}, {&b, &d}), crc_snapshot);
  // A shorter side: the longer one's levels follow alone.
  okx_level e{"3365", "2", *price::parse("3365"), *qty::parse("2")};
  CAF_CHECK_EQUAL(okx_book_checksum({&a, &c, &e}, {&b, &d}), crc_bid_added);
}

CAF_TEST(snapshot_then_updates_keep_the_book_and_verify_checksums) {
  auto b = synced_book();
  CAF_CHECK(b.synced());
  CAF_CHECK_EQUAL(b.seq_id(), 100);
  CAF_CHECK_EQUAL(b.checksum(), crc_snapshot);
  auto top = b.top({}, {});
  CAF_CHECK_EQUAL(top.bid_px, px_of("3366.1"));
  CAF_CHECK_EQUAL(top.ask_qty, qty_of("9"));
  CAF_CHECK_EQUAL(top.update_id, 100);
  // A new bid level.
  auto r = b.on_push(decode_book(books_frame("update", R"(["3365","2","0","1"])", "", 100, 101, crc_bid_added)));
  CAF_CHECK_EQUAL(to_string(r), std::string("applied"));
  CAF_CHECK_EQUAL(b.bids(10).size(), 3u);
  // sz "0" deletes the level (3365 and 3366 go).
  r = b.on_push(decode_book(books_frame("update", R"(["3365","0","0","0"],["3366","0","0","0"])", "", 101,
                                        102, crc_bid_deleted)));
  CAF_CHECK_EQUAL(to_string(r), std::string("applied"));
  CAF_CHECK_EQUAL(b.bids(10).size(), 1u);
  CAF_CHECK_EQUAL(b.seq_id(), 102);
  // A heartbeat: no levels, seqId == prevSeqId == ours.
  r = b.on_push(decode_book(books_frame("update", "", "", 102, 102, crc_bid_deleted)));
  CAF_CHECK_EQUAL(to_string(r), std::string("applied"));
  // A sequence reset (seqId below prevSeqId) still chains by prevSeqId.
  r = b.on_push(decode_book(books_frame("update", R"(["3366","6","0","1"])", "", 102, 5, crc_snapshot)));
  CAF_CHECK_EQUAL(to_string(r), std::string("applied"));
  CAF_CHECK_EQUAL(b.seq_id(), 5);
  CAF_CHECK_EQUAL(b.resyncs(), 0u);
  CAF_CHECK_EQUAL(b.checksum_failures(), 0u);
}

CAF_TEST(a_resized_level_keeps_the_new_strings) {
  auto b = synced_book();
  auto r = b.on_push(decode_book(books_frame("update", R"(["3366.1","5","0","1"])", "", 100, 101, crc_bid_resized)));
  CAF_CHECK_EQUAL(to_string(r), std::string("applied"));
  CAF_CHECK_EQUAL(b.checksum(), crc_bid_resized);
}

CAF_TEST(a_seq_gap_discards_the_book_and_counts_a_resync) {
  auto b = synced_book();
  auto r = b.on_push(decode_book(books_frame("update", R"(["3365","2","0","1"])", "", 99, 101, crc_bid_added)));
  CAF_CHECK_EQUAL(to_string(r), std::string("gap"));
  CAF_CHECK(!b.synced());
  CAF_CHECK_EQUAL(b.gaps(), 1u);
  CAF_CHECK_EQUAL(b.resyncs(), 1u);
  CAF_CHECK(b.bids(10).empty());
  // Updates are dropped until a new snapshot.
  r = b.on_push(decode_book(books_frame("update", "", "", 101, 102, 0)));
  CAF_CHECK_EQUAL(to_string(r), std::string("unsynced"));
  r = b.on_push(decode_book(books_frame("snapshot", snap_bids, snap_asks, -1, 200, crc_snapshot)));
  CAF_CHECK_EQUAL(to_string(r), std::string("synced"));
  CAF_CHECK_EQUAL(b.resyncs(), 1u);
}

CAF_TEST(a_wrong_checksum_discards_the_book_and_is_counted) {
  auto b = synced_book();
  auto r = b.on_push(decode_book(books_frame("update", R"(["3365","2","0","1"])", "", 100, 101, crc_bid_added + 1)));
  CAF_CHECK_EQUAL(to_string(r), std::string("checksum_mismatch"));
  CAF_CHECK(!b.synced());
  CAF_CHECK_EQUAL(b.checksum_failures(), 1u);
  CAF_CHECK_EQUAL(b.resyncs(), 1u);
  // A snapshot with a wrong checksum is not trusted either.
  r = b.on_push(decode_book(books_frame("snapshot", snap_bids, snap_asks, -1, 300, 12345)));
  CAF_CHECK_EQUAL(to_string(r), std::string("checksum_mismatch"));
  CAF_CHECK(!b.synced());
  CAF_CHECK_EQUAL(b.checksum_failures(), 2u);
}

CAF_TEST(a_side_past_max_levels_loses_sync) {
  okx_book b(*symbol::parse("USDCHF"), 1);
  auto r = b.on_push(decode_book(books_frame("snapshot", snap_bids, snap_asks, -1, 100, crc_snapshot)));
  CAF_CHECK_EQUAL(to_string(r), std::string("overflow"));
  CAF_CHECK(!b.synced());
  CAF_CHECK_EQUAL(b.overflows(), 1u);
}

CAF_TEST(crossed_books_are_counted_once_per_crossing) {
  auto b = synced_book();
  // A bid at 3367 and 3369 would cross the 3366.8 ask: checksum computed by the book.
  okx_book_msg m = decode_book(books_frame("update", R"(["3369","1","0","1"])", "", 100, 101, 0));
  m.checksum.reset();
  CAF_CHECK_EQUAL(to_string(b.on_push(m)), std::string("applied"));
  CAF_CHECK(b.crossed());
  CAF_CHECK_EQUAL(b.crossed_count(), 1u);
}

CAF_TEST(codec_reads_trades_bbo_events_and_refuses_bad_frames) {
  okx_frame f;
  auto k = decode_okx_frame(
    R"({"arg":{"channel":"trades","instId":"USD-CHF"},"data":[{"instId":"USD-CHF","tradeId":"130639474","px":"0.9123","sz":"1.5","side":"sell","ts":"1630048897897","count":"3"}]})",
    f);
  CAF_REQUIRE(k.ok());
  CAF_CHECK(k.value() == okx_frame_kind::trades);
  CAF_REQUIRE_EQUAL(f.trades.size(), 1u);
  CAF_CHECK_EQUAL(f.trades[0].id.value, 130639474);
  CAF_CHECK(f.trades[0].buyer_is_maker);
  CAF_CHECK_EQUAL(f.trades[0].px, px_of("0.9123"));
  k = decode_okx_frame(
    R"({"arg":{"channel":"bbo-tbt","instId":"USD-CHF"},"data":[{"asks":[["0.9125","3","0","1"]],"bids":[["0.9121","2","0","1"]],"ts":"1630048897897","seqId":7}]})",
    f);
  CAF_REQUIRE(k.ok());
  CAF_CHECK(k.value() == okx_frame_kind::bbo);
  CAF_REQUIRE(f.bbo.bid.has_value());
  CAF_CHECK_EQUAL(f.bbo.bid->px, px_of("0.9121"));
  k = decode_okx_frame(R"({"event":"error","code":"60012","msg":"Invalid request","connId":"a4d3ae55"})", f);
  CAF_REQUIRE(k.ok());
  CAF_CHECK(k.value() == okx_frame_kind::event);
  CAF_CHECK_EQUAL(f.event.code, "60012");
  k = decode_okx_frame("pong", f);
  CAF_CHECK(k.ok() && k.value() == okx_frame_kind::pong);
  for (const char* bad :
       {"{", "[]", R"({"arg":{"channel":"books","instId":"USD-CHF"},"data":[]})",
        R"({"arg":{"channel":"books","instId":"USD-CHF"},"action":"snapshot","data":[{"asks":[["x","1"]],"bids":[],"ts":"1","checksum":0,"prevSeqId":-1,"seqId":1}]})",
        R"({"arg":{"channel":"books","instId":"USD-CHF"},"action":"update","data":[{"asks":[],"bids":[],"ts":"1","checksum":99999999999,"prevSeqId":1,"seqId":2}]})",
        R"({"arg":{"channel":"trades","instId":"USD-CHF"},"data":[{"instId":"USD-CHF","tradeId":"1","px":"1","sz":"1","side":"up","ts":"1"}]})",
        R"({"arg":{"channel":"candle1m","instId":"USD-CHF"},"data":[]})"}) {
    auto r = decode_okx_frame(bad, f);
    CAF_CHECK(!r.ok());
  }
}

CAF_TEST(requests_and_instruments) {
  CAF_CHECK_EQUAL(okx_channel_request("subscribe", "books", {"USD-CHF", "BTC-USDT"}),
                  R"({"op":"subscribe","args":[{"channel":"books","instId":"USD-CHF"},{"channel":"books","instId":"BTC-USDT"}]})");
  auto list = parse_okx_instruments(
    R"({"code":"0","msg":"","data":[{"instId":"USD-CHF","baseCcy":"USD","quoteCcy":"CHF","instType":"SPOT"},{"instId":"BTC-USDT","baseCcy":"BTC","quoteCcy":"USDT"}]})");
  CAF_REQUIRE(list.ok());
  CAF_REQUIRE_EQUAL(list.value().size(), 2u);
  auto usdchf = symbol::parse("USDCHF").value();
  CAF_CHECK_EQUAL(list.value()[0].sym, usdchf);
  CAF_CHECK_EQUAL(list.value()[0].inst_id, "USD-CHF");
  auto err = parse_okx_instruments(R"({"code":"50011","msg":"Too Many Requests","data":[]})");
  CAF_REQUIRE(!err.ok());
  CAF_CHECK_EQUAL(err.error().reason, "instruments: OKX code 50011: Too Many Requests");
}
