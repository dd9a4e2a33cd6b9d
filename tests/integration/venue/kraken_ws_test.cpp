// Starts the real cwts-venue and speaks Kraken WebSocket v2 (/v2) to it as a
// Kraken client would: the status message, ping, the instrument channel's
// precisions, the book channel over a real socket (snapshot, updates, every
// checksum verified on a locally rebuilt book), the kraken-bad-checksum
// fault detected by the same verification, a token from REST
// GetWebSocketsToken (signed as Kraken signs), the executions channel and
// an order placed and canceled over the WebSocket.
#define CAF_SUITE venue_kraken_ws_integration
#include "tests/support/unit_test.hpp"

#include <array>
#include <map>
#include <set>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <string>

#include "messages/decimal.hpp"
#include "ws_test_client.hpp"

namespace {

using cwts::venue::json_value;

std::string base64(const unsigned char* data, size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  auto len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data,
                             static_cast<int>(n));
  out.resize(static_cast<size_t>(len));
  return out;
}

std::string unbase64(const std::string& text) {
  std::string out(text.size(), '\0');
  auto len = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                             reinterpret_cast<const unsigned char*>(text.data()),
                             static_cast<int>(text.size()));
  CAF_REQUIRE(len >= 0);
  // EVP_DecodeBlock counts the padding's zero bytes.
  size_t pad = 0;
  for (auto it = text.rbegin(); it != text.rend() && *it == '='; ++it)
    ++pad;
  out.resize(static_cast<size_t>(len) - pad);
  return out;
}

// Kraken "Authentication": API-Sign = base64(HMAC-SHA512(base64-decoded
// secret, URI path + SHA256(nonce + POST data))), computed with OpenSSL
// apart from the venue's code.
std::string kraken_sign(const std::string& path, const std::string& nonce,
                        const std::string& body) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  auto inner = nonce + body;
  SHA256(reinterpret_cast<const unsigned char*>(inner.data()), inner.size(), digest.data());
  std::string message = path + std::string(reinterpret_cast<char*>(digest.data()), digest.size());
  auto key = unbase64(secret);
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  HMAC(EVP_sha512(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(), &len);
  return base64(mac.data(), len);
}

reply kraken_private(int port, const std::string& method, const std::string& params = "") {
  auto path = "/0/private/" + method;
  auto nonce = std::to_string(now_ms() * 1000);
  auto body = "nonce=" + nonce + params;
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)));
  http::request<http::string_body> req{http::verb::post, path, 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::content_type, "application/x-www-form-urlencoded");
  req.set("API-Key", api_key);
  req.set("API-Sign", kraken_sign(path, nonce, body));
  req.body() = body;
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(stream, buf, res);
  return {static_cast<int>(res.result_int()), res.body(), {}, {}, {}};
}

// A JSON number as Kraken's checksum wants it: `decimals` decimals, the
// point and the leading zeros removed.
std::string checksum_field(const std::string& number, int decimals) {
  auto dot = number.find('.');
  auto whole = number.substr(0, dot);
  auto frac = dot == std::string::npos ? std::string() : number.substr(dot + 1);
  frac.resize(static_cast<size_t>(decimals), '0');
  auto digits = whole + frac;
  auto first = digits.find_first_not_of('0');
  return first == std::string::npos ? std::string() : digits.substr(first);
}

// A client-side book rebuilt from book messages (Kraken "Spot Websockets
// (v2) Book Checksum": apply every level, truncate to the depth, checksum
// the top 10 asks then the top 10 bids).
struct local_book {
  int price_decimals = 0, qty_decimals = 0;
  size_t depth = 10;
  // price (raw) -> {price text, qty text}; bids keyed by -price.
  std::map<int64_t, std::pair<std::string, std::string>> bids, asks;

  void apply(const json_value& levels, bool bid) {
    auto& side = bid ? bids : asks;
    for (auto& l : levels.items) {
      auto& px = l.member("price")->text;
      auto& q = l.member("qty")->text;
      auto raw = cwts::parse_scaled_decimal(px);
      CAF_REQUIRE(raw.has_value());
      auto key = bid ? -*raw : *raw;
      if (cwts::parse_scaled_decimal(q).value_or(0) == 0)
        side.erase(key);
      else
        side[key] = {px, q};
    }
    while (side.size() > depth)
      side.erase(std::prev(side.end()));
  }
  uint32_t checksum() const {
    std::string text;
    for (auto* side : {&asks, &bids}) {
      size_t n = 0;
      for (auto& [key, l] : *side) {
        if (n++ == 10) break;
        text += checksum_field(l.first, price_decimals) + checksum_field(l.second, qty_decimals);
      }
    }
    return crc32_of(text);
  }
};

// Applies one book message; false when its checksum does not match.
bool on_book(local_book& book, const std::string& frame) {
  auto v = parse(frame);
  auto& d = v.member("data")->items.at(0);
  if (v.member("type")->text == "snapshot") {
    book.bids.clear();
    book.asks.clear();
  }
  book.apply(*d.member("bids"), true);
  book.apply(*d.member("asks"), false);
  return std::stoull(d.member("checksum")->text) == book.checksum();
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(kraken_ws_integration, venue_binary_fixture)

CAF_TEST(book_checksums_verify_and_the_bad_checksum_fault_is_seen) {
  venue_process venue(binary, config);
  ws_text_client ws(venue.port, "/v2");
  auto status = ws.next();
  CAF_CHECK(contains(status, "\"channel\":\"status\""));
  CAF_CHECK(contains(status, "\"api_version\":\"v2\""));
  ws.send(R"({"method":"ping","req_id":1})");
  CAF_CHECK(contains(ws.await("\"method\":\"pong\""), "\"req_id\":1"));
  // The precisions a client re-formats with come from the instrument channel.
  ws.send(R"({"method":"subscribe","params":{"channel":"instrument"},"req_id":2})");
  auto inst = parse(ws.await("\"channel\":\"instrument\",\"type\":\"snapshot\""));
  local_book book;
  for (auto& p : inst.member("data")->member("pairs")->items)
    if (p.member("symbol")->text == "USD/CHF") {
      book.price_decimals = std::stoi(p.member("price_precision")->text);
      book.qty_decimals = std::stoi(p.member("qty_precision")->text);
    }
  CAF_REQUIRE(book.price_decimals > 0);
  ws.send(R"({"method":"subscribe","params":{"channel":"book","symbol":["USD/CHF"],"depth":10},"req_id":3})");
  auto ack = ws.await("\"method\":\"subscribe\"");
  CAF_CHECK(contains(ack, "\"success\":true"));
  CAF_CHECK(contains(ack, "\"req_id\":3"));
  auto snap = ws.await("\"channel\":\"book\",\"type\":\"snapshot\"");
  CAF_REQUIRE(!snap.empty());
  CAF_CHECK(on_book(book, snap));
  CAF_CHECK(!book.bids.empty() || !book.asks.empty());
  int updates = 0;
  while (updates < 20) {
    auto f = ws.next();
    if (!contains(f, "\"channel\":\"book\"")) continue;
    CAF_CHECK(on_book(book, f));
    ++updates;
  }
  // kraken-bad-checksum: the same verification now fails, and it is counted.
  auto armed = request(venue.port, http::verb::post, "/venue/faults?kraken-bad-checksum=1");
  CAF_REQUIRE_EQUAL(armed.status, 200);
  bool mismatch = false;
  for (int i = 0; i < 500 && !mismatch; ++i) {
    auto f = ws.next();
    if (contains(f, "\"channel\":\"book\"")) mismatch = !on_book(book, f);
  }
  CAF_CHECK(mismatch);
  auto stats = request(venue.port, http::verb::get, "/venue/stats");
  CAF_CHECK_EQUAL(int_field(stats.body, "krakenBadChecksums"), 1);
  // A client resubscribes and gets a fresh snapshot whose checksum holds.
  ws.send(R"({"method":"unsubscribe","params":{"channel":"book","symbol":["USD/CHF"],"depth":10}})");
  ws.send(R"({"method":"subscribe","params":{"channel":"book","symbol":["USD/CHF"],"depth":10}})");
  auto again = ws.await("\"type\":\"snapshot\"");
  CAF_REQUIRE(!again.empty());
  CAF_CHECK(on_book(book, again));
  // Unknown pairs are refused with Kraken's text.
  ws.send(R"({"method":"subscribe","params":{"channel":"book","symbol":["USD/XYZ"]},"req_id":9})");
  CAF_CHECK(contains(ws.await("\"req_id\":9"), "Currency pair not supported USD/XYZ"));
}

CAF_TEST(token_executions_and_an_order_over_ws) {
  venue_process venue(binary, config);
  auto token_reply = kraken_private(venue.port, "GetWebSocketsToken");
  CAF_REQUIRE_EQUAL(token_reply.status, 200);
  auto body = parse(token_reply.body);
  CAF_REQUIRE(body.member("result") != nullptr);
  auto token = body.member("result")->member("token")->text;
  CAF_REQUIRE(!token.empty());
  ws_text_client ws(venue.port, "/v2");
  ws.send(R"({"method":"subscribe","params":{"channel":"executions","token":"nope"},"req_id":1})");
  CAF_CHECK(contains(ws.await("\"req_id\":1"), "\"success\":false"));
  ws.send(R"({"method":"subscribe","params":{"channel":"executions","token":")" + token
          + R"(","snap_orders":true},"req_id":2})");
  CAF_CHECK(contains(ws.await("\"req_id\":2"), "\"success\":true"));
  CAF_CHECK(!ws.await("\"channel\":\"executions\",\"type\":\"snapshot\"").empty());
  // A buy far under the market rests (within PERCENT_PRICE_BY_SIDE's 0.2x).
  ws.send(R"({"method":"add_order","params":{"order_type":"limit","side":"buy","order_qty":100,)"
          R"("limit_price":0.5,"symbol":"USD/CHF","cl_ord_id":"krakenws1","token":")" + token
          + R"("},"req_id":3})");
  auto placed = ws.await("\"req_id\":3");
  CAF_REQUIRE(contains(placed, "\"success\":true"));
  auto txid = parse(placed).member("result")->member("order_id")->text;
  auto live = ws.await("\"cl_ord_id\":\"krakenws1\"");
  CAF_CHECK(contains(live, "\"channel\":\"executions\""));
  CAF_CHECK(contains(live, "\"exec_type\":\"new\""));
  CAF_CHECK(contains(live, txid));
  ws.send(R"({"method":"cancel_order","params":{"order_id":[")" + txid + R"("],"token":")"
          + token + R"("},"req_id":4})");
  auto canceled = ws.await("\"exec_type\":\"canceled\"");
  CAF_CHECK(contains(canceled, txid));
  ws.send(R"({"method":"cancel_all_orders_after","params":{"timeout":60,"token":")" + token
          + R"("},"req_id":5})");
  CAF_CHECK(contains(ws.await("\"req_id\":5"), "\"triggerTime\""));
  // ws-api-drop closes the connections holding a private subscription.
  CAF_REQUIRE_EQUAL(request(venue.port, http::verb::post, "/venue/faults?ws-api-drop=true").status,
                    200);
  bool closed = false;
  try {
    for (int i = 0; i < 5; ++i)
      ws.next();
  } catch (const boost::system::system_error&) {
    closed = true;
  }
  CAF_CHECK(closed);
  CAF_CHECK_EQUAL(int_field(request(venue.port, http::verb::get, "/venue/stats").body,
                            "wsApiDrops"), 1);
}

CAF_TEST(trade_ticker_and_ohlc_push_and_malformed_frames_are_seen) {
  venue_process venue(binary, config);
  ws_text_client ws(venue.port, "/v2");
  ws.send(R"({"method":"subscribe","params":{"channel":"trade","symbol":["USD/CHF"]}})");
  ws.send(R"({"method":"subscribe","params":{"channel":"ticker","symbol":["USD/CHF"]}})");
  ws.send(R"({"method":"subscribe","params":{"channel":"ohlc","symbol":["USD/CHF"],"interval":1}})");
  std::set<std::string> updated;
  for (int i = 0; i < 3000 && updated.size() < 3; ++i) {
    auto f = ws.next();
    if (!contains(f, "\"type\":\"update\"")) continue;
    auto v = parse(f);
    auto channel = v.member("channel")->text;
    updated.insert(channel);
    if (channel == "trade")
      for (auto* field : {"side", "price", "qty", "ord_type", "trade_id", "timestamp"})
        CAF_CHECK(v.member("data")->items.at(0).member(field) != nullptr);
  }
  CAF_CHECK_EQUAL(updated.size(), 3u);
  // The heartbeat channel: about once a second while subscribed.
  CAF_CHECK(!ws.await("{\"channel\":\"heartbeat\"}").empty());
  // malformed-frames: a truncated frame comes before a push, and is counted.
  CAF_REQUIRE_EQUAL(request(venue.port, http::verb::post, "/venue/faults?malformed-frames=1").status,
                    200);
  bool broken = false;
  for (int i = 0; i < 3000 && !broken; ++i)
    broken = !std::holds_alternative<json_value>(cwts::venue::parse_json(ws.next()));
  CAF_CHECK(broken);
  CAF_CHECK_EQUAL(int_field(request(venue.port, http::verb::get, "/venue/stats").body,
                            "malformedFrames"), 1);
}

CAF_TEST_FIXTURE_SCOPE_END()
