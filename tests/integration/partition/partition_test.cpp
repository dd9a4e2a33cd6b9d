// The partition drills as tests (issue 24, docs/partitions.md): one CTest
// test per scenario (`partition_test <scenario>`), each a fresh 4-member
// cluster (config/cluster-ha.ini's layout: a1 active with gateway and
// trading, s1 its standby, witnesses w1 and w2) with every node and the venue
// in its own network namespace, its own cluster name and subnet so that the
// scenarios run side by side. The scenario runs through the same library as
// `cwts drill partition` (nodes/cluster/partition_drill.hpp); the test then
// asserts on its report, which is computed from the venue's own order log:
//   - no overlap: no order from a node after its successor's first order;
//   - the minority's gate closed within the lease (900 ms) + 100 ms, a
//     correctness bound (held_until_ns is exact; the margin covers a
//     give-back timed by its log line), not the timing goal;
//   - the majority kept or resumed trading; exactly one holder after the heal.
// `partition_test not-root`: as nobody, `cwts drill partition` refuses,
// saying it needs root, and exits 2.
// Needs root: not skipped without it (a skipped partition test proves nothing).

#include <unistd.h>

#include <fstream>
#include <iostream>

#include "nodes/cluster/netns.hpp"
#include "nodes/cluster/partition_drill.hpp"
#include "tests/integration/support/process.hpp"

using namespace cwts::itest;
using namespace cwts::cluster;

namespace {

int failures = 0;

void check(bool ok, const std::string& what) {
  std::cout << (ok ? "ok    " : "FAIL  ") << what << "\n";
  if (!ok)
    ++failures;
}

// Each scenario its own /24 (10.96.<k>.0/24) and cluster name.
int scenario_index(const std::string& name) {
  auto& all = partition_scenarios();
  for (size_t i = 0; i < all.size(); ++i)
    if (all[i].first == name)
      return static_cast<int>(i);
  return -1;
}

std::string write_config(const std::string& dir, const std::string& scenario, int index) {
  auto config_dir = env("CWTS_CONFIG_DIR");
  auto keys = dir + "/keys";
  auto file = dir + "/cluster-ha.ini";
  std::ofstream out(file);
  out << "[cluster]\nname = \"pt-" << scenario << "\"\nrun-dir = \"" << dir << "/run\"\n"
      << "nodes = \"a1,s1,w1,w2\"\nnetns-subnet = \"10.96." << 10 + index << ".0/24\"\n"
      << "ready-timeout-ms = 60000\n"
      << "node-args = --cluster.id=pt-" << scenario << " --kill.required-roles=[\"oms\",\"connector\"] "
         "--kill.role-lost-halt-ms=10000 --operators.file=" << keys << "/operators.ini "
         "--kill.node-key-file=" << keys << "/nodes/node-<node-id>.pem\n"
      << "\n[tls]\nenabled = true\ncerts-dir = \"" << keys << "/certs\"\n"
      << "\n[venue]\nconfig = \"" << config_dir << "/venue.ini\"\nport = 0\nspeed = 300\n"
      << "credentials-file = \"" << config_dir << "/venue-demo-keys.ini\"\n";
  const char* ids[] = {"a1", "s1", "w1", "w2"};
  for (int i = 0; i < 4; ++i) {
    std::string id = ids[i];
    bool trader = id == "a1" || id == "s1";
    out << "\n[node." << id << "]\nconfig = \"" << config_dir
        << (trader ? "/node-trading.ini" : "/node-gateway.ini") << "\"\n"
        << "roles = " << (trader ? "[\"gateway\", \"trading\"]" : "[\"witness\"]") << "\n"
        << "cluster-port = " << 47051 + i << "\nadmin-port = " << 47151 + i << "\n"
        << (id == "s1" ? "standby-for = \"a1\"\n" : "");
  }
  return file;
}

int not_root() {
  auto dir = make_test_dir("partition_test_not_root");
  auto r = run_command("nobody-drill", {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                                        "--clear-groups", env("CWTS_CLI_BIN"), "drill", "partition",
                                        "--scenario=all"},
                       dir, millis{30000});
  check(r.exit_code == 2, "as nobody, cwts drill partition exits 2 (got "
                            + std::to_string(r.exit_code) + ")");
  check(r.err.find("need root") != std::string::npos
          && r.err.find("network namespace") != std::string::npos,
        "and says it needs root for network namespaces: " + r.err);
  return failures == 0 ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cout << "usage: partition_test <scenario>|not-root\n";
    return 2;
  }
  std::string scenario = argv[1];
  if (scenario == "not-root")
    return not_root();
  if (auto why = partition_drill_refusal(); !why.empty()) {
    std::cout << "FAIL  " << why << " (not skipped: a skipped partition test proves nothing)\n";
    return 1;
  }
  int index = scenario_index(scenario);
  if (index < 0 || env("CWTS_CONFIG_DIR").empty() || env("CWTS_CLI_BIN").empty()) {
    std::cout << "FAIL  unknown scenario or CWTS_CONFIG_DIR / CWTS_CLI_BIN not set\n";
    return 1;
  }
  auto dir = make_test_dir("partition_test_" + scenario);
  auto file = write_config(dir, scenario, index);
  // Certificates naming each node's namespace address.
  auto keys = run_command("cwts-keys", {env("CWTS_CLI_BIN"), "keys", "--out=" + dir + "/keys",
                                        "--cluster=" + file},
                          dir, millis{60000});
  check(keys.exit_code == 0, "cwts keys --cluster: " + keys.out + keys.err);
  std::string error;
  auto spec = load_cluster_spec(file, error);
  check(spec.has_value(), "the cluster config loads: " + error);
  if (failures)
    return 1;
  partition_options opts;
  opts.scenario = scenario;
  auto rep = run_partition_scenario(*spec, dir, scenario, opts, std::cout);
  print(rep, std::cout);
  std::ofstream(dir + "/report.json") << partition_reports_json({rep});
  check(rep.error.empty(), "the scenario ran: " + rep.error);
  auto& a = rep.result;
  check(a.overlap_total() == 0, "no overlap at the venue: " + std::to_string(a.overlap_total())
                                  + " " + a.first_overlap);
  check(a.unknown_sender_orders == 0, "every order at the venue came from a node's address");
  check(a.holders_at_end.size() == 1, "exactly one oms lease holder after the heal");
  int64_t bound = rep.lease_duration_ms + rep.gate_margin_ms;
  if (scenario == "standby-cut") {
    check(!a.gate_closed_after_cut_ms, "a1 kept its lease (majority: a1, w1, w2)");
    check(a.orders_while_cut["a1"] > 0, "a1 kept trading while cut from s1");
    check(a.orders_after_cut["s1"] == 0, "s1 never traded");
  } else {
    check(a.gate_closed_after_cut_ms && *a.gate_closed_after_cut_ms <= bound,
          "a1's gate closed within " + std::to_string(bound) + " ms of the cut: "
            + (a.gate_closed_after_cut_ms ? std::to_string(*a.gate_closed_after_cut_ms) : "never"));
  }
  if (scenario == "isolate-active" || scenario == "asymmetric")
    check(a.new_holder == "s1" && a.orders_while_cut["s1"] > 0,
          "the majority's s1 took over and traded while the cut lasted");
  if (scenario == "split-2-2")
    check(a.orders_while_cut["s1"] == 0, "nobody but a1 (before its gate closed) traded while split");
  for (auto& e : rep.expectations)
    check(e.pass, "report: " + e.name + " (" + e.observed + ")");
  return failures == 0 ? 0 : 1;
}
