#pragma once
// Connects a node to its peers over CAF's middleman:
//
//   publish own supervisor ──> for each peer: remote_actor (retry until the
//   connect timeout) ──> ask its directory ──> hand it to our supervisor,
//   which monitors the peer and rewires every local actor.

#include <chrono>
#include <string>
#include <vector>

#include "caf/fwd.hpp"

#include "nodes/node/node_config.hpp"

namespace cwts {

// Publishes `supervisor` on 127.0.0.1:`port`; returns the bound port or 0
// with `error` set.
uint16_t publish_node(caf::actor_system& sys, const caf::actor& supervisor, uint16_t port,
                      std::string& error);

// Joins every peer; returns the peers that could not be reached in time.
std::vector<std::string> join_peers(caf::actor_system& sys, const caf::actor& supervisor,
                                    const std::vector<peer_address>& peers,
                                    std::chrono::milliseconds timeout);

} // namespace cwts
