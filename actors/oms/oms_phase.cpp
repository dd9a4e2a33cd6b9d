#include "actors/oms/oms_phase.hpp"

namespace cwts::oms {

const char* to_string(oms_phase p) {
  switch (p) {
    case oms_phase::reconciling: return "reconciling";
    case oms_phase::trading: return "trading";
    case oms_phase::standby: return "standby";
    case oms_phase::halted: return "halted";
  }
  return "?";
}

const char* to_string(phase_event e) {
  switch (e) {
    case phase_event::venue_running: return "venue_running";
    case phase_event::venues_lost: return "venues_lost";
    case phase_event::lease_lapsed: return "lease_lapsed";
    case phase_event::lease_held: return "lease_held";
    case phase_event::journal_lost: return "journal_lost";
  }
  return "?";
}

phase_step next_phase(oms_phase from, phase_event event) {
  auto to = from;
  if (event == phase_event::journal_lost) {
    to = oms_phase::halted; // from any phase; nothing leaves it but a restart
  } else {
    switch (from) {
      case oms_phase::reconciling:
        if (event == phase_event::venue_running)
          to = oms_phase::trading;
        break;
      case oms_phase::trading:
        if (event == phase_event::venues_lost)
          to = oms_phase::reconciling;
        else if (event == phase_event::lease_lapsed)
          to = oms_phase::standby;
        break;
      case oms_phase::standby:
        if (event == phase_event::venues_lost)
          to = oms_phase::reconciling;
        else if (event == phase_event::lease_held)
          to = oms_phase::trading;
        break;
      case oms_phase::halted:
        break;
    }
  }
  return phase_step{to, to != from};
}

std::optional<reject_reason> refusal_of(oms_phase p) {
  switch (p) {
    case oms_phase::reconciling: return reject_reason::not_reconciled;
    case oms_phase::standby: return reject_reason::no_trading_lease;
    case oms_phase::halted: return reject_reason::trading_halted;
    case oms_phase::trading: break;
  }
  return std::nullopt;
}

phase_step phase_machine::on(phase_event event) {
  auto step = next_phase(phase_, event);
  if (step.changed) {
    phase_ = step.to;
    ++changes_;
  }
  return step;
}

} // namespace cwts::oms
