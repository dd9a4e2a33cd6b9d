#pragma once
// Kraken Spot JSON (docs.kraken.com Spot REST and WebSocket v2; field names
// as ccxt's kraken.js / pro/kraken.js read them): the REST envelope
// {"error":[...],"result":{...}}, orders as OpenOrders / ClosedOrders /
// QueryOrders show them (keyed by txid, REST numbers are strings), the
// `executions` channel's items (WS v2: numbers are JSON numbers, read
// exactly from their text), AssetPairs, BalanceEx, Time; the error strings
// and what they mean for a request; the form bodies. Pure functions;
// internal to the Kraken adapter.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <rapidjson/document.h>

#include "actors/connector/outcome.hpp"
#include "messages/orders.hpp"
#include "messages/reconciliation.hpp"

namespace cwts::connector::kraken {

// A decoded envelope: success when `errors` is empty; `result` points into
// doc (null when absent).
struct kraken_envelope {
  std::vector<std::string> errors;
  rapidjson::Document doc;
  const rapidjson::Value* result = nullptr;

  bool ok() const { return errors.empty(); }
  std::string error_text() const; // the errors joined by "; "
};

outcome<kraken_envelope> parse_envelope(std::string_view text);

// What a Kraken error string means for the request that got it.
enum class error_effect : uint8_t {
  rejected,      // refused: nothing happened
  unknown,       // it may have been executed (EService:Unavailable / Busy /
                 // Deadline elapsed, EGeneral:Internal error)
  rate_limited,  // EAPI:Rate limit exceeded: refused, and slow down
  invalid_nonce, // EAPI:Invalid nonce: refused before anything ran
};
error_effect effect_of(std::string_view error);
// Our reject reason for the error of a refused order.
reject_reason reason_of(std::string_view error);
// "EOrder:Unknown order": the venue has no such (open) order.
bool unknown_order(std::string_view error);

// One tradable pair of AssetPairs, with our names.
struct kraken_pair_info {
  std::string key;       // XXBTZUSD, USDCHF
  std::string altname;   // XBTUSD, USDCHF (OpenOrders' descr.pair)
  std::string wsname;    // XBT/USD
  std::string base;      // REST asset key: ZUSD
  std::string quote;     // CHF
  std::string our_base;  // USD
  std::string our_quote; // CHF
  int pair_decimals = 0;
  int lot_decimals = 0;
};
outcome<std::vector<kraken_pair_info>> parse_asset_pairs(const kraken_envelope& env);

// One order (REST): `txid` is the key it is listed under.
struct kraken_order {
  std::string txid;
  std::string cl_ord_id;
  std::string pair; // descr.pair: the altname
  side order_side = side::buy;
  order_type type = order_type::limit;
  order_status status = order_status::accepted;
  price px;        // descr.price (limit)
  qty vol;
  qty vol_exec;
  price avg_px;    // "price": average fill price
  notional cost;
  timestamp_ns update_time;
};
// An object {txid: order, ...} (OpenOrders' "open", ClosedOrders' "closed",
// QueryOrders' result).
outcome<std::vector<kraken_order>> parse_order_map(const rapidjson::Value& obj);

// One item of the `executions` channel (WS v2).
struct kraken_execution {
  std::string exec_type; // pending_new, new, trade, filled, canceled, expired, amended, ...
  std::string order_id;
  std::string cl_ord_id;
  std::string symbol;    // "USD/CHF" (v2), absent on some status events
  bool has_details = false; // side, type, qty, price were present
  side order_side = side::buy;
  order_type type = order_type::limit;
  order_status status = order_status::accepted;
  price limit_price;
  qty order_qty;
  qty cum_qty;
  notional cum_cost;
  price avg_price;
  std::string exec_id; // trade events
  qty last_qty;
  price last_price;
  timestamp_ns time;
};
outcome<kraken_execution> parse_execution(const rapidjson::Value& item);

// GET /0/public/Time: result.unixtime (seconds).
outcome<int64_t> parse_server_time(const kraken_envelope& env);
// POST BalanceEx: {asset: {balance, hold_trade}}; assets ours (BTC, USD).
outcome<std::vector<asset_balance>> parse_balances(const kraken_envelope& env);

// Kraken order states (REST status, WS order_status) as ours; `partial`
// when some was executed.
std::optional<order_status> parse_rest_status(std::string_view s, bool partial);
std::optional<order_status> parse_ws_status(std::string_view s);

// A txid ("OQCLML-BW3P3-BUCMWZ") as our int64 venue_order_id: a stable
// 63-bit hash (the string is kept where the venue must be asked by it).
venue_order_id order_id_of(std::string_view txid);

// A cl_ord_id for our client order id: the id itself when it fits Kraken's
// free text (up to 18 of [A-Za-z0-9-_.]), else a UUID made of its SHA-256.
// The same every time, so a restarted node maps its live orders again.
std::string kraken_client_id(const client_order_id& id);

// `raw` (1e-8 units) with exactly `decimals` decimals, truncated: how
// Kraken's REST writes prices and volumes ("0.91230", "10.00000000").
std::string kraken_decimal(int64_t raw, int decimals);

// application/x-www-form-urlencoded body of the pairs, in order.
std::string form_body(const std::vector<std::pair<std::string, std::string>>& fields);

} // namespace cwts::connector::kraken
