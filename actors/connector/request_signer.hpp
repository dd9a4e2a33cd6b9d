#pragma once
// Binance SIGNED endpoints (rest-api.md, "SIGNED (TRADE and USER_DATA)
// Endpoint security"): the signature is HMAC-SHA256 of the totalParams with
// the secret key, hex-encoded, sent as the last parameter "signature". The
// signer returns the exact query string that is sent, so the bytes signed are
// the bytes on the wire.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cwts::connector {

using query_params = std::vector<std::pair<std::string, std::string>>;

// RFC 3986 percent-encoding: everything but unreserved characters
// (A-Z a-z 0-9 - _ . ~) becomes %XX (upper-case hex).
std::string percent_encode(std::string_view text);

// "k1=v1&k2=v2" in the given order, keys and values percent-encoded.
std::string build_query(const query_params& params);

class request_signer {
public:
  // recv_window_ms: Binance's recvWindow (at most 60000 per rest-api.md).
  request_signer(std::string secret, int64_t recv_window_ms);

  // params + recvWindow + timestamp, then "&signature=<hex>" over exactly
  // the preceding bytes.
  std::string sign(const query_params& params, int64_t timestamp_ms) const;

  int64_t recv_window_ms() const { return recv_window_ms_; }

private:
  std::string secret_;
  int64_t recv_window_ms_;
};

} // namespace cwts::connector
