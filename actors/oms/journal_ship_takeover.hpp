#pragma once
// After a takeover (issue 24, docs/reconciliation.md "Takeover from the
// truth"): does the journal the new active opened (its replica of the old
// active's) agree with the venue? CAF-free; the OMS shell asks it once per
// venue, at the first reconciliation round that settled every order.
//
//   replica incomplete (a gap it could not fill, another stream's history,
//   a batch that did not apply)                    -> mismatch
//   contradictions (the journal has an order ended that the venue shows open,
//   more filled than the venue)                    -> mismatch
//   positions: baseline + journaled fills (the old active's, the venue's
//   catch-up reports and adopted orders' fills) != venue holdings -> mismatch
//   otherwise                                      -> agree: trading resumes
//
// Orders the venue has and the journal lacked (sent by the old OMS in the
// last moment before its batch reached the replica) are adopted with their
// fills before this check: the venue is the truth for them, and the
// position check proves the result whole.

#include <cstdint>
#include <string>
#include <vector>

#include "actors/oms/reconciler.hpp"

namespace cwts::oms {

struct takeover_view {
  std::string from;               // the old active's node id
  std::string replica_incomplete; // ship_state::incomplete of the file opened
  int64_t adopted = 0;            // orders taken from the venue this round
  std::vector<std::string> contradictions;
  const position_check* positions = nullptr; // null: no journal to check against
};

struct takeover_verdict {
  bool agree = true;
  std::string difference; // "replica: ...; positions: USDT expected 10 actual 12; ..."
};

takeover_verdict judge_takeover(const takeover_view& v);

} // namespace cwts::oms
