#pragma once
// OKX v5 JSON (docs-v5; field names as ccxt's okx.js reads them): the
// response envelope {"code":"0","msg":"","data":[...]}, orders as REST and
// the `orders` channel show them, the per-order acks of place / cancel /
// amend / batch calls (sCode, sMsg), balances, server time, instruments;
// and the request bodies. Numbers are JSON strings; an empty string is an
// absent value (px of a market order, fillPx of an event without a fill).
// Pure functions; internal to the OKX adapter.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "actors/connector/outcome.hpp"
#include "actors/connector/venue_order.hpp"
#include "messages/orders.hpp"
#include "messages/reconciliation.hpp"

namespace cwts::connector::okx {

// A decoded envelope: `code` "0" is success, "1" every item failed, "2" a
// batch partly succeeded (each item's sCode says which); `data` is the
// document's array (empty when the venue sent none).
struct okx_envelope {
  std::string code;
  std::string msg;
  rapidjson::Document doc;
  const rapidjson::Value* data = nullptr; // into doc; null when absent

  bool ok() const { return code == "0"; }
};

outcome<okx_envelope> parse_envelope(std::string_view text);

// One item of a place / cancel / amend / batch reply.
struct okx_ack {
  std::string cl_ord_id;
  std::string ord_id;
  std::string s_code; // "0" when this item succeeded
  std::string s_msg;
};

outcome<std::vector<okx_ack>> parse_acks(const okx_envelope& env);

// One order (GET trade/order, orders-pending, the `orders` channel).
struct okx_order {
  std::string inst_id;
  venue_order_id ord_id;
  std::string cl_ord_id;
  side order_side = side::buy;
  order_type type = order_type::limit;
  time_in_force tif = time_in_force::gtc;
  order_status status = order_status::accepted;
  price px;
  qty sz;
  qty acc_fill_sz;
  price avg_px;
  qty fill_sz;        // this event's fill (channel), zero when none
  price fill_px;
  std::string trade_id; // this event's trade, empty when none
  timestamp_ns update_time;
};

outcome<okx_order> parse_order(const rapidjson::Value& obj);
outcome<std::vector<okx_order>> parse_orders(const okx_envelope& env);

struct okx_instrument {
  std::string inst_id;
  std::string base;
  std::string quote;
};
outcome<std::vector<okx_instrument>> parse_instruments(const okx_envelope& env);
// GET /api/v5/account/balance: details[].ccy, availBal (free), frozenBal (locked).
outcome<std::vector<asset_balance>> parse_balances(const okx_envelope& env);
// GET /api/v5/public/time: data[0].ts, Unix ms.
outcome<int64_t> parse_server_time(const okx_envelope& env);

// What a failed code means for the request.
enum class code_effect : uint8_t {
  rejected, // the venue refused it: nothing happened
  unknown,  // it may have been executed (50001 unavailable, 50004 timeout, 50013 busy,
            // 50026 system error)
  rate_limited, // 50011: refused, and the venue asks us to slow down
};
code_effect effect_of(std::string_view code);
// Our reject reason for an OKX sCode of a refused order.
reject_reason reason_of(std::string_view code);
// The per-order codes a cancel may meet that mean "already settled": the
// order is canceled, filled or gone (51400 .. 51402, 51603).
bool settled_cancel_code(std::string_view code);
bool order_not_found(std::string_view code); // 51603 / 51400 on a query or cancel

// An ordId ("1968593483469594624"): digits within int64.
std::optional<int64_t> parse_ord_id(std::string_view text);

// OKX strings for our enums.
std::optional<order_status> parse_state(std::string_view s);

// "1.50000000" -> "1.5", "3.00000000" -> "3": how OKX writes numbers.
std::string okx_decimal(int64_t raw);

// A clOrdId (1..32 ASCII alphanumerics) for our client order id: the id
// itself when it already fits, else "x" + 31 hex digits of its SHA-256. The
// same every time, so a restarted node maps its live orders again.
std::string okx_client_id(const client_order_id& id);

// Request arguments as JSON objects (the REST body; one element of a WS op's
// "args"). Market orders carry tgtCcy base_ccy: sz is the base quantity.
std::string order_args(const order_request& req, const std::string& inst_id,
                       const std::string& cl_ord_id);
std::string cancel_args(const std::string& inst_id, const std::string& cl_ord_id);
// newSz / newPx only where positive: what does not change is not sent.
std::string amend_args(const std::string& inst_id, const std::string& cl_ord_id, const qty& new_sz,
                       const price& new_px);
// cancel-batch-orders body: [{"instId","ordId"},...].
std::string cancel_batch_body(const std::vector<std::pair<std::string, venue_order_id>>& orders);
// {"id":id,"op":op,"args":[args]}
std::string ws_op(const std::string& id, const std::string& op, const std::string& args);
// cancel-all-after body: {"timeOut":"<seconds>"}.
std::string cancel_all_after_body(int64_t seconds);

} // namespace cwts::connector::okx
