#pragma once
// OKX v5 request signing (docs-v5 "REST Authentication"): OK-ACCESS-SIGN is
// base64(HMAC-SHA256(secret, timestamp + METHOD + requestPath + body)), the
// requestPath with its query string for a GET, the timestamp the one sent as
// OK-ACCESS-TIMESTAMP (ISO-8601, UTC, milliseconds). The WebSocket login signs
// unixSeconds + "GET" + "/users/self/verify" the same way. The signer returns
// the exact strings sent, so the bytes signed are the bytes on the wire.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cwts::connector::okx {

struct okx_credentials {
  std::string api_key;    // OK-ACCESS-KEY
  std::string secret;     // HMAC key: never logged, never sent
  std::string passphrase; // OK-ACCESS-PASSPHRASE: never logged
};

// "2020-12-08T09:08:57.715Z" for a Unix time in milliseconds.
std::string iso8601_ms(int64_t unix_ms);

// base64 of HMAC-SHA256(secret, prehash).
std::string okx_sign(std::string_view secret, std::string_view prehash);

// The four OK-ACCESS-* headers of one request. `path` is the request path
// with its query string ("/api/v5/trade/order?instId=BTC-USDT&clOrdId=a1").
std::vector<std::pair<std::string, std::string>>
signed_headers(const okx_credentials& c, int64_t unix_ms, std::string_view method,
               std::string_view path, std::string_view body);

// {"op":"login","args":[{"apiKey","passphrase","timestamp","sign"}]} with the
// timestamp in Unix seconds.
std::string login_request(const okx_credentials& c, int64_t unix_s);

} // namespace cwts::connector::okx
