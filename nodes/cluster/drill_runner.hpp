#pragma once
// Failure drills on a local cluster (`cwts drill <scenario>`): each starts a
// fresh cluster from a cluster config (its own run dir, so durable halt
// state from earlier runs cannot leak in), with a TCP proxy on every link
// between nodes so links can be cut, lets it trade, injects one failure,
// measures what each node does, checks the stated expectations, stops the
// cluster and returns the report (drill_report.hpp). docs/operations.md
// lists the scenarios and what each expects.

#include <chrono>
#include <ostream>
#include <string>
#include <vector>

#include "nodes/cluster/cluster_spec.hpp"
#include "nodes/cluster/drill_report.hpp"

namespace cwts::cluster {

struct drill_options {
  std::string scenario;
  std::string node;          // the node to act on (each scenario has a default)
  std::string role;          // crash: the role to crash (default risk)
  std::string operator_name; // byzantine, forged-reset: the operator of genuine commands
  std::string key_file;      //   and that operator's Ed25519 key
  std::chrono::milliseconds settle{3000};   // trading time before the injection
  std::chrono::milliseconds observe{20000}; // how long each outcome is waited for
  bool keep = false;         // leave the cluster running afterwards
};

// The scenarios, with one line each on what they do.
const std::vector<std::pair<std::string, std::string>>& drill_scenarios();

drill_report run_drill(const cluster_spec& spec, const std::string& bin_dir,
                       const drill_options& opts, std::ostream& log);

} // namespace cwts::cluster
