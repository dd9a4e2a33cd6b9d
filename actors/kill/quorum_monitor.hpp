#pragma once
// The fail-safe of DESIGN.md "Kill switch": a node cut off from the quorum
// halts itself. The kill coordinators of the cluster's nodes send each other
// heartbeats; this CAF-free core keeps, per peer, how recently the peer is
// known to have been reachable, and decides when the node can no longer see
// a quorum of the cluster, itself included:
//
//   visible(now) = 1 + peers known reachable within the last `timeout`
//   held ──visible < reset_quorum(n), counting_from + timeout passed──> lost   (check() reports it once)
//   lost ──visible >= quorum──> held                                  (the gate stays closed:
//                                                                      only a reset reopens it)
//
// The quorum is the reset's (reset_quorum.hpp): n=2 needs both nodes, n=4
// three. A single node (n=1, quorum 1) never loses it. Times are passed in
// (nanoseconds of quorum_clock_ns, the boot clock) so tests need no clock.
//
// Freshness is a round trip on our own clock (finding F1, docs/model.md):
// every heartbeat carries `ack_seq`, the highest seq its sender has taken
// from us, and we keep our own send times of the recent seqs we sent to each
// peer (on_sent, a ring per peer). A peer counts as heard at
// the send time of the seq it acknowledges, never at the time its heartbeat
// arrives: a heartbeat held back on the link and released later counts as
// old as what it acknowledges. The sender's clock is never trusted. The
// ring drops sends older than the timeout + 2 intervals, so an ack older
// than the ring is older than the timeout, whatever the send rate: not fresh.
//
// A heartbeat is taken only when signed by the key the operators file lists
// for the node it names (verify_heartbeat_signature) and when its sequence
// number is above the last one taken from that node: a recorded heartbeat
// replayed later proves nothing. A node numbers its heartbeats from its
// wall-clock start time in ns or its persisted high-water mark + 1,
// whichever is higher (heartbeat_seq.hpp), so a restarted peer continues
// above the numbers of its previous life even with its clock stepped back,
// and our acks of its previous life's seqs are below our ring (too old)
// after our own restart.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/lease_gate.hpp"
#include "common/operator_auth.hpp"
#include "messages/cluster.hpp"

namespace cwts {

// The clock of every fail-safe instant (our send times, the checks, the
// start grace, the role watch): the lease's CLOCK_BOOTTIME
// (common/lease_gate.hpp), not CLOCK_MONOTONIC, which stops while the host
// is suspended: a node that slept sees its peers' acks aged by the sleep,
// as its peers, who kept counting, see it.
inline int64_t quorum_clock_ns() {
  return lease_clock_ns();
}

// What became of a heartbeat. Not counted toward the quorum: every verdict
// but `counted` (keys of the `heartbeats_refused.<why>` stats, except
// `awaiting_ack`, which is a peer's normal start).
enum class heartbeat_verdict : uint8_t {
  counted,        // taken, and its ack names a recent seq we sent that peer: fresh
  ignored,        // our own name, or a peer beyond the n-1 a cluster of n has
  stale_seq,      // seq not above the last taken one from that node (replay)
  not_member,     // a node outside the configured members (issue 17 finding 2)
  awaiting_ack,   // taken (we ack its seq), but it acks none of ours yet (ack 0)
  ack_too_old,    // taken, but its ack is older than our ring (or our start): not fresh
  ack_never_sent, // refused: its ack is a seq we never sent to that peer
  ack_ahead,      // taken, but its ack is above the last seq we sent to that peer: not fresh
};

// The most sends remembered per peer for a timeout and an interval: four
// times what the timer sends (one per interval) within the time on_sent
// keeps, so only the time decides what is too old; capped so no
// configuration makes the ring unbounded (4096; a smaller ring only makes
// old acks count as too old, which halts sooner).
std::size_t ack_window_for(int64_t timeout_ns, int64_t interval_ns);

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
  // Sends remembered per peer: those within timeout + 2 x interval_ns (an
  // ack of an older seq is not fresh), at most ack_window (ack_window_for: a
  // memory bound the timer's rate never reaches).
  std::size_t ack_window = 64;
  int64_t interval_ns = 0; // the heartbeat interval
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

  // We sent our heartbeat `seq` to `peer` at `now_ns` (seqs rise). Kept for
  // the configured members only (any, if none are configured), the first
  // n-1 of them, each the sends of the last timeout + 2 intervals (at most
  // `ack_window`). False when not kept.
  bool on_sent(const std::string& peer, uint64_t seq, int64_t now_ns);

  // The ack to put into our next heartbeat to `peer`: the highest seq taken
  // from it, 0 if none.
  uint64_t ack_for(const std::string& peer) const;

  // A (verified) heartbeat from `peer` with sequence number `seq` that
  // acknowledges our `ack_seq`. Only the first n-1 distinct peers are
  // tracked: a cluster of n has no more. Taken only when `seq` is above the
  // last taken one; counted fresh at our send time of `ack_seq`, never at
  // its receipt (there is no receipt time to pass).
  heartbeat_verdict on_heartbeat(const std::string& peer, uint64_t seq, uint64_t ack_seq);

  // Re-evaluates at `now_ns`; reports a loss once per held -> lost transition.
  quorum_check check(int64_t now_ns);

  // Nodes visible now (this one included), capped at n.
  int32_t visible(int64_t now_ns) const;
  int32_t peers_seen(int64_t now_ns) const { return visible(now_ns) - 1; }
  int32_t quorum() const { return quorum_; }
  bool lost() const { return lost_; }
  // Milliseconds since our send of the newest seq each peer acknowledged
  // (peers that acknowledged none yet are left out).
  std::map<std::string, int64_t> heartbeat_age_ms(int64_t now_ns) const;

private:
  struct peer_state {
    uint64_t last_seq = 0;            // highest seq taken (what we ack back)
    std::optional<int64_t> fresh_ns;  // our send time of the newest seq it acknowledged
  };
  struct sent_beat {
    uint64_t seq;
    int64_t at_ns;
  };
  bool fresh(const peer_state& p, int64_t now_ns) const {
    return p.fresh_ns && now_ns - *p.fresh_ns <= cfg_.timeout_ns;
  }

  quorum_monitor_config cfg_;
  int32_t quorum_;
  bool lost_ = false;
  std::map<std::string, peer_state> peers_;           // heard from, by node id (<= n-1)
  std::map<std::string, std::deque<sent_beat>> sent_; // sent to, by node id (<= n-1, ack_window each)
};

} // namespace cwts
