// `cwts cluster up|status|down` on a 3-node cluster with TLS links: up waits
// until every node is ready and prints the admin ports; the links are TLS;
// status sees every process; a second up is refused; down stops everything.
// Config errors and missing certificates are refused with a reason.

#include <fstream>

#include "tests/integration/cluster/cluster_fixture.hpp"

using namespace cwts::itest;

namespace {

void config_errors(cluster_fixture& f) {
  auto bad = f.dir + "/bad.ini";
  std::ofstream(bad) << "[cluster]\nnodes = \"gw1\"\nreplicas = 3\n[node.gw1]\nconfig = \"x.ini\"\n"
                        "cluster-port = 1\nadmin-port = 2\n";
  auto r = f.cwts({"cluster", "up", "--config=" + bad});
  f.check(r.exit_code == 2 && cluster_fixture::contains(r.err, "unknown key 'replicas'"),
          "an unknown key is refused with exit 2 and its name: " + r.err);
  std::ofstream(bad, std::ios::trunc) << "[cluster]\nnodes = \"gw1,gw1\"\n";
  r = f.cwts({"cluster", "up", "--config=" + bad});
  f.check(r.exit_code == 2 && cluster_fixture::contains(r.err, "listed twice"),
          "a node listed twice is refused: " + r.err);
  r = f.cwts({"cluster", "status", "--config=" + f.file});
  f.check(r.exit_code == 1 && cluster_fixture::contains(r.err, "no running cluster"),
          "status before up says no cluster runs: " + r.err);
}

void missing_certificates(cluster_fixture& f) {
  cluster_fixture nocert("cluster_cli_nocert", false, false);
  // TLS on, but nothing made in the certs dir.
  std::string text = read_file(nocert.file);
  auto at = text.find("enabled = false");
  text.replace(at, 15, "enabled = true");
  std::ofstream(nocert.file, std::ios::trunc) << text;
  auto r = f.cwts({"cluster", "up", "--config=" + nocert.file});
  f.check(r.exit_code == 2 && cluster_fixture::contains(r.err, "scripts/gen-certs"),
          "TLS without certificates is refused and names scripts/gen-certs: " + r.err);
}

} // namespace

int main() {
  cluster_fixture f("cluster_cli_test", false);
  if (!f.ready()) {
    std::cout << "FAIL  environment lacks CWTS_CONFIG_DIR, CWTS_CLI_BIN or CWTS_GEN_CERTS\n";
    return 1;
  }
  config_errors(f);
  missing_certificates(f);

  auto up = f.cwts({"cluster", "up", "--config=" + f.file});
  std::cout << up.out << up.err;
  f.check(up.exit_code == 0, "cluster up exits 0");
  for (auto& id : f.ids)
    f.check(cluster_fixture::contains(up.out, "ready  " + id + " after"), "up reports " + id + " ready");
  for (auto port : f.admin_ports)
    f.check(cluster_fixture::contains(up.out, "http://127.0.0.1:" + std::to_string(port) + "/"),
            "up prints admin port " + std::to_string(port));
  for (auto& id : f.ids) {
    auto log = read_file(f.dir + "/run/" + id + ".log");
    f.check(cluster_fixture::contains(log, "event=published") && cluster_fixture::contains(log, "transport=tls"),
            id + " publishes over TLS");
    f.check(cluster_fixture::contains(log, "event=peer_connected"), id + " connected to a peer over TLS");
  }
  auto status = f.cwts({"cluster", "status", "--config=" + f.file});
  std::cout << status.out << status.err;
  f.check(status.exit_code == 0, "cluster status exits 0 while every node is up and ready");
  f.check(cluster_fixture::contains(status.out, "ACTIVE"), "status shows the trading state");
  auto again = f.cwts({"cluster", "up", "--config=" + f.file});
  f.check(again.exit_code == 1 && cluster_fixture::contains(again.err, "already runs"),
          "a second up is refused: " + again.err);
  auto down = f.cwts({"cluster", "down", "--config=" + f.file});
  std::cout << down.out << down.err;
  f.check(down.exit_code == 0, "cluster down exits 0");
  for (auto& id : f.ids)
    f.check(cluster_fixture::contains(down.out, id) && cluster_fixture::contains(down.out, "stopped in"),
            "down stopped " + id + " on SIGTERM");
  auto after = f.cwts({"cluster", "status", "--config=" + f.file});
  f.check(after.exit_code == 1, "status after down finds no cluster");
  std::cout << (f.failures ? "FAILED " : "PASSED ") << f.failures << " failure(s); logs in " << f.dir
            << "\n";
  return f.failures ? 1 : 0;
}
