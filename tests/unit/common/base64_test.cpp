// common/base64: RFC 4648's test vectors both ways, and the strict decoder
// refusing every text that is not the one encoding of its bytes (the venue
// and the connector must agree on which Kraken secrets are usable).
#define CAF_SUITE common_base64
#include "tests/support/unit_test.hpp"

#include "common/base64.hpp"

using namespace cwts;

namespace {

// Value, not a reference into a temporary optional.
std::string decoded(const char* text) {
  return base64_decode(text).value_or("<refused>");
}

} // namespace

// RFC 4648 section 10.
CAF_TEST(rfc4648_vectors_round_trip) {
  const char* plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char* coded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  for (int i = 0; i < 7; ++i) {
    CAF_CHECK_EQUAL(base64_encode(plain[i]), coded[i]);
    CAF_CHECK_EQUAL(decoded(coded[i]), plain[i]);
  }
  std::string bytes;
  for (int b = 0; b < 256; ++b)
    bytes.push_back(static_cast<char>(b));
  CAF_CHECK_EQUAL(base64_decode(base64_encode(bytes)).value_or(""), bytes);
  CAF_CHECK_EQUAL(base64_encode("\xfb\xff"), "+/8=");
}

// The demo secrets (config/venue-demo-keys.ini): 64 letters and digits are 48 bytes of valid base64.
CAF_TEST(the_demo_secrets_decode) {
  auto secret = base64_decode("cwtsDemoSecretAlpha000000000000000000000000000000000000000000001");
  CAF_REQUIRE(secret.has_value());
  CAF_CHECK_EQUAL(secret->size(), 48u);
}

CAF_TEST(anything_else_is_refused) {
  CAF_CHECK_EQUAL(decoded("Zg"), "<refused>");       // unpadded
  CAF_CHECK_EQUAL(decoded("Zm9vY"), "<refused>");    // length
  CAF_CHECK_EQUAL(decoded("Zg==="), "<refused>");    // too much padding
  CAF_CHECK_EQUAL(decoded("Z==="), "<refused>");     // three '='
  CAF_CHECK_EQUAL(decoded("====" ), "<refused>");
  CAF_CHECK_EQUAL(decoded("Zg==Zm8="), "<refused>"); // '=' before the end
  CAF_CHECK_EQUAL(decoded("Z=g="), "<refused>");     // '=' inside a group
  CAF_CHECK_EQUAL(decoded("Zh=="), "<refused>");     // non-zero unused bits
  CAF_CHECK_EQUAL(decoded("Zm9="), "<refused>");
  CAF_CHECK_EQUAL(decoded("Zm9v!A=="), "<refused>"); // not the alphabet
  CAF_CHECK_EQUAL(decoded("Zm9v YQ=="), "<refused>");
  CAF_CHECK_EQUAL(decoded("Zm-_"), "<refused>");     // base64url is another alphabet
  CAF_CHECK_EQUAL(decoded("not base64!"), "<refused>");
}
