#pragma once
// The OMS shell's handler of the strategy's resync query (issue 24):
// open_orders_query -> open_orders_answer (actors/oms/open_orders_query.hpp).

#include "actors/oms/oms_shell.hpp"
#include "messages/open_orders_query.hpp"

namespace cwts::oms_shell {

// Answers from this OMS's reconciliation phases and live orders. A refused
// (malformed) query is counted (stats refused_remote.open_orders_query) and
// logged once.
open_orders_answer on_open_orders_query(oms_ptr self, const open_orders_query& q);

} // namespace cwts::oms_shell
