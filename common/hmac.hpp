#pragma once
// HMAC-SHA256 as Binance signs requests: hex(HMAC(secret, payload)) over the
// exact bytes of the query string and/or body.

#include <string>
#include <string_view>

namespace cwts {

// Lower-case hex of HMAC-SHA256(key, data).
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// Constant-time comparison of two signatures (avoids timing side channels).
bool signatures_equal(std::string_view a, std::string_view b);

} // namespace cwts
