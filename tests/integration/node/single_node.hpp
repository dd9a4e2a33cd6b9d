#pragma once
// One cwts-venue + one cwts-node (config/node.ini, every role) on free ports,
// with `extra` overrides; shared by the single-node tests. Construct inside a
// CAF_TEST: each step is REQUIREd in order (paths set, test dir made, venue
// listening, cluster port free, node started) before the next one runs. The
// node runs in the test's own folder, so its order journal (run/...) is too.

#include <functional>
#include <string>
#include <vector>

#include "tests/support/unit_test.hpp"
#include "tests/integration/support/cluster.hpp"

namespace cwts::itest {

struct single_node {
  cluster_paths paths;
  std::string dir;
  venue_process venue;
  uint16_t cluster_port;
  child_process node;

  explicit single_node(const std::string& name, const std::vector<std::string>& extra = {})
    : paths(checked_paths()),
      dir(checked_dir(name)),
      venue(paths, dir),
      cluster_port(checked_cluster_port(venue)),
      node("node", node_argv(paths, "node.ini", venue.port(), cluster_port, extra), dir, dir) {
    CAF_REQUIRE(node.started());
  }

  std::string logs() { return "node stderr:\n" + tail(node.err()); }

  // `cwts status` of the node.
  node_status_view status() { return query_status(paths, dir, cluster_port); }

  // Polls `cwts status` until `pred` holds; on timeout logs the last status
  // and the node's stderr (the caller REQUIREs or CHECKs `met`).
  status_wait wait_for(const std::function<bool(const node_status_view&)>& pred, millis timeout) {
    auto st = wait_for_status(paths, dir, cluster_port, pred, timeout);
    if (!st.met)
      CAF_MESSAGE("last status:\n" << st.last.text << logs());
    return st;
  }

  kill_view kill(const std::vector<std::string>& args) {
    return run_kill(paths, dir, cluster_port, args);
  }

private:
  static cluster_paths checked_paths() {
    auto paths = cluster_paths::from_env();
    auto missing = paths.missing();
    CAF_REQUIRE_EQUAL(missing, "");
    return paths;
  }

  static std::string checked_dir(const std::string& name) {
    auto dir = make_test_dir(name);
    CAF_REQUIRE(!dir.empty());
    CAF_MESSAGE("logs in " << dir);
    return dir;
  }

  static uint16_t checked_cluster_port(const venue_process& venue) {
    CAF_REQUIRE(venue.port() != 0);
    auto port = free_port();
    CAF_REQUIRE(port != 0);
    return port;
  }
};

} // namespace cwts::itest
