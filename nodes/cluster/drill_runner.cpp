#include "nodes/cluster/drill_runner.hpp"

#include <filesystem>
#include <sstream>
#include <thread>

#include "nodes/cluster/cluster_readiness.hpp"
#include "nodes/cluster/drill_context.hpp"
#include "nodes/cluster/drill_scenarios.hpp"
#include "nodes/cluster/process_control.hpp"

namespace cwts::cluster {

namespace {

using scenario_fn = void (*)(drill_context&);

struct scenario {
  const char* name;
  const char* what;
  scenario_fn run;
};

const std::vector<scenario>& scenarios() {
  static const std::vector<scenario> all{
    {"actor-crash", "crash one actor (--role, --node): its supervisor restarts it, trading goes on",
     drill_actor_crash},
    {"node-kill", "SIGKILL one node (--node): peers detect it; its standby takes over, or the "
                  "cluster halts at level 2",
     drill_node_kill},
    {"venue-disconnect", "the venue drops every WebSocket connection: connectors reconnect and "
                         "resynchronise, trading goes on",
     drill_venue_disconnect},
    {"partition", "cut every link of one node (--node): it halts itself (quorum lost), the rest "
                  "keep the quorum and trade on",
     drill_partition},
    {"byzantine", "forged, altered, unknown-operator and replayed kill commands: each refused "
                  "with a reason, nothing halts",
     drill_byzantine},
    {"forged-reset", "a genuine kill halts the cluster; forged resets are refused and it stays "
                     "halted; a genuine reset resumes it",
     drill_forged_reset},
  };
  return all;
}

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

} // namespace

const std::vector<std::pair<std::string, std::string>>& drill_scenarios() {
  static const auto list = [] {
    std::vector<std::pair<std::string, std::string>> out;
    for (auto& s : scenarios())
      out.emplace_back(s.name, s.what);
    return out;
  }();
  return list;
}

drill_report run_drill(const cluster_spec& spec, const std::string& bin_dir,
                       const drill_options& opts, std::ostream& log) {
  drill_report report;
  report.scenario = opts.scenario;
  report.cluster = spec.file;
  report.started_at_ms = wall_ms();
  const scenario* chosen = nullptr;
  for (auto& s : scenarios())
    if (opts.scenario == s.name)
      chosen = &s;
  if (!chosen) {
    report.error = "unknown scenario '" + opts.scenario + "'";
    return report;
  }
  // Its own run dir, emptied: journals and durable halt state of an earlier
  // run would change what the nodes do at start.
  auto drill_spec = spec;
  drill_spec.run_dir = spec.run_dir + "/drill-" + opts.scenario;
  cluster_runtime rt(drill_spec, bin_dir);
  report.run_dir = rt.run_dir();
  {
    cluster_runtime running(spec, bin_dir);
    std::string ignored;
    if (running.load_state(ignored))
      for (auto& [name, p] : running.processes())
        if (process_alive(p.pid)) {
          report.error = "cluster " + spec.name + " is up (" + name + " pid " + std::to_string(p.pid)
                         + "): a drill starts its own on the same ports; cwts cluster down first";
          return report;
        }
  }
  std::error_code ec;
  std::filesystem::remove_all(rt.run_dir(), ec);
  std::string error;
  drill_context ctx(rt, report, opts, log);
  rt.tie_to_this_process(!opts.keep);
  rt.node_extra_args().push_back("--drill.enabled");
  // A node gives its peers [cluster] connect-timeout-ms after start before
  // their silence counts against the quorum (15 s in the node configs); a
  // drill injects after a few seconds, so it shortens that grace to make the
  // fail-safe's reaction, not the start-up grace, what it measures.
  rt.node_extra_args().push_back("--cluster.connect-timeout-ms=2000");
  if (!rt.prepare(error) || !ctx.add_link_proxies(error)) {
    report.error = error;
    return report;
  }
  log << "drill " << opts.scenario << ": starting " << spec.nodes.size() << " nodes and the venue ("
      << rt.run_dir() << ")\n";
  auto started = std::chrono::steady_clock::now();
  if (!rt.start_all(error) || !rt.save_state(error)) {
    report.error = error;
    rt.stop_all();
    return report;
  }
  std::ostringstream not_ready;
  if (!wait_cluster_ready(rt, started, log, not_ready)) {
    report.error = "cluster not ready: " + not_ready.str();
    rt.stop_all();
    rt.remove_state();
    return report;
  }
  ctx.mark_ready();
  std::this_thread::sleep_for(opts.settle);
  ctx.record_before();
  chosen->run(ctx);
  ctx.record_after();
  if (!opts.keep) {
    rt.stop_all();
    rt.remove_state();
  }
  return report;
}

} // namespace cwts::cluster
