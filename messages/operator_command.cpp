#include "messages/operator_command.hpp"

#include "messages/signing_payload.hpp"

namespace cwts {

const char* to_string(operator_action a) {
  switch (a) {
    case operator_action::change_limit: return "change_limit";
    case operator_action::reenable_throttle: return "reenable_throttle";
    case operator_action::accept_positions: return "accept_positions";
  }
  return "?";
}

std::string signing_payload(const operator_command& c) {
  return signing_payload_builder("cwts-operator-command/1")
    .field(c.id.value)
    .field(to_string(c.action))
    .field(c.issuer.value)
    .field(std::to_string(c.issued_at.ns))
    .field(c.target)
    .field(c.field)
    .field(c.value)
    .field(c.reason)
    .str();
}

} // namespace cwts
