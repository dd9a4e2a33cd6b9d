#pragma once
// CAF-free core of the kill coordinator: validates kill commands, closes the
// node's gate first, suppresses echoes, and aggregates what every channel and
// every peer reported (DESIGN.md "Kill switch").
//
//   command ── the same signed content seen before ──> duplicate (echo, replay)
//      ├─ malformed or not authorized (kill_auth.hpp) ──> rejected (reason, counted)
//      ├─ node-raised cluster kill short of member signatures ──> pending
//      │     (kept, bounded, until this node or others endorse it)
//      └─ accepted ──> gate closed (measured) ──> channels run ──> report
//         (same issuer and id, other content: equivocation, applied too,
//          counted; a valid kill is never dropped)
//
// A kill is known by its issuer and id (kill_key): one issuer's id cannot
// suppress another's. Content is compared after verification, never before.
// What was accepted is remembered for the operators' time window, in memory
// and in the durable halt state (halt().seen), so a replay is refused across
// restarts; older records are pruned.
//
// A reset (reopen) is decided by the reset quorum outside this class; the
// halt state it keeps is what the node persists (halt_state.hpp).

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "actors/kill/halt_state.hpp"
#include "actors/kill/kill_auth.hpp"
#include "actors/kill/reset_quorum.hpp"
#include "common/kill_gate.hpp"
#include "common/operator_auth.hpp"
#include "messages/kill.hpp"

namespace cwts {

struct kill_switch_config {
  node_id self;
  // Keys allowed to issue kills (role `kill`) and their time window; null
  // refuses every kill.
  std::shared_ptr<const operator_registry> operators;
  // This node's cluster ([cluster] id); commands for another are refused.
  std::string cluster{};
  std::chrono::milliseconds max_future_skew{2'000};
  // Member signatures a node-raised cluster-wide kill needs (kill_auth.hpp).
  int32_t node_halt_signatures = 1;
  // Configured members; empty: every node key listed counts.
  std::set<std::string> members{};
  // Pending node-raised kills kept at most (the oldest goes first).
  size_t max_pending = 16;

  command_policy policy() const;
};

enum class kill_verdict : uint8_t { applied, duplicate, rejected, pending };

// How a command reached this node: an operator's (or this node's own)
// request, CAF's echo from a peer coordinator, or the direct fan-out
// (fanout_link.hpp). Counted per path; the first verified copy of a kill,
// whichever path brought it, closes the gate.
enum class kill_path : uint8_t { request, caf, fanout };
const char* to_string(kill_path p);

struct kill_path_stats {
  int64_t received = 0;
  int64_t first = 0;      // verified and applied: this copy closed the gate
  int64_t duplicates = 0; // the same signed content seen (or in flight) first
  int64_t refused = 0;
  std::map<std::string, int64_t> refused_by; // reason class (bounded)
  // Receipt (bytes read / message taken) to gate closed, of the copies that
  // were first.
  int64_t gate_ns_last = 0;
  int64_t gate_ns_max = 0;
  int64_t gate_ns_sum = 0;
  // Wall clock of the first copy on this path of the latest kill.
  int64_t last_receipt_wall_ns = 0;
  std::string last_key;
};

struct kill_decision {
  kill_verdict verdict = kill_verdict::rejected;
  std::string reason; // why a command was rejected, or why it is pending
  kill_ack ack;       // filled when applied
  // Applied, but the issuer had already signed other content under this id.
  bool equivocation = false;
  // What was applied: the command with every endorsement gathered (to echo).
  kill_command command;
};

class kill_switch {
public:
  kill_switch(kill_switch_config cfg, kill_gate& gate);

  // Validates and authorizes `cmd` and, if it passes, closes the gate at its
  // level before returning. The same signed content seen before is a
  // duplicate. `now` is wall-clock time for the signature's time window.
  // `received_mono_ns` (0: now) is when the copy arrived on `path`.
  //
  // Thread-safe, like every method here: the fan-out's I/O thread and the
  // coordinator actor both call it. The signature is checked outside the
  // lock; the same content already being verified on the other path is a
  // duplicate (the same bytes verify the same way), so each copy is
  // verified at most once and the gate is closed under the lock, once.
  kill_decision on_command(const kill_command& cmd, timestamp_ns now,
                           kill_path path = kill_path::request, int64_t received_mono_ns = 0);

  // Pending node-raised kills (verdict pending), oldest first, with every
  // endorsement gathered so far.
  std::vector<kill_command> pending() const;
  // Drops a pending kill (it was applied or has left the window).
  void forget_pending(const std::string& key);

  // Resets opened on this node, remembered like kills (in halt().seen), so
  // a reset id is refused the second time, also after a restart.
  bool reset_seen(const kill_id& id) const;
  void remember_reset(const reset_command& cmd);

  // Takes over the halt state read from disk at start (closes the gate if it
  // was halted); `halt()` is the state to write after every change.
  void restore(const halt_state& s);
  halt_state halt() const;

  // Halts the node on its own finding (the fail-safe on a lost quorum):
  // closes the gate at `level`; true when that raised the level, and then
  // `cause` and `reason` are what halt() reports. No signature: it only
  // ever closes the gate.
  bool halt_self(kill_level level, const kill_id& cause, const std::string& reason);

  // Every kill (or self-halt) that closed or raised this node's gate gets
  // the next number; a reset's vote remembers the number it saw.
  uint64_t apply_seq() const;
  // The latest kill that touched this node's gate, whatever its level (the
  // cause is only the highest one): what a reset vote checks.
  kill_id last_applied() const;
  int64_t last_applied_wall_ns() const;

  // What this core knows of a vote on `cmd` (reset_quorum.hpp): halted, for
  // how long, epoch, cause, since, the latest kill applied; and in
  // `seen_seq` the apply_seq() the vote is about. One lock: a kill the I/O
  // thread applies meanwhile is in all of it or in none. The caller adds the
  // local actors' answers and min_halt_ns.
  reset_preconditions vote_preconditions(const reset_command& cmd, uint64_t& seen_seq) const;

  // Reopens the gate after a reset reached its quorum: level none, at the
  // `epoch` the quorum agreed to (the reset's proposed epoch). Compare and
  // reopen under the lock: refused (false, nothing changed) when any kill
  // was applied after this node's vote snapshot (`seen_seq`, apply_seq()
  // then), so a reset never silently undoes a kill its voters never saw,
  // even one at the same level the I/O thread applied a moment ago.
  bool reopen(const kill_id& reset, const std::string& reason, int64_t epoch, uint64_t seen_seq);

  // Records an ack or a channel result for a kill this node originated or
  // applied (found by issuer and id); unknown kills are ignored (false).
  bool on_ack(const kill_ack& ack);
  bool on_channel_result(const channel_result& result);

  // True when this node verified and applied exactly this signed content
  // (issuer, id and content): a peer asking this node to act for a kill
  // (the level-4 disconnect of its connector) names one it may act on.
  bool has_applied(const kill_command& cmd) const;

  // The report as far as it is known (`key` is kill_key): complete once
  // every expected peer acked and every announced channel reported.
  kill_report report(const std::string& key) const;
  bool is_complete(const std::string& key, size_t expected_peers) const;

  trading_state state() const;
  std::vector<scoped_halt> scoped_halts() const;
  int64_t epoch() const;
  uint64_t rejected_count() const;
  uint64_t applied_count() const;
  uint64_t duplicate_count() const;
  uint64_t equivocation_count() const;
  uint64_t pending_count() const;
  size_t records() const;
  std::string last_rejection() const;
  kill_path_stats path_stats(kill_path p) const;

private:
  struct record {
    kill_command command;
    std::set<std::string> digests; // every signed content accepted under this key
    int64_t received_mono_ns = 0;
    int64_t last_update_mono_ns = 0;
    std::map<std::string, kill_ack> acks; // by node
    std::vector<channel_result> channels;
  };

public:
  // Fields and sizes, before any signature: the caps are the fan-out
  // codec's (messages/kill.hpp kill_limits), so a kill one path would carry
  // is never refused by the other; the origin refuses it before signing.
  static std::optional<std::string> check_fields(const kill_command& cmd);

private:
  void count_refusal(kill_path_stats& p, const std::string& reason);
  kill_decision decide(const kill_command& cmd, const kill_authorization& auth,
                       const std::optional<std::string>& why, kill_path path, int64_t received);
  bool seen_before(const std::string& key, const std::string& digest) const;
  // `cmd`'s endorsements are verified ones only (on_command filters them).
  kill_command keep_pending(const kill_command& cmd);
  void forget_pending_locked(const std::string& key);
  kill_decision apply(const kill_command& cmd, const std::string& key, const std::string& digest,
                      int64_t received);
  void note_applied(const kill_id& id);
  void prune(timestamp_ns now);
  void note_node_wide(const kill_command& cmd);
  void note_scoped(const kill_command& cmd);

  mutable std::mutex mtx_; // everything below; the gate is atomic
  kill_switch_config cfg_;
  command_policy policy_;
  // Copies being verified now: their signed content and every endorsement
  // (an identical copy verifies the same way; one with other endorsements
  // is verified on its own, so none is lost).
  std::set<std::string> in_flight_;
  std::array<kill_path_stats, 3> paths_{};
  kill_gate& gate_;
  std::map<std::string, record> kills_; // by kill_key
  std::vector<seen_command> seen_;      // accepted within the window (durable)
  std::vector<kill_command> pending_;
  kill_level level_ = kill_level::none;
  kill_id cause_;
  std::string cause_reason_;
  timestamp_ns since_;
  std::vector<scoped_halt> scoped_; // strategy/symbol/account halts in force
  int64_t epoch_ = 0;
  uint64_t apply_seq_ = 0;      // kills (and self-halts) that touched the gate
  kill_id last_applied_;        // the latest of them
  int64_t last_applied_wall_ns_ = 0;
  uint64_t rejected_ = 0;
  uint64_t applied_ = 0;
  uint64_t duplicates_ = 0;
  uint64_t equivocations_ = 0;
  uint64_t pending_seen_ = 0;
  std::string last_rejection_;
};

} // namespace cwts
