#include "venue/order_json.hpp"

namespace cwts::venue {

namespace {

const char* zero = "0.00000000";

void write_core(json_writer& w, const order& o) {
  w.field("price", o.px.to_string())
    .field("origQty", o.orig_qty.to_string())
    .field("executedQty", o.executed_qty.to_string())
    .field("origQuoteOrderQty", zero)
    .field("cummulativeQuoteQty", o.cummulative_quote_qty.to_string())
    .field("status", to_string(o.status))
    .field("timeInForce", to_string(o.tif))
    .field("type", to_string(o.type))
    .field("side", to_string(o.side));
}

} // namespace

void write_new_order(json_writer& w, const order& o, new_order_resp_type type,
                     std::string_view commission_asset) {
  w.begin_object()
    .field("symbol", o.sym.view())
    .field_num("orderId", o.order_id)
    .field_num("orderListId", -1)
    .field("clientOrderId", o.client_order_id)
    .field_num("transactTime", o.time_ms);
  if (type != new_order_resp_type::ack) {
    write_core(w, o);
    w.field_num("workingTime", o.time_ms).field("selfTradePreventionMode", to_string(o.stp));
  }
  if (type == new_order_resp_type::full) {
    // Commission is charged in the asset received (base for BUY, quote for SELL).
    w.key("fills").begin_array();
    for (auto& f : o.fills)
      w.begin_object()
        .field("price", f.px.to_string())
        .field("qty", f.quantity.to_string())
        .field("commission", f.commission.to_string())
        .field("commissionAsset", commission_asset)
        .field_num("tradeId", f.trade_id)
        .end_object();
    w.end_array();
  }
  w.end_object();
}

void write_query_order(json_writer& w, const order& o) {
  w.begin_object()
    .field("symbol", o.sym.view())
    .field_num("orderId", o.order_id)
    .field_num("orderListId", -1)
    .field("clientOrderId", o.client_order_id);
  write_core(w, o);
  w.field("stopPrice", zero)
    .field("icebergQty", zero)
    .field_num("time", o.time_ms)
    .field_num("updateTime", o.update_time_ms)
    .field_bool("isWorking", true)
    .field_num("workingTime", o.time_ms)
    .field("selfTradePreventionMode", to_string(o.stp))
    .end_object();
}

void write_cancel(json_writer& w, const order& o, int64_t now_ms) {
  w.begin_object()
    .field("symbol", o.sym.view())
    .field("origClientOrderId", o.client_order_id)
    .field_num("orderId", o.order_id)
    .field_num("orderListId", -1)
    .field("clientOrderId", o.cancel_client_order_id)
    .field_num("transactTime", now_ms);
  write_core(w, o);
  w.field("selfTradePreventionMode", to_string(o.stp)).end_object();
}

} // namespace cwts::venue
