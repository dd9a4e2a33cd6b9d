#pragma once
// CAF-free core of the kill coordinator: validates kill commands, closes the
// node's gate first, suppresses echoes, and aggregates what every channel and
// every peer reported (DESIGN.md "Kill switch").
//
//   command ── seen before ──> duplicate (echo suppression, counted)
//      ├─ malformed or not authorized (kill_auth.hpp) ──> rejected (reason, counted)
//      └─ accepted ──> gate closed (measured) ──> channels run ──> report
//
// A reset (reopen) is decided by the reset quorum outside this class; the
// halt state it keeps is what the node persists (halt_state.hpp).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/kill/halt_state.hpp"
#include "common/kill_gate.hpp"
#include "common/operator_auth.hpp"
#include "messages/kill.hpp"

namespace cwts {

struct kill_switch_config {
  node_id self;
  // Keys allowed to issue kills (role `kill`) and their time window; null
  // refuses every kill.
  std::shared_ptr<const operator_registry> operators;
};

enum class kill_verdict : uint8_t { applied, duplicate, rejected };

struct kill_decision {
  kill_verdict verdict = kill_verdict::rejected;
  std::string reason; // why a command was rejected
  kill_ack ack;       // filled when applied
};

class kill_switch {
public:
  kill_switch(kill_switch_config cfg, kill_gate& gate);

  // The first time a kill id is seen: validates and authorizes `cmd` and, if
  // it passes, closes the gate at its level before returning. `now` is
  // wall-clock time for the signature's time window.
  kill_decision on_command(const kill_command& cmd, timestamp_ns now);

  // Takes over the halt state read from disk at start (closes the gate if it
  // was halted); `halt()` is the state to write after every change.
  void restore(const halt_state& s);
  halt_state halt() const;

  // Halts the node on its own finding (the fail-safe on a lost quorum):
  // closes the gate at `level`; true when that raised the level, and then
  // `cause` and `reason` are what halt() reports. No signature: it only
  // ever closes the gate.
  bool halt_self(kill_level level, const kill_id& cause, const std::string& reason);

  // Reopens the gate after a reset reached its quorum: level none, at the
  // `epoch` the quorum agreed to (the reset's proposed epoch).
  void reopen(const kill_id& reset, const std::string& reason, int64_t epoch);

  // Records an ack or a channel result for a kill this node originated or
  // applied; unknown kill ids are ignored (returns false).
  bool on_ack(const kill_ack& ack);
  bool on_channel_result(const channel_result& result);

  // The report as far as it is known: complete once every expected peer
  // acked and every announced channel reported.
  kill_report report(const kill_id& id) const;
  bool is_complete(const kill_id& id, size_t expected_peers) const;

  trading_state state() const;
  const std::vector<scoped_halt>& scoped_halts() const { return scoped_; }
  int64_t epoch() const { return epoch_; }
  uint64_t rejected_count() const { return rejected_; }
  uint64_t applied_count() const { return applied_; }
  uint64_t duplicate_count() const { return duplicates_; }
  const std::string& last_rejection() const { return last_rejection_; }

private:
  struct record {
    kill_command command;
    int64_t received_mono_ns = 0;
    int64_t last_update_mono_ns = 0;
    std::map<std::string, kill_ack> acks; // by node
    std::vector<channel_result> channels;
  };

  std::optional<std::string> validate(const kill_command& cmd, timestamp_ns now) const;
  void note_node_wide(const kill_command& cmd);
  void note_scoped(const kill_command& cmd);

  kill_switch_config cfg_;
  kill_gate& gate_;
  std::map<std::string, record> kills_;
  kill_level level_ = kill_level::none;
  kill_id cause_;
  std::string cause_reason_;
  timestamp_ns since_;
  std::vector<scoped_halt> scoped_; // strategy/symbol/account halts in force
  int64_t epoch_ = 0;
  uint64_t rejected_ = 0;
  uint64_t applied_ = 0;
  uint64_t duplicates_ = 0;
  std::string last_rejection_;
};

} // namespace cwts
