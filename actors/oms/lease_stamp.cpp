#include "actors/oms/lease_stamp.hpp"

namespace cwts::oms {

lease_stamp stamp_lease(const lease_gate* gate, int64_t now_ns) {
  if (gate == nullptr)
    return {true, 0, {}};
  if (auto epoch = gate->check(lease_role, now_ns))
    return {true, *epoch, {}};
  // Read after the check: a renewal in between only makes the text older
  // than the refusal, never the refusal wrong (it was not held at now_ns).
  int64_t epoch = gate->held_epoch(lease_role);
  int64_t until = gate->held_until_ns(lease_role);
  std::string why = "this node does not hold the trading lease of role 'oms'";
  if (epoch > 0 && until > 0 && until <= now_ns)
    why += ": epoch " + std::to_string(epoch) + " ended "
           + std::to_string((now_ns - until) / 1'000'000) + " ms ago";
  else
    why += " (not granted, or given up)";
  return {false, 0, std::move(why)};
}

lease_stamp stamp_lease_again(const lease_gate* gate, int64_t now_ns, int64_t checked) {
  auto now = stamp_lease(gate, now_ns);
  if (now.held && now.epoch == checked)
    return now;
  if (!now.held) {
    now.why += "; asked again as the order left after its journal commit (it was journaled "
               "under epoch " + std::to_string(checked) + ")";
  } else {
    now.why = "the trading lease of role 'oms' changed from epoch " + std::to_string(checked)
              + " to epoch " + std::to_string(now.epoch)
              + " while the order waited for its journal commit";
    now.held = false;
    now.epoch = 0;
  }
  return now;
}

} // namespace cwts::oms
