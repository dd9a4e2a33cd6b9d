#pragma once
// The node's supervisor: spawns the node's actors from config, monitors them,
// restarts a crashed one (one-for-one, bounded intensity), escalates to a
// node-level halt when a child keeps crashing, and keeps the role directory
// that every child is wired with, merged with the directories of peer nodes.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "caf/fwd.hpp"

#include "actors/supervisor/restart_policy.hpp"
#include "common/kill_gate.hpp"
#include "common/operator_auth.hpp"
#include "messages/ids.hpp"

namespace cwts {

struct child_spec {
  std::string role;
  std::function<caf::actor(caf::actor_system&)> spawn;
};

struct supervisor_config {
  node_id self;
  // The node keys a peer's announce must be signed with (`node = <id>`);
  // null refuses every announce from another process.
  std::shared_ptr<const operator_registry> operators;
  restart_limits limits;
  kill_gate* gate = nullptr; // closed at level 1 on escalation
  std::vector<child_spec> children;
};

// Messages handled (besides down/exit):
//   directory_atom                         -> (string node, role_directory local roles)
//   peer_atom, peer_announce, actor, role_directory  a peer's signed announce:
//       counted only if signed by the key listed for that node, issued
//       inside the operators file's window, and the supervisor announced
//       lives in the sender's process; then merged as below
//   peer_atom, string node, actor, role_directory   merge a peer node's roles
//       (unsigned: only from this process, i.e. our own join)
//       (from our own join, or a peer's announce: a node that joins us tells
//       us its name, supervisor and roles; a newer supervisor for a known
//       name replaces the stale entry, is monitored, and every child is
//       rewired)
//   stats_atom                             -> actor_stats (restarts per role)
caf::actor spawn_supervisor(caf::actor_system& sys, supervisor_config cfg);

// Prefix under which a peer node's kill coordinator appears in the directory.
inline const std::string peer_kill_prefix = "peer-kill/";

} // namespace cwts
