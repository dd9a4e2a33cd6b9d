#pragma once
// The OMS's side of the trading lease (issue 24; common/lease_gate.hpp,
// docs/risk-oms-strategy.md "Trading lease"), CAF-free: at the moment an
// order (or an amend's replacement) leaves for its connector, the node must
// hold the lease of role "oms"; the order then carries the lease's epoch so
// that a connector can refuse what an older holder still sends. Cancels are
// not asked: they only lower risk, and a kill must be able to cancel on a
// node that has lost its lease.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/lease_gate.hpp"

namespace cwts::oms {

// The role whose lease lets an OMS send orders.
inline constexpr std::string_view lease_role = "oms";

struct lease_stamp {
  bool held = false;  // the order may go out
  int64_t epoch = 0;  // to stamp on it (0: the role is not leased here)
  std::string why;    // when not held: what the operator reads in the reject
};

// Asks `gate` (null: not leased) for the "oms" lease at `now_ns` (monotonic).
// Allocates only to explain a refusal.
lease_stamp stamp_lease(const lease_gate* gate, int64_t now_ns);

// Asks again as an order that was checked at epoch `checked` actually
// leaves. With group commit the first check runs before the submission's
// journal batch, and the order leaves only once that batch is committed: an
// fsync under load can take far longer than the lease's drift margin, long
// enough for the lease to end and another node to take it. Held only when
// the lease is held now at the same epoch (a different one means this node
// lost it in between, and another node may have held it since).
lease_stamp stamp_lease_again(const lease_gate* gate, int64_t now_ns, int64_t checked);

} // namespace cwts::oms
