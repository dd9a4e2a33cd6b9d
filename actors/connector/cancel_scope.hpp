#pragma once
// Whose orders a level-2 kill's cancel-all may cancel (issue 24, partition
// drill finding 2; docs/connector.md "Kill switch: whose orders"), CAF-free.
//
// The venue account belongs to the trading-lease holder. A node cut off
// from the quorum loses its lease, a standby takes over on the same account,
// and the cut node then halts on quorum loss (level 2): the account-wide
// cancel-all (Binance DELETE /api/v3/openOrders) would cancel the new
// holder's orders. So a node whose connector role is leased but which does
// not hold it now, or which sees a newer holder through the fence, cancels
// only the orders it placed itself, one by one, by id (scoped). A role not
// leased (a single node) or a lease held now: the account-wide cancel-all,
// unchanged, since the kill switch must really stop trading.
//
// 2|2 split (nobody holds): the node is not the holder, so it cancels its
// own orders, which are all that can be open (nobody else trades).

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/lease_gate.hpp"

namespace cwts::connector {

struct cancel_scope {
  bool scoped = false;     // only this node's own orders, never account-wide
  bool lease_held = false; // the connector role's lease at the moment of the kill
  int64_t held_epoch = 0;  // this node's epoch of the connector role (0: none now)
  int64_t newer_epoch = 0; // a newer holder's epoch the fence shows (0: none)
  std::string reason;      // why scoped ("" when not); newer_epoch says which holder
};

// `role`: the connector's ("connector.<venue>"); `oms_role`: the role whose
// epochs orders carry; `oms_seen`: the highest "oms" epoch an order of this
// node brought through the connector (order_fence::highest_seen). `gate`
// null: nothing is leased.
inline cancel_scope decide_cancel_scope(const lease_gate* gate, std::string_view role,
                                        std::string_view oms_role, int64_t oms_seen,
                                        int64_t now_ns) {
  cancel_scope out;
  if (gate == nullptr || !gate->leased(role)) {
    out.lease_held = true; // not leased: the account is this node's alone
    return out;
  }
  auto held = gate->check(role, now_ns);
  out.lease_held = held.has_value();
  out.held_epoch = held.value_or(0);
  // A newer grant of the connector role than the one held, or of "oms"
  // than any this node held or sent orders under: someone else holds now.
  int64_t own_oms = std::max(gate->held_epoch(oms_role), oms_seen);
  if (held && gate->fence(role) > *held)
    out.newer_epoch = gate->fence(role);
  else if (gate->leased(oms_role) && own_oms > 0 && gate->fence(oms_role) > own_oms)
    out.newer_epoch = gate->fence(oms_role);
  out.scoped = !held || out.newer_epoch > 0;
  if (out.scoped)
    out.reason = "not the lease holder";
  return out;
}

} // namespace cwts::connector
