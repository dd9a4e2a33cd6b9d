#include "actors/supervisor/restart_policy.hpp"

namespace cwts {

restart_decision restart_policy::on_failure(int64_t now_ns) {
  while (!recent_.empty() && now_ns - recent_.front() > limits_.window_ns)
    recent_.pop_front();
  recent_.push_back(now_ns);
  if (recent_.size() > limits_.max_restarts)
    return restart_decision::escalate;
  ++restarts_;
  return restart_decision::restart;
}

} // namespace cwts
