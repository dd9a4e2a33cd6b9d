#include "actors/kill/reset_quorum.hpp"

namespace cwts {

int32_t tolerated_faults(int32_t nodes) {
  return nodes < 1 ? 0 : (nodes - 1) / 3;
}

int32_t reset_quorum(int32_t nodes) {
  return (nodes + tolerated_faults(nodes)) / 2 + 1;
}

reset_vote decide_vote(const kill_id& reset, const node_id& self, const reset_preconditions& p) {
  reset_vote v{reset, self, false, ""};
  if (!p.answered)
    v.reason = "precondition unknown: the local OMS or risk did not answer";
  else if (p.oms_present && !p.oms_reconciled)
    v.reason = "OMS not reconciled with the venue";
  else if (p.risk_present && p.breach_active)
    v.reason = "a loss or drawdown limit is still breached";
  else if (p.halted && p.halted_for_ns < p.min_halt_ns)
    v.reason = "halted for " + std::to_string(p.halted_for_ns / 1'000'000) + " ms, less than "
               + std::to_string(p.min_halt_ns / 1'000'000) + " ms";
  else
    v.yes = true;
  return v;
}

bool reset_round::record(const reset_vote& v) {
  return votes_.emplace(v.node.value, v).second;
}

int32_t reset_round::yes() const {
  int32_t n = 0;
  for (auto& [node, v] : votes_)
    n += v.yes ? 1 : 0;
  return n;
}

} // namespace cwts
