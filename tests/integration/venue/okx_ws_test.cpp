// Starts the real cwts-venue and speaks OKX v5 WebSocket to it as an OKX
// client would: the books channel over a real socket (snapshot, updates,
// seqId chain, every checksum verified on a locally rebuilt book), ping,
// login with OKX's signature, an order placed and canceled over the
// private WebSocket and seen on the orders channel, and the okx-bad-checksum
// fault detected by the same verification.
#define CAF_SUITE venue_okx_ws_integration
#include "tests/support/unit_test.hpp"

#include <array>
#include <functional>
#include <map>
#include <set>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string>

#include "messages/decimal.hpp"
#include "ws_test_client.hpp"

namespace {

using cwts::venue::json_value;

const std::string passphrase = "cwtsDemoPassAlpha1"; // config/venue-demo-keys.ini

// base64(HMAC-SHA256(secret, text)), computed here with OpenSSL, apart from
// the venue's own code.
std::string okx_signature(const std::string& text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), mac.data(), &len);
  std::array<unsigned char, 4 * EVP_MAX_MD_SIZE> b64{};
  auto n = EVP_EncodeBlock(b64.data(), mac.data(), static_cast<int>(len));
  return std::string(reinterpret_cast<char*>(b64.data()), static_cast<size_t>(n));
}

// A client-side book rebuilt from books pushes, keeping the strings sent.
struct local_book {
  // price (raw) -> {px, sz}; bids best first by negated key.
  std::map<int64_t, std::pair<std::string, std::string>> bids, asks;
  int64_t seq = -1;

  void apply(const json_value& levels, bool bid) {
    auto& side = bid ? bids : asks;
    for (auto& l : levels.items) {
      auto raw = cwts::parse_scaled_decimal(l.items[0].text);
      CAF_REQUIRE(raw.has_value());
      auto key = bid ? -*raw : *raw;
      if (l.items[1].text == "0")
        side.erase(key);
      else
        side[key] = {l.items[0].text, l.items[1].text};
    }
  }
  int32_t checksum() const {
    std::string text;
    auto b = bids.begin();
    auto a = asks.begin();
    for (int i = 0; i < 25; ++i) {
      for (auto* it : {&b, &a}) {
        auto& side = it == &b ? bids : asks;
        if (*it == side.end()) continue;
        text += (text.empty() ? "" : ":") + (*it)->second.first + ":" + (*it)->second.second;
        ++*it;
      }
    }
    return static_cast<int32_t>(crc32_of(text));
  }
};

// Applies one books push; false when its checksum does not match.
bool on_books(local_book& book, const std::string& frame) {
  auto v = parse(frame);
  auto& d = v.member("data")->items[0];
  auto action = v.member("action")->text;
  auto prev = std::stoll(d.member("prevSeqId")->text);
  auto seq = std::stoll(d.member("seqId")->text);
  if (action == "snapshot") {
    CAF_CHECK_EQUAL(prev, -1);
    book = local_book{};
  } else {
    CAF_CHECK_EQUAL(prev, book.seq); // the chain: no push missed
  }
  book.seq = seq;
  book.apply(*d.member("bids"), true);
  book.apply(*d.member("asks"), false);
  return std::stoll(d.member("checksum")->text) == book.checksum();
}

std::string login_frame() {
  auto ts = std::to_string(now_ms() / 1000);
  return "{\"op\":\"login\",\"args\":[{\"apiKey\":\"" + api_key + "\",\"passphrase\":\""
         + passphrase + "\",\"timestamp\":\"" + ts + "\",\"sign\":\""
         + okx_signature(ts + "GET/users/self/verify") + "\"}]}";
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(okx_ws_integration, venue_binary_fixture)

CAF_TEST(books_checksums_verify_and_the_bad_checksum_fault_is_seen) {
  venue_process venue(binary, config);
  ws_text_client pub(venue.port, "/ws/v5/public");
  pub.send("ping");
  CAF_CHECK_EQUAL(pub.next(), "pong");
  pub.send("{\"op\":\"subscribe\",\"args\":[{\"channel\":\"books\",\"instId\":\"USD-CHF\"}]}");
  CAF_CHECK(contains(pub.next(), "\"event\":\"subscribe\""));
  local_book book;
  auto snap = pub.await("\"action\":\"snapshot\"");
  CAF_REQUIRE(!snap.empty());
  CAF_CHECK(on_books(book, snap));
  CAF_CHECK(!book.bids.empty() || !book.asks.empty());
  int updates = 0;
  while (updates < 20) {
    auto f = pub.next();
    if (!contains(f, "\"channel\":\"books\"")) continue;
    CAF_CHECK(on_books(book, f));
    ++updates;
  }
  // stall-ms: pushes are held, then the chain continues unbroken.
  CAF_REQUIRE_EQUAL(request(venue.port, http::verb::post, "/venue/faults?stall-ms=300").status, 200);
  for (int n = 0; n < 10;) {
    auto f = pub.next();
    if (!contains(f, "\"channel\":\"books\"")) continue;
    CAF_CHECK(on_books(book, f));
    ++n;
  }
  // okx-bad-checksum: the same verification now fails, and it is counted.
  auto armed = request(venue.port, http::verb::post, "/venue/faults?okx-bad-checksum=1");
  CAF_REQUIRE_EQUAL(armed.status, 200);
  bool mismatch = false;
  for (int i = 0; i < 200 && !mismatch; ++i) {
    auto f = pub.next();
    if (contains(f, "\"channel\":\"books\"")) mismatch = !on_books(book, f);
  }
  CAF_CHECK(mismatch);
  auto stats = request(venue.port, http::verb::get, "/venue/stats");
  CAF_CHECK_EQUAL(int_field(stats.body, "okxBadChecksums"), 1);
  // A client resubscribes and gets a fresh snapshot whose checksum holds.
  pub.send("{\"op\":\"unsubscribe\",\"args\":[{\"channel\":\"books\",\"instId\":\"USD-CHF\"}]}");
  pub.send("{\"op\":\"subscribe\",\"args\":[{\"channel\":\"books\",\"instId\":\"USD-CHF\"}]}");
  auto again = pub.await("\"action\":\"snapshot\"");
  CAF_REQUIRE(!again.empty());
  CAF_CHECK(on_books(book, again));
}

CAF_TEST(login_place_and_cancel_over_ws_seen_on_the_orders_channel) {
  venue_process venue(binary, config);
  ws_text_client priv(venue.port, "/ws/v5/private");
  priv.send("{\"op\":\"subscribe\",\"args\":[{\"channel\":\"orders\",\"instType\":\"SPOT\"}]}");
  CAF_CHECK(contains(priv.next(), "\"code\":\"60011\""));
  priv.send(login_frame());
  CAF_REQUIRE(contains(priv.next(), "{\"event\":\"login\",\"code\":\"0\""));
  priv.send("{\"op\":\"subscribe\",\"args\":[{\"channel\":\"orders\",\"instType\":\"SPOT\"}]}");
  CAF_CHECK(contains(priv.next(), "\"event\":\"subscribe\""));
  // A buy far under the market rests (within PERCENT_PRICE_BY_SIDE's 0.2x).
  priv.send("{\"id\":\"p1\",\"op\":\"order\",\"args\":[{\"instId\":\"USD-CHF\",\"tdMode\":\"cash\","
            "\"side\":\"buy\",\"ordType\":\"limit\",\"px\":\"0.5\",\"sz\":\"100\","
            "\"clOrdId\":\"okxws1\"}]}");
  auto placed = priv.await("\"id\":\"p1\"");
  CAF_REQUIRE(contains(placed, "\"op\":\"order\",\"code\":\"0\""));
  auto live = priv.await("\"clOrdId\":\"okxws1\"");
  CAF_CHECK(contains(live, "\"channel\":\"orders\""));
  CAF_CHECK(contains(live, "\"state\":\"live\""));
  // ws-api-latency-ms delays the op's reply, not the order.
  CAF_REQUIRE_EQUAL(
    request(venue.port, http::verb::post, "/venue/faults?ws-api-latency-ms=100").status, 200);
  priv.send("{\"id\":\"c1\",\"op\":\"cancel-order\",\"args\":[{\"instId\":\"USD-CHF\","
            "\"clOrdId\":\"okxws1\"}]}");
  // The push (sent at once) comes before the delayed reply.
  CAF_CHECK(contains(priv.await("\"state\":\"canceled\""), "\"clOrdId\":\"okxws1\""));
  CAF_CHECK(contains(priv.await("\"id\":\"c1\""), "\"code\":\"0\""));
  CAF_CHECK_EQUAL(int_field(request(venue.port, http::verb::get, "/venue/stats").body,
                            "wsApiDelayed"), 1);
  // A wrong passphrase is refused on a fresh connection.
  ws_text_client other(venue.port, "/ws/v5/private");
  auto bad = login_frame();
  bad.replace(bad.find(passphrase), passphrase.size(), "wrong");
  other.send(bad);
  CAF_CHECK(contains(other.next(), "\"code\":\"60024\""));
}

CAF_TEST(public_and_business_channels_push_and_malformed_frames_are_seen) {
  venue_process venue(binary, config);
  ws_text_client pub(venue.port, "/ws/v5/public");
  pub.send("{\"op\":\"subscribe\",\"args\":[{\"channel\":\"trades\",\"instId\":\"USD-CHF\"},"
           "{\"channel\":\"tickers\",\"instId\":\"USD-CHF\"},{\"channel\":\"bbo-tbt\",\"instId\":"
           "\"USD-CHF\"},{\"channel\":\"books5\",\"instId\":\"USD-CHF\"}]}");
  std::set<std::string> pushed;
  for (int i = 0; i < 2000 && pushed.size() < 4; ++i) {
    auto f = pub.next();
    if (!contains(f, "\"data\":[")) continue;
    auto v = parse(f);
    pushed.insert(v.member("arg")->member("channel")->text);
    if (contains(f, "\"channel\":\"trades\""))
      CAF_CHECK(contains(f, "\"instId\":\"USD-CHF\",\"tradeId\":\""));
  }
  CAF_CHECK_EQUAL(pushed.size(), 4u);
  // Candles live on /ws/v5/business: on /public the channel does not exist.
  pub.send("{\"op\":\"subscribe\",\"args\":[{\"channel\":\"candle1m\",\"instId\":\"USD-CHF\"}]}");
  CAF_CHECK(contains(pub.await("\"event\":\"error\""), "\"code\":\"60018\""));
  ws_text_client biz(venue.port, "/ws/v5/business");
  biz.send("{\"op\":\"subscribe\",\"args\":[{\"channel\":\"candle1m\",\"instId\":\"USD-CHF\"}]}");
  CAF_CHECK(contains(biz.next(), "\"event\":\"subscribe\""));
  auto bar = parse(biz.await("\"channel\":\"candle1m\""));
  CAF_CHECK_EQUAL(bar.member("data")->items[0].items.size(), 9u);
  // malformed-frames: a truncated frame arrives before the next push.
  CAF_REQUIRE_EQUAL(request(venue.port, http::verb::post, "/venue/faults?malformed-frames=1").status,
                    200);
  bool broken = false;
  for (int i = 0; i < 2000 && !broken; ++i)
    broken = !std::holds_alternative<json_value>(cwts::venue::parse_json(pub.next()));
  CAF_CHECK(broken);
  auto stats = request(venue.port, http::verb::get, "/venue/stats");
  CAF_CHECK_EQUAL(int_field(stats.body, "malformedFrames"), 1);
}

CAF_TEST(ws_drop_and_ws_api_drop_close_okx_connections) {
  venue_process venue(binary, config);
  ws_text_client pub(venue.port, "/ws/v5/public");
  ws_text_client priv(venue.port, "/ws/v5/private");
  // Both are registered once each answered a ping.
  for (auto* c : {&pub, &priv}) {
    c->send("ping");
    CAF_REQUIRE_EQUAL(c->next(), "pong");
  }
  auto closed = [](ws_text_client& c) {
    beast::error_code ec;
    for (int i = 0; i < 1000 && !ec; ++i) {
      beast::flat_buffer buf;
      c.ws.read(buf, ec);
    }
    return bool(ec);
  };
  CAF_REQUIRE_EQUAL(request(venue.port, http::verb::post, "/venue/faults?ws-drop=true").status, 200);
  CAF_CHECK(closed(pub));
  CAF_REQUIRE_EQUAL(request(venue.port, http::verb::post, "/venue/faults?ws-api-drop=true").status,
                    200);
  CAF_CHECK(closed(priv));
  auto stats = request(venue.port, http::verb::get, "/venue/stats");
  CAF_CHECK_EQUAL(int_field(stats.body, "wsDrops"), 1);
  CAF_CHECK_EQUAL(int_field(stats.body, "wsApiDrops"), 1);
}

CAF_TEST_FIXTURE_SCOPE_END()
