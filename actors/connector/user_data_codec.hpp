#pragma once
// Binance WebSocket API user data (web-socket-api.md, user-data-stream.md):
// the signed `userDataStream.subscribe.signature` request, the API's
// responses, and the events it delivers wrapped as
// {"subscriptionId":N,"event":{...}}: `executionReport`,
// `outboundAccountPosition` and `balanceUpdate`. Decimals are parsed exactly (never via double).
// Nothing throws: every frame that cannot be used comes back as a
// frame_error whose `issue` the stream counts.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "actors/connector/outcome.hpp"
#include "actors/connector/venue_order.hpp"
#include "messages/reconciliation.hpp"

namespace cwts::connector {

// Why a user-data frame was not used; one counter per value.
enum class frame_issue : uint8_t {
  malformed_json,  // not JSON at all
  not_an_object,   // JSON, but not an object
  unknown_message, // neither an API response nor an event envelope
  unknown_event,   // an event type this connector does not read
  bad_field,       // a known event or response with a missing or mistyped field
};
inline constexpr std::size_t frame_issue_count = 5;
const char* to_string(frame_issue issue);

struct frame_error {
  frame_issue issue = frame_issue::malformed_json;
  std::string reason;
};

// executionReport "x" (enums.md, Execution types).
enum class execution_type : uint8_t {
  new_order,
  canceled,
  replaced,
  rejected,
  trade,
  expired,
  trade_prevention,
  amendment, // order.amend.keepPriority lowered the quantity
};

// One executionReport. Field letters are Binance's.
struct execution_event {
  int64_t subscription_id = 0;
  symbol sym;                  // s
  // The order's own client id: "c", or "C" for a cancel, whose "c" is the
  // cancel request's id (user-data-stream.md).
  client_order_id client_id;
  side order_side = side::buy; // S
  qty orig_qty;                // q
  price limit_price;           // p
  execution_type exec = execution_type::new_order; // x
  order_status status = order_status::accepted;    // X
  std::string reject_reason;   // r ("NONE" unless rejected)
  venue_order_id order_id;     // i
  qty last_qty;                // l
  qty cum_qty;                 // z
  price last_price;            // L
  notional cum_quote;          // Z
  notional last_quote;         // Y
  qty commission;              // n, in commission_asset
  std::string commission_asset; // N (empty when null)
  int64_t trade_id = -1;       // t (-1 without a trade)
  bool is_maker = false;       // m
  timestamp_ns event_time;     // E
  timestamp_ns transact_time;  // T
};

// One outboundAccountPosition: the assets whose balance changed.
struct account_position {
  int64_t subscription_id = 0;
  timestamp_ns event_time;  // E
  timestamp_ns last_update; // u
  std::vector<asset_balance> balances; // B [{a,f,l}]
};

// One balanceUpdate (user-data-stream.md): a deposit, withdrawal or
// transfer changed one asset's balance by `delta` (negative: it went out).
struct balance_delta {
  int64_t subscription_id = 0;
  timestamp_ns event_time; // E
  std::string asset;       // a
  qty delta;               // d, signed
  timestamp_ns clear_time; // T
};

// {"id":..,"status":..,"result":..} or {"id":..,"status":..,"error":{..}}.
struct ws_api_response {
  std::string id; // a string id as sent; numbers as their decimal text
  int64_t status = 0;
  bool ok = false;
  int64_t subscription_id = -1; // result.subscriptionId when present
  api_error error;              // when !ok
};

using user_data_message
  = std::variant<ws_api_response, execution_event, account_position, balance_delta>;

// One text frame of a /ws-api/v3 connection.
outcome<user_data_message, frame_error> parse_user_data_frame(std::string_view text);

// The converted order state of an event, for order_tracker (executed = z,
// cumulative quote = Z, status = X, update time = T).
venue_order to_venue_order(const execution_event& e);

// web-socket-api.md, SIGNED requests: the signature payload is every param
// except `signature`, sorted by name, as name=value joined by '&'.
std::string ws_signature_payload(std::vector<std::pair<std::string, std::string>> params);

// A SIGNED request frame {id, method, params}: params plus apiKey,
// recvWindow (omitted when 0) and timestamp (both as JSON numbers), signed
// with HMAC-SHA256 over ws_signature_payload.
std::string ws_signed_request(const std::string& id, const std::string& method,
                              std::vector<std::pair<std::string, std::string>> params,
                              const std::string& api_key, const std::string& secret,
                              int64_t recv_window_ms, int64_t timestamp_ms);

// The userDataStream.subscribe.signature request frame: params apiKey,
// recvWindow (omitted when 0), timestamp and the HMAC-SHA256 signature.
std::string subscribe_signature_request(const std::string& id, const std::string& api_key,
                                        const std::string& secret, int64_t recv_window_ms,
                                        int64_t timestamp_ms);

} // namespace cwts::connector
