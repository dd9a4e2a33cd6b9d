// One `cwts drill <scenario>` on a fresh TLS cluster made for this test
// (argv[1]: the scenario; argv[2] "standby": the 4-node layout with tr2
// standing by for tr1). Passes when the drill exits 0 and its JSON report
// says "result": "pass" with every expectation held.

#include "tests/integration/cluster/cluster_fixture.hpp"

using namespace cwts::itest;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cout << "usage: cluster_drill_test <scenario> [standby]\n";
    return 2;
  }
  std::string scenario = argv[1];
  bool standby = argc > 2 && std::string(argv[2]) == "standby";
  cluster_fixture f("drill_" + scenario + (standby ? "_standby" : ""), standby);
  if (!f.ready()) {
    std::cout << "FAIL  environment lacks CWTS_CONFIG_DIR, CWTS_CLI_BIN or CWTS_GEN_CERTS\n";
    return 1;
  }
  auto report = f.dir + "/report.json";
  auto r = f.cwts({"drill", scenario, "--config=" + f.file, "--report=" + report,
                   "--operator=alice", "--key-file=" + f.operator_key("alice")},
                  millis{170000});
  std::cout << r.out << r.err;
  f.check(r.exit_code == 0, "cwts drill " + scenario + " exits 0 (exit code " + std::to_string(r.exit_code)
                              + ", a signal when negative)");
  auto json = read_file(report);
  f.check(cluster_fixture::contains(json, "\"result\": \"pass\""), "the JSON report says pass");
  f.check(!cluster_fixture::contains(json, "\"pass\": false"), "no expectation failed in the report");
  f.check(cluster_fixture::contains(json, "\"measured_ms\""), "the report has measured times");
  std::cout << (f.failures ? "FAILED " : "PASSED ") << f.failures << " failure(s); logs in " << f.dir
            << "\n";
  return f.failures ? 1 : 0;
}
