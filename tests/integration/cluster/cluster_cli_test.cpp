// `cwts cluster up|status|down` on a 3-node cluster with TLS links and three
// venues, as config/cluster-3.ini (the demo): up waits until every node is
// ready and prints the admin ports; the links are TLS; status sees every
// process, every venue included; the trading node fills at every venue (the
// second over FIX, the third over OKX v5); a second up is refused; down stops everything. Config
// errors and missing certificates are refused with a reason.

#include <chrono>
#include <cstdlib>
#include <fstream>

#include "tests/integration/admin/http_get.hpp"
#include "tests/integration/cluster/cluster_fixture.hpp"
#include "tests/integration/support/process.hpp"

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
  std::ofstream(bad, std::ios::trunc) << "[cluster]\nnodes = \"gw1\"\n[venue-2]\nname = \"fix\"\n"
                                          "fix-port = 0\n[node.gw1]\nconfig = \"x.ini\"\n"
                                          "cluster-port = 1\nadmin-port = 2\n";
  r = f.cwts({"cluster", "up", "--config=" + bad});
  f.check(r.exit_code == 2 && cluster_fixture::contains(r.err, "[venue-2] symbols: missing"),
          "[venue-2] without symbols is refused, naming the key: " + r.err);
  std::ofstream(bad, std::ios::trunc) << "[cluster]\nnodes = \"gw1\"\n[venue-4]\nname = \"kraken\"\n"
                                          "protocol = \"krakn\"\nsymbols = [\"USDCHF\"]\n[node.gw1]\n"
                                          "config = \"x.ini\"\ncluster-port = 1\nadmin-port = 2\n";
  r = f.cwts({"cluster", "up", "--config=" + bad});
  f.check(r.exit_code == 2
            && cluster_fixture::contains(r.err, "[venue-4] protocol: 'krakn' is not binance, fix, okx or kraken"),
          "[venue-4] with an unknown protocol is refused, naming the key: " + r.err);
  std::ofstream(bad, std::ios::trunc) << "[cluster]\nnodes = \"gw1\"\n[node.gw1]\n"
                                          "config = \"x.ini\"\ncluster-port = 1\nadmin-port = 2\n"
                                          "address = \"gw1.example\"\n";
  r = f.cwts({"cluster", "up", "--config=" + bad});
  f.check(r.exit_code == 2
            && cluster_fixture::contains(r.err, "[node.gw1] address: 'gw1.example' is not an IPv4 address"),
          "a node address that is not an IPv4 address is refused, naming the key: " + r.err);
  std::ofstream(bad, std::ios::trunc) << "[cluster]\nnodes = \"gw1\"\nnetns-subnet = \"10.1.0.0/16\"\n"
                                          "[node.gw1]\nconfig = \"x.ini\"\ncluster-port = 1\n"
                                          "admin-port = 2\n";
  r = f.cwts({"cluster", "up", "--netns", "--config=" + bad});
  f.check(r.exit_code == 2
            && cluster_fixture::contains(r.err, "[cluster] netns-subnet: '10.1.0.0/16' is not an IPv4 /24"),
          "a netns subnet that is not a /24 is refused, naming the key: " + r.err);
  r = f.cwts({"cluster", "status", "--netns", "--config=" + f.file});
  f.check(r.exit_code == 2 && cluster_fixture::contains(r.err, "--netns is for up"),
          "--netns is refused for status: " + r.err);
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

// Counter `key` of the OMS of the node on `admin_port` (GET /api/actors/oms);
// -1 when absent.
long oms_counter(uint16_t admin_port, const std::string& key) {
  auto r = http_get(admin_port, "/api/actors/oms");
  auto at = r.body.find("\"" + key + "\":");
  return r.status == 200 && at != std::string::npos
           ? std::strtol(r.body.c_str() + at + key.size() + 3, nullptr, 10)
           : -1;
}

// The trading node (tr1) fills at every venue: binance (the first venue,
// REST/WebSocket), fix (venue-2, FIX), okx (venue-3, OKX v5) and kraken
// (venue-4, Kraken Spot).
void fills_at_every_venue(cluster_fixture& f) {
  auto tr1 = f.admin_ports[1];
  long binance = -1, fix = -1, okx = -1, kraken = -1;
  wait_until(
    [&] {
      binance = oms_counter(tr1, "venue.binance.fills");
      fix = oms_counter(tr1, "venue.fix.fills");
      okx = oms_counter(tr1, "venue.okx.fills");
      kraken = oms_counter(tr1, "venue.kraken.fills");
      return binance > 0 && fix > 0 && okx > 0 && kraken > 0;
    },
    std::chrono::seconds(60));
  f.check(binance > 0 && fix > 0 && okx > 0 && kraken > 0,
          "tr1 fills at every venue: binance " + std::to_string(binance) + ", fix "
            + std::to_string(fix) + ", okx " + std::to_string(okx) + ", kraken "
            + std::to_string(kraken));
}

// A level-2 kill at gw1 (over the cluster's TLS, signed by alice): gw1's
// connectors cancel at the four venues in parallel, each confirming that
// nothing of the account is left open.
void kill_cancels_at_every_venue(cluster_fixture& f) {
  auto certs = f.keys_dir() + "/certs/";
  auto kill = f.cwts({"kill", "--node=127.0.0.1:" + std::to_string(f.cluster_ports[0]),
                      "--openssl.certificate=" + certs + "gw1.pem", "--openssl.key=" + certs + "gw1.key",
                      "--openssl.cafile=" + certs + "ca.pem", "--operator=alice",
                      "--key-file=" + f.operator_key("alice"), "--level=2",
                      "--reason=cluster_cli_test: cancel at every venue"});
  std::cout << kill.out << kill.err;
  f.check(kill.exit_code == 0 && cluster_fixture::contains(kill.out, "complete=1"),
          "a level-2 kill completes");
  for (auto* venue : {"binance", "fix", "okx", "kraken"}) {
    auto at = kill.out.find(std::string("name=venue_cancel_all venue=") + venue + " ");
    auto line = at == std::string::npos ? std::string() : kill.out.substr(at, kill.out.find('\n', at) - at);
    f.check(cluster_fixture::contains(line, " ok=1") && cluster_fixture::contains(line, " open_after=0"),
            std::string("the kill cancels at ") + venue + ", confirmed: " + line);
  }
}

} // namespace

int main() {
  cluster_fixture f("cluster_cli_test", false, true, true);
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
  f.check(cluster_fixture::contains(up.out, "venue fix on 127.0.0.1:")
            && cluster_fixture::contains(up.out, "(FIX "),
          "up prints the second venue with its FIX port");
  f.check(cluster_fixture::contains(up.out, "venue okx on 127.0.0.1:")
            && cluster_fixture::contains(up.out, "(OKX v5)"),
          "up prints the third venue, traded over OKX v5");
  f.check(cluster_fixture::contains(up.out, "venue kraken on 127.0.0.1:")
            && cluster_fixture::contains(up.out, "(Kraken Spot)"),
          "up prints the fourth venue, traded over Kraken Spot");
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
  f.check(cluster_fixture::contains(status.out, "venue-2 ")
            && cluster_fixture::contains(status.out, "(venue, FIX 127.0.0.1:"),
          "status shows the second venue and its FIX port");
  fills_at_every_venue(f);
  kill_cancels_at_every_venue(f);
  auto again = f.cwts({"cluster", "up", "--config=" + f.file});
  f.check(again.exit_code == 1 && cluster_fixture::contains(again.err, "already runs"),
          "a second up is refused: " + again.err);
  auto down = f.cwts({"cluster", "down", "--config=" + f.file});
  std::cout << down.out << down.err;
  f.check(down.exit_code == 0, "cluster down exits 0");
  for (auto& id : f.ids)
    f.check(cluster_fixture::contains(down.out, id) && cluster_fixture::contains(down.out, "stopped in"),
            "down stopped " + id + " on SIGTERM");
  for (auto* v : {"venue    stopped in", "venue-2  stopped in", "venue-3  stopped in",
                  "venue-4  stopped in"})
    f.check(cluster_fixture::contains(down.out, v), std::string("down: ") + v);
  auto after = f.cwts({"cluster", "status", "--config=" + f.file});
  f.check(after.exit_code == 1, "status after down finds no cluster");
  std::cout << (f.failures ? "FAILED " : "PASSED ") << f.failures << " failure(s); logs in " << f.dir
            << "\n";
  return f.failures ? 1 : 0;
}
