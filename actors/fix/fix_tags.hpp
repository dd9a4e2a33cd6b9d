#pragma once
// FIX 4.4 tag numbers and enumerated values this project uses (docs/fix.md
// lists them with the messages that carry them). C++14-clean.

namespace cwts {
namespace fix {
namespace tag {
constexpr int avg_px = 6;
constexpr int cl_ord_id = 11;
constexpr int cum_qty = 14;
constexpr int exec_id = 17;
constexpr int last_px = 31;
constexpr int last_qty = 32;
constexpr int order_id = 37;
constexpr int order_qty = 38;
constexpr int ord_status = 39;
constexpr int ord_type = 40;
constexpr int orig_cl_ord_id = 41;
constexpr int price = 44;
constexpr int ref_seq_num = 45;
constexpr int side = 54;
constexpr int symbol = 55;
constexpr int text = 58;
constexpr int time_in_force = 59;
constexpr int transact_time = 60;
constexpr int cxl_rej_reason = 102;
constexpr int ord_rej_reason = 103;
constexpr int exec_type = 150;
constexpr int leaves_qty = 151;
constexpr int cxl_rej_response_to = 434;
constexpr int mass_cancel_request_type = 530;
constexpr int mass_cancel_response = 531;
constexpr int mass_cancel_reject_reason = 532;
constexpr int total_affected_orders = 533;
constexpr int mass_status_req_id = 584;
constexpr int mass_status_req_type = 585;
constexpr int tot_num_reports = 911;
constexpr int last_rpt_requested = 912;
} // namespace tag

namespace msg {
constexpr const char* execution_report = "8";
constexpr const char* order_cancel_reject = "9";
constexpr const char* new_order_single = "D";
constexpr const char* order_cancel_request = "F";
constexpr const char* order_cancel_replace_request = "G";
constexpr const char* order_status_request = "H";
constexpr const char* order_mass_cancel_request = "q";
constexpr const char* order_mass_cancel_report = "r";
constexpr const char* order_mass_status_request = "AF";
constexpr const char* business_message_reject = "j";
} // namespace msg

// MassCancelRequestType (530) / MassStatusReqType (585).
constexpr const char* mass_by_symbol = "1";
constexpr const char* mass_all = "7";
// MassCancelResponse (531): 0 rejected; otherwise echoes the request type.
constexpr const char* mass_cancel_rejected = "0";
// OrdRejReason (103) / CxlRejReason (102).
constexpr const char* reject_unknown_order = "5";   // 103=5 "Unknown order"
constexpr const char* reject_other = "99";
constexpr const char* cxl_reject_unknown_order = "1"; // 102=1 "Unknown order"
} // namespace fix
} // namespace cwts
