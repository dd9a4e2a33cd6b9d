#define CAF_SUITE connector_okx_signer
#include "tests/support/unit_test.hpp"

#include "actors/connector/okx/okx_signer.hpp"

using namespace cwts::connector::okx;

// Expected signatures computed with the openssl command line, e.g.
//   printf '%s' '2020-12-08T09:08:57.715ZGET/api/v5/account/balance?ccy=BTC' |
//     openssl dgst -sha256 -hmac 'my-secret' -binary | base64

CAF_TEST(iso8601_timestamp_with_milliseconds) {
  CAF_CHECK_EQUAL(iso8601_ms(1607418537715), "2020-12-08T09:08:57.715Z");
  CAF_CHECK_EQUAL(iso8601_ms(0), "1970-01-01T00:00:00.000Z");
  CAF_CHECK_EQUAL(iso8601_ms(1607418537005), "2020-12-08T09:08:57.005Z");
}

CAF_TEST(get_signs_the_path_with_its_query) {
  okx_credentials c{"key-1", "my-secret", "pass phrase"};
  auto h = signed_headers(c, 1607418537715, "GET", "/api/v5/account/balance?ccy=BTC", "");
  CAF_REQUIRE_EQUAL(h.size(), 4u);
  CAF_CHECK_EQUAL(h[0].first, "OK-ACCESS-KEY");
  CAF_CHECK_EQUAL(h[0].second, "key-1");
  CAF_CHECK_EQUAL(h[1].first, "OK-ACCESS-SIGN");
  CAF_CHECK_EQUAL(h[1].second, "K34BJrtr2K5I4Wsbq0di4kM0ZhnsO1XoNOLszVw1w2M=");
  CAF_CHECK_EQUAL(h[2].first, "OK-ACCESS-TIMESTAMP");
  CAF_CHECK_EQUAL(h[2].second, "2020-12-08T09:08:57.715Z");
  CAF_CHECK_EQUAL(h[3].first, "OK-ACCESS-PASSPHRASE");
  CAF_CHECK_EQUAL(h[3].second, "pass phrase");
}

CAF_TEST(post_signs_the_body) {
  okx_credentials c{"key-1", "my-secret", "p"};
  auto h = signed_headers(c, 1607418537715, "POST", "/api/v5/trade/order",
                          R"({"instId":"USD-CHF","sz":"1"})");
  CAF_CHECK_EQUAL(h[1].second, "d7szGVsETexl5GmmgykOc1HTv4X6/MZPeIXi3FURVc0=");
}

CAF_TEST(websocket_login_signs_seconds_get_verify) {
  okx_credentials c{"key-1", "my-secret", "p"};
  CAF_CHECK_EQUAL(okx_sign("my-secret", "1538054050GET/users/self/verify"),
                  "qO0VLlRXFJSkcy8mP2uDTccurOwThnl7jhetqP3owr0=");
  CAF_CHECK_EQUAL(login_request(c, 1538054050),
                  R"({"op":"login","args":[{"apiKey":"key-1","passphrase":"p",)"
                  R"("timestamp":"1538054050","sign":"qO0VLlRXFJSkcy8mP2uDTccurOwThnl7jhetqP3owr0="}]})");
}
