#pragma once
// Live stream control on a market-stream connection (web-socket-streams.md
// "Live Subscribing/Unsubscribing to streams"): SUBSCRIBE, UNSUBSCRIBE,
// LIST_SUBSCRIPTIONS, SET_PROPERTY / GET_PROPERTY ("combined"), with the
// documented error codes 0 (unknown property), 1 (bad value type),
// 2 (invalid request) and 3 (invalid JSON).

#include <functional>
#include <string>
#include <string_view>

#include "venue/stream_path.hpp"

namespace cwts::venue {

// web-socket-streams.md "Websocket Limits": at most 1024 streams per connection.
inline constexpr size_t max_streams_per_connection = 1024;

// Applies one text frame to `subs` and returns the reply frame:
// {"result":…,"id":…} or {"error":{"code":…,"msg":…},"id":…}.
std::string apply_stream_control(std::string_view text, stream_request& subs,
                                 const std::function<bool(symbol)>& known_symbol);

} // namespace cwts::venue
