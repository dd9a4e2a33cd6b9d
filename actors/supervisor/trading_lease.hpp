#pragma once
// A trading lease granted by a majority of the configured members (issue 24;
// docs/supervision.md "Trading lease"): the holder of a role that trades (the
// OMS, a venue's connector) may trade only while it holds the lease, and no
// two nodes can hold it at once. Leader leases as in Raft (section 6.4) and
// Chubby, CAF-free; the supervisor shell carries the requests and grants
// between the members and closes the role's gate when the holder's lease
// runs out.
//
// Why two holders are impossible:
// - A grant needs a majority of the configured members; two majorities share
//   a member, and a member grants a role to one holder at a time: while its
//   grant to A runs it refuses B.
// - Time is measured on local monotonic clocks whose rates differ from real
//   time by at most `drift` (parts per million). A member's grant runs for
//   at least `duration * (1 + drift)` of its own clock after it granted,
//   that is at least `duration` of real time. The holder counts its lease
//   from the moment it *sent* the request (before any grant was given) and
//   stops after `duration * (1 - drift)` of its own clock, at most
//   `duration` of real time. So the holder has stopped before any member of
//   the majority that granted it would grant anyone else.
// - Every grant carries an epoch that only grows (a member refuses an epoch
//   below the highest it has promised); orders carry the holder's epoch, so a
//   connector can refuse what an older holder still sends (fencing).
//
// Times are monotonic ns of the local clock; members are node ids.

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace cwts {

struct lease_timing {
  int64_t duration_ns = 0; // what one grant is worth
  int64_t drift_ppm = 0;   // bound on any clock's rate error, parts per million
};

// A member's answer to a lease request.
struct lease_answer {
  bool granted = false;
  int64_t epoch = 0;      // the epoch granted, or the highest this member promised
  std::string holder;     // on a refusal: who holds it now (may be empty)
  std::string reason;     // on a refusal: why
  bool running = false;   // `holder`'s grant runs at this member now
  // This member cannot say which grant runs (it restarted less than one
  // grant's time ago, or it did not judge the request): neither evidence
  // that no grant runs (a standby's pre-vote) nor that one does.
  bool unsure = false;
};

// One member's side: grants each role to one holder at a time. Roles are
// only those configured, so an outsider cannot grow the table.
class lease_grantor {
public:
  lease_grantor(std::set<std::string> members, std::set<std::string> roles, lease_timing timing);

  // `candidate` asks for `role` at `epoch`. Granted when the candidate is a
  // member, the role is known, and either the candidate already holds it at
  // this epoch (a renewal) or the epoch is above every epoch promised and
  // the current grant has run out (its time plus the drift margin).
  lease_answer on_request(const std::string& role, const std::string& candidate, int64_t epoch,
                          int64_t now_ns);
  // The same answer, changing nothing: a shell that must make a new epoch
  // durable first judges, saves, then commits (a failed save leaves no
  // grant running in memory).
  lease_answer judge(const std::string& role, const std::string& candidate, int64_t epoch,
                     int64_t now_ns) const;
  // Records the grant `judge` granted (call only after a granted judge).
  void commit(const std::string& role, const std::string& candidate, int64_t epoch, int64_t now_ns);

  // What this member knows of `role` (holder, epoch, whether its grant
  // runs), granting nothing: a standby watches the active's lease with it.
  lease_answer on_probe(const std::string& role, int64_t now_ns) const;

  // A member that restarted may have granted just before it stopped: it
  // grants nothing before `until_ns` (its start + duration * (1 + drift)).
  void quiet_until(int64_t until_ns) { quiet_until_ns_ = until_ns; }
  int64_t quiet_until_ns() const { return quiet_until_ns_; }
  // The highest epoch promised for `role` before a restart (durable store)
  // and the member it was promised to: epochs never go back, and that
  // member's renewals at that epoch are granted again after the quiet
  // period (it may still hold the lease through the other members).
  void restore(const std::string& role, int64_t epoch, const std::string& holder = {});
  // The time one grant runs at a member (duration * (1 + drift)).
  int64_t grant_ns() const;

  // The holder gives the role back (it stopped trading): the grant ends now.
  void on_release(const std::string& role, const std::string& holder, int64_t epoch);

  // The current holder of `role` by this member's clock, if its grant runs.
  std::optional<std::string> holder(const std::string& role, int64_t now_ns) const;
  int64_t promised_epoch(const std::string& role) const;
  // The member the promised epoch of `role` went to (empty: none).
  std::string promised_holder(const std::string& role) const;

private:
  struct grant {
    std::string holder;
    int64_t epoch = 0;
    int64_t until_ns = 0; // this member grants no one else before this
  };
  std::set<std::string> members_;
  std::set<std::string> roles_;
  lease_timing timing_;
  int64_t quiet_until_ns_ = 0;
  std::map<std::string, grant> grants_; // by role, only configured roles
};

// The candidate's (or holder's) side of one role.
class lease_holder {
public:
  lease_holder(std::string role, std::string self, std::set<std::string> members,
               lease_timing timing);

  // Starts a request round at `now_ns` (send it to every member): a new
  // epoch above every epoch seen when not holding, the same epoch to renew.
  // Returns the epoch to ask for; round() names the round.
  int64_t start_round(int64_t now_ns);
  // The same with the round id given by the caller (it must grow).
  int64_t start_round(int64_t now_ns, uint64_t round_id);
  // The current round's id: answers carry it. A renewal keeps the epoch, so
  // the epoch alone cannot tell a late answer of an earlier round (granted
  // before this round's requests left) from one of this round.
  uint64_t round() const { return round_; }

  // A member's answer to round `round` (from non-members, to rounds older
  // than the last `kept_rounds` or of another epoch: ignored; a member
  // counts once per round). Each round keeps the time its requests left: a
  // majority's grants in one round make the lease held until that round's
  // start + duration * (1 - drift), so a late answer counts, but only as of
  // its own round's start, never extending the lease past what that round
  // bought. Returns true when this answer made the lease held (or extended it).
  bool on_answer(const std::string& member, uint64_t round, const lease_answer& a);
  static constexpr size_t kept_rounds = 8;
  // An epoch a member reported outside a round (a probe's answer): the
  // next new epoch asked for is above it.
  void saw_epoch(int64_t epoch) { highest_seen_ = std::max(highest_seen_, epoch); }
  // Grants counted in the current round.
  size_t granted_count() const;
  int64_t highest_seen() const { return highest_seen_; }
  // Rounds that moved a held lease to a newer epoch (start_round).
  int64_t epoch_bumps() const { return epoch_bumps_; }

  // Whether the lease is held at `now_ns`: false from its end on, and the
  // holder must then close the role's gate (nothing may be traded).
  bool held(int64_t now_ns) const { return held_until_ns_ > now_ns; }
  int64_t held_until_ns() const { return held_until_ns_; }
  int64_t epoch() const { return epoch_; }
  // Gives the lease up (the gate is closed): the next round asks for a new epoch.
  void release();

  size_t majority() const { return members_.size() / 2 + 1; }

private:
  std::string role_;
  std::string self_;
  std::set<std::string> members_;
  lease_timing timing_;
  int64_t epoch_ = 0;          // the epoch held or asked for
  uint64_t round_ = 0;
  bool epoch_held_ = false;    // epoch_ was held at some point: the next new lease asks above it
  int64_t highest_seen_ = 0;   // highest epoch any member reported
  int64_t epoch_bumps_ = 0;
  struct sent_round {
    uint64_t id = 0;
    int64_t epoch = 0;
    int64_t sent_ns = 0; // when its requests left
    std::set<std::string> granted_by;
  };
  std::vector<sent_round> rounds_; // the last kept_rounds, oldest first
  int64_t held_until_ns_ = 0;
};

} // namespace cwts
