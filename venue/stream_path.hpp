#pragma once
// WebSocket targets (web-socket-streams.md): raw `/ws/<streamName>` and
// combined `/stream?streams=<s1>/<s2>`; the venue serves `<symbol>@trade`.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/symbol.hpp"

namespace cwts::venue {

struct stream_request {
  bool combined = false;
  std::vector<symbol> trade_symbols; // one per `<symbol>@trade`
};

// Nullopt when the target is not a stream path or names an unknown stream.
std::optional<stream_request> parse_stream_target(std::string_view target);

// "usdchf@trade"
std::string trade_stream_name(symbol sym);

} // namespace cwts::venue
