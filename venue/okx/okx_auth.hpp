#pragma once
// OKX v5 REST authentication ("Making Requests" in OKX's API guide):
//   OK-ACCESS-KEY        the API key
//   OK-ACCESS-SIGN       base64(HMAC-SHA256(secret, timestamp + method +
//                        requestPath + body)); requestPath includes the
//                        query string ("/api/v5/trade/order?instId=...")
//   OK-ACCESS-TIMESTAMP  ISO-8601 UTC with milliseconds, "2020-12-08T09:08:57.715Z"
//   OK-ACCESS-PASSPHRASE the passphrase chosen with the key
// The signature is checked over the bytes received (target and body
// exactly as they came), the timestamp against the venue's clock (OKX
// rejects requests more than 30 s away with 50102).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "venue/okx/okx_errors.hpp"
#include "venue/request_auth.hpp"

namespace cwts::venue {

inline constexpr int64_t okx_timestamp_window_ms = 30'000;

// base64(HMAC-SHA256(secret, prehash)): the REST OK-ACCESS-SIGN and the
// WebSocket login's `sign` (prehash timestamp + "GET" + "/users/self/verify").
std::string okx_sign(std::string_view secret, std::string_view prehash);

// "2020-12-08T09:08:57.715Z" for Unix ms; and back (nullopt unless exactly
// that shape: date, 'T', time, '.', three digits, 'Z').
std::string okx_iso_time(int64_t unix_ms);
std::optional<int64_t> parse_okx_iso_time(std::string_view text);

struct okx_credentials {
  std::optional<std::string_view> key, sign, timestamp, passphrase;
};

// Checks in OKX's order: headers present (50103 key, 50104 passphrase,
// 50106 sign, 50107 timestamp), key known (50111), timestamp well formed
// (50112) and within the window (50102), passphrase (50105), signature
// (50113). `request_path` is the target as received (path and query).
// Returns the account.
std::variant<const api_account*, okx_error>
okx_verify(const key_store& keys, const okx_credentials& c, std::string_view method,
           std::string_view request_path, std::string_view body, int64_t now_ms);

// Constant-time passphrase comparison (also for the WebSocket login).
bool okx_passphrase_ok(const api_account& a, std::string_view passphrase);

} // namespace cwts::venue
