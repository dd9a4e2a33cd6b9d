#pragma once
// One order as the venue describes it (Binance Spot rest-api.md: the order
// response of POST /api/v3/order, GET /api/v3/order, an element of
// GET /api/v3/openOrders, the reply of DELETE /api/v3/order).

#include <cstdint>
#include <string>
#include <vector>

#include "messages/decimal.hpp"
#include "messages/ids.hpp"
#include "messages/orders.hpp"
#include "messages/symbol.hpp"
#include "messages/time.hpp"

namespace cwts::connector {

// One element of "fills" in a FULL order response.
struct venue_fill {
  price px;
  qty quantity;
  int64_t trade_id = 0;
};

struct venue_order {
  symbol sym;
  venue_order_id order_id;
  // Our id. For a cancel reply Binance puts the order's id in
  // "origClientOrderId" and the cancel's own id in "clientOrderId"; the codec
  // stores the order's id here either way.
  client_order_id client_id;
  // False for an ACK response, which carries only symbol, orderId,
  // clientOrderId and transactTime; the fields below are then defaults.
  bool has_details = false;
  side order_side = side::buy;
  order_type type = order_type::limit;
  time_in_force tif = time_in_force::gtc;
  order_status status = order_status::accepted;
  price limit_price;
  qty orig_qty;
  qty executed_qty;
  notional cumulative_quote_qty; // Binance: "cummulativeQuoteQty"
  // updateTime (queries), transactTime (order and cancel replies).
  timestamp_ns update_time;
  std::vector<venue_fill> fills; // FULL responses only
};

// Binance error body: {"code":-2011,"msg":"Unknown order sent."} (errors.md).
struct api_error {
  int64_t code = 0;
  std::string msg;
};

// errors.md codes the connector acts on.
inline constexpr int64_t code_unknown_order_sent = -2011; // CANCEL_REJECTED
inline constexpr int64_t code_no_such_order = -2013;      // NO_SUCH_ORDER
inline constexpr int64_t code_backend_timeout = -1007;    // "execution status unknown"

} // namespace cwts::connector
