#pragma once
// The Binance Spot WebSocket API (web-socket-api.md, endpoint /ws-api/v3),
// transport-free: one JSON request frame {"id","method","params"} in, one
// response frame out, {"id","status","result"|"error","rateLimits"}.
//
// Methods share rest_api's endpoint handlers (same validation, error codes
// and replies) and its REQUEST_WEIGHT counter. SIGNED methods carry apiKey,
// timestamp and signature in params; the signature is HMAC-SHA256 over the
// params (signature excluded) sorted by name. session.logon needs an Ed25519
// key on Binance; every venue key is HMAC, so a logon is refused and
// userDataStream.subscribe (which needs one) is too. User data reaches a
// connection through userDataStream.subscribe.signature.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "venue/rest_api.hpp"

namespace cwts::venue {

// What one /ws-api/v3 connection holds: its user data subscriptions and the
// default of returnRateLimits (from the connection URL).
struct ws_api_session {
  struct subscription {
    int64_t id = 0;
    std::string account;
  };

  int64_t connected_since_ms = 0;
  bool return_rate_limits = true;
  std::vector<subscription> subscriptions;
  int64_t next_subscription_id = 0;

  // The subscriptionId that delivers `account`'s events here, if any.
  std::optional<int64_t> subscription_of(const std::string& account) const;
};

class ws_api {
public:
  explicit ws_api(rest_api& rest) : rest_(rest) {}

  // Handles one text frame of `session`'s connection; returns the reply frame.
  std::string handle(std::string_view frame, ws_api_session& session, int64_t now_ms);

private:
  using session_handler = http_reply (ws_api::*)(const request_params&, const std::string&,
                                                 ws_api_session&, int64_t);
  // Exactly one handler is set: a signed REST endpoint's, a public one's, or
  // the WebSocket-only method's.
  struct method_entry {
    std::string_view name;
    bool is_signed;
    rest_api::handler shared = nullptr;
    rest_api::public_handler market = nullptr;
    session_handler own = nullptr;
  };
  static const method_entry* find_method(std::string_view name);

  http_reply call(const method_entry& m, request_params& p, ws_api_session& s, int64_t now);

  http_reply ping(const request_params& p, const std::string&, ws_api_session&, int64_t);
  http_reply time(const request_params& p, const std::string&, ws_api_session&, int64_t now);
  http_reply exchange_info(const request_params& p, const std::string&, ws_api_session&,
                           int64_t now);
  http_reply logon(const request_params& p, const std::string&, ws_api_session&, int64_t);
  http_reply session_status(const request_params& p, const std::string&, ws_api_session& s,
                            int64_t now);
  http_reply subscribe(const request_params& p, const std::string&, ws_api_session&, int64_t);
  http_reply subscribe_signature(const request_params& p, const std::string& account,
                                 ws_api_session& s, int64_t);
  http_reply subscriptions(const request_params& p, const std::string&, ws_api_session& s,
                           int64_t);
  http_reply unsubscribe(const request_params& p, const std::string&, ws_api_session& s,
                         int64_t);

  rest_api& rest_;
};

} // namespace cwts::venue
