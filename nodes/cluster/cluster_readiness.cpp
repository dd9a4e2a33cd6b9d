#include "nodes/cluster/cluster_readiness.hpp"

#include <map>
#include <thread>

#include "nodes/cluster/admin_probe.hpp"
#include "nodes/cluster/node_probe.hpp"
#include "nodes/cluster/process_control.hpp"

namespace cwts::cluster {

bool wait_cluster_ready(const cluster_runtime& rt, std::chrono::steady_clock::time_point started,
                        std::ostream& out, std::ostream& err) {
  using clock_type = std::chrono::steady_clock;
  auto deadline = started + rt.spec().ready_timeout;
  std::map<std::string, bool> done;
  while (clock_type::now() < deadline) {
    bool all = true;
    for (auto& n : rt.spec().nodes) {
      if (done[n.id])
        continue;
      auto* p = rt.process(n.id);
      if (!p || !process_alive(p->pid)) {
        err << "node " << n.id << " exited during start (see "
            << (p ? p->log : std::string("its log")) << ")\n";
        return false;
      }
      auto v = probe_node(rt.address_of(n.id), n.admin_port);
      if (v.healthy && (v.ready || !n.standby_for.empty())) {
        done[n.id] = true;
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - started);
        out << "ready  " << n.id << " after " << ms.count() << " ms (mode=" << v.mode
            << " quorum=" << (v.quorum_held ? "yes" : "no")
            << (n.standby_for.empty() ? "" : " standby-for=" + n.standby_for) << ")\n";
      } else {
        all = false;
      }
    }
    if (all)
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  for (auto& n : rt.spec().nodes)
    if (!done[n.id]) {
      auto why = admin_get(rt.address_of(n.id), n.admin_port, "/readyz");
      err << "node " << n.id << " not ready after " << rt.spec().ready_timeout.count()
          << " ms: " << (why.status ? why.body : why.error) << "\n";
    }
  return false;
}

} // namespace cwts::cluster
