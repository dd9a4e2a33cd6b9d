#pragma once
// A takeover's catch-up from the venue (issue 24, partition drill finding 1;
// docs/reconciliation.md "Takeover from the truth"). CAF-free.
//
// The old active keeps trading for up to the lease bound after its journal
// stopped reaching the standby (a cut link). The orders it sent and the
// fills it got in that time are at the venue but not in the replica; the
// reconciler only sees the ones still open. The new active therefore reads
// the account's recent order history (a window from the journal's last
// event minus a margin, one bounded page) and recovers every order the
// journal lacks, each with the venue's executed quantity, quote-weighted
// price and time, before the position check.
//
//   history order, open at the venue          -> skipped (the reconciler adopts it)
//   journal has it live                       -> skipped (the reconciler catches it up)
//   store has it ended, venue filled no more   -> skipped (agrees)
//   store has it ended, venue filled more      -> contradiction (halts, as today)
//   journal has it ended (not loaded)          -> skipped (its fills are journaled;
//                                                 the position check proves them)
//   journal lacks it, still open at the venue   -> skipped (the next round's open list
//                                                 adopts it)
//   journal lacks it, updated inside the window -> recovered (journaled as adopted,
//                                                 its fill counted)
//   journal lacks it, older than the window    -> skipped (the baseline holds it)

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "actors/oms/order_record.hpp"
#include "actors/oms/order_store.hpp"
#include "messages/reconciliation.hpp"

namespace cwts::oms {

struct catch_up_limits {
  int64_t margin_ns = 60'000'000'000; // before the journal's last event: clock skew, lag
  int32_t page = 500;                 // orders per symbol asked for (Binance allows 1000)
};

// The history window: from the journal's last event (or the baseline, when
// later: the baseline holds every fill before it) minus the margin.
timestamp_ns catch_up_since(timestamp_ns last_journal_event, timestamp_ns baseline_at,
                            const catch_up_limits& limits);

struct catch_up_plan {
  std::vector<order_record> recovered; // in the venue's update order
  int64_t recovered_fills = 0;         // recovered orders with an executed quantity
  std::vector<std::string> contradictions;
  bool page_full = false; // a symbol's page was full: older orders of the window may be missing
};

// `history`: the account's orders as the venue's order query returned them
// (any symbols), `open`: the snapshot's open list, `page`: the page size
// asked, `journaled`: whether the journal holds an order the store lacks
// (a restart loads only live orders into the store).
using journaled_fn = std::function<bool(const client_order_id&)>;
catch_up_plan plan_catch_up(const order_store& store, const journaled_fn& journaled,
                            const std::vector<venue_order_state>& history,
                            const std::vector<venue_order_state>& open, const venue_name& venue,
                            timestamp_ns since, int32_t page);

} // namespace cwts::oms
