// common/crc32: zlib's crc32 (CRC-32/ISO-HDLC), the books' checksum.
#define CAF_SUITE common_crc32
#include "tests/support/unit_test.hpp"

#include "common/crc32.hpp"

using namespace cwts;

CAF_TEST(matches_the_standard_check_value_and_zlib) {
  CAF_CHECK_EQUAL(crc32("123456789"), 0xCBF43926U);
  CAF_CHECK_EQUAL(crc32(""), 0U);
  // python3: zlib.crc32(b"0.9:10:1.1:5:0.8:20:1.2:7") = 4216784860
  CAF_CHECK_EQUAL(crc32("0.9:10:1.1:5:0.8:20:1.2:7"), 4216784860U);
  // python3: zlib.crc32(b"9100592007900010890020") = 1382365238
  CAF_CHECK_EQUAL(crc32("9100592007900010890020"), 1382365238U);
}
