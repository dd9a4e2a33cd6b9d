#pragma once
// The Kraken WebSocket v2 order methods ("Spot Websockets (v2) > Trading"),
// without sockets, over kraken_trade (the code REST's AddOrder, AmendOrder,
// CancelOrder, CancelAll and CancelAllOrdersAfter run, so both validate,
// rate-limit and answer alike; errors are REST's strings):
//   add_order   order_type limit|market, side, order_qty, symbol,
//               limit_price, time_in_force gtc|ioc, post_only, cl_ord_id,
//               order_userref, validate
//               -> {"order_id","cl_ord_id"?,"order_userref"?}
//   amend_order order_id or cl_ord_id, order_qty and/or limit_price, post_only
//               -> {"amend_id","order_id","cl_ord_id"?}
//   cancel_order order_id: [...], cl_ord_id: [...], order_userref: [...]
//               -> one reply per element: {"order_id"} / {"cl_ord_id"}
//   cancel_all  -> {"count":N}
//   cancel_all_orders_after timeout (s, 0 disarms)
//               -> {"currentTime","triggerTime"} (RFC 3339; "0" disarmed)
// Deviations, documented: time_in_force gtd is refused (use REST AddOrder
// with expiretm); triggers, iceberg and margin params are refused as
// unknown order types. ws-api-unavailable answers "EService:Unavailable"
// (the method still runs when unavailable-executes is set).

#include <string>
#include <string_view>
#include <vector>

#include "venue/fault_plan.hpp"
#include "venue/kraken/kraken_trade.hpp"
#include "venue/kraken/kraken_ws_protocol.hpp"

namespace cwts::venue::kraken {

class ws_order_methods : public order_methods {
public:
  ws_order_methods(kraken_trade& trade, fault_plan& faults) : trade_(trade), faults_(faults) {}

  bool handles(std::string_view method) const override;
  void run(const request_meta& m, const json_value& params, const std::string& account,
           std::vector<std::string>& replies) override;

private:
  void add_order(const request_meta& m, const json_value& p, const std::string& account,
                 std::vector<std::string>& replies);
  void amend_order(const request_meta& m, const json_value& p, const std::string& account,
                   std::vector<std::string>& replies);
  void cancel_order(const request_meta& m, const json_value& p, const std::string& account,
                    std::vector<std::string>& replies);
  void cancel_all_after(const request_meta& m, const json_value& p, const std::string& account,
                        std::vector<std::string>& replies);
  // An argument error, counted as the REST side counts it.
  std::string refuse(const request_meta& m, const kraken_error& e);

  kraken_trade& trade_;
  fault_plan& faults_;
};

} // namespace cwts::venue::kraken
