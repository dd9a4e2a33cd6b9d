#pragma once
// The supervisor's failover decisions (docs/supervision.md "Failover to a
// standby node", "Trading lease"), without actors: given plain facts the
// shell gathered (is the lease on, does this node stand by or hold the
// roles, the lease actor's view, the node's gate level, what it logged
// last), what to do. The shell (supervisor_failover.cpp) only gathers,
// asks, and acts: sends, logs, counts, starts and stops children.
//
//   standby ──tracker says take over──> lease on?  yes: ask the lease (arm)
//                                                  no:  take over
//   standby, lease view: all held, gate open ──> take over
//                        all held, gate closed ──> hand the lease back, stay halted
//                        not armed, the active's lease seen held ──> ask the lease
//                        armed, another holds it ──> say so once, keep standing by
//   active,  lease view: a newer holder proven ──> give the roles back to it
//   a peer lists failover-for/<us> ──> give the roles back, unless already
//                                      standing by for that peer
//
// The failover_tracker (failover_tracker.hpp) keeps the standby's deadline;
// these functions keep no state.

#include <cstdint>
#include <optional>
#include <string>

#include "actors/supervisor/failover_tracker.hpp"

namespace cwts::failover {

// The reason a closed gate gives for not trading (the tracker's refusal and
// a granted lease handed back say the same).
std::string gate_closed_reason(uint8_t gate_level);

// The node's leased roles run only under a majority's lease: a node (not a
// group) with leased roles and a lease child.
bool lease_on(bool group, bool has_lease_roles, bool has_lease_child);

// Whether a standby asks for the active's lease now: only once (not armed
// yet), and only while it stands by (not after it took over).
bool may_ask_lease(bool lease_armed, bool standing_by);

// When the next failover check is due, in ns from now (the deadline plus
// 1 ms, so the tracker sees it passed); none without a deadline.
std::optional<int64_t> next_check_in_ns(int64_t deadline_ns, int64_t now_ns);

// --- at the standby's deadline (tick) ---------------------------------------

enum class check_action : uint8_t {
  wait,      // nothing: check again at the next deadline
  ask_lease, // arm the lease: the takeover follows its grant
  take_over, // start the held roles now (no lease)
  refuse,    // count and log the refusal, check again
};

struct check_decision {
  check_action action = check_action::wait;
  bool reschedule = true;          // schedule the next check
  const char* refusal_action = ""; // refuse: the log line's action=
};

// The tracker's verdict (failover_tracker::check) turned into an act.
check_decision on_check(failover_verdict verdict, bool lease_on, uint8_t gate_level);

// --- after a lease round (the lease actor's lease_view) ---------------------

// What the lease actor said (messages/lease.hpp lease_view, copied).
struct lease_seen {
  bool all_held = false;      // every leased role of this node is held now
  std::string other;          // a member another member's running grant names
  int64_t other_epoch = 0;
  std::string superseded_by;  // a newer holder proven by a majority
  int64_t superseded_epoch = 0;
  int64_t partial_for_ns = 0; // some but not all roles held, for this long
  int64_t lease_ns = 0;       // the lease duration
};

// What the supervisor knows of itself when the view arrives.
struct lease_facts {
  bool lease_on = false;
  bool stopping = false;
  bool standing_by = false; // a standby that did not take over
  std::string self;         // this node's id
  std::string active;       // the node it stands by for (standing_by only)
  uint8_t gate_level = 0;   // 0: open (or no gate)
  bool lease_armed = false;
  std::string refusal_logged; // the last lease refusal reason logged
  int64_t now_ns = 0;
  int64_t yield_until_ns = 0; // after yielding a split: no new ask before this
};

enum class lease_action : uint8_t {
  none,             // nothing to do
  give_roles_back,  // count a supersession, log it, give the roles to `to`
  take_over,        // every leased role granted, gate open
  hand_back_halted, // disarm, stop holding; log `why` (as a refusal) if `log`
  ask_lease,        // arm the lease, `why`
  note_held,        // log `why` (lease held by another) once; keep standing by
  yield_split,      // disarm, stop holding, ask again only after `until_ns`; log `why`
};

// Two standbys asking at once can each win some of the leased roles from
// the grantors (one role per candidate, the same epoch): neither holds every
// role, so neither takes over, and each renews what it holds for ever.
// Past this many lease durations of holding only part, the member with the
// higher id gives its part up and waits as long before asking again; the
// other's next round then gets the rest. A takeover's own partial rounds
// (roles granted a round apart) end well within it.
inline constexpr int64_t split_after_leases = 2;

struct lease_decision {
  lease_action action = lease_action::none;
  std::string to;    // give_roles_back: the new holder
  int64_t epoch = 0; // give_roles_back: its epoch
  std::string why;   // hand_back_halted, ask_lease, note_held, yield_split
  bool log = false;  // hand_back_halted, note_held: `why` is new (log and count it)
  int64_t until_ns = 0; // yield_split: no new ask before this
};

lease_decision on_lease_view(const lease_facts& f, const lease_seen& v);

// --- a peer lists failover-for/<us> -----------------------------------------

// Whether this node gives its roles back to `new_active`: not a group, and
// not already standing by for that node.
bool should_give_roles_back(bool group, bool standing_by, const std::string& active,
                            const std::string& new_active);

// --- after a takeover: the OMS's reconciliation ----------------------------

enum class reconcile_action : uint8_t {
  stop,       // not awaiting (done, or the roles were given back)
  poll,       // ask again after the poll interval
  ask,        // ask the running OMS now
  reconciled, // the takeover is done
  halted,     // log failover_halted once, then poll again
};

// At a poll: awaiting or not, with the OMS running or not.
reconcile_action on_reconcile_poll(bool awaiting, bool oms_running);
// The OMS's answer (reset_precondition: reconciled, unexplained).
reconcile_action on_reconcile_answer(bool awaiting, bool reconciled, bool unexplained,
                                     bool unexplained_logged);

} // namespace cwts::failover
