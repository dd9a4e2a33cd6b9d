#pragma once
// Cluster liveness.

#include <cstdint>
#include <string>
#include <vector>

#include "messages/ids.hpp"
#include "messages/time.hpp"

namespace cwts {

// Signed with the sending node's own key (operators file, `node = <node>`):
// a heartbeat proves that node is alive only if no one else could make it.
struct heartbeat {
  node_id node;
  // The one peer it is signed for (finding F2, docs/model.md): a heartbeat
  // relayed to any other node is refused there (`wrong_receiver`), so a
  // Byzantine member cannot keep a cut-off node believing its peers live.
  node_id to;
  uint64_t seq = 0;
  timestamp_ns sent_at;
  std::vector<uint8_t> signature{};
  // The highest seq the sender has taken from `to`, 0 if none yet (finding
  // F1, docs/model.md): `to` counts the sender as heard at the time `to`
  // itself sent that seq, so a heartbeat held back on the link counts as
  // old as what it acknowledges. Signed (`cwts-heartbeat/3`); last here so
  // initialisers that name the fields before it stay valid.
  uint64_t ack_seq = 0;
};

// The exact bytes a node signs for its heartbeat (messages/kill.cpp).
std::string signing_payload(const heartbeat& h);

// A node telling a peer's supervisor "I am <node>" (sent with its supervisor
// handle and its roles when it joins or re-joins). Signed with its node key,
// so no other process can take a node's place in a peer's directory.
struct peer_announce {
  node_id node;
  timestamp_ns issued_at;
  std::vector<uint8_t> signature;
};

std::string signing_payload(const peer_announce& a);

// What the kill coordinator sees of the cluster, asked with `quorum_atom`
// (/readyz quorum_held): a typed answer, not counters read by their names
// (issue 17 finding 11).
struct quorum_status {
  bool held = false;      // a quorum of members is visible
  int64_t peers_seen = 0; // members heard from within the quorum timeout
  int64_t quorum = 0;     // how many visible members make a quorum (this node included)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, quorum_status& x) {
  return f(caf::meta::type_name("quorum_status"), x.held, x.peers_seen, x.quorum);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, heartbeat& x) {
  return f(caf::meta::type_name("heartbeat"), x.node, x.to, x.seq, x.ack_seq, x.sent_at,
           x.signature);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer_announce& x) {
  return f(caf::meta::type_name("peer_announce"), x.node, x.issued_at, x.signature);
}

} // namespace cwts
