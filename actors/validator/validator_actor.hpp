#pragma once
// CAF shell of the market-data validator: every trade from the connector is
// checked; clean trades go to the strategy and risk, rejects are counted by
// reason (never forwarded).
//
// Messages: trade, (wire_atom, role_directory), stats_atom -> actor_stats.

#include "caf/fwd.hpp"

#include "actors/validator/trade_validator.hpp"

namespace cwts {

caf::actor spawn_validator(caf::actor_system& sys, validator::trade_validator_config cfg);

} // namespace cwts
