// One `cwts drill <scenario>` on a fresh TLS cluster made for this test
// (argv[1]: the scenario; argv[2] "standby": the 4-node layout with tr2
// standing by for tr1). Passes when the drill exits 0 and its JSON report
// says "result": "pass" with every expectation held.
// argv[1] "abandoned": a drill process SIGKILLed once its cluster is ready
// must take its nodes and venue with it (nothing left trading unwatched).

#include "tests/integration/cluster/cluster_fixture.hpp"

#include <algorithm>
#include <csignal>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace cwts::itest;

namespace {

// Whether something accepts TCP connections on 127.0.0.1:`port`.
bool accepts(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

int abandoned_drill(cluster_fixture& f) {
  child_process drill("cwts-drill",
                      {f.cli, "drill", "node-kill", "--config=" + f.file, "--operator=alice",
                       "--key-file=" + f.operator_key("alice")},
                      f.dir);
  // The nodes' admin ports say they run.
  auto all_up = [&] { return std::all_of(f.admin_ports.begin(), f.admin_ports.end(), accepts); };
  bool serving = wait_until([&] { return all_up() || !drill.running(); }, millis{90000}) && all_up();
  f.check(serving, "every node's admin port answers while the drill runs (" + tail(drill.err(), 600) + ")");
  ::kill(drill.pid(), SIGKILL);
  f.check(drill.wait_exit(millis{10000}) == -SIGKILL, "the drill process is killed");
  f.check(has(drill.out(), "drill node-kill: starting 3 nodes"),
          "what the drill printed before it died is kept (its output is not held in a buffer)");
  auto gone = [&] { return std::none_of(f.admin_ports.begin(), f.admin_ports.end(), accepts); };
  f.check(serving && wait_until(gone, millis{30000}),
          "every node is gone with the drill (no admin port answers)");
  std::cout << (f.failures ? "FAILED " : "PASSED ") << f.failures << " failure(s); logs in " << f.dir
            << "\n";
  return f.failures ? 1 : 0;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cout << "usage: cluster_drill_test <scenario> [standby] | abandoned\n";
    return 2;
  }
  std::string scenario = argv[1];
  bool standby = argc > 2 && std::string(argv[2]) == "standby";
  cluster_fixture f("drill_" + scenario + (standby ? "_standby" : ""), standby);
  if (!f.ready()) {
    std::cout << "FAIL  environment lacks CWTS_CONFIG_DIR, CWTS_CLI_BIN or CWTS_GEN_CERTS\n";
    return 1;
  }
  if (scenario == "abandoned")
    return abandoned_drill(f);
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
