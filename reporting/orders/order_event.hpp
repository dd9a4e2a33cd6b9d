#pragma once
// One order-lifecycle event as a regulator's record (issue 22, docs/reporting.md):
// modeled on FINRA CAT's order events (new, route, modification, cancel,
// trade) and MiFID II RTS 24's order record. Read from the OMS journals
// (journal_reader.hpp), merged across nodes (merge.hpp), written as CSV or
// JSONL (writers.hpp). CAF-free.
//
// Schema version rule: `order_event_schema` names the field list below. A
// field added at the end keeps the version's number only if every reader can
// ignore it; renaming, removing, reordering or changing a field's meaning
// bumps the version (v2), and the exporters print the version in every file.

#include <cstdint>
#include <string>

#include "messages/decimal.hpp"
#include "messages/ids.hpp"
#include "messages/orders.hpp"
#include "messages/time.hpp"

namespace cwts::report {

inline constexpr const char* order_event_schema = "cwts.order_event.v1";

// What happened to the order (CAT: MENO new, MEOA accepted, MEOR route,
// MEOM/MEMR modification, MECR/MEOC cancel, MEOF/MEOT fill).
enum class order_event_type : uint8_t {
  new_order,        // submitted by a strategy, journaled before it was sent
  replaced,         // the new order of an amend (cancel/replace); related_id = original
  accepted,         // the venue acknowledged it
  partially_filled, // a fill that leaves quantity open
  filled,           // the fill that completed it
  cancel_requested, // we asked the venue to cancel (strategy, kill or amend: initiator)
  canceled,         // the venue confirmed the cancel
  rejected,         // refused by us (rejected_by = "cwts", reject_rule) or by the venue
  expired,          // ended by its time in force
  // A node that took over the OMS found the order live at the venue and took
  // it into its own journal (initiator "reconciliation"): not a second new.
  // The order's new and its fills before the takeover are in the journal of
  // the node that sent it; the adoption's state row that follows carries
  // cum_qty (filled so far) and never a fill of its own.
  adopted,
  // N refusals of one rule for one strategy that risk did not forward one by
  // one (over its rate, actors/risk/reject_forwarding.hpp): `text` starts
  // with N and gives the first and last time; the fields are the last one's.
  rejects_suppressed,
};

const char* to_string(order_event_type t);

struct order_event {
  order_event_type type = order_event_type::new_order;
  // UTC ns since the epoch when the event happened, on `clock_source`'s clock.
  timestamp_ns event_time;
  // Whose clock: "oms_clock@<node>", "connector_clock@<node>" (a venue report:
  // the connector's ts_init), "system_realtime" in older schema-4 journals,
  // empty before schema 4 (docs/reporting.md).
  std::string clock_source;
  timestamp_ns venue_time;  // the venue's own time of a report (0: none)
  std::string node;         // the node that wrote the record (empty before schema 4)
  client_order_id id;
  venue_order_id venue_id;  // 0: the venue has not numbered it
  client_order_id related_id; // amend: the original of a replacement, or the replacement
  venue_name venue;
  symbol sym;
  side order_side = side::buy;
  order_type type_of_order = order_type::limit;
  time_in_force tif = time_in_force::gtc;
  price limit_price;
  qty quantity;
  qty fill_qty;   // this event's fill (zero unless a fill)
  price fill_price;
  qty cum_qty;    // filled so far, after this event
  account_id account;
  strategy_id strategy; // the algorithm that decided it
  operator_id issuer; // the operator where one acted: a signed command's issuer (a kill)
  // Who caused the event: "strategy", "venue", "risk", "oms", "kill", "amend".
  std::string initiator;
  std::string rejected_by; // "cwts" or "venue" for a rejected event, else empty
  std::string reject_rule; // reject_reason name (e.g. max_qty_exceeded) for our rejects
  std::string text;        // reason text: our reject's detail or the venue's message
  // Where it was read: the journal file and its row (events.seq or rejects.seq).
  std::string journal;
  std::string source; // "events" or "rejects"
  int64_t seq = 0;
};

// Exact duplicates (the same record read from two copies of a journal, e.g.
// an archived and a live file) compare equal; journal and seq are where it
// was read, not what it says, and are left out.
bool same_record(const order_event& a, const order_event& b);

} // namespace cwts::report
