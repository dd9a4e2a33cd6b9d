#pragma once
// OKX v5 error codes (as OKX publishes them and ccxt's okx `exceptions` map
// them) and the envelope every reply travels in:
//   {"code":"0","msg":"","data":[...]}
// A failed call carries its code and message with "data":[]; batch calls
// answer "0" (all succeeded), "1" (all failed) or "2" (partially) with each
// order's own sCode/sMsg in data.

#include <string>

namespace cwts::venue {

struct okx_error {
  int code = 0;
  std::string msg;
  int http_status = 400; // OKX: 401 for auth, 429 rate limit, 503 unavailable
};

namespace okx_code {
inline constexpr int ok = 0;
inline constexpr int all_failed = 1;       // "All operations failed"
inline constexpr int partial = 2;          // "Batch operation partially succeeded"
inline constexpr int service_unavailable = 50001;
inline constexpr int json_error = 50002;   // "Json data format error"
inline constexpr int rate_limit = 50011;   // "Too Many Requests" (HTTP 429)
inline constexpr int param_empty = 50014;  // "Parameter {0} can not be empty"
inline constexpr int either_param = 50015; // "Either parameter {0} or {1} is required"
inline constexpr int timestamp_expired = 50102;
inline constexpr int key_empty = 50103;
inline constexpr int passphrase_empty = 50104;
inline constexpr int passphrase_wrong = 50105;
inline constexpr int sign_empty = 50106;
inline constexpr int timestamp_empty = 50107;
inline constexpr int key_invalid = 50111;
inline constexpr int timestamp_invalid = 50112;
inline constexpr int sign_invalid = 50113;
inline constexpr int param_error = 51000;  // "Parameter {0} error"
inline constexpr int inst_unknown = 51001; // "Instrument ID does not exist"
inline constexpr int price_limit = 51006;  // "Order price is not within the price limit"
inline constexpr int insufficient = 51008; // "Order failed. Insufficient balance"
inline constexpr int dup_cl_ord_id = 51016;
inline constexpr int below_min = 51020;    // "Order amount should be greater than the min available amount"
inline constexpr int too_many_open = 51025; // "Order count exceeds the limit"
inline constexpr int batch_too_big = 51111; // "Maximum {0} orders can be placed in bulk"
inline constexpr int lot_multiple = 51121;  // "Order count should be the integer multiples of the lot size"
inline constexpr int max_size = 51202;      // "Order amount exceeds the max amount"
inline constexpr int cancel_unknown = 51400;
inline constexpr int cancel_canceled = 51401;
inline constexpr int cancel_completed = 51402;
inline constexpr int cancel_need_id = 51407; // "Either order ID or client order ID is required"
inline constexpr int amend_unknown = 51503;
inline constexpr int amend_unsupported = 51506; // "Order modification unavailable for the order type"
inline constexpr int amend_canceled = 51509;
inline constexpr int amend_completed = 51510;
inline constexpr int order_unknown = 51603; // "Order does not exist"
} // namespace okx_code

inline okx_error okx_param_error(const std::string& name, const std::string& why = {}) {
  return {okx_code::param_error, "Parameter " + name + " error" + (why.empty() ? "" : ": " + why),
          400};
}
inline okx_error okx_param_empty(const std::string& name) {
  return {okx_code::param_empty, "Parameter " + name + " can not be empty.", 400};
}
inline okx_error okx_rate_limited() {
  return {okx_code::rate_limit, "Too Many Requests", 429};
}

} // namespace cwts::venue
