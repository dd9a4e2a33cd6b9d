#include "actors/kill/kill_auth.hpp"

#include <algorithm>
#include <cstdio>

namespace cwts {

namespace {

std::string seconds_text(int64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3f s", static_cast<double>(ns) / 1e9);
  return buf;
}

const operator_key* find_key(const operator_registry& registry, const operator_id& issuer) {
  for (auto& k : registry.keys())
    if (k.id == issuer)
      return &k;
  return nullptr;
}

// The checks operator_registry::verify runs for operator commands, in the
// same order: public facts first, the signature before the signed time.
std::string check(const command_policy& policy, const std::string& cluster,
                  const operator_id& issuer, operator_role role, const char* what,
                  const std::string& payload, const std::vector<uint8_t>& signature,
                  timestamp_ns issued_at, timestamp_ns now) {
  const operator_registry* registry = policy.registry;
  if (!registry)
    return "no operators file loaded: nobody may issue a " + std::string(what);
  if (cluster != policy.cluster)
    return std::string(what) + " is for cluster '" + cluster + "', this node is in cluster '"
           + policy.cluster + "'";
  const operator_key* key = find_key(*registry, issuer);
  if (!key)
    return "unknown issuer '" + issuer.value + "' (not in the operator list)";
  if (!key->node.empty() && !policy.is_member(key->node))
    return "issuer '" + issuer.value + "' is the key of node '" + key->node
           + "', not a member of this cluster";
  // kill-full covers every level; kill only levels 1-2.
  bool has_role = key->roles.count(role) > 0
                  || (role == operator_role::kill && key->roles.count(operator_role::kill_full));
  if (!has_role)
    return "issuer '" + issuer.value + "' lacks role '" + to_string(role) + "' needed for a "
           + what;
  if (signature.empty())
    return "unsigned " + std::string(what);
  if (signature.size() != 64)
    return "malformed signature: " + std::to_string(signature.size())
           + " bytes, Ed25519 needs 64";
  if (!ed25519_verify(key->public_key, payload, signature))
    return "bad signature: does not verify with the key of '" + issuer.value + "'";
  const int64_t window_ns = std::chrono::nanoseconds(registry->window()).count();
  const int64_t skew_ns = std::chrono::nanoseconds(policy.max_future_skew).count();
  const int64_t age_ns = now.ns - issued_at.ns;
  if (age_ns > window_ns)
    return "issued_at is " + seconds_text(age_ns) + " old, outside the "
           + std::to_string(registry->window().count()) + " s window";
  if (-age_ns > skew_ns)
    return "issued_at is " + seconds_text(-age_ns) + " in the future, more than the "
           + std::to_string(policy.max_future_skew.count()) + " ms clock skew allowed";
  return "";
}

// The endorsements of distinct members other than `issuer_node` that verify.
std::vector<kill_cosignature> valid_cosignatures(const command_policy& policy,
                                                 const kill_command& cmd,
                                                 const std::string& issuer_node) {
  std::vector<kill_cosignature> out;
  std::set<std::string> counted;
  auto payload = cosigning_payload(cmd);
  for (auto& c : cmd.cosignatures) {
    const auto& node = c.node.value;
    if (node == issuer_node || counted.count(node) || !policy.is_member(node))
      continue;
    auto* key = policy.registry->node_key(node);
    if (key && c.signature.size() == 64 && ed25519_verify(key->public_key, payload, c.signature)) {
      counted.insert(node);
      out.push_back(c);
    }
  }
  return out;
}

} // namespace

int32_t node_halt_signatures(int32_t cluster_size) {
  int32_t f = cluster_size > 0 ? (cluster_size - 1) / 3 : 0;
  return std::max(f + 1, std::min(2, cluster_size - 1));
}

kill_authorization authorize(const command_policy& policy, const kill_command& cmd,
                             timestamp_ns now) {
  kill_authorization out;
  // Flattening positions and the full stop move the market or cut every
  // venue: a key that may halt and cancel does not suffice.
  bool full = cmd.level >= kill_level::flatten;
  out.refusal = check(policy, cmd.cluster, cmd.issuer,
                      full ? operator_role::kill_full : operator_role::kill,
                      full ? "level 3-4 kill" : "kill", signing_payload(cmd), cmd.signature,
                      cmd.issued_at, now);
  if (!out.refusal.empty())
    return out;
  const operator_key* key = find_key(*policy.registry, cmd.issuer);
  if (key->node.empty())
    return out; // an operator: applies at once
  // A node key: its own node at once; the whole cluster only with enough
  // members agreeing; nothing else (another node, a strategy everywhere...).
  if (cmd.scope == kill_scope::node && cmd.scope_value == key->node)
    return out;
  if (cmd.scope != kill_scope::cluster) {
    out.refusal = "node key '" + cmd.issuer.value + "' may halt only its own node (scope node="
                  + key->node + ") or, with other members' signatures, the cluster";
    return out;
  }
  out.endorsements = valid_cosignatures(policy, cmd, key->node);
  out.signatures = 1 + static_cast<int32_t>(out.endorsements.size());
  out.needed = policy.node_halt_signatures;
  out.needs_endorsement = out.signatures < out.needed;
  return out;
}

std::string authorize(const command_policy& policy, const reset_command& cmd, timestamp_ns now) {
  return check(policy, cmd.cluster, cmd.issuer, operator_role::reset, "reset",
               signing_payload(cmd), cmd.signature, cmd.issued_at, now);
}

void sign(kill_command& cmd, const ed25519_signer& key) {
  cmd.signature = key.sign(signing_payload(cmd));
}

void sign(reset_command& cmd, const ed25519_signer& key) {
  cmd.signature = key.sign(signing_payload(cmd));
}

void cosign(kill_command& cmd, const node_id& node, const ed25519_signer& node_key) {
  for (auto& c : cmd.cosignatures)
    if (c.node == node)
      return;
  cmd.cosignatures.push_back(kill_cosignature{node, node_key.sign(cosigning_payload(cmd))});
}

} // namespace cwts
