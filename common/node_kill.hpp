#pragma once
// The kills a node triggers itself (docs/kill-switch.md "Auto-triggers"):
// risk's loss, drawdown and reject-rate breaches, the validator's stale
// market data, the connector's lost venue. Each is a node-scope kill signed
// with the node's own key ([kill] node-key-name / node-key-file, listed in
// the operators file with role kill), so the kill coordinator verifies it
// like an operator's and audits it as any kill. CAF-free: building and
// signing; common/node_kill_request.hpp sends it from an actor.

#include <memory>
#include <string>

#include "common/operator_auth.hpp"
#include "messages/kill.hpp"

namespace cwts {

// Who signs, and for which node.
struct node_kill_signer {
  node_id self;
  operator_id issuer{"node"};
  // Null: the kill goes unsigned and the coordinator refuses it (audited).
  std::shared_ptr<const ed25519_signer> key;
  // The cluster ([cluster] id) the kill is signed for.
  std::string cluster{};
};

// A kill of `level` for the node `signer.self`, id
// "<source>-<node>-<kind>-<wall ns>" (unique per breach), issued now, signed.
kill_command make_node_kill(const node_kill_signer& signer, kill_level level,
                            const std::string& source, const std::string& kind,
                            const std::string& reason);

} // namespace cwts
