#pragma once
// The node's lease actor (docs/supervision.md "Trading lease"): a grantor of
// every lease role of the cluster (lease_grantor, its promised epochs kept
// in the lease store), and the holder of the leased roles this node runs
// (lease_session). Every renew-ms it asks every member's lease actor (found
// in the directory as "peer-lease/<node>", itself as "lease"); on a
// majority's grants it writes the lease's end into the node's lease gate,
// which the OMS and the connectors read before each order. When a round
// fails it writes nothing: the gate closes by time.
//
// Messages handled:
//   lease_atom, lease_request       -> lease_reply (a member asks or probes)
//   lease_atom, lease_release       a holder gives a role back
//   lease_atom, lease_notice        a member acquired a role (majority certificate):
//                                   the fence rises; an older holder here is superseded
//   lease_atom, bool hold           (this node's supervisor) hold or watch
//   wire_atom, role_directory       (this node's supervisor) the directory
//   tick_atom                       (itself) the next round
//   stats_atom                      -> actor_stats "lease"
// It tells its supervisor (lease_atom, lease_view) after each round, when a
// lease is acquired, and when a notice supersedes this node's lease. It
// sends every member a notice when it acquires a lease.

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "caf/fwd.hpp"

#include "actors/supervisor/lease_settings.hpp"
#include "common/cluster_members.hpp"
#include "common/lease_gate.hpp"
#include "common/node_kill.hpp"
#include "common/operator_auth.hpp"
#include "messages/ids.hpp"

namespace cwts {

struct lease_actor_config {
  node_id self;
  std::shared_ptr<const operator_registry> operators;
  std::shared_ptr<const cluster_membership> members;
  node_kill_signer signer; // the node key signs requests, replies and releases
  lease_gate* gate = nullptr;
  lease_settings settings;
  std::vector<std::string> all_roles; // every lease role of the cluster
  std::set<std::string> own_roles;    // the leased roles this node runs or holds back
  bool hold_at_start = true;          // false: a standby watches the active's lease
};

caf::actor spawn_lease_actor(caf::actor_system& sys, lease_actor_config cfg);

// Prefix under which a peer node's lease actor appears in the directory.
inline const std::string peer_lease_prefix = "peer-lease/";

} // namespace cwts
