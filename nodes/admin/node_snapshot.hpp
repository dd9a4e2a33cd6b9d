#pragma once
// Everything the admin port reports about its node at one moment: what the
// actors answered (nodes/status collect_status), the live orders of the OMS,
// /proc, the latency histograms and the health rules' last verdicts.
// CAF-free, so exposition, readiness and the JSON API are tested on values.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/metrics/process_stats.hpp"
#include "messages/reconciliation.hpp"
#include "nodes/status/node_status.hpp"

namespace cwts::admin {

// One health rule's verdict (health_rules.hpp).
struct health_result {
  std::string rule;        // market_data_stale, reject_rate, order_latency_p99, memory, venue_disconnected
  bool enabled = false;
  bool breached = false;
  double value = 0;        // in the rule's unit (seconds, ratio, bytes)
  double limit = 0;
  std::string unit;
  std::string recommendation; // what an operator should do while it is breached
  int kill_level = 0;          // auto-triggered level (0: recommendation only)
  int64_t kills_triggered = 0;
};

struct node_snapshot {
  node_status status; // includes "supervisor" (restarts, peers)
  bool orders_known = false; // the node has an OMS that answered
  std::vector<restored_order> orders;
  std::optional<metrics::process_stats> process;
  std::vector<health_result> health;
  int64_t taken_wall_ns = 0;
};

} // namespace cwts::admin
