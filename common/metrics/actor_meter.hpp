#pragma once
// What every actor of a node measures about itself, whatever its role:
// messages handled, handler time (a latency histogram) and mailbox depth.
// Filled by measured_behavior.hpp around the actor's behavior, read by the
// admin port. One meter per role name, process-wide: a restarted actor keeps
// counting in the same meter (restarts are the supervisor's own counter).

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "common/metrics/latency_histogram.hpp"

namespace cwts::metrics {

struct actor_meter {
  std::string actor;
  std::atomic<uint64_t> handled{0};
  // Messages waiting, as the actor saw them at its last sample.
  std::atomic<int64_t> mailbox_depth{0};
  std::atomic<int64_t> mailbox_depth_max{0};
  latency_histogram* handler_time = nullptr; // in latency_registry
};

class actor_meters {
public:
  static actor_meters& global();
  // The meter of `actor`, created on first use; stable reference.
  actor_meter& get(const std::string& actor);
  std::vector<const actor_meter*> all() const;

private:
  mutable std::mutex mutex_;
  std::deque<actor_meter> meters_;
};

} // namespace cwts::metrics
