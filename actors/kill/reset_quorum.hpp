#pragma once
// The reset quorum (DESIGN.md "Reset"): resuming trading needs an operator's
// signed reset and yes votes from a Byzantine quorum of the n nodes, each
// node voting yes only when its own preconditions hold. With f = (n-1)/3
// faulty nodes tolerated, the quorum is floor((n+f)/2)+1: 2f+1 when
// n = 3f+1, and a majority that any two quorums share f+1 nodes of
// otherwise (n=1: 1, n=2: 2, n=3: 2, n=4: 3, n=7: 5). So no single node of a
// cluster of two or more resumes it. CAF-free.
//
//   reset_command{epoch = origin's epoch + 1}
//     ──> each node: verify, vote (yes | no + reason) for that epoch, signed
//         with its node key ──> all nodes
//   each node counts a vote only if it verifies with the key listed for the
//   node it names, is that node's first, and is for the proposal's epoch
//   each node: yes votes >= quorum and its own vote yes ──> reopen its gate
//              at the proposed epoch

#include <cstdint>
#include <map>
#include <string>

#include "common/operator_auth.hpp"
#include "messages/kill.hpp"

namespace cwts {

int32_t tolerated_faults(int32_t nodes);
int32_t reset_quorum(int32_t nodes);

// What a node checks before voting yes.
struct reset_preconditions {
  bool halted = true;            // false: nothing to reset here (votes yes)
  bool oms_present = false;      // a node without an OMS has nothing to reconcile
  bool oms_reconciled = false;   // the local OMS's typed reset_precondition.reconciled
  // The first auto-trigger condition still true on this node ("risk:
  // breach_now.pnl"), empty when none: loss/drawdown, reject rate, stale
  // market data, lost venue (each actor's `breach_now.*` stats).
  std::string breach;
  int64_t halted_for_ns = 0;
  int64_t min_halt_ns = 0;
  bool answered = true;          // false: a local actor asked did not answer in time
  int64_t own_epoch = 0;         // this node's epoch now
  int64_t proposed_epoch = 1;    // the epoch the reset resumes at (reset_command::epoch)
  // The halt the reset ends: the operator signed the cause they saw and
  // when. This node's halt must be that one, or older than the signature: a
  // halt that began after it (another kill) is not the operator's to end.
  kill_id halt_cause{};          // this node's cause now
  int64_t halted_since_ns = 0;   // wall clock, when this node's halt began
  kill_id reset_halt_cause{};    // reset_command::halt_cause
  int64_t reset_issued_at_ns = 0;
  // The latest kill applied here, whatever its level (the cause above is
  // the highest one only): one at the same level after the reset was
  // signed is not the operator's to end either.
  kill_id last_kill{};
  int64_t last_kill_ns = 0;      // wall clock, when it was applied
};

// Epochs a reset may jump at once: a node that missed resets catches up;
// an absurd epoch (INT64_MAX) cannot make every later reset stale.
constexpr int64_t max_epoch_step = 1'000'000;

// Yes, or no with why (first failing precondition); the vote carries the
// proposed epoch. Unsigned: the caller signs it with the node key.
reset_vote decide_vote(const kill_id& reset, const node_id& self, const reset_preconditions& p);

// Signs `v` in place with the node's own key.
void sign(reset_vote& v, const ed25519_signer& node_key);

// Empty when `v` is signed by the key the operators file lists for `v.node`
// (`node = <node>`); otherwise why it cannot be counted. Null registry or no
// key listed for that node: not verifiable, refused (fail-safe).
std::string verify_vote_signature(const operator_registry* registry, const reset_vote& v);

// The votes one node has seen for one reset.
class reset_round {
public:
  reset_round() = default;
  explicit reset_round(reset_command cmd) : cmd_(std::move(cmd)) {}

  // Records `v` if it is for this round's epoch and the first vote of its
  // node (a node cannot change its vote). Empty when counted, else why not.
  // The signature is checked before (verify_vote_signature).
  std::string record(const reset_vote& v);
  int32_t yes() const;
  const std::map<std::string, reset_vote>& votes() const { return votes_; }
  const reset_command& command() const { return cmd_; }
  bool resumed = false;
  // kill_switch::apply_seq() when this node took its vote's snapshot: the
  // reopen is refused if any kill was applied since.
  uint64_t seen_seq = 0;
  // Why this node did not reopen although the quorum was reached.
  std::string refused;

private:
  reset_command cmd_;
  std::map<std::string, reset_vote> votes_; // by node
};

} // namespace cwts
