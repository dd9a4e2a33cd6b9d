#include "actors/kill/reset_quorum.hpp"

namespace cwts {

int32_t tolerated_faults(int32_t nodes) {
  return nodes < 1 ? 0 : (nodes - 1) / 3;
}

int32_t reset_quorum(int32_t nodes) {
  return (nodes + tolerated_faults(nodes)) / 2 + 1;
}

reset_vote decide_vote(const kill_id& reset, const node_id& self, const reset_preconditions& p) {
  reset_vote v{reset, self, false, "", p.proposed_epoch, {}};
  // An epoch this node has reached already would resume it into its past
  // (or let two resets share an epoch): never yes.
  if (p.proposed_epoch <= p.own_epoch)
    v.reason = "stale epoch: this node is at epoch " + std::to_string(p.own_epoch);
  else if (p.proposed_epoch - p.own_epoch > max_epoch_step)
    v.reason = "epoch " + std::to_string(p.proposed_epoch) + " is more than "
               + std::to_string(max_epoch_step) + " above this node's epoch "
               + std::to_string(p.own_epoch);
  else if (p.halted && p.halt_cause != p.reset_halt_cause
           && p.halted_since_ns > p.reset_issued_at_ns)
    v.reason = "this node was halted again (" + p.halt_cause.value
               + ") after the reset was signed for " + p.reset_halt_cause.value;
  else if (p.halted && !p.last_kill.empty() && p.last_kill != p.reset_halt_cause
           && p.last_kill_ns > p.reset_issued_at_ns)
    v.reason = "kill " + p.last_kill.value + " was applied here after the reset was signed for "
               + p.reset_halt_cause.value;
  else if (!p.answered)
    v.reason = "precondition unknown: a local actor did not answer";
  else if (p.oms_present && !p.oms_reconciled)
    v.reason = "OMS not reconciled with the venue";
  else if (!p.breach.empty())
    v.reason = "a kill trigger is still breached: " + p.breach;
  else if (p.halted && p.halted_for_ns < p.min_halt_ns)
    v.reason = "halted for " + std::to_string(p.halted_for_ns / 1'000'000) + " ms, less than "
               + std::to_string(p.min_halt_ns / 1'000'000) + " ms";
  else
    v.yes = true;
  return v;
}

void sign(reset_vote& v, const ed25519_signer& node_key) {
  v.signature = node_key.sign(signing_payload(v));
}

std::string verify_vote_signature(const operator_registry* registry, const reset_vote& v) {
  const operator_key* key = registry ? registry->node_key(v.node.value) : nullptr;
  if (!key)
    return "no node key listed for node " + v.node.value + " (vote not verifiable)";
  if (v.signature.empty())
    return "vote from '" + v.node.value + "' is unsigned";
  if (!ed25519_verify(key->public_key, signing_payload(v), v.signature))
    return "vote from '" + v.node.value + "' not signed by the key listed for node "
           + v.node.value;
  return "";
}

std::string reset_round::record(const reset_vote& v) {
  if (v.epoch != cmd_.epoch)
    return "vote for epoch " + std::to_string(v.epoch) + ", the proposal resumes at epoch "
           + std::to_string(cmd_.epoch);
  if (!votes_.emplace(v.node.value, v).second)
    return "node voted already";
  return "";
}

int32_t reset_round::yes() const {
  int32_t n = 0;
  for (auto& [node, v] : votes_)
    n += v.yes ? 1 : 0;
  return n;
}

} // namespace cwts
