#pragma once
// OKX v5 wire shapes shared by REST and WebSocket: instrument ids, number
// formatting, the order object and the response envelope.
//
// Numbers travel as JSON strings, in their shortest decimal text ("0.912",
// "100"), as OKX spells them: a price cut to the instrument's tickSz
// decimals and a size to its lotSz decimals (okx_px / okx_sz), the same
// every time and on REST and WebSocket alike: the books checksum (CRC32
// over the level strings) only works when a level is always spelled the
// same way. Amounts that are not on a tick (avgPx, fees, balances) too.

#include <cstdint>
#include <string>
#include <string_view>

#include "venue/json_writer.hpp"
#include "venue/matching_engine.hpp"
#include "venue/okx/okx_errors.hpp"
#include "venue/order_types.hpp"
#include "venue/symbol_rules.hpp"

namespace cwts::venue {

// "<BASE>-<QUOTE>" ("USD-CHF" for USDCHF with base USD, quote CHF).
std::string okx_inst_id(const symbol_rules& r);
// The rules of the instrument `inst_id` names; nullptr when none does.
const symbol_rules* okx_find_instrument(const matching_engine& engine, std::string_view inst_id);

// OKX's instrument types (SPOT, MARGIN, SWAP, FUTURES, OPTION): a valid
// type this venue lists nothing of gets an empty list (so clients that load
// every type work), an unknown one 51000.
bool okx_inst_type_valid(std::string_view t);

// Decimal places of a step (0.0001 -> 4, 1 -> 0).
int okx_step_decimals(int64_t step_raw);
// `raw` (8-decimal fixed point) with exactly `decimals` places (truncated).
std::string okx_fixed(int64_t raw, int decimals);
// Trailing zeros (and a trailing '.') removed: "1.50000000" -> "1.5".
std::string okx_trim(int64_t raw);
std::string okx_px(const symbol_rules& r, price px);
std::string okx_sz(const symbol_rules& r, qty q);

// The order's clOrdId as OKX shows it: "" when the client sent none (the
// engine then names the order "cwtsvenue<orderId>" internally).
std::string okx_cl_ord_id(const order& o);

// OKX ordType for an engine order: limit (GTC), post_only, fok, ioc, market.
std::string_view okx_ord_type(const order& o);
// OKX order state: live, partially_filled, filled, canceled.
std::string_view okx_state(const order& o);

// The order object of GET /api/v5/trade/order, orders-pending,
// orders-history and the WebSocket `orders` channel (fillPx/fillSz/tradeId
// are those of the latest fill; fee is negative, in the asset received).
void write_okx_order(json_writer& w, const order& o, const symbol_rules& r);

// The envelope: {"code":"<code>","msg":"<msg>","data":<data_json>}.
std::string okx_envelope(int code, std::string_view msg, std::string_view data_json);
// A failed call's envelope with "data":[].
std::string okx_error_body(const okx_error& e);

} // namespace cwts::venue
