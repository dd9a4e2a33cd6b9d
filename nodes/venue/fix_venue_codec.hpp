#pragma once
// cwts-venue's side of FIX 4.4 (docs/fix.md): incoming order messages read
// into matching-engine requests, engine orders written as ExecutionReports.
// Pure functions; no QuickFIX, no sockets (unit-tested in tests/unit/fix).

#include <optional>
#include <string>
#include <variant>

#include "actors/fix/fix_message.hpp"
#include "actors/fix/fix_tags.hpp"
#include "venue/matching_engine.hpp"

namespace cwts::venue::fixv {

using fix::fix_message;

// Why a message is refused: FIX OrdRejReason (103) / CxlRejReason (102) / text.
struct fix_refusal {
  std::string reason_code = fix::reject_other;
  std::string text;
};

// 35=D NewOrderSingle (and the new order of a 35=G) for `account`.
std::variant<place_request, fix_refusal> read_new_order(const fix_message& m,
                                                        const std::string& account);

// 35=F / 35=H / 35=G: the order named by 41 (F, G) or 11 (H), and its symbol.
struct order_ref {
  std::string request_id;   // 11: the cancel's or replacement's id (H: the order's)
  std::string orig_id;      // 41 (F, G); equal to request_id for H
  symbol sym;
  order_side side = order_side::buy;
};
std::variant<order_ref, fix_refusal> read_order_ref(const fix_message& m);

// 35=q / 35=AF scope: one symbol (type 1) or all (type 7).
struct mass_scope {
  std::string request_id;       // 11 (q) or 584 (AF)
  std::string type;             // 530 / 585 as sent
  std::optional<symbol> sym;    // type 1 only
};
std::variant<mass_scope, fix_refusal> read_mass_scope(const fix_message& m);

// FIX OrdStatus (39) of an engine status.
char ord_status_code(order_status s);

// The fields of an ExecutionReport that depend on the event.
struct report_event {
  char exec_type = '0';       // 150
  std::string exec_id;        // 17
  std::string cl_ord_id;      // 11 (the order's, or the cancel's)
  std::string orig_cl_ord_id; // 41 (cancels, replaces)
  qty last_qty;               // 32 (trades)
  price last_px;              // 31
  qty cum_offset;             // CumQty carried over from a replaced order
  std::string text;           // 58
  std::string mass_status_req_id; // 584 (status reports of a 35=AF)
  int tot_num_reports = -1;       // 911
  bool last_rpt_requested = false; // 912
};
fix_message execution_report(const order& o, const report_event& ev, int64_t now_ms);
// A 35=8 that refuses an order (150=8, 39=8) or answers a status request for
// an unknown order (150=I, 39=8, 103=5): no engine order behind it.
fix_message reject_report(char exec_type, const std::string& cl_ord_id, const std::string& sym,
                          const std::string& side, const std::string& exec_id,
                          const fix_refusal& why, int64_t now_ms);
// The empty answer to a 35=AF: 911=0, 912=Y.
fix_message no_orders_report(const mass_scope& scope, const std::string& exec_id, int64_t now_ms);
// 35=9 OrderCancelReject (434=1 cancel, 2 replace).
fix_message cancel_reject(const order_ref& ref, bool replace, const fix_refusal& why);
// 35=r OrderMassCancelReport.
fix_message mass_cancel_report(const mass_scope& scope, const std::string& report_id,
                               int64_t affected, const std::optional<fix_refusal>& rejected);

// The engine's Binance-coded error as FIX reject text and reason.
fix_refusal refusal_of(const venue_error& e);

} // namespace cwts::venue::fixv
