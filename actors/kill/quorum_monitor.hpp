#pragma once
// The fail-safe of DESIGN.md "Kill switch": a node cut off from the quorum
// halts itself. The kill coordinators of the cluster's nodes send each other
// heartbeats; this CAF-free core keeps, per peer, when we last heard from it
// (our own monotonic clock at receipt, never the sender's) and decides when
// the node can no longer see a quorum of the cluster, itself included:
//
//   visible(now) = 1 + peers heard within the last `timeout`
//   held ──visible < reset_quorum(n), counting_from + timeout passed──> lost   (check() reports it once)
//   lost ──visible >= quorum──> held                                  (the gate stays closed:
//                                                                      only a reset reopens it)
//
// The quorum is the reset's (reset_quorum.hpp): n=2 needs both nodes, n=4
// three. A single node (n=1, quorum 1) never loses it. Times are passed in
// (nanoseconds of a monotonic clock) so tests need no clock.
//
// A heartbeat counts only when signed by the key the operators file lists for
// the node it names (verify_heartbeat_signature) and when its sequence number
// is above the last one counted from that node: a recorded heartbeat replayed
// later proves nothing. A node numbers its heartbeats from its wall-clock
// start time in ns (kill_quorum.cpp), so a restarted peer continues above
// the numbers of its previous life.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/operator_auth.hpp"
#include "messages/cluster.hpp"

namespace cwts {

// Why a heartbeat was not counted (keys of the `heartbeats_refused.<why>` stats).
enum class heartbeat_verdict : uint8_t {
  counted,
  ignored,      // our own name, or a peer beyond the n-1 a cluster of n has
  stale_seq,    // seq not above the last counted one from that node (replay)
  not_member,   // a node outside the configured members (issue 17 finding 2)
};

// Empty when `hb` is signed by the key the operators file lists for
// `hb.node`; otherwise why not. Null registry or no key listed: refused.
std::string verify_heartbeat_signature(const operator_registry* registry, const heartbeat& hb);

struct quorum_monitor_config {
  std::string self;                 // this node's id; its own heartbeats are ignored
  int32_t cluster_size = 1;         // n: the configured members, this node included
  int64_t timeout_ns = 0;           // a peer not heard for longer is not visible
  // Silence counts from here (start + the grace the node gives its peers to
  // come up): the quorum is never lost before counting_from_ns + timeout_ns.
  int64_t counting_from_ns = 0;
  // The configured members; empty: any n-1 distinct peers (unit tests). A
  // non-member's heartbeat never counts, so it cannot hold up a quorum.
  std::set<std::string> members{};
};

// What check() found: `lost` is true only at the transition held -> lost.
struct quorum_check {
  bool lost = false;
  int32_t visible = 1;
  int32_t quorum = 1;
  std::vector<std::string> silent; // peers heard before but not within the timeout
};

class quorum_monitor {
public:
  explicit quorum_monitor(quorum_monitor_config cfg);

  // A (verified) heartbeat from `peer` with sequence number `seq`, received
  // at `now_ns`. Only the first n-1 distinct peers are tracked: a cluster of
  // n has no more. Counted only when `seq` is above the last counted one.
  heartbeat_verdict on_heartbeat(const std::string& peer, uint64_t seq, int64_t now_ns);

  // Re-evaluates at `now_ns`; reports a loss once per held -> lost transition.
  quorum_check check(int64_t now_ns);

  // Nodes visible now (this one included), capped at n.
  int32_t visible(int64_t now_ns) const;
  int32_t peers_seen(int64_t now_ns) const { return visible(now_ns) - 1; }
  int32_t quorum() const { return quorum_; }
  bool lost() const { return lost_; }
  // Milliseconds since each tracked peer was last heard.
  std::map<std::string, int64_t> heartbeat_age_ms(int64_t now_ns) const;

private:
  quorum_monitor_config cfg_;
  int32_t quorum_;
  bool lost_ = false;
  std::map<std::string, int64_t> last_seen_ns_; // by peer node id
  std::map<std::string, uint64_t> last_seq_;    // by peer node id
};

} // namespace cwts
