#pragma once
// Strategy resync (issue 24; docs/risk-oms-strategy.md "Strategy resync").
// When its OMS or risk restarts or moves, the strategy asks the OMS it now
// reaches which orders of its own are live, and rebuilds its quotes from the
// answer instead of waiting for reports that the old OMS will never send.
//
//   strategy --open_orders_query{round, strategies, venues}--> oms
//   oms      --open_orders_answer{round, reconciled=false, detail}--> strategy
//            (not yet: the strategy asks again later, on a bounded schedule)
//   oms      --open_orders_answer{round, reconciled=true, orders}--> strategy
//
// The OMS answers with orders only once it has reconciled every venue asked
// about: before that its store may still hold orders the venue ended, or lack
// fills it missed while down, and a strategy rebuilt from it would be wrong.

#include <cstdint>
#include <string>
#include <vector>

#include "caf/meta/type_name.hpp"

#include "messages/ids.hpp"
#include "messages/reconciliation.hpp"

namespace cwts {

// At most this many strategies or venues in one query (far above the makers
// a node runs: one per venue and symbol); a longer one is refused with a
// reason, so an outsider cannot make one query cost the OMS more than a scan
// of its live orders with a lookup in a set of this size for each.
inline constexpr size_t open_orders_query_max_ids = 1024;

// Query: the live orders of `strategies` at `venues`.
struct open_orders_query {
  uint64_t round = 0; // echoed in the answer: a newer round supersedes an older one
  std::vector<strategy_id> strategies;
  std::vector<venue_name> venues; // each must be reconciled for a full answer
};

// Answer. `reconciled` false: not yet (or refused); `detail` says why and
// `orders` is empty. True: `orders` is every live order of the query's
// strategies at its venues, as the OMS holds them after reconciliation.
struct open_orders_answer {
  uint64_t round = 0;
  node_id oms_node; // the node whose OMS answered (logged by the strategy)
  bool reconciled = false;
  bool refused = false; // a bad query: asking again will not help
  std::string detail;
  std::vector<restored_order> orders;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, open_orders_query& x) {
  return f(caf::meta::type_name("open_orders_query"), x.round, x.strategies, x.venues);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, open_orders_answer& x) {
  return f(caf::meta::type_name("open_orders_answer"), x.round, x.oms_node, x.reconciled,
           x.refused, x.detail, x.orders);
}

} // namespace cwts
