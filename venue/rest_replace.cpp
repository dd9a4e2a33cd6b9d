// POST /api/v3/order/cancelReplace (rest-api.md "Cancel an Existing Order and
// Send a New Order"): cancels an open order and places a new one on the same
// symbol in one request. The new order is validated (parameters, ORDERS
// count) before anything happens; then
//   cancel ok, new ok           -> 200 {cancelResult SUCCESS, newOrderResult SUCCESS, ...}
//   cancel fails, STOP_ON_FAILURE -> 400 -2022 data {FAILURE, NOT_ATTEMPTED}
//   cancel fails, ALLOW_FAILURE -> the new order is still placed: 409 -2021
//                                  (new ok) or 400 -2022 (new fails too)
//   cancel ok, new fails        -> 409 -2021 data {SUCCESS, FAILURE}
// (errors.md -2021 "Order cancel-replace partially failed.", -2022 "Order
// cancel-replace failed."; nested cancelResponse/newOrderResponse carry the
// step's own {"code","msg"}).
#include "messages/ids.hpp"
#include "venue/json_writer.hpp"
#include "venue/rest_api.hpp"
#include "venue/rest_params.hpp"

namespace cwts::venue {

namespace {

std::string error_json(const venue_error& e) {
  json_writer w;
  w.begin_object().field_num("code", e.code).field("msg", e.msg).end_object();
  return w.take();
}

struct step {
  bool ok = false;
  bool attempted = false;
  std::string json; // the step's reply or its {"code","msg"}
};

const char* result_name(const step& s) {
  if (!s.attempted) return "NOT_ATTEMPTED";
  return s.ok ? "SUCCESS" : "FAILURE";
}

} // namespace

http_reply rest_api::cancel_replace(const request_params& p, const std::string& account,
                                    int64_t now) {
  if (auto e = check_unread(p, {"symbol", "side", "type", "cancelReplaceMode", "timeInForce",
                                "quantity", "price", "cancelNewClientOrderId",
                                "cancelOrigClientOrderId", "cancelOrderId", "newClientOrderId",
                                "newOrderRespType", "selfTradePreventionMode",
                                "cancelRestrictions", "orderRateLimitExceededMode"}))
    return error(*e);
  auto mode = p.get("cancelReplaceMode");
  if (!mode || mode->empty()) return error(missing_param("cancelReplaceMode"));
  if (*mode != "STOP_ON_FAILURE" && *mode != "ALLOW_FAILURE")
    return error(illegal_param("cancelReplaceMode", "STOP_ON_FAILURE, ALLOW_FAILURE"));
  bool allow_failure = *mode == "ALLOW_FAILURE";
  auto restriction = p.get("cancelRestrictions");
  if (restriction && *restriction != "ONLY_NEW" && *restriction != "ONLY_PARTIALLY_FILLED")
    return error(illegal_param("cancelRestrictions", "ONLY_NEW, ONLY_PARTIALLY_FILLED"));
  auto rate_mode = p.get("orderRateLimitExceededMode");
  if (rate_mode && *rate_mode != "DO_NOTHING" && *rate_mode != "CANCEL_ONLY")
    return error(illegal_param("orderRateLimitExceededMode", "DO_NOTHING, CANCEL_ONLY"));
  order_key key;
  auto cancel_id = read_id(p, "cancelOrderId");
  if (auto e = std::get_if<venue_error>(&cancel_id)) return error(*e);
  key.order_id = std::get<std::optional<int64_t>>(cancel_id);
  if (auto coid = p.get("cancelOrigClientOrderId")) key.orig_client_order_id = *coid;
  if (!key.order_id && key.orig_client_order_id.empty())
    return error(venue_error{-1102, "Param 'cancelOrigClientOrderId' or 'cancelOrderId' must be "
                                    "sent, but both were empty/null!", 400});
  std::string cancel_client_id;
  if (auto id = p.get("cancelNewClientOrderId")) {
    if (!is_valid_client_order_id(*id))
      return error(illegal_param("cancelNewClientOrderId", "^[a-zA-Z0-9-_]{1,36}$"));
    cancel_client_id = *id;
  }
  auto read = read_new_order(p, account);
  if (auto e = std::get_if<venue_error>(&read)) return error(*e);
  auto& next = std::get<new_order_request>(read);
  // "A new order that was not attempted ... will still increase the unfilled
  // order count by 1": counted up front. Over the limit nothing happens,
  // unless orderRateLimitExceededMode=CANCEL_ONLY asks for the cancel alone.
  auto over_limit = orders_.charge(account, now);
  if (over_limit && !(rate_mode && *rate_mode == "CANCEL_ONLY"))
    return with_order_counts(error(*over_limit), account, now);

  step cancel{false, true, {}};
  auto existing = engine_.query(account, next.req.sym, key);
  auto* current = std::get_if<order>(&existing);
  bool restricted = current && restriction
                    && !((*restriction == "ONLY_NEW" && current->status == order_status::new_order)
                         || (*restriction == "ONLY_PARTIALLY_FILLED"
                             && current->status == order_status::partially_filled));
  if (restricted) {
    cancel.json = error_json({-2011, "Order was not canceled due to cancel restrictions.", 400});
  } else {
    auto done = engine_.cancel(account, next.req.sym, key, now, cancel_client_id);
    if (auto e = std::get_if<venue_error>(&done)) {
      cancel.json = error_json(*e);
    } else {
      json_writer w;
      write_cancel(w, std::get<order>(done), now);
      cancel = {true, true, w.take()};
    }
  }
  step placed{false, false, "null"};
  if (over_limit) {
    placed = {false, true, error_json(*over_limit)};
  } else if (cancel.ok || allow_failure) {
    auto result = place_new_order(next, now);
    if (auto e = std::get_if<venue_error>(&result)) placed = {false, true, error_json(*e)};
    else placed = {true, true, std::get<std::string>(result)};
  }
  json_writer data;
  data.begin_object().field("cancelResult", result_name(cancel))
    .field("newOrderResult", result_name(placed))
    .key("cancelResponse").raw(cancel.json).key("newOrderResponse").raw(placed.json)
    .end_object();
  if (cancel.ok && placed.ok) return with_order_counts({200, data.take(), {}}, account, now);
  bool partial = cancel.ok || placed.ok;
  venue_error e = partial ? venue_error{-2021, "Order cancel-replace partially failed.", 409}
                          : venue_error{-2022, "Order cancel-replace failed.", 400};
  stats_.count_reject(e.code);
  json_writer w;
  w.begin_object().field_num("code", e.code).field("msg", e.msg).key("data").raw(data.take())
    .end_object();
  return with_order_counts({e.http_status, w.take(), {}}, account, now);
}

http_reply rest_api::amend_keep_priority(const request_params& p, const std::string& account,
                                         int64_t now) {
  if (auto e = check_unread(p, {"symbol", "orderId", "origClientOrderId", "newClientOrderId",
                                "newQty"}))
    return error(*e);
  auto sym = read_symbol(p, engine_);
  if (auto e = std::get_if<venue_error>(&sym)) return error(*e);
  order_key key;
  auto id = read_id(p, "orderId");
  if (auto e = std::get_if<venue_error>(&id)) return error(*e);
  key.order_id = std::get<std::optional<int64_t>>(id);
  if (auto coid = p.get("origClientOrderId")) key.orig_client_order_id = *coid;
  if (!key.order_id && key.orig_client_order_id.empty())
    return error(venue_error{-1102, "Param 'origClientOrderId' or 'orderId' must be sent, but "
                                    "both were empty/null!", 400});
  std::string renamed;
  if (auto coid = p.get("newClientOrderId")) {
    if (!is_valid_client_order_id(*coid))
      return error(illegal_param("newClientOrderId", "^[a-zA-Z0-9-_]{1,36}$"));
    renamed = *coid;
  }
  auto text = p.get("newQty");
  if (!text || text->empty()) return error(missing_param("newQty"));
  auto new_qty = qty::parse(*text);
  if (!new_qty || !new_qty->is_positive())
    return error(illegal_param("newQty", "^([0-9]{1,20})(\\.[0-9]{1,20})?$"));
  auto done = engine_.amend_quantity(account, std::get<symbol>(sym), key, *new_qty, renamed, now);
  if (auto e = std::get_if<venue_error>(&done)) return error(*e);
  auto& o = std::get<order>(done);
  // rest-api.md "Order Amend Keep Priority" response (a single order).
  json_writer w;
  w.begin_object().field_num("transactTime", now).field_num("executionId", ++amend_executions_)
    .key("amendedOrder").begin_object()
    .field("symbol", o.sym.view()).field_num("orderId", o.order_id).field_num("orderListId", -1)
    .field("origClientOrderId", o.pre_amend_client_order_id)
    .field("clientOrderId", o.client_order_id).field("price", o.px.to_string())
    .field("qty", o.orig_qty.to_string()).field("executedQty", o.executed_qty.to_string())
    .field("preventedQty", qty{}.to_string()).field("quoteOrderQty", qty{}.to_string())
    .field("cumulativeQuoteQty", o.cummulative_quote_qty.to_string())
    .field("status", to_string(o.status)).field("timeInForce", to_string(o.tif))
    .field("type", to_string(o.type)).field("side", to_string(o.side))
    .field_num("workingTime", o.time_ms).field("selfTradePreventionMode", to_string(o.stp))
    .end_object().end_object();
  return {200, w.take(), {}};
}

} // namespace cwts::venue
