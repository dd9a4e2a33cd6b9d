#pragma once
// Reconciliation with the venue after a start or a connector restart (issue
// 5; DESIGN.md oms). CAF-free: the OMS shell hands in its store, the venue's
// snapshot and its journal's baseline; it gets back what to apply.
//
// Orders (one pass):
//   journal live, venue open or ended  -> reports that bring the order to the
//                                         venue's state (fills as one
//                                         aggregate at the quote-weighted price)
//   journal live, venue "no such order" -> rejected: it never reached the venue
//   venue open, journal never had it    -> adopted (tracked, journaled, risk told)
//   journal pending_cancel, venue open  -> the cancel is sent again
// Positions: every base asset's holding must equal the baseline plus the
// journaled fills since; anything else is unexplained and keeps the node
// from trading until an operator decides ("a missing report is not flat").

#include <string>
#include <vector>

#include "actors/oms/order_journal.hpp"
#include "actors/oms/order_store.hpp"
#include "messages/reconciliation.hpp"

namespace cwts::oms {

// Strategy id given to orders adopted from the venue.
inline const strategy_id adopted_strategy{"adopted"};

// An order the venue knows and the OMS does not, as a record of strategy
// `adopted_strategy` (adopted at a reconciliation, recovered at a
// takeover): the venue's state, fills and average price; `at` is when it
// entered that state, `text` why it is here.
order_record venue_order_record(const venue_order_state& v, const venue_name& venue,
                                timestamp_ns at, std::string text);

struct reconciliation_plan {
  std::vector<execution_report> reports;
  std::vector<order_reject> never_reached;
  std::vector<order_record> adopted;
  std::vector<cancel_request> cancels_to_resend;
  // Live orders the snapshot says nothing about (a query failed): settled by
  // the next round.
  std::vector<client_order_id> unsettled;
  // Contradictions the OMS cannot settle by itself (the journal shows more
  // filled than the venue): logged, counted, and they keep the node halted.
  std::vector<std::string> contradictions;
};

// Only the live orders of snap.venue are planned: each venue reconciles its own.
reconciliation_plan plan_reconciliation(const order_store& store, const venue_snapshot& snap,
                                        timestamp_ns now);

struct position_difference {
  std::string asset;
  qty expected; // baseline + journaled fills
  qty actual;   // venue free + locked
};

struct position_check {
  std::vector<position_difference> unexplained;
  // Every base asset's holding as the venue showed it (a new baseline).
  std::vector<asset_balance> holdings;
  bool explained() const { return unexplained.empty(); }
  std::string summary() const; // "USD expected 10 actual 12.5; ..."
};

// `fills` are the journal's fills after baseline.event_seq. Differences up
// to `tolerance` (commission taken in the base asset) are explained.
position_check check_positions(const position_baseline& baseline,
                               const std::vector<journaled_fill>& fills,
                               const venue_snapshot& snap, qty tolerance);

} // namespace cwts::oms
