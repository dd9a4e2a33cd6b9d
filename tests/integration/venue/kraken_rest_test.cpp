// Starts the real cwts-venue and drives its Kraken Spot REST surface as a
// Kraken client does: every private request a form-encoded POST with an
// increasing nonce, signed with API-Sign = base64(HMAC-SHA512(base64-decoded
// secret, URI path + SHA256(nonce + POST data))), computed here with OpenSSL
// independently of the venue's code. AddOrder, QueryOrders, AmendOrder,
// CancelOrder, AddOrderBatch with a failed order, CancelAll, nonce and
// signature errors, and CancelAllOrdersAfter firing with no request (the
// venue's own timer). Asserts outcomes; waits by polling with a deadline.
#define CAF_SUITE venue_kraken_rest
#include "tests/support/unit_test.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <thread>

#include "tests/integration/support/wait_until.hpp"
#include "venue_client.hpp"

namespace {

std::string b64(const unsigned char* data, size_t n) {
  std::string out(4 * ((n + 2) / 3), '\0');
  auto len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data,
                             static_cast<int>(n));
  out.resize(static_cast<size_t>(len));
  return out;
}

std::string unb64(const std::string& text) {
  std::string out(text.size() * 3 / 4 + 3, '\0');
  auto len = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                             reinterpret_cast<const unsigned char*>(text.data()),
                             static_cast<int>(text.size()));
  CAF_REQUIRE(len >= 0);
  // EVP_DecodeBlock counts padding bytes as data; the demo secret has none.
  out.resize(static_cast<size_t>(len));
  return out;
}

std::string api_sign(const std::string& path, const std::string& nonce, const std::string& body,
                     const std::string& secret_b64) {
  auto inner = nonce + body;
  unsigned char sha[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(inner.data()), inner.size(), sha);
  auto message = path + std::string(reinterpret_cast<char*>(sha), sizeof sha);
  auto key = unb64(secret_b64);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha512(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
  return b64(mac, len);
}

struct kraken_client {
  int port = 0;
  uint64_t nonce = static_cast<uint64_t>(now_ms()) * 1000;

  reply send(const std::string& target, const std::string& body, const std::string& sign,
             bool post = true) {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)));
    http::request<http::string_body> req{post ? http::verb::post : http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (post) {
      req.set("API-Key", api_key);
      req.set("API-Sign", sign);
      req.set(http::field::content_type, "application/x-www-form-urlencoded; charset=utf-8");
      req.body() = body;
    }
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(stream, buf, res);
    return {static_cast<int>(res.result_int()), res.body(), {}, {}, {}};
  }

  // POST /0/private/<method> with "nonce=<next>&<params>".
  reply call(const std::string& method, const std::string& params = {}) {
    auto n = std::to_string(++nonce);
    auto body = "nonce=" + n + (params.empty() ? "" : "&" + params);
    auto path = "/0/private/" + method;
    return send(path, body, api_sign(path, n, body, secret));
  }

  reply get(const std::string& target) { return send(target, {}, {}, false); }
};

// The first "name":"value" string after `from` ("" when absent).
std::string str_field(const std::string& s, const std::string& name, size_t from = 0) {
  auto at = s.find("\"" + name + "\":\"", from);
  if (at == std::string::npos) return "";
  auto v = at + name.size() + 4;
  return s.substr(v, s.find('"', v) - v);
}

// The first txid of an AddOrder result: "txid":["O..."].
std::string first_txid(const std::string& s) {
  auto at = s.find("\"txid\":[\"");
  if (at == std::string::npos) return "";
  return s.substr(at + 9, 19);
}

size_t count_of(const std::string& s, const std::string& part) {
  size_t n = 0;
  for (auto at = s.find(part); at != std::string::npos; at = s.find(part, at + 1)) ++n;
  return n;
}

bool no_error(const reply& r) { return contains(r.body, "\"error\":[]"); }

} // namespace

CAF_TEST(kraken_client_trades_over_signed_rest) {
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2]);
  kraken_client k{venue.port};

  auto t = k.get("/0/public/Time");
  CAF_CHECK_EQUAL(t.status, 200);
  CAF_CHECK(contains(t.body, "\"unixtime\":"));
  auto pairs = k.get("/0/public/AssetPairs?pair=USDCHF");
  CAF_CHECK(contains(pairs.body, "\"USDCHF\":{\"altname\":\"USDCHF\",\"wsname\":\"USD/CHF\""));
  CAF_CHECK(contains(pairs.body, "\"pair_decimals\":4"));

  // Far below the replayed market, so the tape never fills it.
  auto placed = k.call("AddOrder", "pair=USDCHF&type=buy&ordertype=limit&price=0.6000&volume=10"
                                   "&userref=9&cl_ord_id=itK1");
  CAF_CHECK(no_error(placed));
  CAF_CHECK(contains(placed.body, "\"order\":\"buy 10.00000000 USDCHF @ limit 0.6000\""));
  auto txid = first_txid(placed.body);
  CAF_REQUIRE_EQUAL(txid.size(), 19u);
  auto q = k.call("QueryOrders", "txid=" + txid);
  CAF_CHECK_EQUAL(str_field(q.body, "status"), "open");
  CAF_CHECK_EQUAL(str_field(q.body, "cl_ord_id"), "itK1");
  CAF_CHECK(contains(q.body, "\"userref\":9"));

  auto amended = k.call("AmendOrder", "txid=" + txid + "&order_qty=4");
  CAF_CHECK(no_error(amended));
  CAF_CHECK_EQUAL(str_field(amended.body, "amend_id").size(), 19u);
  q = k.call("QueryOrders", "txid=" + txid);
  CAF_CHECK_EQUAL(str_field(q.body, "vol"), "4");

  auto canceled = k.call("CancelOrder", "txid=" + txid);
  CAF_CHECK(contains(canceled.body, "\"count\":1"));
  q = k.call("QueryOrders", "txid=" + txid);
  CAF_CHECK_EQUAL(str_field(q.body, "status"), "canceled");
  CAF_CHECK(contains(k.call("CancelOrder", "txid=" + txid).body, "EOrder:Unknown order"));

  // A batch with one order under the minimum: the others are placed.
  auto batch = k.call("AddOrderBatch",
                      "pair=USDCHF"
                      "&orders[0][type]=buy&orders[0][ordertype]=limit&orders[0][price]=0.6&orders[0][volume]=10"
                      "&orders[1][type]=buy&orders[1][ordertype]=limit&orders[1][price]=0.6&orders[1][volume]=0.5"
                      "&orders[2][type]=buy&orders[2][ordertype]=limit&orders[2][price]=0.61&orders[2][volume]=10");
  CAF_CHECK(no_error(batch));
  CAF_CHECK_EQUAL(count_of(batch.body, "\"txid\":\"O"), 2u);
  CAF_CHECK(contains(batch.body, "\"error\":\"EOrder:Order minimum not met\""));
  auto open = k.call("OpenOrders");
  CAF_CHECK_EQUAL(count_of(open.body, "\"status\":\"open\""), 2u);
  auto all = k.call("CancelAll");
  CAF_CHECK(contains(all.body, "\"count\":2"));
  open = k.call("OpenOrders");
  CAF_CHECK_EQUAL(count_of(open.body, "\"status\":\"open\""), 0u);

  auto bal = k.call("Balance");
  CAF_CHECK(no_error(bal));
  CAF_CHECK(contains(bal.body, "\"CHF\":\""));

  // A replayed nonce and a bad signature, worded as Kraken words them.
  auto n = std::to_string(k.nonce);
  auto body = "nonce=" + n;
  auto replayed = k.send("/0/private/Balance", body, api_sign("/0/private/Balance", n, body, secret));
  CAF_CHECK_EQUAL(replayed.status, 200);
  CAF_CHECK(contains(replayed.body, "EAPI:Invalid nonce"));
  auto n2 = std::to_string(++k.nonce);
  auto forged = k.send("/0/private/Balance", "nonce=" + n2,
                       api_sign("/0/private/OpenOrders", n2, "nonce=" + n2, secret));
  CAF_CHECK(contains(forged.body, "EAPI:Invalid signature"));
  CAF_CHECK(contains(k.get("/0/public/Nope").body, "EGeneral:Unknown method"));
  // Each refusal counted by its text in the venue's own stats.
  auto stats = request(venue.port, http::verb::get, "/venue/stats").body;
  CAF_CHECK(contains(stats, "\"krakenRejects\":{"));
  CAF_CHECK(contains(stats, "\"EAPI:Invalid nonce\":1"));
  CAF_CHECK(contains(stats, "\"EAPI:Invalid signature\":1"));
  // The Binance surface is untouched beside it.
  CAF_CHECK_EQUAL(request(venue.port, http::verb::get, "/api/v3/ping").body, "{}");
}

CAF_TEST(cancel_all_orders_after_fires_without_a_request) {
  venue_process venue(caf::test::engine::argv()[1], caf::test::engine::argv()[2]);
  kraken_client k{venue.port};
  for (int i = 0; i < 2; ++i)
    CAF_CHECK(no_error(k.call("AddOrder",
                              "pair=USDCHF&type=buy&ordertype=limit&price=0.6&volume=10")));
  auto arm = k.call("CancelAllOrdersAfter", "timeout=2");
  CAF_CHECK(no_error(arm));
  CAF_CHECK(!str_field(arm.body, "triggerTime").empty());
  CAF_CHECK_NOT_EQUAL(str_field(arm.body, "triggerTime"), "0");
  // Nothing but the venue's timer cancels them: poll until none is open.
  reply open;
  cwts::itest::wait_until(
    [&] {
      open = k.call("OpenOrders");
      return no_error(open) && count_of(open.body, "\"status\":\"open\"") == 0;
    },
    std::chrono::seconds(20));
  CAF_CHECK(no_error(open));
  CAF_CHECK_EQUAL(count_of(open.body, "\"status\":\"open\""), 0u);
  auto closed = k.call("ClosedOrders");
  CAF_CHECK_EQUAL(count_of(closed.body, "\"reason\":\"Dead man's switch\""), 2u);
  // Disarming answers triggerTime "0".
  CAF_CHECK_EQUAL(str_field(k.call("CancelAllOrdersAfter", "timeout=0").body, "triggerTime"), "0");
}
