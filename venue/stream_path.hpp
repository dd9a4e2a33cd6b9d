#pragma once
// WebSocket targets (web-socket-streams.md): raw `/ws/<streamName>` and
// combined `/stream?streams=<s1>/<s2>`. Served stream names (lower-case
// symbol): `<symbol>@trade`, `<symbol>@depth` (1000 ms diffs),
// `<symbol>@depth@100ms`, `<symbol>@bookTicker`, `<symbol>@aggTrade`.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/symbol.hpp"

namespace cwts::venue {

enum class stream_kind { trade, agg_trade, depth_1000ms, depth_100ms, book_ticker };

struct stream_id {
  symbol sym;
  stream_kind kind = stream_kind::trade;
  bool operator==(const stream_id& o) const { return sym == o.sym && kind == o.kind; }
};

struct stream_request {
  bool combined = false;
  std::vector<stream_id> streams;
  // `/ws/<name>` whose name is no stream served here (a listen key, a
  // client's own connection name): the connection opens with no stream, as
  // Binance's does; SUBSCRIBE adds them. Empty otherwise.
  std::string unserved_name{};
};

// Nullopt when the target is not a stream path, or a combined target names
// an unknown stream. A bare `/ws` or `/stream` opens a connection with no
// stream yet (streams are then added with SUBSCRIBE), as does `/ws/<name>`
// for a name that is no stream served here (clients such as python-binance
// open `/ws/<their own name>` and then SUBSCRIBE).
std::optional<stream_request> parse_stream_target(std::string_view target);
// One stream name ("usdchf@depth@100ms"); nullopt when not served.
std::optional<stream_id> parse_stream_name(std::string_view name);

// "usdchf@trade", "usdchf@depth@100ms", "usdchf@bookTicker" ...
std::string stream_name(const stream_id& id);
// "usdchf@trade"
std::string trade_stream_name(symbol sym);

} // namespace cwts::venue
