#pragma once
// GET /api/book/<symbol>[?depth=N][&venue=V]: a connector's local order book
// as JSON (docs/monitoring.md "JSON API"): venue V's connector
// (connector.<V>), else the node's first by venue name. CAF-free: renders the
// connector's answer.
//
//   {"node":"solo","venue":"binance","symbol":"USDCHF","synced":true,"crossed":false,"update_id":812,
//    "last_frame_ns":17…,"age_ms":14,"taken_at_ns":17…,
//    "bids":[{"price":"0.91230000","qty":"1000.00000000"},…],"asks":[…]}
//
// age_ms: from the symbol's last market-data frame to the copy (-1: no frame yet).

#include <cstdint>
#include <optional>
#include <string>

#include "actors/connector/connector_actor.hpp"

namespace cwts::admin {

inline constexpr uint32_t default_book_depth = 10;
inline constexpr uint32_t max_book_depth = 1000;

std::string api_book(const std::string& node, const order_book_snapshot& b,
                     const venue_name& venue);

// The depth of "?depth=N" in `query` (the text after '?'): the default when
// absent, nullopt with `error` when not 1..max_book_depth.
std::optional<uint32_t> book_depth(const std::string& query, std::string& error);

// The venue of "?venue=V" in `query`; empty when absent.
venue_name book_venue(const std::string& query);

} // namespace cwts::admin
