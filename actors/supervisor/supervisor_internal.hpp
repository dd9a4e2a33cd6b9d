#pragma once
// The supervisor's state and the functions its two files share
// (supervisor_actor.cpp: children, peers, wiring; supervisor_failover.cpp:
// standby, takeover, giving roles back, the trading lease). Internal to
// actors/supervisor: nothing outside includes it.

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "caf/all.hpp"

#include "actors/supervisor/failover_tracker.hpp"
#include "actors/supervisor/supervisor_actor.hpp"
#include "common/sender_guard.hpp"
#include "messages/registry.hpp"

namespace cwts::supervisor_detail {

struct supervised_child {
  child_spec spec;
  caf::actor handle;
  bool escalated = false; // given up on: not restarted
  bool held = false;      // not started: this node stands by for another
  bool stopping = false;  // stopped by rest-for-one, its down is awaited
};

// Children to start once every child being stopped is down (rest-for-one).
struct pending_start {
  std::vector<size_t> start;
  failure_class why = failure_class::other;
  std::string reason;
  size_t failed = 0;
};

struct peer_node {
  caf::actor supervisor;
  role_directory roles;
  // Which listing this is (supervisor_state::peer_listings when made): a
  // peer back over a new connection may have a handle equal to its last
  // one, so the peer link tells a new listing from a stale one by this.
  uint64_t listing = 0;
};

// Wall-clock times of the last takeover (logged as failover_* lines).
struct takeover_times {
  int64_t lost_wall_ns = 0;
  int64_t detected_wall_ns = 0;
  int64_t roles_up_wall_ns = 0;
  int64_t lost_mono_ns = 0;
  int64_t detected_mono_ns = 0;
  int64_t roles_up_mono_ns = 0;
  int64_t reconciled_ms = -1; // lost -> OMS running; -1: not yet
  int64_t takeover_ms = -1;   // lost -> roles up
  bool awaiting_reconcile = false;
  bool unexplained_logged = false;
  bool unexplained = false; // the OMS reported positions it cannot explain
};

struct supervisor_state {
  supervisor_config cfg;
  std::vector<supervised_child> children;
  std::optional<supervision_plan> plan;
  supervision_counters counters;
  std::deque<pending_start> pending;
  std::map<std::string, peer_node> peers;
  uint64_t peer_listings = 0; // peers listed or replaced so far
  role_directory parent_dir; // a group: what its parent wired it with
  std::optional<failover_tracker> standby;
  takeover_times takeover;
  int64_t announces_refused = 0;
  int64_t drills_crashed = 0;
  int64_t drills_refused = 0;
  int64_t takeovers = 0;
  int64_t refusals = 0;
  int64_t demotions = 0;
  // The trading lease (supervisor_failover.cpp): a standby asks for the
  // active's lease once it saw it held (or the active was lost).
  bool lease_armed = false;
  // The mode the lease actor must be in (hold or watch): sent again to a
  // restarted lease actor, which starts from its config's mode.
  bool lease_hold = true;
  std::string lease_refusal_logged;
  int64_t lease_supersessions = 0;
  int64_t lease_refusals = 0; // "lease held by <active>": still standing by
  int64_t lease_splits_yielded = 0; // split leases this node gave its part of up
  int64_t lease_yield_until_ns = 0; // after one: no new lease ask before this
  bool stopping = false;
  // Wiring, drill crashes and unsigned announces only from this node's own
  // actors (common/sender_guard.hpp; issue 17 finding 6).
  sender_guard guard{"supervisor"};
  static inline const char* name = "supervisor";
};

using supervisor_ptr = caf::stateful_actor<supervisor_state>*;

bool starts_with(const std::string& s, const std::string& p);
int64_t wall_ns();
int64_t wall_of(int64_t mono_ns); // the wall-clock time of a monotonic instant
double ms(int64_t ns);
std::string joined(const std::vector<std::string>& v);
supervised_child* child_by_role(supervisor_ptr self, const std::string& role);
void start_child(supervisor_ptr self, supervised_child& c);
void stop_child(supervisor_ptr self, supervised_child& c, const caf::error& reason);
// Rewires every child and tells every peer (a restart, a takeover, roles given back).
void roles_changed(supervisor_ptr self);

// --- supervisor_failover.cpp ---
std::vector<std::string> held_roles(supervisor_ptr self);
// At start: a standby holds its roles back and waits for the active.
void start_standby(supervisor_ptr self);
void schedule_failover_check(supervisor_ptr self);
void on_failover_check(supervisor_ptr self);
void on_reconcile_poll(supervisor_ptr self);
void give_roles_back(supervisor_ptr self, const std::string& new_active);
// The lease actor's view after a round (messages/lease.hpp).
void on_lease_view(supervisor_ptr self, const lease_view& v);
// The lease child was (re)started: it is told the node's lease mode.
void lease_child_started(supervisor_ptr self, supervised_child& c);
void add_failover_stats(supervisor_ptr self, std::map<std::string, int64_t>& counters);

} // namespace cwts::supervisor_detail
