#define CAF_SUITE common_hmac
#include "tests/support/unit_test.hpp"

#include "common/hmac.hpp"

// The worked example of Binance's rest-api.md "SIGNED Endpoint Examples".
CAF_TEST(matches_binance_documented_signature) {
  const char* secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
  const char* payload = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1"
                        "&recvWindow=5000&timestamp=1499827319559";
  CAF_CHECK_EQUAL(cwts::hmac_sha256_hex(secret, payload),
                  "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71");
}

CAF_TEST(compares_signatures_exactly) {
  CAF_CHECK(cwts::signatures_equal("abc", "abc"));
  CAF_CHECK(!cwts::signatures_equal("abc", "abd"));
  CAF_CHECK(!cwts::signatures_equal("abc", "ab"));
}
