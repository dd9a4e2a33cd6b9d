#include "messages/orders.hpp"

namespace cwts {

const char* to_string(side s) {
  return s == side::buy ? "BUY" : "SELL";
}

const char* to_string(order_type t) {
  return t == order_type::limit ? "LIMIT" : "MARKET";
}

const char* to_string(time_in_force t) {
  switch (t) {
    case time_in_force::gtc: return "GTC";
    case time_in_force::ioc: return "IOC";
    case time_in_force::fok: return "FOK";
  }
  return "?";
}

const char* to_string(order_status s) {
  switch (s) {
    case order_status::pending_new: return "PENDING_NEW";
    case order_status::accepted: return "NEW";
    case order_status::partially_filled: return "PARTIALLY_FILLED";
    case order_status::filled: return "FILLED";
    case order_status::pending_cancel: return "PENDING_CANCEL";
    case order_status::canceled: return "CANCELED";
    case order_status::rejected: return "REJECTED";
    case order_status::expired: return "EXPIRED";
  }
  return "?";
}

const char* to_string(reject_reason r) {
  switch (r) {
    case reject_reason::kill_gate_closed: return "kill_gate_closed";
    case reject_reason::trading_halted: return "trading_halted";
    case reject_reason::unknown_symbol: return "unknown_symbol";
    case reject_reason::invalid_price: return "invalid_price";
    case reject_reason::invalid_qty: return "invalid_qty";
    case reject_reason::max_qty_exceeded: return "max_qty_exceeded";
    case reject_reason::max_notional_exceeded: return "max_notional_exceeded";
    case reject_reason::price_collar_breached: return "price_collar_breached";
    case reject_reason::no_reference_price: return "no_reference_price";
    case reject_reason::duplicate_client_order_id: return "duplicate_client_order_id";
    case reject_reason::position_limit_exceeded: return "position_limit_exceeded";
    case reject_reason::venue_rejected: return "venue_rejected";
    case reject_reason::venue_unreachable: return "venue_unreachable";
    case reject_reason::unknown_order: return "unknown_order";
    case reject_reason::reducing_only: return "reducing_only";
    case reject_reason::below_min_notional: return "below_min_notional";
    case reject_reason::credit_limit_exceeded: return "credit_limit_exceeded";
    case reject_reason::rate_throttled: return "rate_throttled";
    case reject_reason::execution_throttle_tripped: return "execution_throttle_tripped";
    case reject_reason::not_reconciled: return "not_reconciled";
    case reject_reason::replace_refused: return "replace_refused";
    case reject_reason::venue_not_connected: return "venue_not_connected";
    case reject_reason::no_trading_lease: return "no_trading_lease";
    case reject_reason::fenced_epoch: return "fenced_epoch";
  }
  return "?";
}

bool is_terminal(order_status s) {
  return s == order_status::filled || s == order_status::canceled || s == order_status::rejected
         || s == order_status::expired;
}

} // namespace cwts
