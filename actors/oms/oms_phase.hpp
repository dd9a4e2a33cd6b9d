#pragma once
// The OMS's phase, node-wide, as a transition table (issue 26; CAF-free).
// The shell (oms_actor.cpp) runs one behaviour per phase and switches with
// `become` when this table says the phase changed; only `trading` routes new
// orders, the other phases answer an order with a typed refusal (its reject
// reason) and count it. Reports, cancels, kills and reconciliation are
// handled in every phase: they only settle state or lower risk.
//
//                 a venue reconciled (running)
//   reconciling ------------------------------> trading
//       ^  ^                                    |    ^
//       |  |         every venue left running   |    | lease held again
//       |  +------------------------------------+    | (at an order)
//       |                                       v    |
//       +--------------------------------- standby --+
//          every venue left running         ^
//                                           | lease not held at a send
//                                         trading
//
//   any phase --journal lost--> halted   (until the process restarts:
//                                         the journal cannot say where
//                                         orders and positions stand)
//
// Per venue, reconciliation keeps its own phases (reconciling, unexplained,
// running; a takeover's catch-up is a step of reconciling): an order for a
// venue still reconciling is refused not_reconciled even while the OMS
// trades on another venue. `trading` means "at least one venue routes".
//
// The lease is time-based (common/lease_gate.hpp): it ends without a
// message, so `standby` is entered when an order finds it not held, and
// left when an order finds it held again. The gate itself is asked at every
// send in every phase; the phase never admits what the gate refuses.

#include <cstdint>
#include <optional>

#include "messages/orders.hpp"

namespace cwts::oms {

enum class oms_phase : uint8_t { reconciling, trading, standby, halted };

inline constexpr size_t oms_phase_count = static_cast<size_t>(oms_phase::halted) + 1;

enum class phase_event : uint8_t {
  venue_running,  // a venue's reconciliation reached running (or an operator accepted it)
  venues_lost,    // no venue is running any more (connector restarts, unexplained positions)
  lease_lapsed,   // an order found the trading lease not held
  lease_held,     // an order found the trading lease held again
  journal_lost,   // the journal lost a state change (halt_trading)
};

const char* to_string(oms_phase p);
const char* to_string(phase_event e);

struct phase_step {
  oms_phase to = oms_phase::reconciling;
  bool changed = false;
};

// The table: where `event` moves an OMS in `from`. An event that does not
// apply in a phase leaves it there (changed false), never an error: the
// shell feeds what it observed, the table decides.
phase_step next_phase(oms_phase from, phase_event event);

// The reject reason of an order refused because of the phase; nothing in
// `trading` (the gate, the venue's reconciliation and the lease decide).
std::optional<reject_reason> refusal_of(oms_phase p);

// The phase and what it has seen: how many changes, and the orders each
// phase refused.
class phase_machine {
public:
  oms_phase current() const { return phase_; }
  // Applies `event`; the step says whether the phase changed.
  phase_step on(phase_event event);
  void count_refusal() { ++refused_[static_cast<size_t>(phase_)]; }
  int64_t refused(oms_phase p) const { return refused_[static_cast<size_t>(p)]; }
  int64_t changes() const { return changes_; }

private:
  oms_phase phase_ = oms_phase::reconciling;
  int64_t changes_ = 0;
  int64_t refused_[oms_phase_count] = {};
};

} // namespace cwts::oms
