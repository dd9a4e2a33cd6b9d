#pragma once
// A local cluster's processes: the venue (and more, "venue-2".."venue-4", when
// the spec has those sections) and every node of a cluster_spec,
// started detached with their logs in the run dir, recorded in a state file
// (<run-dir>/cluster.state) so that `cwts cluster status|down` and drills
// find them again, and stopped cleanly.
//
// A drill puts TCP proxies between the nodes and before the venue: the
// address each node is given for a peer or for the venue comes from the
// route hooks, the real ports stay those of the spec.
//
// With netns on (`cwts cluster up --netns`) each venue and node runs in its
// own network namespace with its own address on one bridge
// (nodes/cluster/netns.hpp), named cwts-<cluster name>-<process>, the hub
// cwts-<cluster name>-hub; the root namespace gets <subnet>.1 on the bridge
// (interface root_interface()) so that probes and operators reach them.

#include <sys/types.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "nodes/cluster/cluster_spec.hpp"

namespace cwts::cluster {

struct process_record {
  std::string name;          // "venue", "venue-2".."venue-4" or the node id
  pid_t pid = -1;
  uint16_t port = 0;         // venue: its port; node: its cluster port
  uint16_t admin_port = 0;   // nodes only
  uint16_t fix_port = 0;     // a venue's FIX acceptor (a [venue-N] with protocol fix)
  std::string log;           // absolute path of its log
  std::string host = "127.0.0.1"; // its address (its own with --netns)
};

struct route_hooks {
  // host:port node `from` is given for peer `to` (default: to's cluster port).
  std::function<std::string(const node_spec& from, const node_spec& to)> peer;
  // The (first) venue's port node `n` is given (default: the venue's own);
  // the [venue-N] ones are always given directly.
  std::function<uint16_t(const node_spec& n, uint16_t venue_port)> venue;
};

class cluster_runtime {
public:
  // `bin_dir`: where cwts runs from; cwts-node and cwts-venue are found
  // next to it or in the build tree (or named by $CWTS_NODE_BIN, $CWTS_VENUE_BIN).
  cluster_runtime(cluster_spec spec, const std::string& bin_dir);

  const cluster_spec& spec() const { return spec_; }
  const std::string& run_dir() const { return run_dir_; } // absolute
  route_hooks& routes() { return routes_; }
  // More arguments for every node (e.g. --drill.enabled).
  std::vector<std::string>& node_extra_args() { return node_extra_; }

  // Checks binaries and certificates, creates the run dir; false with error.
  bool prepare(std::string& error);
  // Starts venue `name` ("venue" or "venue-2".."venue-4") and reads its ports from its
  // startup line; false with error.
  bool start_venue(std::string& error, const std::string& name = "venue");
  // Starts (or restarts) node `id`; false with error.
  bool start_node(const std::string& id, std::string& error);
  // Starts each venue (unless running) and every node in order.
  bool start_all(std::string& error);

  const std::map<std::string, process_record>& processes() const { return procs_; }
  const process_record* process(const std::string& name) const;
  uint16_t venue_port() const;
  // "venue", then each [venue-N] of the spec in order.
  std::vector<std::string> venue_names() const;
  static bool is_venue(const std::string& name);

  // The argv a node is started with (for logs and tests).
  std::vector<std::string> node_argv(const node_spec& n) const;

  // Each process in its own network namespace (call before prepare).
  void set_netns(bool on) { netns_ = on; }
  bool netns() const { return netns_; }
  // Processes started from now on die with this one (a drill: a drill
  // process that dies must not leave its cluster trading on). Off for
  // `cwts cluster up`, whose cluster outlives the command.
  void tie_to_this_process(bool on) { tied_ = on; }
  // The address process `name` (a venue or a node id) listens on.
  std::string address_of(const std::string& name) const;
  // Namespace of process `name` (empty without netns); the hub's; all of
  // them (members first, the hub last); the root namespace's bridge port.
  std::string namespace_of(const std::string& name) const;
  std::string hub_namespace() const;
  std::vector<std::string> namespaces() const;
  std::string root_interface() const;
  // Makes every namespace (removing leftovers of an earlier run first);
  // false with error, nothing left behind.
  bool make_namespaces(std::string& error);
  // Removes them; empty, or what could not be removed.
  std::string remove_namespaces() const;

  // Stops process `name` (SIGTERM, SIGKILL after the stop timeout); false when
  // it had to be killed or was not running.
  bool stop(const std::string& name);
  // Stops every node (reverse start order), then the venues (reverse order).
  void stop_all();

  bool save_state(std::string& error) const;
  // Reads <run-dir>/cluster.state; false with error when there is none.
  bool load_state(std::string& error);
  void remove_state() const;
  std::string state_path() const;

private:
  cluster_spec spec_;
  std::string node_bin_;
  std::string venue_bin_;
  std::string run_dir_;
  route_hooks routes_;
  std::vector<std::string> node_extra_;
  std::map<std::string, process_record> procs_;
  bool netns_ = false;
  bool tied_ = false;
};

} // namespace cwts::cluster
