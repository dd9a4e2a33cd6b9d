#pragma once
// Operator commands other than kills: run-time risk limit changes, re-enabling
// a tripped execution throttle, accepting reconciled positions. Each is signed
// by an operator key listed in config and audited where it is applied
// (SEC 15c3-5(c)(1): limits are set and changed only by authorized persons).

#include <cstdint>
#include <string>
#include <vector>

#include "messages/ids.hpp"
#include "messages/time.hpp"

namespace cwts {

enum class operator_action : uint8_t {
  change_limit,      // target: symbol, account or strategy; field: config key; value: decimal
  reenable_throttle, // target: strategy whose execution throttle tripped
  accept_positions,  // target: node; the operator accepts the venue's positions after a
                     // reconciliation found a difference the journal cannot explain
};

const char* to_string(operator_action a);

// Command: one operator action. `signature` signs signing_payload(*this).
struct operator_command {
  command_id id;
  operator_action action = operator_action::change_limit;
  operator_id issuer;
  timestamp_ns issued_at;
  std::string target;
  std::string field;
  std::string value;
  std::string reason;
  std::vector<uint8_t> signature;
};

// The exact bytes an operator signs: every field but the signature, each
// length-prefixed so no two commands share a payload.
std::string signing_payload(const operator_command& c);

// Event: a node applied or refused a command, and why.
struct command_result {
  command_id id;
  node_id node;
  bool accepted = false;
  std::string detail;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, operator_command& x) {
  return f(caf::meta::type_name("operator_command"), x.id, x.action, x.issuer, x.issued_at,
           x.target, x.field, x.value, x.reason, x.signature);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, command_result& x) {
  return f(caf::meta::type_name("command_result"), x.id, x.node, x.accepted, x.detail);
}

} // namespace cwts
