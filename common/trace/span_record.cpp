#include "common/trace/span_record.hpp"

namespace cwts::trace {

const char* to_string(hop h) {
  switch (h) {
    case hop::tick: return "tick";
    case hop::validate: return "validate";
    case hop::decide: return "decide";
    case hop::risk_check: return "risk_check";
    case hop::oms_send: return "oms_send";
    case hop::venue_send: return "venue_send";
    case hop::venue_ack: return "venue_ack";
    case hop::fill: return "fill";
    case hop::cancel: return "cancel";
    case hop::kill: return "kill";
    case hop::reject: return "reject";
  }
  return "unknown";
}

} // namespace cwts::trace
