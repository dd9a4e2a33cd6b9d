#pragma once
// Kraken Spot's errors as its API sends them: strings "<severity><category>:
// <message>" in the envelope's `error` array, with HTTP status 200 (Kraken
// answers API errors 200; only an unknown path is 404). The strings are the
// ones Kraken publishes (docs.kraken.com "Spot REST API" errors, ccxt's
// kraken `exceptions` map), so client libraries map them as they do for
// Kraken. Shared by the REST surface and the WebSocket v2 order methods.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "venue/venue_stats.hpp"

namespace cwts::venue {

struct kraken_error {
  std::string text; // "EOrder:Insufficient funds"
  int http_status = 200;
};

namespace kraken_err {
inline constexpr std::string_view invalid_arguments = "EGeneral:Invalid arguments";
inline constexpr std::string_view unknown_method = "EGeneral:Unknown method";
inline constexpr std::string_view permission_denied = "EGeneral:Permission denied";
inline constexpr std::string_view unknown_pair = "EQuery:Unknown asset pair";
inline constexpr std::string_view unknown_asset = "EQuery:Unknown asset";
inline constexpr std::string_view insufficient_funds = "EOrder:Insufficient funds";
inline constexpr std::string_view unknown_order = "EOrder:Unknown order";
inline constexpr std::string_view invalid_order = "EOrder:Invalid order";
inline constexpr std::string_view invalid_price = "EOrder:Invalid price";
inline constexpr std::string_view post_only = "EOrder:Post only order";
inline constexpr std::string_view orders_limit = "EOrder:Orders limit exceeded";
inline constexpr std::string_view order_minimum = "EOrder:Order minimum not met";
inline constexpr std::string_view cost_minimum = "EOrder:Cost minimum not met";
inline constexpr std::string_view tick_size = "EOrder:Tick size check failed";
inline constexpr std::string_view duplicate_order = "EOrder:Duplicate order";
inline constexpr std::string_view order_rate_limit = "EOrder:Rate limit exceeded";
inline constexpr std::string_view invalid_key = "EAPI:Invalid key";
inline constexpr std::string_view invalid_signature = "EAPI:Invalid signature";
inline constexpr std::string_view invalid_nonce = "EAPI:Invalid nonce";
inline constexpr std::string_view api_rate_limit = "EAPI:Rate limit exceeded";
inline constexpr std::string_view unavailable = "EService:Unavailable";
inline constexpr std::string_view busy = "EService:Busy";
inline constexpr std::string_view deadline_elapsed = "EService:Deadline elapsed";
} // namespace kraken_err

// An error with no detail: {"EOrder:Unknown order"}.
inline kraken_error kraken_fail(std::string_view text) { return {std::string(text), 200}; }
// "EGeneral:Invalid arguments:<what>", as Kraken names the offending field.
inline kraken_error kraken_invalid(std::string_view what) {
  return {std::string(kraken_err::invalid_arguments) + ":" + std::string(what), 200};
}

// Every Kraken error reply counted by its string (REST and WebSocket v2
// alike), in the venue's stats (GET /venue/stats "krakenRejects").
using kraken_error_counts = text_counts;

} // namespace cwts::venue
