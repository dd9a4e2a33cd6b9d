// cwts cluster up|status|down: a local cluster from a cluster config
// (config/cluster-3.ini): the venue (and each [venue-N]'s) and every node started
// detached, logs and state in the cluster's run dir, readiness from each
// node's admin port.
// docs/operations.md is the runbook.

#include "nodes/cwts/cluster_command.hpp"

#include <cstdio>
#include <iostream>
#include <map>

#include "nodes/cluster/cluster_readiness.hpp"
#include "nodes/cluster/cluster_runtime.hpp"
#include "nodes/cluster/netns.hpp"
#include "nodes/cluster/node_probe.hpp"
#include "nodes/cluster/process_control.hpp"

namespace cwts {

namespace {

using namespace cwts::cluster;
using clock_type = std::chrono::steady_clock;

constexpr const char* cluster_usage =
  "usage: cwts cluster up|status|down --config=FILE [--netns]\n"
  "  up      starts the venue(s) and every node of the cluster config, waits until\n"
  "          every node is ready (admin /readyz), prints where each admin port is\n"
  "          --netns: each process in its own network namespace with its own\n"
  "          address on one bridge, as on separate hosts (needs root)\n"
  "  status  each process: alive, ready, trading state, quorum, silent peers\n"
  "  down    stops the nodes (SIGTERM, then SIGKILL after stop-timeout-ms), then the\n"
  "          venue(s); removes the namespaces of an up --netns\n"
  "example: cwts cluster up --config=config/cluster-3.ini\n"
  "exit codes: 0 done, 1 not ready / not all running, 2 usage or config error\n";

// --key=value options after the subcommand.
std::map<std::string, std::string> parse_options(int argc, char** argv, int first,
                                                 std::string& error) {
  std::map<std::string, std::string> out;
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    auto eq = a.find('=');
    if (a.rfind("--", 0) != 0) {
      error = "unexpected argument '" + a + "'";
      break;
    }
    out[a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2)] =
      eq == std::string::npos ? "true" : a.substr(eq + 1);
  }
  return out;
}

const char* yes_no(bool b) {
  return b ? "yes" : "no";
}

void print_table(const cluster_runtime& rt) {
  std::printf("%-8s %-7s %-8s %-15s %-15s %-30s %s\n", "process", "pid", "alive", "address",
              "cluster-port", "admin", "log");
  for (auto& [name, p] : rt.processes()) {
    std::string admin =
      p.admin_port ? "http://" + p.host + ":" + std::to_string(p.admin_port) + "/" : "-";
    // A venue: its REST/WebSocket port (and FIX acceptor); a node: its link.
    std::string port = std::to_string(p.port);
    if (!cluster_runtime::is_venue(name))
      port += rt.spec().tls ? " tls" : " tcp";
    else if (p.fix_port)
      port += " fix " + std::to_string(p.fix_port);
    std::printf("%-8s %-7d %-8s %-15s %-15s %-30s %s\n", name.c_str(), p.pid,
                yes_no(process_alive(p.pid)), p.host.c_str(), port.c_str(), admin.c_str(),
                p.log.c_str());
  }
}

int cluster_up(cluster_runtime& rt) {
  std::string error;
  if (rt.load_state(error)) {
    for (auto& [name, p] : rt.processes())
      if (process_alive(p.pid)) {
        std::cerr << "cwts cluster up: " << rt.spec().name << " already runs (" << name
                  << " pid " << p.pid << "); `cwts cluster down --config=" << rt.spec().file
                  << "` first\n";
        return 1;
      }
  }
  if (!rt.prepare(error)) {
    std::cerr << "cwts cluster up: " << error << "\n";
    return 2;
  }
  // Stops what runs and removes the namespaces (a failed or unready start).
  auto take_down = [&rt] {
    rt.stop_all();
    if (rt.netns())
      if (auto why = rt.remove_namespaces(); !why.empty())
        std::cerr << "cwts cluster up: " << why << "\n";
  };
  if (rt.netns() && !rt.make_namespaces(error)) {
    std::cerr << "cwts cluster up: " << error << "\n";
    return 2;
  }
  auto started = clock_type::now();
  if (!rt.start_all(error) || !rt.save_state(error)) {
    std::cerr << "cwts cluster up: " << error << "\n";
    take_down();
    return 1;
  }
  std::string second;
  for (auto& v : rt.spec().more_venues)
    if (auto* p = rt.process(v.section))
      second += ", venue " + v.name + " on " + p->host + ":" + std::to_string(p->port)
                + (p->fix_port ? " (FIX " + std::to_string(p->fix_port) + ")" : "")
                + (v.protocol == "okx" ? " (OKX v5)" : "")
                + (v.protocol == "kraken" ? " (Kraken Spot)" : "");
  std::printf("cluster %s: venue on %s:%u%s, %zu nodes starting (links %s), run dir %s\n",
              rt.spec().name.c_str(), rt.address_of("venue").c_str(), rt.venue_port(),
              second.c_str(), rt.spec().nodes.size(), rt.spec().tls ? "TLS" : "plain TCP",
              rt.run_dir().c_str());
  if (rt.netns())
    std::printf("network namespaces: %s-* on a bridge, this host at %s1 (%s); look inside: ip "
                "netns exec %s ss -tn\n",
                rt.hub_namespace().substr(0, rt.hub_namespace().size() - 4).c_str(),
                rt.spec().netns_subnet.c_str(), rt.root_interface().c_str(),
                rt.namespace_of(rt.spec().nodes.front().id).c_str());
  if (!wait_cluster_ready(rt, started, std::cout, std::cerr)) {
    std::cerr << "cwts cluster up: stopping the cluster (logs stay in " << rt.run_dir() << ")\n";
    take_down();
    rt.remove_state();
    return 1;
  }
  print_table(rt);
  std::printf("console: cwts console --admin=%s:%u   stop: cwts cluster down --config=%s\n",
              rt.address_of(rt.spec().nodes.front().id).c_str(),
              rt.spec().nodes.front().admin_port, rt.spec().file.c_str());
  return 0;
}

int cluster_status(cluster_runtime& rt) {
  std::string error;
  if (!rt.load_state(error)) {
    std::cerr << "cwts cluster status: " << error << "\n";
    return 1;
  }
  bool all = true;
  std::printf("%-8s %-7s %-6s %-6s %-12s %-18s %-7s %-30s %s\n", "process", "pid", "alive",
              "ready", "mode", "level", "quorum", "admin", "silent-peers");
  for (auto& [name, p] : rt.processes()) {
    bool alive = process_alive(p.pid);
    all = all && alive;
    if (cluster_runtime::is_venue(name)) {
      std::string fix = p.fix_port ? ", FIX " + p.host + ":" + std::to_string(p.fix_port) : "";
      std::printf("%-8s %-7d %-6s %-6s %-12s %-18s %-7s %s:%u (venue%s)\n", name.c_str(), p.pid,
                  yes_no(alive), "-", "-", "-", "-", p.host.c_str(), p.port, fix.c_str());
      continue;
    }
    auto v = alive ? probe_node(p.host, p.admin_port) : node_view{};
    auto* n = rt.spec().node(name);
    bool standby = n && !n->standby_for.empty();
    all = all && v.healthy && (v.ready || standby);
    // A peer heard from more than a second ago: its link is down or it is
    // gone (heartbeats come every kill.heartbeat-interval-ms, 200 ms).
    std::string silent;
    for (auto& [peer, age] : v.heartbeat_age_ms)
      if (age > 1000)
        silent += (silent.empty() ? "" : ",") + peer + "(" + std::to_string(age) + "ms)";
    auto admin = "http://" + p.host + ":" + std::to_string(p.admin_port) + "/"
                 + (standby ? " (standby)" : "");
    std::printf("%-8s %-7d %-6s %-6s %-12s %-18s %-7s %-30s %s\n", name.c_str(), p.pid,
                yes_no(alive), yes_no(v.ready), v.mode.empty() ? "-" : v.mode.c_str(),
                v.level.empty() ? "-" : v.level.c_str(), yes_no(v.quorum_held), admin.c_str(),
                silent.empty() ? "-" : silent.c_str());
  }
  return all ? 0 : 1;
}

int cluster_down(cluster_runtime& rt) {
  std::string error;
  if (!rt.load_state(error)) {
    std::cerr << "cwts cluster down: " << error << "\n";
    return 1;
  }
  std::vector<std::string> order;
  for (auto i = rt.spec().nodes.rbegin(); i != rt.spec().nodes.rend(); ++i)
    order.push_back(i->id);
  auto venues = rt.venue_names();
  order.insert(order.end(), venues.rbegin(), venues.rend());
  for (auto& name : order) {
    auto* p = rt.process(name);
    if (!p)
      continue;
    auto t0 = clock_type::now();
    bool was_running = false;
    bool clean = stop_process(p->pid, rt.spec().stop_timeout, &was_running);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0);
    std::printf("%-8s %s\n", name.c_str(),
                !was_running ? "was not running"
                : clean ? ("stopped in " + std::to_string(ms.count()) + " ms").c_str()
                        : "did not stop on SIGTERM: killed");
  }
  rt.remove_state();
  if (rt.netns()) {
    if (auto why = rt.remove_namespaces(); !why.empty()) {
      std::cerr << "cwts cluster down: " << why << "\n";
      return 1;
    }
    std::printf("namespaces removed (%zu)\n", rt.namespaces().size());
  }
  return 0;
}

} // namespace

int run_cluster_command(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << cluster_usage;
    return 2;
  }
  std::string sub = argv[1];
  std::string error;
  auto opts = parse_options(argc, argv, 2, error);
  bool netns = opts.count("netns") > 0;
  if (error.empty() && netns && (sub != "up" || opts["netns"] != "true"))
    error = sub == "up" ? "--netns takes no value"
                        : "--netns is for up (status and down read how it was started)";
  if (!error.empty() || (sub != "up" && sub != "status" && sub != "down") || !opts.count("config")) {
    std::cerr << "cwts cluster: " << (error.empty() ? "need up|status|down and --config" : error)
              << "\n" << cluster_usage;
    return 2;
  }
  // Said before anything is read or started, as a usage problem (exit 2).
  if (netns)
    if (auto why = netns::missing_capability(); !why.empty()) {
      std::cerr << "cwts cluster up --netns: " << why << "\n";
      return 2;
    }
  auto spec = load_cluster_spec(opts["config"], error);
  if (!spec) {
    std::cerr << "cwts cluster: " << error << "\n";
    return 2;
  }
  cluster_runtime rt(std::move(*spec), executable_dir());
  rt.set_netns(netns);
  if (sub == "up")
    return cluster_up(rt);
  if (sub == "status")
    return cluster_status(rt);
  return cluster_down(rt);
}

} // namespace cwts
