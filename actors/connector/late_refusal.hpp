#pragma once
// An order that waited inside an adapter (a queue, a reconnect, a REST
// fallback) and may not go out after all: a kill closed the gate, or the
// trading lease lapsed or was fenced meanwhile (docs/connector.md "Trading
// lease and fencing"). Each keeps its own reason: a lapse is a failover in
// progress, not a kill.

#include <string>

#include "messages/orders.hpp"

namespace cwts::connector {

struct late_refusal {
  reject_reason reason = reject_reason::kill_gate_closed;
  std::string detail; // empty: the adapter words it (where the order waited)
};

} // namespace cwts::connector
