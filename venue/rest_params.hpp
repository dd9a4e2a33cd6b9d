#pragma once
// Parameter readers shared by the REST handlers, worded as errors.md words
// its -1100/-1102/-1104/-1121 messages.

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <variant>
#include <vector>

#include "venue/matching_engine.hpp"
#include "venue/request_params.hpp"

namespace cwts::venue {

using param_names = std::initializer_list<std::string_view>;

// errors.md -1104: every sent parameter must be one the endpoint reads;
// `timestamp`, `recvWindow` and `signature` are read by SIGNED endpoints.
std::optional<venue_error> check_unread(const request_params& p, param_names known,
                                        bool is_signed = true);

// Mandatory `symbol`: -1102 when missing, -1100 when malformed, -1121 unknown.
std::variant<symbol, venue_error> read_symbol(const request_params& p,
                                              const matching_engine& engine);

// Optional integer `limit` in [1, max]; Binance truncates larger values to
// `max` (rest-api.md "Order book": "If limit > 5000, then the response will
// truncate to 5000").
std::variant<int64_t, venue_error> read_limit(const request_params& p, int64_t fallback,
                                              int64_t max);

// Optional positive integer id parameter (orderId, fromId ...); nullopt when absent.
std::variant<std::optional<int64_t>, venue_error> read_id(const request_params& p,
                                                          std::string_view name);

// Symbols an endpoint answers for: `symbol` (one), `symbols` (a JSON array
// of names, rest-api.md; -1121 unknown, -1151 repeated) or neither (all);
// both is -1128. `extra` names the endpoint's other parameters (-1104).
std::variant<std::vector<symbol>, venue_error> requested_symbols(const request_params& p,
                                                                 const matching_engine& engine,
                                                                 param_names extra = {});

} // namespace cwts::venue
