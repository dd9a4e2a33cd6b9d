#pragma once
// SIGNED endpoint security (rest-api.md "SIGNED (TRADE and USER_DATA)
// Endpoint security"): the X-MBX-APIKEY header names the account; the
// `signature` is HMAC-SHA256(secret, totalParams) in hex, where totalParams is
// the query string concatenated with the request body, exactly as received;
// `timestamp` must satisfy timestamp < serverTime + 1000 and
// serverTime - timestamp <= recvWindow (default 5000, at most 60000).

#include <map>
#include <optional>
#include <vector>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>

#include "venue/order_types.hpp"
#include "venue/request_params.hpp"

namespace cwts::venue {

struct api_account {
  std::string name;
  std::string api_key;
  std::string secret;
  std::map<std::string, qty> balances; // asset -> starting free amount
  // OKX v5's OK-ACCESS-PASSPHRASE (and the WebSocket login's passphrase):
  // chosen when the key was created; empty when the account has none (then
  // the OKX surface refuses it with 50105).
  std::string passphrase{};
};

class key_store {
public:
  // False when the key is already taken.
  bool add(api_account account);
  const api_account* find(std::string_view api_key) const;
  size_t size() const { return by_key_.size(); }
  // Every account, in no particular order.
  std::vector<const api_account*> accounts() const;

private:
  std::unordered_map<std::string, api_account> by_key_;
};

// True for an API key the venue could have issued: 1..128 letters/digits.
bool api_key_format_ok(std::string_view key);

// MARKET_DATA endpoints: the key must be well formed (-2014) and known
// (-2015); nullopt when it is.
std::optional<venue_error> check_api_key(const key_store& keys,
                                         std::optional<std::string_view> api_key);

// totalParams without the `signature=...` parameter, byte for byte; the
// signature's value is stored in `signature`. Nullopt when none was sent.
std::optional<std::string> signed_payload(std::string_view query, std::string_view body,
                                          std::string& signature);

// Checks a signed request whose signature payload is already built, in
// Binance's order: API key format (-2014) and owner (-2015), signature sent
// (-1102), timestamp/recvWindow (-1021/-1131), HMAC-SHA256 (-1022; hex,
// case-insensitive). Returns the account name.
std::variant<std::string, venue_error>
verify_signed(const key_store& keys, std::optional<std::string_view> api_key,
              std::string_view payload, std::optional<std::string> signature,
              const request_params& params, int64_t now_ms);

// REST: the payload is the query string followed by the body, exactly as
// received; runs verify_signed and returns the account name.
std::variant<std::string, venue_error>
authenticate(const key_store& keys, std::optional<std::string_view> api_key,
             std::string_view query, std::string_view body, const request_params& params,
             int64_t now_ms);

// WebSocket API payload (web-socket-api.md "SIGNED request example (HMAC)"):
// every parameter but `signature`, sorted by name, as name=value joined by
// '&', values as sent (no percent-encoding).
std::string ws_signature_payload(const request_params& params);

} // namespace cwts::venue
