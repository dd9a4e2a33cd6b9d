#pragma once
// What one local actor says about resuming trading, asked by the kill
// coordinator before it votes on a reset (docs/kill-switch.md "Reset quorum").
// A typed answer, not a metric read by its name: renaming a counter can no
// longer turn a node's "no" into "yes" (issue 17 finding 11). The OMS's
// answer is also what /readyz's oms_reconciled and the supervisor's failover
// (waiting for the OMS to reconcile after a takeover) decide on.

#include <string>

#include "caf/meta/type_name.hpp"

namespace cwts {

struct reset_precondition {
  std::string actor; // the role that answered: oms, risk, validator, connector
  // The OMS: reconciled with the venue (its phase is running). Every other
  // actor answers true: it has nothing to reconcile.
  bool reconciled = true;
  // A kill trigger whose condition holds now (not the latch, which stays set
  // while halted): "pnl", "reject_rate", "var", "stale_data", "venue_lost";
  // empty when none.
  std::string breach{};
  // The OMS: positions unexplained after its rounds; only an operator's
  // signed accept-positions ends it (not a phase that settles by itself).
  bool unexplained = false;
  // The OMS: why it is not reconciled, for operators; empty when it is.
  std::string detail{};
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reset_precondition& x) {
  return f(caf::meta::type_name("reset_precondition"), x.actor, x.reconciled, x.breach,
           x.unexplained, x.detail);
}

} // namespace cwts
