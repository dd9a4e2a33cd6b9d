#pragma once
// Waiting for a freshly started cluster: every node answers /healthz and
// every active node /readyz (a standby is up when healthy: it trades only
// after a failover). Prints one line per node as it becomes ready, with the
// time since `started`.

#include <chrono>
#include <ostream>

#include "nodes/cluster/cluster_runtime.hpp"

namespace cwts::cluster {

bool wait_cluster_ready(const cluster_runtime& rt, std::chrono::steady_clock::time_point started,
                        std::ostream& out, std::ostream& err);

} // namespace cwts::cluster
