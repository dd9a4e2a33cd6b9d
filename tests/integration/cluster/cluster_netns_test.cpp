// `cwts cluster up --netns` (issue 24): a 4-node cluster (cluster-4's
// layout: gw1, tr1, w1, tr2 standing by for tr1) with every node and the
// venue in its own network namespace, each on its own address on one
// bridge, as on separate hosts. The cluster becomes ready over TLS whose
// certificates name those addresses (`cwts keys --cluster`), and trades; the
// venue's order log shows every order came from gw1's namespace address;
// a silent cut between w1 and tr2 (the bridge's nftables drop) shows in
// `cwts cluster status` as a silent peer on both sides, and a heal brings
// the peer back; `down` removes every namespace. Without root, --netns is
// refused with the reason. Needs root: not skipped without it (a skipped
// partition test proves nothing).

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "nodes/cluster/admin_probe.hpp"
#include "nodes/cluster/netns.hpp"
#include "nodes/cluster/node_probe.hpp"
#include "tests/integration/cluster/cluster_fixture.hpp"
#include "tests/integration/support/process.hpp"

using namespace cwts::itest;
namespace fs = std::filesystem;

namespace {

// Its own /24 and cluster name: namespaces cwts-netns-test-*, the host at .1.
const std::string subnet = "10.97.24.";
const std::string name = "netns-test";
const std::vector<std::string> ids{"gw1", "tr1", "w1", "tr2"};

std::string address(const std::string& id) {
  for (size_t i = 0; i < ids.size(); ++i)
    if (ids[i] == id)
      return subnet + std::to_string(11 + i);
  return {};
}

uint16_t admin_port(const std::string& id) {
  for (size_t i = 0; i < ids.size(); ++i)
    if (ids[i] == id)
      return static_cast<uint16_t>(47141 + i);
  return 0;
}

// cluster-4 with its own keys, the venue's order log on, the netns subnet.
// Fixed ports: each node has a port space of its own in its namespace.
void write_config(const cluster_fixture& f, const std::string& file, const std::string& keys,
                  const std::string& order_log) {
  std::ofstream out(file);
  out << "[cluster]\nname = \"" << name << "\"\nrun-dir = \"" << f.dir << "/netns-run\"\nnodes = \"";
  for (size_t i = 0; i < ids.size(); ++i)
    out << (i ? "," : "") << ids[i];
  out << "\"\nnetns-subnet = \"" << subnet << "0/24\"\nready-timeout-ms = 60000\n"
      << "node-args = --cluster.id=netns-test --kill.required-roles=[\"oms\",\"connector\"] "
         "--kill.role-lost-halt-ms=10000 --operators.file=" << keys << "/operators.ini "
         "--kill.node-key-file=" << keys << "/nodes/node-<node-id>.pem\n"
      << "\n[tls]\nenabled = true\ncerts-dir = \"" << keys << "/certs\"\n"
      << "\n[venue]\nconfig = \"" << f.config_dir << "/venue.ini\"\nport = 0\nspeed = 300\n"
      << "credentials-file = \"" << f.config_dir << "/venue-demo-keys.ini\"\n"
      << "args = --order-log " << order_log << "\n";
  for (size_t i = 0; i < ids.size(); ++i) {
    auto& id = ids[i];
    out << "\n[node." << id << "]\nconfig = \"" << f.config_dir
        << (id == "tr1" || id == "tr2" ? "/node-trading.ini" : "/node-gateway.ini") << "\"\n"
        << "cluster-port = " << 47041 + i << "\nadmin-port = " << admin_port(id) << "\n";
    if (id == "w1")
      out << "roles = [\"witness\"]\n";
    if (id == "tr2")
      out << "standby-for = \"tr1\"\n";
  }
}

long oms_counter(const std::string& id, const std::string& key) {
  auto r = cwts::cluster::admin_get(address(id), admin_port(id), "/api/actors/oms");
  auto at = r.body.find("\"" + key + "\":");
  return r.ok() && at != std::string::npos
           ? std::strtol(r.body.c_str() + at + key.size() + 3, nullptr, 10)
           : -1;
}

// How long ago node `at` heard `peer`'s heartbeat; -1 when unknown.
int64_t heartbeat_age(const std::string& at, const std::string& peer) {
  auto v = cwts::cluster::probe_node(address(at), admin_port(at));
  auto i = v.heartbeat_age_ms.find(peer);
  return i == v.heartbeat_age_ms.end() ? -1 : i->second;
}

std::vector<std::string> our_namespaces() {
  return cwts::netns::bridge::list("cwts-" + name + "-");
}

void without_root(cluster_fixture& f, const std::string& file) {
  // nobody: --netns needs root, said before anything starts.
  auto r = run_command("nobody-up", {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                                     "--clear-groups", f.cli, "cluster", "up", "--netns",
                                     "--config=" + file},
                       f.dir, millis{30000});
  f.check(r.exit_code == 2 && cluster_fixture::contains(r.err, "need root"),
          "without root, up --netns exits 2 saying it needs root: " + r.err);
  f.check(our_namespaces().empty(), "and makes no namespace");
}

} // namespace

int main() {
  if (auto why = cwts::netns::missing_capability(); !why.empty()) {
    std::cout << "FAIL  cluster_netns_test puts each process in its own network namespace: " << why
              << " (it is not skipped: a skipped partition test proves nothing)\n";
    return 1;
  }
  cluster_fixture f("cluster_netns_test", true);
  if (!f.ready()) {
    std::cout << "FAIL  environment lacks CWTS_CONFIG_DIR, CWTS_CLI_BIN or CWTS_GEN_CERTS\n";
    return 1;
  }
  auto file = f.dir + "/cluster-netns.ini";
  auto keys = f.dir + "/netns-keys";
  auto order_log = f.dir + "/venue-orders.jsonl";
  write_config(f, file, keys, order_log);
  // The certificates name each node's namespace address: a peer dialing
  // 10.97.24.12 checks that tr1's certificate says so.
  auto k = f.cwts({"keys", "--out=" + keys, "--cluster=" + file});
  f.check(k.exit_code == 0, "cwts keys --cluster makes the keys: " + k.out + k.err);
  auto text = run_command("openssl", {"/usr/bin/openssl", "x509", "-in", keys + "/certs/tr1.pem",
                                      "-noout", "-ext", "subjectAltName"},
                          f.dir, millis{10000});
  f.check(cluster_fixture::contains(text.out, "IP Address:" + address("tr1"))
            && cluster_fixture::contains(text.out, "IP Address:127.0.0.1"),
          "tr1's certificate names its namespace address and loopback: " + text.out + text.err);

  if (access("/usr/bin/setpriv", X_OK) == 0)
    without_root(f, file);

  auto up = f.cwts({"cluster", "up", "--netns", "--config=" + file}, millis{120000});
  std::cout << up.out << up.err;
  f.check(up.exit_code == 0, "cluster up --netns exits 0");
  for (auto& id : ids) {
    f.check(cluster_fixture::contains(up.out, "ready  " + id + " after"), "up reports " + id + " ready");
    f.check(cluster_fixture::contains(up.out, "http://" + address(id) + ":"
                                                + std::to_string(admin_port(id)) + "/"),
            "up prints " + id + "'s admin port at its address " + address(id));
    f.check(fs::exists("/var/run/netns/cwts-" + name + "-" + id), id + " has its own namespace");
    auto log = read_file(f.dir + "/netns-run/" + id + ".log");
    f.check(cluster_fixture::contains(log, "event=published port=")
              && cluster_fixture::contains(log, "host=" + address(id) + " transport=tls"),
            id + " publishes on its own address over TLS");
  }
  f.check(cluster_fixture::contains(up.out, "venue on " + subnet + "2:"),
          "the venue listens on its namespace address " + subnet + "2");

  // Trades: tr1's orders go out through gw1's connector and fill.
  long fills = -1;
  wait_until([&] { return (fills = oms_counter("tr1", "venue.binance.fills")) > 0; },
             millis{60000});
  f.check(fills > 0, "the cluster trades: tr1 has " + std::to_string(fills) + " fills");
  // The venue saw every order arrive from gw1's address, none from loopback.
  int from_gw1 = 0, other = 0;
  for (auto& line : split_lines(read_file(order_log))) {
    auto at = line.find("\"remote\":\"");
    if (at == std::string::npos || line.compare(at + 10, 1, "\"") == 0)
      continue;
    if (line.compare(at + 10, address("gw1").size() + 1, address("gw1") + ":") == 0)
      ++from_gw1;
    else if (++other <= 3)
      std::cout << "      not from gw1: " << line << "\n";
  }
  f.check(from_gw1 > 0 && other == 0,
          "the venue's order log: " + std::to_string(from_gw1) + " orders from gw1's address "
            + address("gw1") + ", " + std::to_string(other) + " from anywhere else");

  // The cut below only means something once w1 and tr2 hear each other: the
  // links form in the background after `up` (a refused first dial retries a
  // second later), and a cut before then leaves no heartbeat to go silent.
  auto hears = [&](const std::string& at, const std::string& peer) {
    auto age = heartbeat_age(at, peer);
    return age >= 0 && age < 1000;
  };
  f.check(wait_until([&] { return hears("w1", "tr2") && hears("tr2", "w1") && hears("w1", "gw1"); },
                     millis{30000}),
          "before the cut w1 and tr2 hear each other (and w1 hears gw1): "
            + std::to_string(heartbeat_age("w1", "tr2")) + " / "
            + std::to_string(heartbeat_age("tr2", "w1")) + " ms");

  // A silent cut between w1 and tr2 (packets dropped both ways at the
  // receiver, no RST): each stops hearing the other's heartbeats.
  cwts::netns::bridge lan("cwts-" + name + "-");
  f.check(lan.block("tr2", address("w1")).empty() && lan.block("w1", address("tr2")).empty(),
          "the link w1 - tr2 is cut");
  bool lost = wait_until(
    [&] { return heartbeat_age("w1", "tr2") > 2000 && heartbeat_age("tr2", "w1") > 2000; },
    millis{20000});
  f.check(lost, "w1 and tr2 each see the other silent: w1 last heard tr2 "
                  + std::to_string(heartbeat_age("w1", "tr2")) + " ms ago, tr2 heard w1 "
                  + std::to_string(heartbeat_age("tr2", "w1")) + " ms ago");
  f.check(heartbeat_age("w1", "gw1") >= 0 && heartbeat_age("w1", "gw1") < 1000,
          "w1 still hears gw1 (only the one link is cut)");
  auto status = f.cwts({"cluster", "status", "--config=" + file});
  std::cout << status.out << status.err;
  bool w1_line = false, tr2_line = false;
  for (auto& line : split_lines(status.out)) {
    w1_line = w1_line || (line.rfind("w1 ", 0) == 0 && cluster_fixture::contains(line, " tr2("));
    tr2_line = tr2_line || (line.rfind("tr2 ", 0) == 0 && cluster_fixture::contains(line, " w1("));
  }
  f.check(w1_line && tr2_line, "cluster status lists the silent peer on both sides of the cut");
  f.check(lan.unblock("tr2", address("w1")).empty() && lan.unblock("w1", address("tr2")).empty(),
          "the link is healed");
  bool back = wait_until([&] { return hears("w1", "tr2") && hears("tr2", "w1"); }, millis{30000});
  f.check(back, "after the heal w1 and tr2 hear each other again: "
                  + std::to_string(heartbeat_age("w1", "tr2")) + " / "
                  + std::to_string(heartbeat_age("tr2", "w1")) + " ms");

  auto down = f.cwts({"cluster", "down", "--config=" + file});
  std::cout << down.out << down.err;
  f.check(down.exit_code == 0 && cluster_fixture::contains(down.out, "namespaces removed"),
          "cluster down exits 0 and removes the namespaces");
  f.check(our_namespaces().empty(), "no namespace of the cluster is left");
  bool host_port_left = false;
  for (auto& e : fs::directory_iterator("/sys/class/net"))
    if (e.path().filename().string().rfind("cwts", 0) == 0
        && cluster_fixture::contains(run_command("ip-addr", {"/usr/sbin/ip", "-br", "addr", "show",
                                                             e.path().filename().string()},
                                                 f.dir, millis{10000}).out,
                                     subnet + "1/24"))
      host_port_left = true;
  f.check(!host_port_left, "nor the host's port on the bridge (" + subnet + "1)");
  cwts::netns::bridge::remove(our_namespaces()); // a failed run leaves nothing either
  std::cout << (f.failures ? "FAILED " : "PASSED ") << f.failures << " failure(s); logs in " << f.dir
            << "\n";
  return f.failures ? 1 : 0;
}
