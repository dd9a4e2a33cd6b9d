#pragma once
// Keys generated per test run: `alice` may kill and reset, `bob` only
// operations, `node-n1` and `node-n2` are the node keys of nodes n1 and n2
// (listed with node = "n1" / "n2", role kill): they sign those nodes' reset
// votes and heartbeats. `stranger` is listed nowhere.

#include <memory>

#include "actors/kill/kill_auth.hpp"
#include "common/operator_auth.hpp"

namespace cwts::kill_test {

struct test_keys {
  ed25519_signer alice = ed25519_signer::generate();
  ed25519_signer bob = ed25519_signer::generate();
  // Node keys as a kill coordinator holds them (kill_coordinator_config::node_key).
  std::shared_ptr<const ed25519_signer> node1 =
    std::make_shared<const ed25519_signer>(ed25519_signer::generate());
  std::shared_ptr<const ed25519_signer> node2 =
    std::make_shared<const ed25519_signer>(ed25519_signer::generate());
  const ed25519_signer& node = *node1;
  ed25519_signer stranger = ed25519_signer::generate();
  std::shared_ptr<const operator_registry> registry;

  test_keys() {
    std::vector<operator_key> keys{
      {operator_id{"alice"}, alice.public_key(), {operator_role::kill, operator_role::reset}},
      {operator_id{"bob"}, bob.public_key(), {operator_role::operations}},
      {operator_id{"node-n1"}, node.public_key(), {operator_role::kill}, "n1"},
      {operator_id{"node-n2"}, node2->public_key(), {operator_role::kill}, "n2"},
    };
    registry = std::make_shared<const operator_registry>(std::move(keys), std::chrono::seconds(30));
  }

  // The node key of `node` ("n1", "n2"), or null for a node without one.
  std::shared_ptr<const ed25519_signer> node_key(const std::string& node_name) const {
    return node_name == "n1" ? node1 : node_name == "n2" ? node2 : nullptr;
  }

  kill_command kill(const std::string& id, kill_level level = kill_level::cancel_all,
                    timestamp_ns at = wall_clock_now()) const {
    kill_command c{kill_id{id}, level, kill_scope::cluster, "", operator_id{"alice"},
                   node_id{"n2"}, "drill", at, {}};
    sign(c, alice);
    return c;
  }

  // Signed for `epoch` (the epoch it resumes at: the node's + 1).
  reset_command reset(const std::string& id, timestamp_ns at = wall_clock_now(),
                      int64_t epoch = 1) const {
    reset_command c{kill_id{id}, operator_id{"alice"}, node_id{}, "all clear", at, {}, epoch};
    sign(c, alice);
    return c;
  }
};

} // namespace cwts::kill_test
