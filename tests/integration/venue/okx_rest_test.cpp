// Starts the real cwts-venue and drives its OKX v5 REST surface as an OKX
// client does: every private request signed with OK-ACCESS-SIGN =
// base64(HMAC-SHA256(secret, timestamp + method + requestPath + body)),
// computed here with OpenSSL independently of the venue's code. Place,
// query, amend, cancel, batch with per-order sCode, auth errors, and the
// cancel-all-after dead-man's switch firing with no request (the venue's
// own timer). Asserts outcomes; waits by polling with a deadline.
#define CAF_SUITE venue_okx_rest
#include "tests/support/unit_test.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <ctime>
#include <thread>

#include "tests/integration/support/wait_until.hpp"
#include "venue_client.hpp"

namespace {

const std::string okx_passphrase = "cwtsDemoPassAlpha1"; // config/venue-demo-keys.ini

std::string iso_now() {
  auto ms = now_ms();
  auto secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[64];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms % 1000));
  return out;
}

std::string base64_hmac(const std::string& key, const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &len);
  unsigned char out[4 * EVP_MAX_MD_SIZE];
  auto n = EVP_EncodeBlock(out, digest, static_cast<int>(len));
  return std::string(reinterpret_cast<char*>(out), static_cast<size_t>(n));
}

reply okx_call(int port, http::verb verb, const std::string& target, const std::string& body = {},
               const std::string& passphrase = okx_passphrase) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)));
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, "127.0.0.1");
  auto ts = iso_now();
  auto method = std::string(http::to_string(verb));
  req.set("OK-ACCESS-KEY", api_key);
  req.set("OK-ACCESS-SIGN", base64_hmac(secret, ts + method + target + body));
  req.set("OK-ACCESS-TIMESTAMP", ts);
  req.set("OK-ACCESS-PASSPHRASE", passphrase);
  if (!body.empty()) req.set(http::field::content_type, "application/json");
  req.body() = body;
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(stream, buf, res);
  return {static_cast<int>(res.result_int()), res.body(), {}, {}, {}};
}

// The first "name":"value" string after `from` ("" when absent).
std::string str_field(const std::string& s, const std::string& name, size_t from = 0) {
  auto at = s.find("\"" + name + "\":\"", from);
  if (at == std::string::npos) return "";
  auto v = at + name.size() + 4;
  return s.substr(v, s.find('"', v) - v);
}

std::string order_body(const char* side, const char* px, const char* sz, const std::string& cl) {
  return std::string(R"({"instId":"USD-CHF","tdMode":"cash","side":")") + side
         + R"(","ordType":"limit","px":")" + px + R"(","sz":")" + sz + R"(","clOrdId":")" + cl
         + "\"}";
}

size_t count_of(const std::string& s, const std::string& part) {
  size_t n = 0;
  for (auto at = s.find(part); at != std::string::npos; at = s.find(part, at + 1)) ++n;
  return n;
}

} // namespace

CAF_TEST(okx_client_trades_over_signed_rest) {
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2]);
  const int port = venue.port;

  auto t = okx_call(port, http::verb::get, "/api/v5/public/time");
  CAF_CHECK_EQUAL(t.status, 200);
  CAF_CHECK(contains(t.body, "\"code\":\"0\""));
  auto inst = okx_call(port, http::verb::get, "/api/v5/public/instruments?instType=SPOT");
  CAF_CHECK(contains(inst.body, "\"instId\":\"USD-CHF\""));
  CAF_CHECK(contains(inst.body, "\"tickSz\":\"0.0001\""));

  // Place far below the replayed market (~1.19) so the tape never fills it.
  auto placed = okx_call(port, http::verb::post, "/api/v5/trade/order",
                         order_body("buy", "0.6", "10", "itA1"));
  CAF_CHECK_EQUAL(placed.status, 200);
  CAF_CHECK_EQUAL(str_field(placed.body, "sCode"), "0");
  auto id = str_field(placed.body, "ordId");
  CAF_REQUIRE(!id.empty());
  auto q = okx_call(port, http::verb::get, "/api/v5/trade/order?instId=USD-CHF&ordId=" + id);
  CAF_CHECK_EQUAL(str_field(q.body, "state"), "live");
  CAF_CHECK_EQUAL(str_field(q.body, "clOrdId"), "itA1");

  auto amended = okx_call(port, http::verb::post, "/api/v5/trade/amend-order",
                          R"({"instId":"USD-CHF","ordId":")" + id + R"(","newSz":"4"})");
  CAF_CHECK_EQUAL(str_field(amended.body, "sCode"), "0");
  q = okx_call(port, http::verb::get, "/api/v5/trade/order?instId=USD-CHF&clOrdId=itA1");
  CAF_CHECK_EQUAL(str_field(q.body, "sz"), "4");

  auto canceled = okx_call(port, http::verb::post, "/api/v5/trade/cancel-order",
                           R"({"instId":"USD-CHF","ordId":")" + id + "\"}");
  CAF_CHECK_EQUAL(str_field(canceled.body, "sCode"), "0");
  q = okx_call(port, http::verb::get, "/api/v5/trade/order?instId=USD-CHF&ordId=" + id);
  CAF_CHECK_EQUAL(str_field(q.body, "state"), "canceled");

  // A batch with one bad order: code "2", each order its own sCode.
  auto batch = okx_call(port, http::verb::post, "/api/v5/trade/batch-orders",
                        "[" + order_body("buy", "0.6", "10", "itB1") + ","
                          + order_body("buy", "0.6", "0.5", "itB2") + ","
                          + order_body("buy", "0.61", "10", "itB3") + "]");
  CAF_CHECK_EQUAL(str_field(batch.body, "code"), "2");
  CAF_CHECK_EQUAL(count_of(batch.body, "\"sCode\":\"0\""), 2u);
  CAF_CHECK(contains(batch.body, "\"sCode\":\"51020\""));
  auto pending = okx_call(port, http::verb::get, "/api/v5/trade/orders-pending?instId=USD-CHF");
  CAF_CHECK_EQUAL(count_of(pending.body, "\"ordId\""), 2u);
  auto cancels = okx_call(port, http::verb::post, "/api/v5/trade/cancel-batch-orders",
                          R"([{"instId":"USD-CHF","clOrdId":"itB1"},{"instId":"USD-CHF","clOrdId":"itB3"}])");
  CAF_CHECK_EQUAL(str_field(cancels.body, "code"), "0");
  pending = okx_call(port, http::verb::get, "/api/v5/trade/orders-pending?instId=USD-CHF");
  CAF_CHECK_EQUAL(count_of(pending.body, "\"ordId\""), 0u);

  auto bal = okx_call(port, http::verb::get, "/api/v5/account/balance?ccy=CHF");
  CAF_CHECK(contains(bal.body, "\"ccy\":\"CHF\""));

  // Auth errors as OKX words them.
  auto wrong = okx_call(port, http::verb::get, "/api/v5/account/balance", {}, "not-it");
  CAF_CHECK_EQUAL(wrong.status, 401);
  CAF_CHECK_EQUAL(str_field(wrong.body, "code"), "50105");
  auto unsigned_call = request(port, http::verb::get, "/api/v5/account/balance");
  CAF_CHECK_EQUAL(str_field(unsigned_call.body, "code"), "50103");
  // The Binance surface is untouched beside it.
  CAF_CHECK_EQUAL(request(port, http::verb::get, "/api/v3/ping").body, "{}");
}

CAF_TEST(cancel_all_after_fires_without_a_request) {
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2]);
  const int port = venue.port;
  for (auto cl : {"dmA", "dmB"})
    CAF_CHECK_EQUAL(str_field(okx_call(port, http::verb::post, "/api/v5/trade/order",
                                       order_body("buy", "0.6", "10", cl)).body, "sCode"), "0");
  auto arm = okx_call(port, http::verb::post, "/api/v5/trade/cancel-all-after",
                      R"({"timeOut":"10"})");
  CAF_CHECK_EQUAL(str_field(arm.body, "code"), "0");
  auto trigger = std::stoll(str_field(arm.body, "triggerTime"));
  CAF_CHECK(trigger > now_ms());
  // Nothing but the venue's timer cancels them: poll until none is pending.
  std::string pending;
  cwts::itest::wait_until(
    [&] {
      pending = okx_call(port, http::verb::get, "/api/v5/trade/orders-pending").body;
      return count_of(pending, "\"ordId\"") == 0;
    },
    std::chrono::seconds(25));
  CAF_CHECK_EQUAL(count_of(pending, "\"ordId\""), 0u);
  CAF_CHECK(now_ms() >= trigger);
  auto a = okx_call(port, http::verb::get, "/api/v5/trade/order?instId=USD-CHF&clOrdId=dmA");
  CAF_CHECK_EQUAL(str_field(a.body, "state"), "canceled");
}
