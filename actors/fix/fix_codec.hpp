#pragma once
// Our order vocabulary (messages/orders.hpp) to FIX 4.4 application messages
// and back, for the initiator side (the connector). Pure functions on
// fix_message: no QuickFIX, no CAF; unit-tested in tests/unit/fix.

#include <optional>
#include <string>

#include "actors/connector/outcome.hpp"
#include "actors/fix/fix_message.hpp"
#include "actors/fix/fix_tags.hpp"
#include "messages/orders.hpp"
#include "messages/reconciliation.hpp"

namespace cwts::fix {

// FIX UTCTimestamp with milliseconds: YYYYMMDD-HH:MM:SS.sss.
std::string utc_timestamp(timestamp_ns t);
std::optional<timestamp_ns> parse_utc_timestamp(const std::string& text);

char side_code(side s);                 // 54: 1 buy, 2 sell
char ord_type_code(order_type t);       // 40: 1 market, 2 limit
char time_in_force_code(time_in_force t); // 59: 1 GTC, 3 IOC, 4 FOK
std::optional<side> parse_side(const std::string& v);
std::optional<order_status> parse_ord_status(const std::string& v); // 39

// 35=D NewOrderSingle.
fix_message new_order_single(const order_request& req, timestamp_ns now);
// 35=F OrderCancelRequest: `cancel_id` names the cancel, `orig` the order.
fix_message order_cancel_request(const client_order_id& cancel_id, const client_order_id& orig,
                                 const symbol& sym, side s, timestamp_ns now);
// 35=G OrderCancelReplaceRequest: the replacement's id, price and total
// quantity (CumQty carries over: leaves = OrderQty - CumQty).
fix_message order_cancel_replace_request(const client_order_id& orig,
                                         const order_request& replacement, timestamp_ns now);
// 35=H OrderStatusRequest.
fix_message order_status_request(const client_order_id& id, const symbol& sym, side s);
// 35=q OrderMassCancelRequest: 530=1 for `sym`, 530=7 (all) without one.
fix_message order_mass_cancel_request(const client_order_id& id, const std::optional<symbol>& sym,
                                      timestamp_ns now);
// 35=AF OrderMassStatusRequest: 585=1 for `sym`, 585=7 (all) without one.
fix_message order_mass_status_request(const std::string& req_id, const std::optional<symbol>& sym);

// A 35=8 ExecutionReport, read.
struct fix_execution {
  client_order_id id;      // 11
  client_order_id orig_id; // 41 (replace, cancel)
  venue_order_id venue_id; // 37 (0 when "NONE")
  std::string exec_id;     // 17
  char exec_type = '0';    // 150
  order_status status = order_status::accepted; // 39
  bool rejected = false;   // 39=8
  symbol sym;
  side order_side = side::buy;
  qty order_qty;           // 38
  price limit_price;       // 44
  qty last_qty;            // 32
  price last_px;           // 31
  qty cum_qty;             // 14
  qty leaves_qty;          // 151
  std::string text;        // 58
  std::string ord_rej_reason; // 103
  std::string mass_status_req_id; // 584
  int tot_num_reports = -1;       // 911; -1 when absent
  bool last_rpt_requested = false; // 912=Y
  bool poss_dup = false;
  timestamp_ns transact_time;
};

connector::outcome<fix_execution> parse_execution_report(const fix_message& m);
// What the OMS hears of it: an execution_report, or for 150=8 an order_reject.
execution_report to_execution_report(const fix_execution& e, timestamp_ns now);
// The order as venue_order_state (reconciliation snapshots).
venue_order_state to_order_state(const fix_execution& e);

// A 35=r OrderMassCancelReport, read.
struct fix_mass_cancel_report {
  client_order_id id;              // 11: the request's id
  std::string response;            // 531: "0" rejected, else the request type
  int64_t total_affected = 0;      // 533
  std::string reject_reason;       // 532
  std::string text;                // 58
  bool rejected() const { return response == mass_cancel_rejected; }
};
connector::outcome<fix_mass_cancel_report> parse_mass_cancel_report(const fix_message& m);

// A 35=9 OrderCancelReject, read.
struct fix_cancel_reject {
  client_order_id id;      // 11: the cancel's id
  client_order_id orig_id; // 41: the order's
  std::string reason;      // 102
  std::string text;        // 58
  bool replace = false;    // 434=2 (a replace was refused)
};
connector::outcome<fix_cancel_reject> parse_cancel_reject(const fix_message& m);

} // namespace cwts::fix
