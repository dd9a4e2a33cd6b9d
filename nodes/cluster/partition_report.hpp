#pragma once
// What a partition drill proves, computed from evidence the nodes cannot
// bend (issue 24, docs/partitions.md "The report"): the venue's own order
// log (venue/order_log.hpp: every order op with the connection's remote
// address) tells whose orders reached the account and when; the nodes' logs
// tell when each one's trading lease ended (event=lease_lost /
// lease_renew_failed carry held_until_ns, the end of the lease on the
// monotonic clock, the instant the node's gate closed) and the drill's own
// record of when it cut and healed the links.
//
// CAF-free and file-free: the drill (partition_drill.cpp) reads the files and
// the lease state each node reports at the end; this computes.
//
// "Overlap" is defined on the venue's log alone: orders (new, amend) of the
// account in the order the venue received them. The first sender is the
// holder; an order from another node makes that node the holder (a
// handover) and the one before it is *succeeded*. Every later order from a
// succeeded node is an overlap order: two nodes traded the account, the old
// one after the new one had started. A drill passes only with none. (A node
// that legitimately got the lease back after its successor lost it would be
// counted too; no drill scenario hands the lease back.)

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace cwts::cluster {

// One line of the venue's order log (docs/venue.md "Order log").
struct venue_order_op {
  int64_t ts_ns = 0;         // wall clock, when the venue received it
  std::string account;
  std::string protocol;      // "internal": a venue timer, nobody's order
  std::string remote;        // "address:port"
  std::string action;        // new, amend, cancel, cancel_all
  std::string client_order_id;
  std::string outcome;       // accepted, refused

  bool is_order() const { return action == "new" || action == "amend"; }
  bool is_cancel() const { return action == "cancel" || action == "cancel_all"; }
  // The address part of remote ("10.99.0.11:40312" -> "10.99.0.11").
  std::string address() const;
};

// nullopt with `error` (the reason) for a line that is not an order record.
std::optional<venue_order_op> parse_order_log_line(const std::string& line, std::string& error);

// One `event=` line of a node's log:
//   2026-12-07T01:15:57.123Z warning event=lease_lost node=a1 role=oms epoch=3 ...
struct node_log_event {
  int64_t wall_ns = 0;       // the line's UTC timestamp (ms precision)
  std::string name;          // lease_lost
  std::map<std::string, std::string> fields; // node=a1, reason=... (quotes removed)

  std::string field(const std::string& key) const;
  // The field as an integer; nullopt when missing or not a number.
  std::optional<int64_t> number(const std::string& key) const;
};

// nullopt for a line without a timestamp and an event= key.
std::optional<node_log_event> parse_node_log_line(const std::string& line);

// "2026-12-07T01:15:57.123Z" -> ns since the epoch; nullopt when malformed.
std::optional<int64_t> parse_utc_timestamp(const std::string& text);

// What the drill did and saw, in one scenario.
struct partition_run {
  std::string scenario;
  std::string account;          // the venue account the cluster trades
  std::string old_holder;       // the node trading when the links were cut
  int64_t lease_duration_ms = 900; // [lease] duration-ms of the cluster
  int64_t cut_wall_ns = 0;      // the first cut, in place (wall clock)
  int64_t cut_mono_ns = 0;      //   the same instant, monotonic (the nodes' held_until_ns)
  int64_t cut_began_wall_ns = 0; // when its links began to be blocked; 0: as cut_wall_ns
  int64_t heal_wall_ns = 0;     // the last heal; 0: never healed
  // Every cut of a flapping link (the first one included), in order: a
  // gate closure is timed from the last cut before it.
  struct cut_time {
    int64_t wall_ns = 0;
    int64_t mono_ns = 0;
  };
  std::vector<cut_time> cuts;
  std::map<std::string, std::string> node_of_address; // "10.99.0.11" -> "a1"
  std::vector<venue_order_op> orders;                  // the venue's log, in file order
  std::map<std::string, std::vector<node_log_event>> events; // node -> its events, in order
  // At the end, after the heal: each node's lease of role "oms" as it
  // reports it (/api/actors/lease held.oms).
  std::map<std::string, bool> holds_at_end;
};

struct partition_result {
  std::string scenario;
  std::string old_holder;
  // When the old holder's last trading gate closed, ms after the (last) cut: the
  // latest held_until_ns of its lease_lost events after the cut (every
  // leased role it held), or the time of a lease_released (roles given back)
  // when that came first; only closures before the heal count (a shutdown
  // releases too). nullopt: it kept the lease while cut.
  std::optional<int64_t> gate_closed_after_cut_ms;
  std::string gate_closed_how;  // which event said so
  // The old holder's last order at the venue after the cut and before the
  // heal (ms after the cut).
  std::optional<int64_t> old_holder_last_order_after_cut_ms;
  // The first order at the venue after the cut from another node.
  std::string new_holder;
  std::optional<int64_t> new_holder_traded_after_cut_ms;
  int handovers = 0;            // sender changes in the venue's log, whole run
  std::map<std::string, int64_t> orders_after_cut;      // node -> orders after the cut
  std::map<std::string, int64_t> orders_while_cut;      // node -> orders between cut and heal
  std::map<std::string, int64_t> overlap_orders;        // node -> overlap orders (must be 0)
  std::string first_overlap;    // the first one, in words
  // Cancels at the venue from a succeeded node after its successor's first
  // order (a halting node's cancel-all reaches the successor's orders too).
  std::map<std::string, int64_t> cancels_after_succeeded;
  // Of those, cancels of another node's orders (its client order ids start
  // "<node>-"): the old holder acting on its successor's orders.
  std::map<std::string, int64_t> cancels_of_others;
  std::string first_cancel_of_other; // the first one, in words
  int64_t unknown_sender_orders = 0; // orders from an address that is no node's
  std::vector<std::string> holders_at_end; // nodes holding the oms lease after the heal
  int64_t order_lines = 0;      // the account's order lines read
  std::vector<std::string> notes; // lines the analysis could not use, and why

  int64_t overlap_total() const;
};

partition_result analyse_partition(const partition_run& run);

std::string to_json(const partition_result& r);
void print(const partition_result& r, std::ostream& out);

} // namespace cwts::cluster
