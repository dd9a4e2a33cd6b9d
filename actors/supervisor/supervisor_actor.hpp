#pragma once
// The node's supervisor (docs/supervision.md): spawns the node's actors from
// config, monitors them, restarts a crashed one under its strategy
// (one-for-one or rest-for-one, bounded intensity per child), escalates when
// a child keeps crashing, and keeps the role directory that every child is
// wired with, merged with the directories of peer nodes. A supervisor can
// also be the child of another one (a group): it then escalates by quitting
// with the `escalated` reason, which its parent counts as a failure of that
// child under its own policy. On a standby node it holds the roles of the
// node it stands by for until that node is lost (supervision.md "Failover").

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "caf/error.hpp"
#include "caf/fwd.hpp"

#include "actors/supervisor/restart_policy.hpp"
#include "actors/supervisor/supervision_plan.hpp"
#include "common/cluster_members.hpp"
#include "common/kill_gate.hpp"
#include "common/lease_gate.hpp"
#include "common/node_kill.hpp"
#include "common/operator_auth.hpp"
#include "messages/ids.hpp"

namespace cwts {

struct child_spec {
  std::string role;
  std::function<caf::actor(caf::actor_system&)> spawn;
  // Restarted on its own failure only, never stopped or restarted for a
  // sibling under rest-for-one (supervision_plan.hpp): the lease actor.
  bool alone = false;
};

// [cluster] standby-for / failover-after-ms.
struct standby_settings {
  std::string active; // the node this one stands by for; empty: not a standby
  std::chrono::milliseconds failover_after{3000};
  // At start the active may not have joined yet ([cluster] connect-timeout-ms).
  std::chrono::milliseconds start_grace{15000};
};

struct supervisor_config {
  node_id self;
  // The node keys a peer's announce must be signed with (`node = <id>`);
  // null refuses every announce from another process.
  std::shared_ptr<const operator_registry> operators;
  // The configured members (common/cluster_members.hpp): only they may join
  // as peers, by announce or by our own join. Null: any node with a node
  // key (unit tests).
  std::shared_ptr<const cluster_membership> members;
  restart_strategy strategy = restart_strategy::one_for_one;
  restart_limits limits;
  kill_gate* gate = nullptr; // closed at level 1 on a node-level escalation
  // The node's trading-lease gate (docs/supervision.md "Trading lease"):
  // null, no lease (unit tests, a node without cluster members).
  lease_gate* lease = nullptr;
  // The leased roles among this node's roles ("oms", "connector.<venue>"),
  // with a "lease" child (lease_actor.hpp): a standby takes them over only
  // under a majority's lease, and an active gives them back when another
  // member holds a newer one. Empty: failover as without a lease.
  std::set<std::string> lease_roles;
  // Signs the level-2 node kill of a node-level escalation and this node's
  // announces to its peers after its roles changed (restart, takeover).
  // Null key: no kill is signed (the gate still closes), nothing announced.
  node_kill_signer signer;
  // A group supervisor (the child of another supervisor): escalates by
  // quitting with supervisor_escalated(); no peers, no node kill.
  bool group = false;
  std::string name = "supervisor"; // its meter and stats name
  // [drill] enabled: (crash_atom, role) crashes a child on purpose.
  bool drills_enabled = false;
  // Roles a standby holds back until it takes over (and a node gives back
  // when a peer tells it that it took them over): the venue and trading roles.
  std::set<std::string> held_roles;
  standby_settings standby;
  std::vector<child_spec> children;
};

// The exit reason of a group supervisor that gave up, and of a drill crash.
caf::error supervisor_escalated(const std::string& why);
caf::error drill_crash_reason(const std::string& role);
// The failure class of a child's exit reason (drill: a crash we injected).
failure_class classify_exit(const caf::error& reason);

// Messages handled (besides down/exit):
//   directory_atom                         -> (string node, role_directory local roles)
//   peer_atom, peer_announce, actor, role_directory  a peer's signed announce:
//       counted only if signed by the key listed for that node, issued
//       inside the operators file's window, and the supervisor announced
//       lives in the sender's process; then merged as below
//   peer_atom, string node, actor, role_directory   merge a peer node's roles
//       (unsigned: only from this process, i.e. our own join)
//       (a newer supervisor for a known name replaces the stale entry, is
//       monitored, and every child is rewired)
//   peer_atom, get_atom, string node      -> (actor, role_directory, uint64 listing)
//       the peer's supervisor and roles while it is listed (listing: which
//       listing, counting up), else a null actor (from this process only:
//       the peer link of a node its peer dials)
//   crash_atom, string role                -> string (empty: crashed; else why not)
//       a drill: only with drills_enabled; the child quits with
//       drill_crash_reason and the normal restart path runs
//   wire_atom, role_directory              (a group) the parent's directory
//   lease_atom, lease_view                 (its lease actor) after each lease
//       round: take over, give roles back (supervisor_failover.cpp)
//   stats_atom                             -> actor_stats (restarts per role
//       and reason, escalations, failover state; supervision_plan.hpp)
caf::actor spawn_supervisor(caf::actor_system& sys, supervisor_config cfg);

// Prefix under which a peer node's kill coordinator appears in the directory.
inline const std::string peer_kill_prefix = "peer-kill/";
// A node that took over the roles of node X lists its supervisor under
// "failover-for/X": X, coming back, gives its roles back (stands by).
inline const std::string failover_for_prefix = "failover-for/";

} // namespace cwts
