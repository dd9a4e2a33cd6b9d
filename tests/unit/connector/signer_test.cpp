#define CAF_SUITE connector_signer
#include "tests/support/unit_test.hpp"

#include "actors/connector/request_signer.hpp"

using namespace cwts::connector;

// rest-api.md, "SIGNED Endpoint Examples for POST /api/v3/order".
CAF_TEST(matches_binance_documented_example) {
  request_signer signer("NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j",
                        5000);
  query_params p{{"symbol", "LTCBTC"}, {"side", "BUY"},      {"type", "LIMIT"},
                 {"timeInForce", "GTC"}, {"quantity", "1"}, {"price", "0.1"}};
  auto q = signer.sign(p, 1499827319559);
  CAF_CHECK_EQUAL(q, "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1"
                     "&recvWindow=5000&timestamp=1499827319559"
                     "&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71");
}

CAF_TEST(percent_encodes_reserved_characters) {
  CAF_CHECK_EQUAL(percent_encode("abc-_.~09"), "abc-_.~09");
  CAF_CHECK_EQUAL(percent_encode("a b&c=d/e:"), "a%20b%26c%3Dd%2Fe%3A");
  CAF_CHECK_EQUAL(build_query({{"k", "v w"}, {"x", "1"}}), "k=v%20w&x=1");
}

CAF_TEST(signs_the_encoded_bytes) {
  request_signer signer("secret", 1000);
  auto q = signer.sign({{"newClientOrderId", "a:b/c"}}, 42);
  CAF_CHECK_EQUAL(q.substr(0, q.find("&signature=")),
                  "newClientOrderId=a%3Ab%2Fc&recvWindow=1000&timestamp=42");
}
