#pragma once
// Binance Spot response shapes for orders (rest-api.md: "New order" ACK /
// RESULT / FULL, "Query order", "Cancel order"). Decimals are strings with
// 8 decimals, as Binance sends them.

#include <string_view>

#include "venue/json_writer.hpp"
#include "venue/order_types.hpp"

namespace cwts::venue {

enum class new_order_resp_type { ack, result, full };

void write_new_order(json_writer& w, const order& o, new_order_resp_type type,
                     std::string_view commission_asset);
void write_query_order(json_writer& w, const order& o);
// clientOrderId is the cancel's (order::cancel_client_order_id).
void write_cancel(json_writer& w, const order& o, int64_t now_ms);

} // namespace cwts::venue
