#pragma once
// The pre-trade controls of actors/risk/pre_trade_check.cpp as a regulator
// reads them: each with the rule it evidences, the [risk] config keys that
// set it, the reject reasons it refuses with, and the signed changes of its
// limits from the risk decision log (actors/risk/risk_decision_log.hpp).
// CAF-free.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "actors/risk/risk_decision_log.hpp"
#include "reporting/controls/controls_report.hpp"
#include "reporting/controls/node_log.hpp"

namespace cwts::report {

// The node's [risk] values as its config reader validated them
// (nodes/node/node_config.cpp), by config key: "max-order-qty" -> "100".
using configured_limits = std::map<std::string, std::string>;

// The controls, in the order pre_trade_check.cpp applies them, with their
// limits in effect at the end of the day [from, to) (configured, then each
// signed change made before `to_ns`) and those changes; counts empty.
// `configured` is the node's config as it is now: the only record of it.
// A change made after the day is left out; one whose time is not recorded
// is applied and says so. `times` gives the time of a change whose command
// the node log names.
std::vector<control_row> build_controls(const configured_limits& configured,
                                        const std::vector<risk::risk_decision>& decisions,
                                        const std::map<std::string, command_time>& times,
                                        int64_t from_ns, int64_t to_ns);

// The command ids of `decisions` (to look their times up in the node log).
std::set<std::string> decision_commands(const std::vector<risk::risk_decision>& decisions);

// Throttle trips of [from, to) and re-enables logged in it (or whose time
// is unknown: the decision log keeps none for them).
std::vector<throttle_event> throttle_events(const std::vector<risk::risk_decision>& decisions,
                                            const std::map<std::string, command_time>& times,
                                            int64_t from_ns, int64_t to_ns);

// Reject reasons in the order pre_trade_check.cpp tests them: an order
// refused for one never reached the checks after it.
const std::vector<std::string>& check_order();

} // namespace cwts::report
