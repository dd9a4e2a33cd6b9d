#include "messages/operator_command.hpp"

namespace cwts {

const char* to_string(operator_action a) {
  switch (a) {
    case operator_action::change_limit: return "change_limit";
    case operator_action::reenable_throttle: return "reenable_throttle";
    case operator_action::accept_positions: return "accept_positions";
  }
  return "?";
}

namespace {

void append_field(std::string& out, const std::string& field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += '|';
}

} // namespace

std::string signing_payload(const operator_command& c) {
  std::string out = "cwts-operator-command/1|";
  append_field(out, c.id.value);
  append_field(out, to_string(c.action));
  append_field(out, c.issuer.value);
  append_field(out, std::to_string(c.issued_at.ns));
  append_field(out, c.target);
  append_field(out, c.field);
  append_field(out, c.value);
  append_field(out, c.reason);
  return out;
}

} // namespace cwts
