#pragma once
// cwts report orders: every order event of the OMS journals, merged by time,
// as CSV or JSONL (issue 22, docs/reporting.md). No CAF, no running node.

#include <string>
#include <vector>

namespace cwts {

// argv[0] is "orders" (after `cwts report`).
int run_report_orders_command(int argc, char** argv);

// The OMS journal of every node of a cluster config that runs the OMS (role
// trading, its standbys included), resolved as the nodes resolve it (the
// node's [oms] journal-path, --oms.journal-path in the node's args, run from
// the cluster's run dir). Empty with `error` when the config is unusable.
struct cluster_journal {
  std::string node;
  std::string path;
  bool standby = false; // a standby's journal exists only if it ever took over
};
std::vector<cluster_journal> cluster_journals(const std::string& cluster_file, std::string& error);

} // namespace cwts
