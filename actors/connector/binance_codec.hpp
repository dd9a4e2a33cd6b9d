#pragma once
// Binance Spot JSON -> messages/ types. Only the connector knows Binance's
// JSON (CONVENTIONS.md). Every function returns a reason on failure and never
// throws: malformed JSON, wrong types, missing fields and non-decimal strings
// are all codec_errors. Decimals go through price::parse / qty::parse (exact;
// never via double).

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "actors/connector/outcome.hpp"
#include "actors/connector/venue_order.hpp"
#include "messages/market_data.hpp"
#include "messages/reconciliation.hpp"

namespace cwts::connector {

// A "<symbol>@trade" event (web-socket-streams.md, Trade Streams), raw or
// wrapped in the combined-stream envelope {"stream":..,"data":{..}}.
// ts_event comes from "T" (trade time), ts_init is `received`.
outcome<trade> parse_trade_event(std::string_view text, timestamp_ns received);

// An order response (ACK, RESULT or FULL), a GET /api/v3/order reply, or a
// DELETE /api/v3/order reply.
outcome<venue_order> parse_order(std::string_view text);

// GET /api/v3/openOrders: an array of orders.
outcome<std::vector<venue_order>> parse_order_list(std::string_view text);

// Number of elements of a JSON array (DELETE /api/v3/openOrders answers one
// element per canceled order or order list).
outcome<std::size_t> parse_array_length(std::string_view text);

// {"code":-2011,"msg":"Unknown order sent."}
outcome<api_error> parse_api_error(std::string_view text);

// GET /api/v3/time: {"serverTime":1499827319559} -> milliseconds.
outcome<int64_t> parse_server_time(std::string_view text);

// GET /api/v3/account: "balances" [{"asset":"BTC","free":"1.0","locked":"0.5"}].
outcome<std::vector<asset_balance>> parse_account_balances(std::string_view text);

// GET /api/v3/exchangeInfo?symbol=X: baseAsset and quoteAsset of `sym`.
outcome<symbol_assets> parse_symbol_assets(std::string_view text, const symbol& sym);

// "NEW", "PARTIALLY_FILLED", ... (enums.md, Order status).
std::optional<order_status> parse_order_status(std::string_view text);

} // namespace cwts::connector
