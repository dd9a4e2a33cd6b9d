#pragma once
// The OMS's answer to a strategy's resync query (messages/open_orders_query.hpp;
// issue 24, docs/risk-oms-strategy.md "Strategy resync"). CAF-free: the
// shell (oms_open_orders_query.cpp) passes in what each venue's
// reconciliation says and the live orders of its store.

#include <map>
#include <string>
#include <vector>

#include "messages/open_orders_query.hpp"

namespace cwts::oms {

// Why a query is refused (too many ids, none at all), or empty when it is
// well formed. A refused query gets no orders and should not be asked again.
std::string open_orders_query_refusal(const open_orders_query& q);

// `not_ready`: each venue the OMS is not reconciled with, and why (a venue
// it has no link to at all is not ready either: "no connector yet").
// `known`: the venues the OMS has a link to. `cannot_send`: why the OMS
// cannot send an order now at all (no trading lease), empty when it can.
// `live`: every live order. The answer is "not yet" while any asked venue
// is not ready or nothing can be sent (a strategy quoting then only collects
// refusals); otherwise it lists the live orders of the asked strategies at
// the asked venues.
open_orders_answer answer_open_orders(const open_orders_query& q, const node_id& self,
                                      const std::vector<venue_name>& known,
                                      const std::map<venue_name, std::string>& not_ready,
                                      const std::string& cannot_send,
                                      const std::vector<restored_order>& live);

} // namespace cwts::oms
