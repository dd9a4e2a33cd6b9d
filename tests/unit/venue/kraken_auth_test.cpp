// Kraken REST signing (venue/kraken/kraken_auth.hpp): the worked example of
// Kraken's "Spot REST Authentication", base64, and the venue's checks in
// order (key, nonce, signature, nonce above the last one) through
// kraken_rest_api.
#define CAF_SUITE venue_kraken_auth
#include "tests/support/unit_test.hpp"

#include "tests/unit/venue/kraken_test_fixture.hpp"

using namespace cwts;
using namespace cwts::venue;
using namespace cwts::venue::testing;

// docs.kraken.com "Spot REST Authentication" example (the same vector every
// Kraken client library tests against).
CAF_TEST(matches_krakens_documented_signature) {
  auto secret = base64_decode(
    "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==");
  CAF_REQUIRE(secret);
  CAF_CHECK_EQUAL(secret->size(), 64u);
  CAF_CHECK_EQUAL(
    kraken_sign(*secret, "/0/private/AddOrder", "1616492376594",
                "nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25"),
    "4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ==");
}

CAF_TEST(decodes_base64_and_refuses_what_is_not) {
  CAF_CHECK_EQUAL(*base64_decode("aGVsbG8="), "hello");
  CAF_CHECK_EQUAL(*base64_decode(""), "");
  // The one strict decoder the connector uses too (common/base64.hpp): no
  // unpadded text, no non-zero unused bits.
  CAF_CHECK(!base64_decode("aGVsbG8"));
  CAF_CHECK(!base64_decode("aGVsbG9="));
  CAF_CHECK(!base64_decode("aGVs!G8="));
  CAF_CHECK(!base64_decode("a"));
  // The demo secrets are 64 letters and digits: 48 bytes.
  CAF_CHECK_EQUAL(base64_decode(kraken_alice_secret)->size(), 48u);
}

CAF_TEST_FIXTURE_SCOPE(kraken_auth_tests, kraken_fixture)

CAF_TEST(a_signed_call_with_an_increasing_nonce_passes) {
  auto r = call("alice", "Balance");
  CAF_CHECK_EQUAL(r.status, 200);
  CAF_CHECK_EQUAL(kraken_error_of(r), "");
  CAF_CHECK_EQUAL(kraken_at(kraken_result(r), {"CHF"}), "1000.00000000");
  auto last = kraken.nonces().last("ka");
  CAF_REQUIRE(last.has_value());
  CAF_CHECK_EQUAL(last.value_or(0), nonce);
  // A JSON body is signed the same way, over its bytes.
  CAF_CHECK_EQUAL(kraken_error_of(call_json("alice", "Balance", "")), "");
}

CAF_TEST(a_reused_or_lower_nonce_is_refused) {
  auto body = "nonce=" + std::to_string(nonce + 10);
  auto path = std::string("/0/private/Balance");
  CAF_CHECK_EQUAL(kraken_error_of(signed_post("ka", kraken_alice_secret, path,
                                              std::to_string(nonce + 10), body, false)),
                  "");
  // The same request again (a replay): its nonce is no longer above the last.
  CAF_CHECK_EQUAL(kraken_error_of(signed_post("ka", kraken_alice_secret, path,
                                              std::to_string(nonce + 10), body, false)),
                  "EAPI:Invalid nonce");
  auto lower = "nonce=" + std::to_string(nonce + 5);
  CAF_CHECK_EQUAL(kraken_error_of(signed_post("ka", kraken_alice_secret, path,
                                              std::to_string(nonce + 5), lower, false)),
                  "EAPI:Invalid nonce");
  // Nonces are per key: bob's first one may be lower.
  CAF_CHECK_EQUAL(kraken_error_of(signed_post("kb", kraken_bob_secret, path, "7", "nonce=7",
                                              false)),
                  "");
  CAF_CHECK_EQUAL(kraken.errors().by_text().at("EAPI:Invalid nonce"), 2u);
}

CAF_TEST(unknown_key_bad_signature_and_missing_nonce_are_refused) {
  CAF_CHECK_EQUAL(kraken_error_of(signed_post("nokey", kraken_alice_secret, "/0/private/Balance",
                                              "5", "nonce=5", false)),
                  "EAPI:Invalid key");
  // Signed with bob's secret under alice's key.
  CAF_CHECK_EQUAL(kraken_error_of(signed_post("ka", kraken_bob_secret, "/0/private/Balance", "5",
                                              "nonce=5", false)),
                  "EAPI:Invalid signature");
  // Signed for another path.
  auto sign = kraken_sign(*base64_decode(kraken_alice_secret), "/0/private/OpenOrders",
                          "6", "nonce=6");
  kraken_http_request r;
  r.method = "POST";
  r.target = "/0/private/Balance";
  r.body = "nonce=6";
  r.api_key = "ka";
  r.api_sign = sign;
  CAF_CHECK_EQUAL(kraken_error_of(kraken.handle(r, now)), "EAPI:Invalid signature");
  r.api_sign = std::nullopt;
  CAF_CHECK_EQUAL(kraken_error_of(kraken.handle(r, now)), "EAPI:Invalid signature");
  r.api_key = std::nullopt;
  CAF_CHECK_EQUAL(kraken_error_of(kraken.handle(r, now)), "EAPI:Invalid key");
  CAF_CHECK_EQUAL(kraken_error_of(signed_post("ka", kraken_alice_secret, "/0/private/Balance", "",
                                              "pair=USDCHF", false)),
                  "EAPI:Invalid nonce");
  CAF_CHECK_EQUAL(kraken_error_of(signed_post("ka", kraken_alice_secret, "/0/private/Balance",
                                              "x1", "nonce=x1", false)),
                  "EAPI:Invalid nonce");
}

CAF_TEST(a_forged_request_does_not_burn_the_nonce) {
  auto big = std::to_string(nonce + 1000);
  CAF_CHECK_EQUAL(kraken_error_of(signed_post("ka", kraken_bob_secret, "/0/private/Balance", big,
                                              "nonce=" + big, false)),
                  "EAPI:Invalid signature");
  // alice's next honest nonce is still accepted.
  CAF_CHECK_EQUAL(kraken_error_of(call("alice", "Balance")), "");
}

CAF_TEST(private_calls_must_be_posts) {
  auto r = get("/0/private/Balance?nonce=1");
  CAF_CHECK_EQUAL(kraken_error_of(r), "EGeneral:Invalid arguments:method must be POST");
}

CAF_TEST(an_account_whose_secret_is_not_base64_cannot_sign) {
  keys.add(api_account{"carol", "kc", "not base64!", {}, {}});
  kraken_rest_api fresh{binance};
  CAF_REQUIRE_EQUAL(fresh.unusable_accounts().size(), 1u);
  CAF_CHECK_EQUAL(fresh.unusable_accounts()[0], "carol");
  kraken_http_request r;
  r.method = "POST";
  r.target = "/0/private/Balance";
  r.body = "nonce=1";
  r.api_key = "kc";
  r.api_sign = "x";
  CAF_CHECK_EQUAL(kraken_error_of(fresh.handle(r, now)), "EAPI:Invalid key");
}

CAF_TEST_FIXTURE_SCOPE_END()
