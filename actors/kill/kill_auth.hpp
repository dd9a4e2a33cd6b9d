#pragma once
// Authorization of kill and reset commands (DESIGN.md §3 "Authorization",
// docs/kill-switch.md "Signatures and roles"): the command is for this
// node's cluster, the issuer is listed in the node's operators file and holds
// the role the command needs (`kill` for kills at levels 1-2, `kill-full` for
// levels 3-4, `reset` for resets), the Ed25519 signature verifies over
// signing_payload(), and issued_at is at most the window old and at most the
// future skew ahead. A node key (listed with `node = <id>`) halts its own node
// only; a cluster-wide halt raised by nodes needs the signatures of
// `node_halt_signatures` distinct members, so at least one correct node
// agrees. Replays are refused by content where the commands are kept
// (kill_switch, the reset rounds, and the durable seen list). CAF-free.

#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "common/operator_auth.hpp"
#include "messages/kill.hpp"

namespace cwts {

// What a node checks commands against.
struct command_policy {
  // Keys and roles; null refuses every command.
  const operator_registry* registry = nullptr;
  // This node's cluster ([cluster] id): a command for another is refused.
  std::string cluster;
  // How far ahead of this node's clock issued_at may be (clock skew). The
  // window (the operators file) bounds how old it may be.
  std::chrono::milliseconds max_future_skew{2'000};
  // Distinct member signatures (the issuing node's and its cosigners') a
  // cluster-wide kill issued with a node key needs.
  int32_t node_halt_signatures = 1;
  // The configured members whose node keys count; empty: every node key
  // the operators file lists.
  std::set<std::string> members;

  bool is_member(const std::string& node) const {
    return members.empty() || members.count(node) > 0;
  }
};

// f+1 distinct members, so at least one correct node agrees, and never a
// single node of a cluster of three or more: max(f+1, min(2, n-1)).
int32_t node_halt_signatures(int32_t cluster_size);

struct kill_authorization {
  std::string refusal; // empty: authorized (or pending, below)
  // A cluster-wide kill raised by node keys with fewer member signatures
  // than it needs: valid so far, waiting for endorsements.
  bool needs_endorsement = false;
  int32_t signatures = 0; // distinct member signatures it carries
  int32_t needed = 0;
  // Of a node-raised cluster kill: the endorsements that verified (distinct
  // members other than the issuer's node), the only ones worth keeping.
  std::vector<kill_cosignature> endorsements;

  bool authorized() const { return refusal.empty() && !needs_endorsement; }
};

kill_authorization authorize(const command_policy& policy, const kill_command& cmd,
                             timestamp_ns now);
// Empty when authorized; otherwise the reason.
std::string authorize(const command_policy& policy, const reset_command& cmd, timestamp_ns now);

// Signs `cmd` in place with `key`.
void sign(kill_command& cmd, const ed25519_signer& key);
void sign(reset_command& cmd, const ed25519_signer& key);
// Adds `node`'s endorsement (its node key) to `cmd`, once.
void cosign(kill_command& cmd, const node_id& node, const ed25519_signer& node_key);

} // namespace cwts
