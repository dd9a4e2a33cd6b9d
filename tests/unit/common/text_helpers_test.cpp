#define CAF_SUITE common_text_helpers
#include "tests/support/unit_test.hpp"

// The one hex, percent-encoding, base36 and trim helpers every module uses.

#include "common/base36.hpp"
#include "common/hex.hpp"
#include "common/text.hpp"

using namespace cwts;

CAF_TEST(hex_both_cases_and_back) {
  const unsigned char bytes[] = {0x00, 0x0f, 0xa5, 0xff};
  CAF_CHECK_EQUAL(to_hex(bytes, 4), "000fa5ff");
  CAF_CHECK_EQUAL(to_hex(bytes, 4, hex_case::upper), "000FA5FF");
  auto back = from_hex("000FA5ff");
  CAF_REQUIRE(back.has_value());
  CAF_CHECK_EQUAL(to_hex(*back), "000fa5ff");
  CAF_CHECK(!from_hex("abc"));
  CAF_CHECK(!from_hex("zz"));
  CAF_CHECK_EQUAL(sha256_hex("abc"),
                  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

CAF_TEST(percent_encoding_escapes_what_the_caller_refuses) {
  CAF_CHECK_EQUAL(percent_encode_if("a b/~\xc3\xa9", is_unreserved), "a%20b%2F~%C3%A9");
  auto only_hash = [](unsigned char c) { return c != '#'; };
  CAF_CHECK_EQUAL(percent_encode_if("x#y z", only_hash), "x%23y z");
  CAF_CHECK_EQUAL(percent_encode_if("", is_unreserved), "");
}

CAF_TEST(base36_digits) {
  CAF_CHECK_EQUAL(to_base36(0), "0");
  CAF_CHECK_EQUAL(to_base36(35), "z");
  CAF_CHECK_EQUAL(to_base36(36), "10");
  CAF_CHECK_EQUAL(to_base36(1295), "zz");
  CAF_CHECK_EQUAL(to_base36(UINT64_MAX), "3w5e11264sgsf");
}

CAF_TEST(trim_drops_blanks_and_carriage_returns) {
  CAF_CHECK_EQUAL(trim("  a b \t\r"), "a b");
  CAF_CHECK_EQUAL(trim(" \t "), "");
  CAF_CHECK_EQUAL(trim("x"), "x");
  std::string line = " key = value ";
  CAF_CHECK_EQUAL(trim(line.substr(0, 5)), "key");
}
