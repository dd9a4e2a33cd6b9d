#pragma once
// A Kraken request's parameters, from either body Kraken accepts on
// /0/private: application/x-www-form-urlencoded ("nonce=1&pair=XBTUSD",
// AddOrderBatch's orders as orders[0][ordertype]=limit&..., CancelOrderBatch's
// ids as orders[0]=<txid>) or application/json ({"nonce":1,"orders":[{...}]},
// {"orders":["<txid>",...]}: each id becomes an entry with a `txid`);
// public GETs carry them in
// the query string. JSON values are read as text: strings as they are,
// numbers in the digits sent, booleans "true"/"false", an array of strings
// or numbers joined with ',' (QueryOrders txid lists); an object or a
// nested array anywhere but `orders` is refused.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "messages/decimal.hpp"
#include "venue/kraken/kraken_errors.hpp"
#include "venue/request_params.hpp"

namespace cwts::venue {

struct kraken_args {
  request_params top;
  std::vector<request_params> orders; // AddOrderBatch / CancelOrderBatch, in order
};

// `json` picks the JSON reading (Content-Type: application/json, or a body
// starting with '{'); an unreadable body is "EGeneral:Invalid arguments".
std::variant<kraken_args, kraken_error> parse_kraken_body(std::string_view body, bool json);
std::variant<kraken_args, kraken_error> parse_kraken_query(std::string_view query);

// Typed reads: nullopt when absent; an error (EGeneral:Invalid
// arguments:<name>) when present and malformed.
template <class T>
using kraken_read = std::variant<std::optional<T>, kraken_error>;
kraken_read<int64_t> kraken_int(const request_params& p, std::string_view name);
kraken_read<bool> kraken_bool(const request_params& p, std::string_view name);
kraken_read<price> kraken_price(const request_params& p, std::string_view name);
kraken_read<qty> kraken_qty(const request_params& p, std::string_view name);
// A non-empty string parameter; nullptr when absent or empty.
const std::string* kraken_str(const request_params& p, std::string_view name);
// "a,b,c" -> {"a","b","c"} (empty items dropped).
std::vector<std::string> kraken_list(const std::string& text);

} // namespace cwts::venue
