#pragma once
// The risk state a node keeps across restarts of its risk actor (see
// risk_memory in risk_actor.hpp), and the decisions on it that need no
// actor: operator commands (change a limit, re-enable a throttle), the
// durable decision log and its replay at start, whether a kill trigger's
// condition holds now (a reset vote), and what the state reports. CAF-free;
// the actor shell (risk_actor.cpp) wires it to messages.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "actors/risk/pnl_guard.hpp"
#include "actors/risk/position_book.hpp"
#include "actors/risk/pre_trade_check.hpp"
#include "actors/risk/reference_prices.hpp"
#include "actors/risk/reject_rate.hpp"
#include "actors/risk/risk_decision_log.hpp"
#include "actors/risk/risk_limits.hpp"
#include "actors/risk/var_limit.hpp"
#include "common/kill_gate.hpp"
#include "messages/kill.hpp"
#include "messages/operator_command.hpp"
#include "messages/stats.hpp"

namespace cwts {

struct risk_core {
  risk::pre_trade_check check;
  risk::pnl_guard guard;
  risk::reference_prices refs;
  risk::position_book book;
  risk::reject_rate rejects;
  trading_mode mode = trading_mode::active;
  // Trips, re-enables and limit changes, durable across process restarts.
  risk::risk_decision_log decisions;
  std::string decisions_error; // why the log is not open, when configured

  risk_core(const kill_gate& gate, risk::risk_limits limits, risk::symbol_rules_map rules,
            risk::reject_rate_limits reject_limits)
    : check(gate, limits, std::move(rules)), guard(limits.pnl), rejects(reject_limits) {
  }
};

namespace risk {

// Every symbol the node has limits for (what a flatten looks at).
std::vector<symbol> traded_symbols(const risk_core& core);

// Makes a decision durable in the log at `path`. True when no log is
// configured (empty path) or the append succeeded; false, logged
// (event=risk_decision_write_failed), when it is configured but not open or
// the write failed: an operator command is then refused.
bool record_decision(risk_core& core, const std::string& path, const risk_decision& d);

// A new process continues with the decisions an earlier one made: tripped
// strategies stay tripped, operator-changed limits stay changed (limit
// changes for node `self_node`'s PnL limits included). A log that does not
// open or parse leaves every configured strategy tripped, with the reason
// kept in `core.decisions_error` and logged: limits nobody can vouch for
// must not trade. Nothing to do for an empty path.
void replay_decisions(risk_core& core, const std::string& path, const std::string& self_node);

// Applies an authorized operator command: empty on success (with `detail`
// set), otherwise why it was refused, with nothing changed. A limit change
// or a re-enable of a tripped strategy is recorded first; a failed record
// refuses it. accept_positions is the OMS's, refused here.
std::string apply_operator_command(risk_core& core, const std::string& self_node,
                                   const std::string& decisions_path, const operator_command& cmd,
                                   timestamp_ns now, std::string& detail);

// Which kill trigger's condition holds now under the current limits (not the
// latches, which stay set while halted), first of pnl, reject_rate, var;
// empty when none does. A reset vote is no while one holds.
std::string breach_now(risk_core& core, const var_limit& var, int64_t now_ns);

// The core's counters (docs/monitoring.md): checks and rejects by reason,
// credit used, throttles, PnL and its latches, positions, the reject rate,
// and the breach_now.* gauges (the VaR's from `var`).
void add_core_counters(risk_core& core, const var_limit& var, int64_t now_ns,
                       std::map<std::string, int64_t>& counters);

// One snapshot per symbol with limits: position, average cost, realized and
// unrealized PnL, and the mark it is taken at (none, and unrealized zero,
// without a reference price).
std::vector<position_snapshot> position_snapshots(risk_core& core);

} // namespace risk
} // namespace cwts
