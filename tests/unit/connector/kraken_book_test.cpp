#define CAF_SUITE connector_kraken_book
#include "tests/support/unit_test.hpp"

#include "actors/connector/kraken/kraken_book.hpp"
#include "actors/connector/kraken/kraken_market_codec.hpp"

using namespace cwts;
using namespace cwts::connector;
using namespace cwts::connector::kraken;

namespace {

// The checksums below were computed apart from this code, with Python's
// zlib.crc32 over Kraken's v2 checksum string (asks low to high, then bids
// high to low; price at 5 decimals, qty at 8, '.' and leading zeros removed):
//   asks 0.9125x1 0.913x3, bids 0.9123x1.5 0.9122x2
//     "91250100000000913003000000009123015000000091220200000000" -> 3290671848
//   the bid 0.9122 deleted                                        -> 338851127
//   then a bid 0.9121x4 added                                     -> 786150755
//   ask 0.92x1, bids 0.9101..0.9110 x1 (ten)                      -> 371102141
//   then a bid 0.9111x2 (0.9101 truncated away at depth 10)       -> 3793147334
//   then the bid 0.9111 deleted (nine bids left)                  -> 3168239755
constexpr uint32_t crc_snapshot = 3290671848u;
constexpr uint32_t crc_bid_deleted = 338851127u;
constexpr uint32_t crc_bid_added = 786150755u;
constexpr uint32_t crc_ten_bids = 371102141u;
constexpr uint32_t crc_truncated = 3793147334u;
constexpr uint32_t crc_nine_bids = 3168239755u;

std::string book_frame(const char* type, const std::string& bids, const std::string& asks,
                       uint32_t checksum) {
  return std::string(R"({"channel":"book","type":")") + type + R"(","data":[{"symbol":"USD/CHF","bids":[)"
         + bids + R"(],"asks":[)" + asks + R"(],"checksum":)" + std::to_string(checksum)
         + R"(,"timestamp":"2026-12-06T15:00:00.123456Z"}]})";
}

const std::string snap_bids = R"({"price":0.9123,"qty":1.5},{"price":0.9122,"qty":2.0})";
const std::string snap_asks = R"({"price":0.9125,"qty":1},{"price":0.913,"qty":3.00000000})";

// Values, not references into a temporary optional (CAF's checks keep references).
int64_t dec(const char* text) {
  return parse_json_decimal(text).value_or(-1);
}
int64_t raw_of(const char* text) {
  return parse_scaled_decimal(text).value_or(-1);
}

kraken_book_msg decode_book(const std::string& text) {
  kraken_frame f;
  auto k = decode_kraken_frame(text, f);
  if (!k) {
    CAF_FAIL("decode failed: " << k.error().reason);
  }
  CAF_REQUIRE(k.value() == kraken_frame_kind::book);
  CAF_REQUIRE_EQUAL(f.books.size(), 1u);
  return f.books[0];
}

kraken_book synced_book() {
  kraken_book b(*symbol::parse("USDCHF"), 10);
  b.set_precision(5, 8);
  auto r = b.on_message(decode_book(book_frame("snapshot", snap_bids, snap_asks, crc_snapshot)));
  CAF_REQUIRE_EQUAL(to_string(r), std::string("synced"));
  return b;
}

std::string ten_bids() {
  std::string s;
  for (int i = 1; i <= 10; ++i)
    s += std::string(s.empty() ? "" : ",") + R"({"price":0.91)" + (i < 10 ? "0" : "") + std::to_string(i)
         + R"(,"qty":1})";
  return s;
}

} // namespace

CAF_TEST(checksum_digits_format_with_the_pairs_precision) {
  CAF_CHECK_EQUAL(kraken_checksum_digits(raw_of("0.05005"), 5), "5005");
  CAF_CHECK_EQUAL(kraken_checksum_digits(raw_of("45285.2"), 1), "452852");
  CAF_CHECK_EQUAL(kraken_checksum_digits(raw_of("0.00100000"), 8), "100000");
  CAF_CHECK_EQUAL(kraken_checksum_digits(raw_of("3"), 10), "30000000000");
}

CAF_TEST(json_numbers_are_read_exactly_from_their_text) {
  CAF_CHECK_EQUAL(dec("0.9123"), 91'230'000);
  CAF_CHECK_EQUAL(dec("1e-05"), 1'000);
  CAF_CHECK_EQUAL(dec("1.5E2"), 15'000'000'000);
  CAF_CHECK_EQUAL(dec("1e-09"), -1);
  CAF_CHECK_EQUAL(dec("abc"), -1);
}

CAF_TEST(rfc3339_times_are_read_in_utc) {
  int64_t ns = parse_rfc3339("2023-10-06T17:35:55.440295Z").value_or(timestamp_ns{}).ns;
  CAF_CHECK_EQUAL(ns, 1'696'613'755'440'295'000);
  CAF_CHECK(!parse_rfc3339("2023-10-06 17:35:55Z"));
}

CAF_TEST(snapshot_makes_the_book_live_with_its_checksum) {
  auto b = synced_book();
  CAF_CHECK(b.synced());
  CAF_CHECK_EQUAL(b.checksum(), crc_snapshot);
  auto bids = b.bids(5);
  CAF_REQUIRE_EQUAL(bids.size(), 2u);
  CAF_CHECK_EQUAL(bids[0].px.to_string(), "0.91230000");
  CAF_CHECK_EQUAL(b.asks(1)[0].quantity.to_string(), "1.00000000");
  auto top = b.top({}, timestamp_ns{7});
  CAF_CHECK_EQUAL(top.bid_px.to_string(), "0.91230000");
  CAF_CHECK_EQUAL(top.ask_px.to_string(), "0.91250000");
  CAF_CHECK(top.from_local_book);
}

CAF_TEST(qty_zero_deletes_and_new_levels_insert) {
  auto b = synced_book();
  auto r = b.on_message(decode_book(book_frame("update", R"({"price":0.9122,"qty":0})", "", crc_bid_deleted)));
  CAF_CHECK_EQUAL(to_string(r), std::string("applied"));
  CAF_CHECK_EQUAL(b.bids(5).size(), 1u);
  r = b.on_message(decode_book(book_frame("update", R"({"price":0.9121,"qty":4})", "", crc_bid_added)));
  CAF_CHECK_EQUAL(to_string(r), std::string("applied"));
  CAF_CHECK_EQUAL(b.bids(5)[1].px.to_string(), "0.91210000");
  CAF_CHECK_EQUAL(b.checksum_failures(), 0u);
  CAF_CHECK_EQUAL(b.resyncs(), 0u);
}

CAF_TEST(levels_beyond_the_subscribed_depth_are_truncated) {
  kraken_book b(*symbol::parse("USDCHF"), 10);
  b.set_precision(5, 8);
  auto r = b.on_message(decode_book(book_frame("snapshot", ten_bids(), R"({"price":0.92,"qty":1})", crc_ten_bids)));
  CAF_REQUIRE_EQUAL(to_string(r), std::string("synced"));
  r = b.on_message(decode_book(book_frame("update", R"({"price":0.9111,"qty":2})", "", crc_truncated)));
  CAF_CHECK_EQUAL(to_string(r), std::string("applied"));
  CAF_CHECK_EQUAL(b.bids(20).size(), 10u);
  CAF_CHECK_EQUAL(b.bids(20).back().px.to_string(), "0.91020000");
  // The truncated level does not come back when a better one leaves.
  r = b.on_message(decode_book(book_frame("update", R"({"price":0.9111,"qty":0})", "", crc_nine_bids)));
  CAF_CHECK_EQUAL(to_string(r), std::string("applied"));
  CAF_CHECK_EQUAL(b.bids(20).size(), 9u);
}

CAF_TEST(a_wrong_checksum_discards_the_book_and_counts_a_resync) {
  auto b = synced_book();
  auto r = b.on_message(decode_book(book_frame("update", R"({"price":0.9122,"qty":0})", "", crc_bid_deleted + 1)));
  CAF_CHECK_EQUAL(to_string(r), std::string("checksum_mismatch"));
  CAF_CHECK(!b.synced());
  CAF_CHECK_EQUAL(b.checksum_failures(), 1u);
  CAF_CHECK_EQUAL(b.resyncs(), 1u);
  CAF_CHECK(b.bids(5).empty());
  // Updates until the next snapshot are dropped; the snapshot resyncs.
  r = b.on_message(decode_book(book_frame("update", R"({"price":0.9121,"qty":4})", "", crc_bid_added)));
  CAF_CHECK_EQUAL(to_string(r), std::string("unsynced"));
  r = b.on_message(decode_book(book_frame("snapshot", snap_bids, snap_asks, crc_snapshot)));
  CAF_CHECK_EQUAL(to_string(r), std::string("synced"));
  // The tops' update id still increases: the validator refuses one that does not.
  CAF_CHECK_EQUAL(b.update_id(), 2);
  CAF_CHECK_EQUAL(b.top({}, timestamp_ns{9}).update_id, 2);
}

CAF_TEST(a_crossed_book_is_flagged_and_counted_once) {
  auto b = synced_book();
  b.on_message(decode_book(book_frame("update", "", R"({"price":0.9123,"qty":1})", 0)));
  CAF_CHECK_EQUAL(b.checksum_failures(), 1u); // 0 is no checksum of this book
  kraken_book c(*symbol::parse("USDCHF"), 10);
  c.set_precision(5, 8);
  kraken_book_msg m;
  m.snapshot = true;
  m.bids = {kraken_level{price::parse("0.9125").value(), qty::parse("1").value()}};
  m.asks = {kraken_level{price::parse("0.9124").value(), qty::parse("1").value()}};
  m.checksum = kraken_book_checksum(m.asks, m.bids, 5, 8);
  CAF_CHECK_EQUAL(to_string(c.on_message(m)), std::string("synced"));
  CAF_CHECK(c.crossed());
  CAF_CHECK_EQUAL(c.crossed_count(), 1u);
}

CAF_TEST(frames_of_every_kind_decode) {
  kraken_frame f;
  CAF_CHECK(decode_kraken_frame(R"({"channel":"heartbeat"})", f).value() == kraken_frame_kind::heartbeat);
  CAF_CHECK(decode_kraken_frame(R"({"method":"pong","req_id":3})", f).value() == kraken_frame_kind::pong);
  auto k = decode_kraken_frame(
    R"({"method":"subscribe","error":"Currency pair not supported","success":false,"symbol":"ABC/DEF"})", f);
  CAF_REQUIRE(k.value() == kraken_frame_kind::ack);
  CAF_CHECK(!f.ack.success);
  CAF_CHECK_EQUAL(f.ack.error, "Currency pair not supported");
  k = decode_kraken_frame(
    R"({"channel":"instrument","type":"snapshot","data":{"assets":[],"pairs":[{"symbol":"USD/CHF","base":"USD","quote":"CHF","price_precision":5,"qty_precision":8,"status":"online"}]}})",
    f);
  CAF_REQUIRE(k.value() == kraken_frame_kind::instrument);
  CAF_REQUIRE_EQUAL(f.pairs.size(), 1u);
  CAF_CHECK_EQUAL(f.pairs[0].price_precision, 5);
  k = decode_kraken_frame(
    R"({"channel":"trade","type":"update","data":[{"symbol":"USD/CHF","side":"sell","price":0.9124,"qty":2.5,"ord_type":"limit","trade_id":42,"timestamp":"2026-12-06T15:00:00.000001Z"}]})",
    f);
  CAF_REQUIRE(k.value() == kraken_frame_kind::trade);
  CAF_CHECK(f.trades[0].buyer_is_maker);
  CAF_CHECK(!f.trades_snapshot);
  CAF_CHECK_EQUAL(f.trades[0].sz.to_string(), "2.50000000");
  k = decode_kraken_frame(
    R"({"channel":"book","type":"update","data":[{"symbol":"USD/CHF","bids":[{"price":0.9,"qty":1}],"checksum":1},{"symbol":"BTC/USD","asks":[],"checksum":2}]})",
    f);
  CAF_REQUIRE(k.value() == kraken_frame_kind::book);
  CAF_REQUIRE_EQUAL(f.books.size(), 2u);
  CAF_CHECK_EQUAL(f.books[1].symbol, "BTC/USD");
  CAF_CHECK(f.books[1].bids.empty());
  CAF_CHECK(!decode_kraken_frame("{not json", f));
  CAF_CHECK(!decode_kraken_frame(R"({"channel":"book","type":"update","data":[{"symbol":"USD/CHF","bids":[{"price":-1,"qty":1}]}]})", f));
  CAF_CHECK(!decode_kraken_frame(R"({"channel":"book","type":"update","data":[{"symbol":"USD/CHF","checksum":99999999999}]})", f));
  CAF_CHECK(f.broken_books == std::vector<std::string>{"USD/CHF"});
  CAF_CHECK(decode_kraken_frame(R"({"channel":"heartbeat"})", f));
  CAF_CHECK(f.broken_books.empty());
}

// Kraken sends a checksum with every book message: one without is malformed
// (never applied unchecked), and every book its frame names is reported broken.
CAF_TEST(a_book_message_without_checksum_is_malformed) {
  kraken_frame f;
  auto k = decode_kraken_frame(
    R"({"channel":"book","type":"update","data":[{"symbol":"BTC/USD","bids":[],"asks":[],"checksum":1},{"symbol":"USD/CHF","bids":[{"price":0.9121,"qty":4}],"asks":[]}]})",
    f);
  CAF_REQUIRE(!k);
  CAF_CHECK_EQUAL(k.error().reason, "book: field \"checksum\": missing");
  CAF_CHECK((f.broken_books == std::vector<std::string>{"BTC/USD", "USD/CHF"}));
  auto snap = decode_kraken_frame(
    R"({"channel":"book","type":"snapshot","data":[{"symbol":"USD/CHF","bids":[{"price":0.9,"qty":1}],"asks":[]}]})",
    f);
  CAF_CHECK(!snap);
}

CAF_TEST(requests_follow_kraken_v2) {
  CAF_CHECK_EQUAL(kraken_channel_request("subscribe", "book", {"USD/CHF"}, 10, 7),
                  R"({"method":"subscribe","params":{"channel":"book","symbol":["USD/CHF"],"depth":10},"req_id":7})");
  CAF_CHECK_EQUAL(kraken_channel_request("subscribe", "instrument", {}, 0, 1),
                  R"({"method":"subscribe","params":{"channel":"instrument"},"req_id":1})");
  CAF_CHECK_EQUAL(kraken_ping_request(9), R"({"method":"ping","req_id":9})");
}
