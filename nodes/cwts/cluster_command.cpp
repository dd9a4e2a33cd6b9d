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
#include "nodes/cluster/node_probe.hpp"
#include "nodes/cluster/process_control.hpp"

namespace cwts {

namespace {

using namespace cwts::cluster;
using clock_type = std::chrono::steady_clock;

constexpr const char* cluster_usage =
  "usage: cwts cluster up|status|down --config=FILE\n"
  "  up      starts the venue(s) and every node of the cluster config, waits until\n"
  "          every node is ready (admin /readyz), prints where each admin port is\n"
  "  status  each process: alive, ready, trading state, quorum\n"
  "  down    stops the nodes (SIGTERM, then SIGKILL after stop-timeout-ms), then the venue(s)\n"
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
  std::printf("%-8s %-7s %-8s %-15s %-26s %s\n", "process", "pid", "alive", "cluster-port",
              "admin", "log");
  for (auto& [name, p] : rt.processes()) {
    std::string admin = p.admin_port ? "http://127.0.0.1:" + std::to_string(p.admin_port) + "/" : "-";
    // A venue: its REST/WebSocket port (and FIX acceptor); a node: its link.
    std::string port = std::to_string(p.port);
    if (!cluster_runtime::is_venue(name))
      port += rt.spec().tls ? " tls" : " tcp";
    else if (p.fix_port)
      port += " fix " + std::to_string(p.fix_port);
    std::printf("%-8s %-7d %-8s %-15s %-26s %s\n", name.c_str(), p.pid,
                yes_no(process_alive(p.pid)), port.c_str(), admin.c_str(), p.log.c_str());
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
  auto started = clock_type::now();
  if (!rt.start_all(error) || !rt.save_state(error)) {
    std::cerr << "cwts cluster up: " << error << "\n";
    rt.stop_all();
    return 1;
  }
  std::string second;
  for (auto& v : rt.spec().more_venues)
    if (auto* p = rt.process(v.section))
      second += ", venue " + v.name + " on 127.0.0.1:" + std::to_string(p->port)
                + (p->fix_port ? " (FIX " + std::to_string(p->fix_port) + ")" : "")
                + (v.protocol == "okx" ? " (OKX v5)" : "")
                + (v.protocol == "kraken" ? " (Kraken Spot)" : "");
  std::printf("cluster %s: venue on 127.0.0.1:%u%s, %zu nodes starting (links %s), run dir %s\n",
              rt.spec().name.c_str(), rt.venue_port(), second.c_str(), rt.spec().nodes.size(),
              rt.spec().tls ? "TLS" : "plain TCP", rt.run_dir().c_str());
  if (!wait_cluster_ready(rt, started, std::cout, std::cerr)) {
    std::cerr << "cwts cluster up: stopping the cluster (logs stay in " << rt.run_dir() << ")\n";
    rt.stop_all();
    rt.remove_state();
    return 1;
  }
  print_table(rt);
  std::printf("console: cwts console --admin=127.0.0.1:%u   stop: cwts cluster down --config=%s\n",
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
  std::printf("%-8s %-7s %-6s %-6s %-12s %-18s %-7s %s\n", "process", "pid", "alive", "ready",
              "mode", "level", "quorum", "admin");
  for (auto& [name, p] : rt.processes()) {
    bool alive = process_alive(p.pid);
    all = all && alive;
    if (cluster_runtime::is_venue(name)) {
      std::string fix = p.fix_port ? ", FIX 127.0.0.1:" + std::to_string(p.fix_port) : "";
      std::printf("%-8s %-7d %-6s %-6s %-12s %-18s %-7s 127.0.0.1:%u (venue%s)\n", name.c_str(), p.pid,
                  yes_no(alive), "-", "-", "-", "-", p.port, fix.c_str());
      continue;
    }
    auto v = alive ? probe_node(p.admin_port) : node_view{};
    auto* n = rt.spec().node(name);
    bool standby = n && !n->standby_for.empty();
    all = all && v.healthy && (v.ready || standby);
    std::printf("%-8s %-7d %-6s %-6s %-12s %-18s %-7s http://127.0.0.1:%u/%s\n", name.c_str(),
                p.pid, yes_no(alive), yes_no(v.ready), v.mode.empty() ? "-" : v.mode.c_str(),
                v.level.empty() ? "-" : v.level.c_str(), yes_no(v.quorum_held), p.admin_port,
                standby ? " (standby)" : "");
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
  if (!error.empty() || (sub != "up" && sub != "status" && sub != "down") || !opts.count("config")) {
    std::cerr << "cwts cluster: " << (error.empty() ? "need up|status|down and --config" : error)
              << "\n" << cluster_usage;
    return 2;
  }
  auto spec = load_cluster_spec(opts["config"], error);
  if (!spec) {
    std::cerr << "cwts cluster: " << error << "\n";
    return 2;
  }
  cluster_runtime rt(std::move(*spec), executable_dir());
  if (sub == "up")
    return cluster_up(rt);
  if (sub == "status")
    return cluster_status(rt);
  return cluster_down(rt);
}

} // namespace cwts
