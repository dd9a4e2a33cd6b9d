#pragma once
// The node's halt state on disk (DESIGN.md "Fail-safe": a restarted node
// comes back halted). Written before the node acknowledges a kill or a
// reset, by a write to a temporary file, fsync and rename, so the file is
// always either the old or the new state. CAF-free.
//
//   cwts-halt-state/1
//   level=2
//   cause=k-26415739e4ee9a33
//   since_ns=1764093000000000000
//   epoch=3
//   reason=drill
//   last_kill=1764093000000000000:k-5d1c0e7a22b91f04  (or last_kill=none)
//   scoped=symbol:2:k-5d1c0e7a22b91f04:BTCUSDT      (one line per scoped halt)
//   seen=kill:1795630688350726489:3f9a...e1:alice/k-5d1c0e7a22b91f04
//                              (one line per command still inside its time
//                               window: kind, issued_at, content digest, key)

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/kill_gate.hpp"
#include "messages/kill.hpp"

namespace cwts {

// One scoped halt in force (a strategy, symbol or account closed by a kill).
struct scoped_halt {
  kill_scope scope = kill_scope::symbol;
  std::string value;
  kill_level level = kill_level::halt_new_orders;
  kill_id cause;
};

// A signed command this node accepted, remembered while its issued_at is
// inside the time window, so a replay is refused even after a restart.
struct seen_command {
  std::string kind; // "kill" or "reset"
  std::string key;  // kill_key (issuer/id) or the reset id
  std::string digest; // hex SHA-256 of the signed payload and signature
  timestamp_ns issued_at;
};

// Hex SHA-256 of `payload` followed by `signature`: equal only for the same
// signed content.
std::string content_digest(const std::string& payload, const std::vector<uint8_t>& signature);

struct halt_state {
  kill_level level = kill_level::none; // none: trading allowed
  kill_id cause;
  timestamp_ns since;
  int64_t epoch = 0; // resets so far; a reset starts epoch + 1
  std::string reason;
  std::vector<scoped_halt> scoped{}; // halts of one strategy, symbol or account
  std::vector<seen_command> seen{};  // replay guard that survives a restart
  // The latest kill (or self-halt) applied to this node's gate, whatever its
  // level, and the wall clock when it was applied (kill_switch::last_applied):
  // a reset vote after a restart must see a later same-level kill as it did
  // before (docs/model.md finding M1). Empty: none applied.
  kill_id last_kill{};
  int64_t last_kill_ns = 0;
  // False only for a file written before the field existed (no `last_kill`
  // line): kill_switch::restore then takes the newest kill in `seen`.
  bool last_kill_known = true;

  bool halted() const { return level != kill_level::none; }
};

// The gate scope of a strategy/symbol/account kill scope; nullopt for node
// and cluster.
std::optional<gate_scope> to_gate_scope(kill_scope s);

// Closes `gate` as `s` says (node-wide level and every scoped halt). A
// scoped halt that does not fit the gate's table closes it node-wide.
void apply_halt(const halt_state& s, kill_gate& gate);

// Failed reads of a halt-state file that exists, since the process started
// (every load_halt_state that returned nullopt): the kill coordinator's
// stats `halt_state_load_errors`. cwts-node reads the file twice at start
// (the gate before any actor, then the coordinator), so one bad file shows
// as 2; anything above 0 means the node started halted on it.
uint64_t halt_state_load_errors();

// Reads `path`. A missing file is an open gate at epoch 0 (a node's first
// start). A file that exists but cannot be read or parsed returns nullopt
// and `error`: the caller must treat the node as halted (fail safe).
std::optional<halt_state> load_halt_state(const std::string& path, std::string& error);

// Replaces `path` durably; false and `error` when any step failed.
bool save_halt_state(const std::string& path, const halt_state& s, std::string& error);

} // namespace cwts
