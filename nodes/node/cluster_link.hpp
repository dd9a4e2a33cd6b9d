#pragma once
// Connects a node to its peers over CAF's middleman. Of two members, only
// the one whose id sorts first dials the other (dials_link); the other
// waits for it. Two nodes dialling each other at once leave CAF 0.17 with
// two connections, each side routing over a different one (both took the
// other's server handshake first): BASP takes a direct message's sender
// node from the receiver's route for the connection it came on, so every
// message then arrived without a sender, and the peer's heartbeats, kill
// acks and reset votes were refused as anonymous (docs/testing.md "Flaky
// tests", stop 40). One dialler per pair leaves one connection.
//
//   publish own supervisor ──> the peer link actor, for each peer we dial: connect
//   (every 200 ms until the connect timeout) ──> ask its directory ──> hand it to our supervisor,
//   which monitors the peer and rewires every local actor ──> announce
//   ourselves to the peer's supervisor (our node id, supervisor, local
//   directory, signed with our node key), which (re)registers us the same
//   way once the signature verifies with the key listed for our node.
//
// while the node's main thread only waits for it (a SIGTERM ends the wait).
// The same link actor then keeps the cluster whole in the background
// (docs/kill-switch.md "Fail-safe"):
//
//   joined ──peer supervisor down──> rejoining: connect every 250 ms, 500 ms,
//   then every 1 s (never blocking anyone) ──connected──> directory ──>
//   our supervisor + announce ──> joined
//
// so a peer that restarts on the same address is listed again on both sides
// whichever comes up first, and a peer not reachable at start is joined
// when it comes up. For a peer that dials us the slot asks our supervisor
// on the same schedule whether that peer's signed announce listed it, and
// watches the supervisor it lists. The link actor is an ordinary
// (scheduled) actor: its handle goes remote as the sender of its requests,
// which a detached actor's must not in CAF 0.17. It quits when our
// supervisor does.

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "caf/fwd.hpp"

#include "nodes/node/node_config.hpp"

namespace cwts {

// Publishes `supervisor` on `host`:`port` ([cluster] host, port); returns
// the bound port or 0 with `error` set.
uint16_t publish_node(caf::actor_system& sys, const caf::actor& supervisor,
                      const std::string& host, uint16_t port, std::string& error);

// Whether node `self` dials its link to `peer` (the other waits for it):
// for two distinct ids exactly one of them does.
bool dials_link(const std::string& self, const std::string& peer);

// Starts the peer link actor, which joins every peer, announcing this node
// to each, re-joins any peer whose supervisor goes down and keeps trying the
// ones not reached; waits until every peer was joined, `timeout` passed or
// `stop` is set. Returns the peers not joined by then. Announces are signed with
// `node_key` (the key the operators file lists with node = <this node>).
std::vector<std::string> join_peers(caf::actor_system& sys, const caf::actor& supervisor,
                                    const std::string& self_id,
                                    const std::vector<peer_address>& peers,
                                    std::chrono::milliseconds timeout,
                                    std::shared_ptr<const ed25519_signer> node_key,
                                    const std::atomic<bool>& stop);

} // namespace cwts
