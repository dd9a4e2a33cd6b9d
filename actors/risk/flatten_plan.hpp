#pragma once
// Kill level 3 (DESIGN.md "Kill switch": "+ flatten positions"): the orders
// that bring every position in a kill's scope back to zero. CAF-free.
//
// One market order per symbol in scope with a position, opposite side, for
// the position minus what earlier flatten orders of the same side still have
// in flight, rounded down to the lot step. A symbol where other orders of
// that side are still open (the kill's cancels not yet confirmed) waits: if
// they filled after the flatten, the position would flip. Each carries `flatten = true`:
// the closed gate admits it only while a level-3/4 kill is in force, and the
// pre-trade check refuses it unless it shrinks the position.

#include <cstdint>
#include <string>
#include <vector>

#include "actors/risk/position_book.hpp"
#include "actors/risk/risk_limits.hpp"
#include "messages/kill.hpp"
#include "messages/orders.hpp"

namespace cwts::risk {

struct flatten_target {
  node_id self;
  account_id account;         // the account this node's orders trade
  strategy_id strategy{"kill-flatten"};
  venue_name venue{};         // where the flatten orders go
};

struct flatten_plan {
  std::vector<order_request> orders;
  std::vector<symbol> in_scope;   // symbols the kill covers on this node
  std::vector<std::string> notes; // positions left alone, and why (below one lot)
  size_t waiting = 0;              // symbols waiting for other orders' cancels
};

// `next_seq` numbers the order ids (it is advanced by each order planned) so
// a later plan for what is left never reuses an id.
flatten_plan plan_flatten(const kill_command& cmd, const flatten_target& t,
                          const std::vector<symbol>& symbols, const position_book& book,
                          const symbol_rules_map& rules, int64_t& next_seq, timestamp_ns now);

// Positions of `in_scope` that are not flat yet.
std::vector<symbol> open_positions(const std::vector<symbol>& in_scope, const position_book& book);

} // namespace cwts::risk
