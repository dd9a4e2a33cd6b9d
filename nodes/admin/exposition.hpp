#pragma once
// /metrics: the node's snapshot in the Prometheus text format 0.0.4, built
// with prometheus-cpp's registry and TextSerializer at scrape time. Latency
// histograms (common/metrics) are merged here, never observed on the hot
// path. Every series has the `node` label. Names and labels:
// docs/monitoring.md "Metrics". CAF-free.

#include <string>
#include <vector>

#include "common/metrics/actor_meter.hpp"
#include "common/metrics/latency_registry.hpp"
#include "nodes/admin/node_snapshot.hpp"

namespace cwts::admin {

// The Prometheus `le` bounds of a latency histogram: 2^k ns for k = 8..34
// (256 ns .. 17 s), exact bucket boundaries of the recorded histograms.
std::vector<double> latency_bounds_seconds();

std::string render_metrics(const node_snapshot& snap,
                           const std::vector<metrics::latency_registry::entry>& latencies,
                           const std::vector<const metrics::actor_meter*>& meters);

} // namespace cwts::admin
