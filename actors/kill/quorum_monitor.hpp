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

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace cwts {

struct quorum_monitor_config {
  std::string self;                 // this node's id; its own heartbeats are ignored
  int32_t cluster_size = 1;         // n: this node and its configured peers
  int64_t timeout_ns = 0;           // a peer not heard for longer is not visible
  // Silence counts from here (start + the grace the node gives its peers to
  // come up): the quorum is never lost before counting_from_ns + timeout_ns.
  int64_t counting_from_ns = 0;
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

  // A heartbeat from `peer` received at `now_ns`. Only the first n-1
  // distinct peers are tracked: a cluster of n has no more.
  void on_heartbeat(const std::string& peer, int64_t now_ns);

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
};

} // namespace cwts
