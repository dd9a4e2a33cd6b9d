#pragma once
// Journal shipping's actor shells (issue 24; cores in journal_ship.hpp,
// wire types in messages/journal_ship.hpp, docs/reconciliation.md
// "Takeover from the truth").
//
// journal_shipper: spawned by the active OMS with its journal, linked to it.
// The OMS hands it each commit's patchset (a local message: the OMS never
// waits); the shipper numbers, signs (node key) and sends it to the replica
// the directory lists for this node ("replica-for/<node>"), holds the last
// ones for resends and measures the replica's lag from its acks.
//
// journal_replica: a child of a standby trading node (role
// "replica-for/<active>", not held back: it runs while the node stands
// by). It takes batches only from the node it stands by for (member,
// signed by that node's key), applies them in order to its own journal file
// (the path its OMS opens at a takeover), asks for missing ranges, and stops
// for good once its node's OMS has opened (sealed) the file.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "caf/atom.hpp"
#include "caf/fwd.hpp"

#include "actors/oms/journal_ship.hpp"
#include "common/cluster_members.hpp"
#include "common/operator_auth.hpp"
#include "messages/ids.hpp"

namespace cwts {

// The directory role of the replica that stands by for `active`.
inline std::string replica_role(const node_id& active) { return "replica-for/" + active.value; }
inline const std::string replica_role_prefix = "replica-for/";

// Local only (OMS -> its shipper): (ship_atom, patchset, committed_at) hands
// over a commit; (ship_atom, replica) names the replica to send to.
using ship_atom = caf::atom_constant<caf::atom("jship")>;

// Read by the OMS's stats (the shipper runs on another thread).
struct ship_counters {
  std::atomic<int64_t> queued{0};   // patchsets handed to the shipper, not yet taken
  std::atomic<int64_t> shipped{0};  // batches appended (= last seq of the stream)
  std::atomic<int64_t> sent{0};     // batches sent to a replica (resends included)
  std::atomic<int64_t> resent{0};
  std::atomic<int64_t> acked{0};    // last seq the replica has durably
  std::atomic<int64_t> behind{0};   // shipped - acked
  std::atomic<int64_t> evicted{0};  // dropped from the resend window
  std::atomic<int64_t> gone{0};     // resends asked for and no longer held
  std::atomic<int64_t> no_replica{0}; // batches appended while no replica was listed
  std::atomic<int64_t> last_lag_ns{-1};
  std::atomic<int64_t> max_lag_ns{0};
  std::atomic<int64_t> refused{0};  // acks/resends from anyone but the listed replica
};

struct journal_shipper_config {
  node_id self;
  std::shared_ptr<const ed25519_signer> key; // null: batches go unsigned (refused)
  int64_t stream = 0;
  journal_marks start;
  oms::ship_limits limits;
  std::shared_ptr<ship_counters> counters;
};

caf::actor spawn_journal_shipper(caf::actor_system& sys, journal_shipper_config cfg);

struct journal_replica_config {
  node_id self;
  node_id active; // [cluster] standby-for
  std::string journal_path; // this node's [oms] journal path
  std::shared_ptr<const operator_registry> operators; // node keys
  std::shared_ptr<const cluster_membership> members;
  oms::ship_limits limits;
};

caf::actor spawn_journal_replica(caf::actor_system& sys, journal_replica_config cfg);

} // namespace cwts
