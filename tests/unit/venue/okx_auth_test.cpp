// OKX v5 REST signing: okx_sign against vectors computed with
// `openssl dgst -sha256 -hmac <secret> -binary | base64`, the ISO-8601
// timestamp, and okx_verify's checks (headers, key, 30 s window,
// passphrase, signature over the bytes received) through okx_rest_api.
#define CAF_SUITE venue_okx_auth
#include "tests/support/unit_test.hpp"

#include "tests/unit/venue/okx_test_fixture.hpp"
#include "venue/venue_config.hpp"

using namespace cwts;
using namespace cwts::venue;
using namespace cwts::venue::testing;

CAF_TEST(okx_sign_matches_openssl) {
  CAF_CHECK_EQUAL(okx_sign("22582BD0CFF14C41EDBF1AB98506286D",
                           "2020-12-08T09:08:57.715ZGET/api/v5/account/balance?ccy=BTC"),
                  "HiZhvSfMtWJA3uUIVXV3a/bSXNPCWvYFXoGCVS8V4zY=");
  CAF_CHECK_EQUAL(okx_sign("secret", "2020-12-08T09:08:57.715ZPOST/api/v5/trade/order"
                                     "{\"instId\":\"BTC-USDT\",\"tdMode\":\"cash\",\"side\":"
                                     "\"buy\",\"ordType\":\"limit\",\"px\":\"1\",\"sz\":\"1\"}"),
                  "osTORkqe/A4dcsJHJM1eJZt3m4XMuICiFZjXUYWHRM0=");
}

CAF_TEST(iso_timestamps_round_trip) {
  CAF_CHECK_EQUAL(okx_iso_time(1607418537715), "2020-12-08T09:08:57.715Z");
  CAF_CHECK_EQUAL(okx_iso_time(okx_t0), "2023-11-14T22:13:20.000Z");
  CAF_CHECK_EQUAL(parse_okx_iso_time("2020-12-08T09:08:57.715Z").value_or(0), 1607418537715);
  CAF_CHECK(!parse_okx_iso_time("2020-12-08T09:08:57Z"));
  CAF_CHECK(!parse_okx_iso_time("2020-12-08 09:08:57.715Z"));
  CAF_CHECK(!parse_okx_iso_time("1607418537715"));
  CAF_CHECK(!parse_okx_iso_time("2020-13-08T09:08:57.715Z"));
}

CAF_TEST(key_file_reads_the_passphrase) {
  auto keys = load_keys("[account.a]\napi-key = k1\nsecret = s1\npassphrase = p 1\n"
                        "[account.b]\napi-key = k2\nsecret = s2\n");
  CAF_REQUIRE(std::holds_alternative<key_store>(keys));
  auto& ks = std::get<key_store>(keys);
  CAF_CHECK_EQUAL(ks.find("k1")->passphrase, "p 1");
  CAF_CHECK_EQUAL(ks.find("k2")->passphrase, ""); // optional: Binance-only accounts
  CAF_CHECK(okx_passphrase_ok(*ks.find("k1"), "p 1"));
  CAF_CHECK(!okx_passphrase_ok(*ks.find("k2"), ""));
}

CAF_TEST_FIXTURE_SCOPE(okx_auth_tests, okx_fixture)

CAF_TEST(signed_request_is_accepted) {
  auto r = call("alice", "GET", "/api/v5/account/balance?ccy=CHF");
  CAF_CHECK_EQUAL(r.status, 200);
  CAF_CHECK_EQUAL(okx_code_of(r), "0");
  CAF_CHECK_EQUAL(okx_parse(r.body).member("data")->items[0].member("details")->items[0]
                    .member("availBal")->text, "1000");
}

CAF_TEST(missing_headers_are_refused_in_okx_order) {
  auto path = std::string("/api/v5/account/balance");
  http_request_view v;
  v.method = "GET";
  v.target = path;
  auto r = okx.handle(v, now);
  CAF_CHECK_EQUAL(r.status, 401);
  CAF_CHECK_EQUAL(okx_code_of(r), "50103");
  auto ts = okx_iso_time(now);
  auto sign = okx_sign("sa", ts + "GET" + path);
  v.ok_access_key = std::string_view("ka");
  CAF_CHECK_EQUAL(okx_code_of(okx.handle(v, now)), "50104");
  v.ok_access_passphrase = std::string_view("pa");
  CAF_CHECK_EQUAL(okx_code_of(okx.handle(v, now)), "50106");
  v.ok_access_sign = sign;
  CAF_CHECK_EQUAL(okx_code_of(okx.handle(v, now)), "50107");
  v.ok_access_timestamp = ts;
  CAF_CHECK_EQUAL(okx_code_of(okx.handle(v, now)), "0");
  CAF_CHECK_EQUAL(stats.rejects[50103], 1u);
  CAF_CHECK_EQUAL(stats.rejects[50107], 1u);
}

CAF_TEST(unknown_key_wrong_passphrase_and_bad_sign) {
  auto ts = okx_iso_time(now);
  auto r = signed_call("nokey", "sa", "pa", ts, "GET", "/api/v5/account/balance", "");
  CAF_CHECK_EQUAL(okx_code_of(r), "50111");
  CAF_CHECK_EQUAL(r.status, 401);
  r = signed_call("ka", "sa", "wrong", ts, "GET", "/api/v5/account/balance", "");
  CAF_CHECK_EQUAL(okx_code_of(r), "50105");
  r = signed_call("ka", "not-the-secret", "pa", ts, "GET", "/api/v5/account/balance", "");
  CAF_CHECK_EQUAL(okx_code_of(r), "50113");
  CAF_CHECK_EQUAL(stats.rejects[50113], 1u);
}

CAF_TEST(signature_covers_the_bytes_received) {
  // Signed for one body, sent with another: the signature no longer holds.
  auto ts = okx_iso_time(now);
  auto body = std::string(R"({"timeOut":"0"})");
  http_request_view v;
  v.method = "POST";
  v.target = "/api/v5/trade/cancel-all-after";
  auto sign = okx_sign("sa", ts + "POST" + std::string(v.target) + body);
  v.body = R"({"timeOut": "0"})";
  v.ok_access_key = std::string_view("ka");
  v.ok_access_passphrase = std::string_view("pa");
  v.ok_access_sign = sign;
  v.ok_access_timestamp = ts;
  CAF_CHECK_EQUAL(okx_code_of(okx.handle(v, now)), "50113");
  v.body = body;
  CAF_CHECK_EQUAL(okx_code_of(okx.handle(v, now)), "0");
  // The query string is part of the request path that is signed.
  auto q = signed_call("ka", "sa", "pa", ts, "GET", "/api/v5/account/balance?ccy=USD", "");
  CAF_CHECK_EQUAL(okx_code_of(q), "0");
}

CAF_TEST(timestamp_window_is_30_seconds) {
  auto at = [&](int64_t offset_ms) {
    return okx_code_of(signed_call("ka", "sa", "pa", okx_iso_time(now + offset_ms), "GET",
                                   "/api/v5/account/balance", ""));
  };
  CAF_CHECK_EQUAL(at(-29'999), "0");
  CAF_CHECK_EQUAL(at(29'999), "0");
  CAF_CHECK_EQUAL(at(-30'001), "50102");
  CAF_CHECK_EQUAL(at(30'001), "50102");
  auto bad = signed_call("ka", "sa", "pa", std::to_string(now), "GET", "/api/v5/account/balance",
                         "");
  CAF_CHECK_EQUAL(okx_code_of(bad), "50112");
}

CAF_TEST(account_without_passphrase_cannot_sign_in) {
  keys.add(api_account{"carol", "kc", "sc", {}, ""});
  auto r = signed_call("kc", "sc", "anything", okx_iso_time(now), "GET",
                       "/api/v5/account/balance", "");
  CAF_CHECK_EQUAL(okx_code_of(r), "50105");
}

CAF_TEST_FIXTURE_SCOPE_END()
