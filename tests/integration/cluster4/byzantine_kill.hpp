#pragma once
// TEST ONLY. A Byzantine kill coordinator for the 4-node cluster tests
// (docs/kill-switch.md "Byzantine test cluster"): it answers the same
// messages as actors/kill/kill_coordinator_actor.cpp, so the real nodes
// wire it, heartbeat with it and count it in n, but it misbehaves in the
// ways the modes choose:
//
//   drop     every kill is dropped: no gate closed, no echo, no ack
//   forge    every second: kills and resets with bad signatures, unknown
//            issuers and its own (role-less) key, sent to every peer
//   replay   every second: every kill, reset and vote it ever saw, re-sent
//            to every peer, for ever (also after a reset)
//   yes      votes yes on every reset it sees (signed with its own node
//            key, as a real vote), and sends forged yes votes in every other
//            node's name
//   crash    a kill it is asked for is echoed to ONE peer (echo_to), then
//            the process exits (_exit) without acking or echoing further:
//            an originator that dies mid-broadcast
//
// It sends heartbeats signed with its node key like a real node, so the
// peers count it as alive: a Byzantine node looks healthy.

#include <chrono>
#include <memory>
#include <set>
#include <string>

#include "caf/fwd.hpp"

#include "common/kill_gate.hpp"
#include "common/operator_auth.hpp"
#include "messages/ids.hpp"

namespace cwts::itest {

struct byzantine_config {
  node_id self;
  kill_gate* gate = nullptr;
  std::shared_ptr<const ed25519_signer> node_key;
  std::chrono::milliseconds heartbeat_interval{200};
  std::chrono::milliseconds misbehave_interval{1000};
  std::set<std::string> modes; // drop, forge, replay, yes, crash
  std::string echo_to;         // crash: the one peer that gets the echo
  // The cluster id ([cluster] id): what it reports and forges for, so its
  // forgeries are refused for their signatures, not for a wrong cluster.
  std::string cluster{};

  bool has(const std::string& m) const { return modes.count(m) > 0; }
};

// Empty when every mode is known, else the first unknown one.
std::string unknown_mode(const std::set<std::string>& modes);

caf::actor spawn_byzantine_kill(caf::actor_system& sys, byzantine_config cfg);

} // namespace cwts::itest
