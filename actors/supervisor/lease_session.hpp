#pragma once
// A node's side of its trading leases (docs/supervision.md "Trading lease"),
// without actors: the rounds the lease actor sends every renew-ms for each
// leased role of this node, what each answer changes, and what the
// supervisor is told. Two modes:
//
//   hold ──(supervisor: roles given back)──> watch
//     ^                                        │
//     └──(supervisor: active's lease seen, or the active lost; takeover)──┘
//
//   hold:  real requests (a new epoch when not held, the same to renew);
//          a majority's grants in one round make the lease held until that
//          round's start + duration * (1 - drift); the shell writes that to
//          the gate. A role not held asks for real only after a pre-vote
//          (as in Raft's): the round before, started at most half a lease
//          ago (not before a pause of this process), a majority of members
//          answered that no grant to another member runs there (sure
//          answers only). Else it probes. So a candidate never promises epochs at single
//          grantors while a holder keeps a majority (a grantor that granted
//          it a newer epoch would refuse the holder's renewals).
//   watch: probes (nothing granted, nothing promised): which member's grant
//          runs where, so a standby knows the active's lease and when it ends.
//
// Superseded: a newer holder of one of this node's roles is known only from
// a majority (a notice's certificate, or a majority's answers of one round
// naming the same member's running grant at the same epoch); never from one
// member's answer, which a restarted or cut-off grantor can give.
//
// Nothing here closes a gate: the gate closes by time at `held_until`.
// Times are monotonic ns of this node's clock.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "actors/supervisor/trading_lease.hpp"
#include "messages/lease.hpp"

namespace cwts {

// One request to send to every member this round.
struct lease_round_item {
  std::string role;
  int64_t epoch = 0; // 0 on a probe
  uint64_t round = 0;
  bool probe = false;
};

// What one answer changed.
struct lease_effect {
  bool acquired = false; // held now, and was not before (or at another epoch)
  bool renewed = false;  // held, and its end moved
  int64_t epoch = 0;
  int64_t until_ns = 0;
  std::string refusal; // a refusal not logged yet for this role (once per reason)
};

// A role whose lease ended, or whose renewal failed (each once per lapse).
struct lease_lapse {
  std::string role;
  int64_t epoch = 0;
  int64_t until_ns = 0;
  size_t granted = 0; // grants in the failed round
};

class lease_session {
public:
  lease_session(std::string self, std::set<std::string> members, std::set<std::string> roles,
                lease_timing timing, bool hold);

  // hold (true) or watch (false). Leaving hold gives every lease up: the
  // roles held until now are returned with every epoch that may have been
  // granted (the last held and one asked for in flight), to close their
  // gates and release them at the grantors.
  std::vector<std::pair<std::string, int64_t>> set_hold(bool hold);
  bool holding() const { return hold_; }
  const std::set<std::string>& roles() const { return roles_; }

  // Ends the round before (renewal failures) and starts one at `now_ns`.
  std::vector<lease_round_item> start_round(int64_t now_ns, std::vector<lease_lapse>& failed);
  lease_effect on_answer(const std::string& member, const std::string& role, uint64_t round,
                         const lease_answer& a, int64_t now_ns);
  // Leases whose end has passed since the last call (each once).
  std::vector<lease_lapse> take_lost(int64_t now_ns);
  // A verified notice (its certificate checked by the shell): `holder`
  // acquired `role` at `epoch` from a majority. True when it supersedes
  // this node's lease of that role (another member, a newer epoch).
  bool on_notice(const std::string& role, const std::string& holder, int64_t epoch);

  bool held(const std::string& role, int64_t now_ns) const;
  bool all_held(int64_t now_ns) const;
  lease_view view(int64_t now_ns) const;
  // held.<role>, epoch.<role>, held_for_ms.<role>, acquired.<role>,
  // renewals.<role>, lapses.<role>, prevote_failed.<role>,
  // superseded_epoch.<role>, mode_hold.
  void add_to(std::map<std::string, int64_t>& counters, int64_t now_ns) const;

private:
  struct seen {
    std::string other; // a running grant to another member
    int64_t other_epoch = 0;
    std::string refusal;
    std::set<std::string> answered; // members counted this round (once each)
    std::set<std::string> clear;    // ... that said no grant to another member runs
    // members naming (holder, epoch)'s running grant, sure answers only;
    // bounded: one entry per answering member at most.
    std::map<std::pair<std::string, int64_t>, std::set<std::string>> running_for;
  };
  struct role_state {
    explicit role_state(lease_holder h) : holder(std::move(h)) {}
    lease_holder holder;
    uint64_t round = 0;           // the session round of the holder's current round
    bool round_held_at_start = false;
    bool asked = false;           // this round asks for real (not a pre-vote probe)
    bool started = false;         // a round was started (started_ns is set)
    int64_t started_ns = 0;       // when the current round started
    int64_t written_epoch = 0;    // what the gate was last given
    int64_t written_until = 0;
    bool lost_logged = true;      // nothing held yet: nothing to lose
    bool renew_failure_logged = false;
    int64_t acquired = 0, renewals = 0, lapses = 0;
    seen now, last;
    std::set<std::string> refusals_logged; // bounded: cleared past 16
    std::string superseded_by; // a newer holder proven by a majority
    int64_t superseded_epoch = 0;
    int64_t prevotes_failed = 0; // rounds that probed instead of asking
  };
  void supersede(role_state& st, const std::string& holder, int64_t epoch);
  role_state& state(const std::string& role) { return roles_state_.at(role); }

  size_t majority() const { return members_.size() / 2 + 1; }

  std::string self_;
  std::set<std::string> members_;
  std::set<std::string> roles_;
  lease_timing timing_;
  bool hold_ = false;
  uint64_t round_ = 0;
  // Since when every round started with some but not all roles held (0: not).
  int64_t partial_since_ns_ = 0;
  std::map<std::string, role_state> roles_state_;
};

} // namespace cwts
