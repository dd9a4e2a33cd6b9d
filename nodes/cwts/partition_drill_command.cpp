// cwts drill partition --scenario=NAME|all [--config=FILE] [--report=PATH]
//                      [--observe-ms=N] [--keep]
// The partition drills in network namespaces (nodes/cluster/partition_drill.hpp,
// docs/partitions.md): each scenario on a fresh cluster, its report printed
// and all of them written as one JSON file. Needs root. Exit 0 when every
// scenario passed, 1 when one failed or could not run, 2 usage, config or
// not root. (Without --scenario, `cwts drill partition` is the loopback
// one-node cut of drill_runner.hpp.)

#include <fstream>
#include <iostream>

#include "nodes/cluster/partition_drill.hpp"
#include "nodes/cluster/process_control.hpp"

namespace cwts {

namespace {

std::string partition_usage() {
  std::string out =
    "usage: cwts drill partition --scenario=NAME|all [--config=FILE] [--report=PATH]\n"
    "                            [--observe-ms=N] [--keep]\n"
    "Runs each scenario on a fresh cluster from FILE (default config/cluster-ha.ini: an active,\n"
    "its standby and two witnesses), every node and the venue in its own network namespace;\n"
    "cuts links silently (nftables drops), heals them, and proves from the venue's order log\n"
    "that no two nodes traded the account at once. Needs root. Report: per scenario the ms\n"
    "from the cut until the minority's gate closed and until the new holder traded, and the\n"
    "overlap orders per node (default report path <run-dir>/partition-report.json).\n"
    "example: sudo cwts drill partition --scenario=all --report=run/partition.json\n"
    "scenarios:\n";
  for (auto& [name, what] : cluster::partition_scenarios())
    out += "  " + name + std::string(16 - std::min<size_t>(name.size(), 15), ' ') + what + "\n";
  out += "exit codes: 0 every scenario passed, 1 one failed or could not run, 2 usage, config\n"
         "            or not root\n";
  return out;
}

} // namespace

int run_partition_drill_command(int argc, char** argv) {
  cluster::partition_options opts;
  std::string config = "config/cluster-ha.ini";
  std::string report_path;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto eq = a.find('=');
    auto key = a.substr(0, eq);
    auto value = eq == std::string::npos ? std::string() : a.substr(eq + 1);
    bool ok = true;
    if (a == "partition" && i == 1)
      continue;
    if (key == "--scenario")
      opts.scenario = value;
    else if (key == "--config")
      config = value;
    else if (key == "--report")
      report_path = value;
    else if (key == "--keep")
      opts.keep = true;
    else if (key == "--observe-ms") {
      try {
        size_t used = 0;
        auto v = std::stoll(value, &used);
        ok = used == value.size() && v >= 1000 && v <= 600000;
        opts.observe = std::chrono::milliseconds(v);
      } catch (const std::exception&) {
        ok = false;
      }
    } else
      ok = false;
    if (!ok) {
      std::cerr << "cwts drill partition: bad option '" << a << "'\n" << partition_usage();
      return 2;
    }
  }
  std::vector<std::string> names;
  for (auto& [name, what] : cluster::partition_scenarios())
    if (opts.scenario == "all" || opts.scenario == name)
      names.push_back(name);
  if (names.empty()) {
    std::cerr << "cwts drill partition: unknown scenario '" << opts.scenario << "'\n"
              << partition_usage();
    return 2;
  }
  if (auto why = cluster::partition_drill_refusal(); !why.empty()) {
    std::cerr << "cwts drill partition: " << why << "\n";
    return 2;
  }
  std::string error;
  auto spec = cluster::load_cluster_spec(config, error);
  if (!spec) {
    std::cerr << "cwts drill partition: " << error << "\n";
    return 2;
  }
  std::vector<cluster::partition_scenario_report> reports;
  for (auto& name : names) {
    reports.push_back(
      cluster::run_partition_scenario(*spec, cluster::executable_dir(), name, opts, std::cout));
    print(reports.back(), std::cout);
  }
  bool passed = true;
  for (auto& r : reports)
    passed = passed && r.passed();
  if (report_path.empty())
    report_path = spec->run_dir + "/partition-report.json";
  std::ofstream out(report_path, std::ios::trunc);
  out << cluster::partition_reports_json(reports);
  if (!out) {
    std::cerr << "cwts drill partition: cannot write the report to " << report_path << "\n";
    return 1;
  }
  std::cout << "partition drills: " << (passed ? "PASS" : "FAIL") << " (" << reports.size()
            << " scenarios); report: " << report_path << "\n";
  return passed ? 0 : 1;
}

} // namespace cwts
