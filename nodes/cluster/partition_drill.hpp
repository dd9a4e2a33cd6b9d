#pragma once
// Partition drills on a cluster whose every node and venue runs in its own
// network namespace (issue 24, docs/partitions.md): `cwts drill partition
// --scenario=NAME|all` and the partition integration tests. Each scenario
// starts a fresh cluster with the venue's order log on (`cluster up --netns`'s
// layout, nodes/cluster/cluster_runtime.hpp), waits until the active node
// trades, cuts links with the bridge's silent nftables drops (netns.hpp),
// heals them, stops the cluster and proves from the venue's order log and the
// nodes' lease events (partition_report.hpp) that no two nodes traded the
// account at once, that the minority's gate closed within the lease bound,
// that the majority kept or resumed trading and that one holder remains.
//
// The cluster config names the roles: the active is the node another node
// stands by for (`standby-for`), that node is the standby, every other node
// a witness (at least two: a 4-member cluster, majority 3).
// config/cluster-ha.ini is the one shipped.

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "nodes/cluster/cluster_spec.hpp"
#include "nodes/cluster/drill_report.hpp"
#include "nodes/cluster/partition_report.hpp"

namespace cwts::cluster {

struct partition_options {
  std::string scenario = "all";
  // How long each outcome (trading, the gate, a takeover, one holder) is
  // waited for before it counts as not seen.
  std::chrono::milliseconds observe{20000};
  bool keep = false; // leave the last cluster running (and its namespaces)
};

// The scenarios, with one line each on what they do and expect.
const std::vector<std::pair<std::string, std::string>>& partition_scenarios();

// Empty when this process can run the drills; else why not (root, ip, nft).
std::string partition_drill_refusal();

struct partition_scenario_report {
  std::string scenario;
  std::string what;
  std::string run_dir;
  std::string active, standby;           // from the cluster config
  std::vector<std::string> witnesses;
  int64_t lease_duration_ms = 0;         // the bound the gate is held to
  int64_t gate_margin_ms = 0;            //   plus this scheduling margin
  partition_result result;               // the analysis (empty when error is set)
  std::vector<std::string> steps;        // "t+1234ms cut a1 | s1" in order
  std::vector<expectation> expectations;
  std::string error;                     // the scenario could not run

  bool passed() const;
};

partition_scenario_report run_partition_scenario(const cluster_spec& spec,
                                                 const std::string& bin_dir,
                                                 const std::string& scenario,
                                                 const partition_options& opts, std::ostream& log);

// {"scenarios": [...], "passed": bool}: every report, as `--report` writes it.
std::string partition_reports_json(const std::vector<partition_scenario_report>& reports);
void print(const partition_scenario_report& r, std::ostream& out);

} // namespace cwts::cluster
