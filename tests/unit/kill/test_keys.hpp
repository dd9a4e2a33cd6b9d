#pragma once
// Keys generated per test run: `alice` may kill and reset, `bob` only
// operations, `node-n1` is a node key with role kill.

#include <memory>

#include "actors/kill/kill_auth.hpp"
#include "common/operator_auth.hpp"

namespace cwts::kill_test {

struct test_keys {
  ed25519_signer alice = ed25519_signer::generate();
  ed25519_signer bob = ed25519_signer::generate();
  ed25519_signer node = ed25519_signer::generate();
  ed25519_signer stranger = ed25519_signer::generate();
  std::shared_ptr<const operator_registry> registry;

  test_keys() {
    std::vector<operator_key> keys{
      {operator_id{"alice"}, alice.public_key(), {operator_role::kill, operator_role::reset}},
      {operator_id{"bob"}, bob.public_key(), {operator_role::operations}},
      {operator_id{"node-n1"}, node.public_key(), {operator_role::kill}},
    };
    registry = std::make_shared<const operator_registry>(std::move(keys), std::chrono::seconds(30));
  }

  kill_command kill(const std::string& id, kill_level level = kill_level::cancel_all,
                    timestamp_ns at = wall_clock_now()) const {
    kill_command c{kill_id{id}, level, kill_scope::cluster, "", operator_id{"alice"},
                   node_id{"n2"}, "drill", at, {}};
    sign(c, alice);
    return c;
  }

  reset_command reset(const std::string& id, timestamp_ns at = wall_clock_now()) const {
    reset_command c{kill_id{id}, operator_id{"alice"}, node_id{}, "all clear", at, {}};
    sign(c, alice);
    return c;
  }
};

} // namespace cwts::kill_test
