#pragma once
// Kraken Spot wire shapes shared by REST and WebSocket v2: pair lookup by
// any of Kraken's names (common/kraken_names.hpp), number text, order ids
// (txids) and the order object of OpenOrders / ClosedOrders / QueryOrders.
//
// Precision (Kraken AssetPairs): pair_decimals = the decimals of the
// venue's tick size, lot_decimals = the decimals of its step size; REST
// numbers are strings with exactly those decimals ("0.91240", "1000.00000000"),
// the same text every time (the v2 book checksum is computed over them).
//
// Order ids: Kraken's txids look like "OQCLML-BW3P3-BUCMWZ". Ours are
// derived from the engine's orderId by a fixed invertible mix (so a replay
// gives the same txids and no map is needed to find the order again) plus
// 16 check bits, in base32: 'O' + 16 characters, grouped 6-5-6. Trade ids
// are built the same way with a 'T' ("TXXXXX-XXXXX-XXXXXX").

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/kraken_names.hpp"
#include "venue/json_writer.hpp"
#include "venue/matching_engine.hpp"
#include "venue/symbol_rules.hpp"

namespace cwts::venue {

// Kraken's names of a venue symbol (key XXBTZUSD / USDCHF, altname, wsname,
// v2 symbol, base and quote asset keys).
kraken_pair_names kraken_names_of(const symbol_rules& r);
// The rules of the pair `name` names: its AssetPairs key, altname, wsname
// or v2 symbol; nullptr when none does.
const symbol_rules* kraken_find_pair(const matching_engine& engine, std::string_view name);

int kraken_pair_decimals(const symbol_rules& r); // decimals of tick_size
int kraken_lot_decimals(const symbol_rules& r);  // decimals of step_size
// Cost decimals: price decimals + lot decimals, capped at 8 (our precision).
int kraken_cost_decimals(const symbol_rules& r);
// Price / volume / cost text with those decimals (truncated, never rounded up).
std::string kraken_px(const symbol_rules& r, price px);
std::string kraken_vol(const symbol_rules& r, qty q);
std::string kraken_cost(const symbol_rules& r, int64_t raw);
// An 8-decimal amount as Kraken writes balances: "12.34000000".
std::string kraken_amount(int64_t raw);
// Seconds with 4 decimals, as Kraken's opentm/closetm ("1688666559.8974").
std::string kraken_seconds(int64_t ms);

// The txid of engine order `order_id` and back (nullopt for a string that
// is not one of ours: wrong shape or check bits).
std::string kraken_txid(int64_t order_id);
std::optional<int64_t> parse_kraken_txid(std::string_view txid);
// A trade's id: from the symbol's index among the engine's symbols and the
// per-symbol trade id.
std::string kraken_trade_txid(int64_t symbol_index, int64_t trade_id);
// AmendOrder's amend_id for the venue's `seq`th amend ("TXXXXX-XXXXX-XXXXXX").
std::string kraken_amend_id(int64_t seq);
// Kraken's cl_ord_id forms: a long UUID (8-4-4-4-12 hex digits), a short
// UUID (32 hex digits) or free text of 1..18 printable ASCII characters.
bool kraken_cl_ord_id_ok(std::string_view id);
// Index of `sym` in engine.all_rules() (for kraken_trade_txid); -1 if none.
int64_t kraken_symbol_index(const matching_engine& engine, symbol sym);

// What Kraken keeps with an order beyond the engine's fields.
struct kraken_order_tags {
  int32_t userref = 0;
  std::string cl_ord_id; // as the client sent it; empty when none
  bool post_only = false;
  int64_t expire_ms = 0;  // GTD: when it expires; 0 for GTC/IOC
  bool expired = false;   // GTD ran out: status "expired"
  std::string reason;     // closed/canceled reason ("User requested", ...)
};

// Kraken order status of an engine order: pending (never shown: the engine
// answers at once), open, closed (filled), canceled, expired.
std::string_view kraken_status(const order& o, const kraken_order_tags* tags);
// WebSocket v2 `executions` order_status: new, partially_filled, filled,
// canceled, expired.
std::string_view kraken_exec_status(const order& o, const kraken_order_tags* tags);
// "limit" or "market".
std::string_view kraken_ordertype(const order& o);
// descr.order: "buy 1.25000000 XBTUSD @ limit 27500.0" / "sell 0.5 XBTUSD @ market".
std::string kraken_descr_order(const order& o, const symbol_rules& r);
std::string kraken_descr_order(order_side side, order_type type, qty volume, price px,
                               const symbol_rules& r);
// Average fill price (cost / vol_exec), "0" before a fill.
std::string kraken_avg_price(const order& o, const symbol_rules& r);
// Fee charged so far in the quote currency (Kraken's `fee` field): a
// commission taken in the base asset is valued at the fill price.
int64_t kraken_fee_quote(const order& o);

// The order object of OpenOrders / ClosedOrders / QueryOrders (without the
// txid key): refid, userref, cl_ord_id, status, opentm, starttm, expiretm,
// descr{pair,type,ordertype,price,price2,leverage,order,close}, vol,
// vol_exec, cost, fee, price, stopprice, limitprice, misc, oflags,
// (trades when with_trades), and closetm/reason once closed.
void write_kraken_order(json_writer& w, const order& o, const symbol_rules& r,
                        const kraken_order_tags* tags, bool with_trades,
                        const matching_engine& engine);

// Kraken's envelope: {"error":[],"result":<result_json>} and
// {"error":["<text>"]}.
std::string kraken_envelope(std::string_view result_json);
std::string kraken_error_body(std::string_view text);

} // namespace cwts::venue
