#pragma once
// When a standby node takes over the roles of the node it stands by for
// (docs/supervision.md "Failover"), without actors. The supervisor shell
// feeds it the active node's supervisor joining and going down, and asks at
// the deadline:
//
//   standby ──active down, not back within failover-after──> take over
//      │                       (gate closed: refuse, say why, ask again
//      │                        every failover-after until it opens)
//      └──active never seen: at start + start-grace + failover-after it says
//         so (refuse) and keeps waiting: a standby only takes over a node it
//         has seen alive, so a wrong standby-for cannot make it trade next
//         to a live active it never heard of
//
// Times are monotonic ns; the shell logs wall-clock times next to them.

#include <cstdint>
#include <string>

namespace cwts {

enum class failover_verdict : uint8_t { wait, take_over, refuse };

class failover_tracker {
public:
  // Stands by for `active` from `start_ns`.
  failover_tracker(std::string active, int64_t failover_after_ns, int64_t start_grace_ns,
                   int64_t start_ns);

  const std::string& active() const { return active_; }
  // True once this node holds the roles (it took over).
  bool took_over() const { return took_over_; }

  // The active node's supervisor is listed (joined or re-joined): no deadline.
  void active_up();
  // It went down at `now_ns`: take over at now + failover-after unless it is back.
  void active_down(int64_t now_ns);

  // At `now_ns`, with the active listed or not and the node's gate level
  // (0 open): take_over, or refuse (gate closed, or the active never seen;
  // `why` says so; only when the reason is new; the next check is
  // failover-after later), or wait.
  failover_verdict check(int64_t now_ns, bool active_listed, uint8_t gate_level, std::string& why);

  // The roles were started at `now_ns`.
  void taken_over(int64_t now_ns);
  // Stands by again, now for `active` (this node gave the roles back).
  void stand_by_for(std::string active);

  int64_t deadline_ns() const { return deadline_ns_; } // 0: none
  int64_t lost_at_ns() const { return lost_at_ns_; }   // 0: never lost
  int64_t taken_over_at_ns() const { return taken_over_at_ns_; }
  int64_t failover_after_ns() const { return failover_after_ns_; }

private:
  std::string active_;
  int64_t failover_after_ns_ = 0;
  int64_t deadline_ns_ = 0;
  int64_t lost_at_ns_ = 0;
  int64_t taken_over_at_ns_ = 0;
  bool took_over_ = false;
  bool seen_ = false; // the active was listed at least once
  std::string last_refusal_;
};

} // namespace cwts
