#pragma once
// Whether the kill gate lets an order through (DESIGN.md "Kill switch"):
// every hop of the order path (risk, OMS, connector) asks the same question,
// so a kill that lands between two hops still stops the order at the next.

#include <cstdint>

#include "common/kill_gate.hpp"
#include "messages/kill.hpp"
#include "messages/orders.hpp"

namespace cwts {

// The kill level that covers `o`: node-wide, or its strategy, symbol or account.
inline uint8_t gate_level_for(const kill_gate& gate, const order_request& o) {
  return gate.level_for(o.strategy.value, o.sym.view(), o.account.value);
}

// An open gate admits everything. A closed one admits only the flatten
// orders of a level-3/4 kill in force for that order; whether such an order
// really shrinks the position is risk's check.
inline bool gate_admits(const kill_gate& gate, const order_request& o) {
  uint8_t level = gate_level_for(gate, o);
  return level == 0 || (o.flatten && level >= static_cast<uint8_t>(kill_level::flatten));
}

} // namespace cwts
