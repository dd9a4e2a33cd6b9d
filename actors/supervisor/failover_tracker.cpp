#include "actors/supervisor/failover_tracker.hpp"

#include <utility>

#include "actors/supervisor/failover_decisions.hpp"

namespace cwts {

failover_tracker::failover_tracker(std::string active, int64_t failover_after_ns,
                                   int64_t start_grace_ns, int64_t start_ns)
  : active_(std::move(active)),
    failover_after_ns_(failover_after_ns),
    // The active may not have joined yet: give it the time the node waits
    // for its peers at start, then failover-after as if it had just died.
    deadline_ns_(start_ns + start_grace_ns + failover_after_ns) {
}

void failover_tracker::active_up() {
  seen_ = true;
  if (took_over_)
    return;
  deadline_ns_ = 0;
  lost_at_ns_ = 0;
  last_refusal_.clear();
}

void failover_tracker::active_down(int64_t now_ns) {
  if (took_over_)
    return;
  lost_at_ns_ = now_ns;
  deadline_ns_ = now_ns + failover_after_ns_;
}

failover_verdict failover_tracker::check(int64_t now_ns, bool active_listed, uint8_t gate_level,
                                         std::string& why) {
  if (took_over_ || deadline_ns_ == 0 || now_ns < deadline_ns_)
    return failover_verdict::wait;
  if (active_listed) {
    active_up();
    return failover_verdict::wait;
  }
  auto refuse = [&](std::string reason) {
    deadline_ns_ = now_ns + failover_after_ns_; // asked again
    why = std::move(reason);
    if (why == last_refusal_)
      return failover_verdict::wait;
    last_refusal_ = why;
    return failover_verdict::refuse;
  };
  if (!seen_)
    return refuse("the active node " + active_
                  + " was never seen: a standby takes over only a node it has seen alive "
                    "(check cluster.standby-for and cluster.peers)");
  // A halted cluster stays halted: a standby that started trading would
  // undo the kill. Asked again until a reset reopens the gate.
  if (gate_level > 0)
    return refuse(failover::gate_closed_reason(gate_level));
  return failover_verdict::take_over;
}

void failover_tracker::taken_over(int64_t now_ns) {
  took_over_ = true;
  taken_over_at_ns_ = now_ns;
  deadline_ns_ = 0;
  last_refusal_.clear();
}

void failover_tracker::stand_by_for(std::string active) {
  active_ = std::move(active);
  seen_ = true; // it told us it holds our roles
  took_over_ = false;
  taken_over_at_ns_ = 0;
  lost_at_ns_ = 0;
  last_refusal_.clear();
  // The new active is listed (it told us it holds our roles); a deadline
  // is armed only when it goes down.
  deadline_ns_ = 0;
}

} // namespace cwts
