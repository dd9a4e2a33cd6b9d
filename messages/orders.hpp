#pragma once
// Order commands and events: strategy -> risk -> oms -> connector -> venue,
// and execution reports back.

#include <cstddef>
#include <cstdint>
#include <string>

#include "caf/atom.hpp"

#include "messages/decimal.hpp"
#include "messages/ids.hpp"
#include "messages/symbol.hpp"
#include "messages/time.hpp"
#include "messages/trace.hpp"

namespace cwts {

enum class side : uint8_t { buy, sell };
enum class order_type : uint8_t { limit, market };
enum class time_in_force : uint8_t { gtc, ioc, fok };

// FIX OrdStatus semantics (39=...).
enum class order_status : uint8_t {
  pending_new,
  accepted, // FIX "New": acknowledged by the venue
  partially_filled,
  filled,
  pending_cancel,
  canceled,
  rejected,
  expired,
};

// Why an order was refused, by us or by the venue. Every value is counted.
enum class reject_reason : uint8_t {
  kill_gate_closed,
  trading_halted,
  unknown_symbol,
  invalid_price,
  invalid_qty,
  max_qty_exceeded,
  max_notional_exceeded,
  price_collar_breached,
  no_reference_price,
  duplicate_client_order_id,
  position_limit_exceeded,
  venue_rejected,
  venue_unreachable,
  unknown_order,
  reducing_only,      // REDUCING mode: the order would not shrink the position
  below_min_notional, // venue NOTIONAL / MIN_NOTIONAL filter
  credit_limit_exceeded,      // account's open + in-flight notional would pass its credit limit
  rate_throttled,             // strategy's message rate above its limit (MiFID II RTS 6 Art. 15)
  execution_throttle_tripped, // latched until an operator re-enables the strategy
  not_reconciled,             // the OMS has not yet reconciled with the venue after a start
  replace_refused, // amend: the original is unknown or not live, ended before its cancel,
                   // or the replacement changes symbol or side
  venue_not_connected, // no connector of the order's venue in the cluster, or not this one's
  // Trading lease (issue 24, docs/supervision.md "Trading lease"):
  no_trading_lease, // the node does not hold the lease of the role that would send it, now
  fenced_epoch,     // its lease epoch is older than one the connector's node granted or saw
};

// Number of reject_reason values (fenced_epoch is the last).
inline constexpr size_t reject_reason_count =
  static_cast<size_t>(reject_reason::fenced_epoch) + 1;

const char* to_string(side s);
const char* to_string(order_type t);
const char* to_string(time_in_force t);
const char* to_string(order_status s);
const char* to_string(reject_reason r);
bool is_terminal(order_status s);

// Command: place one order.
struct order_request {
  client_order_id id;
  strategy_id strategy;
  account_id account; // the venue account it trades (credit limit scope)
  symbol sym;
  side order_side = side::buy;
  order_type type = order_type::limit;
  time_in_force tif = time_in_force::gtc;
  price limit_price; // zero for market orders
  qty quantity;
  timestamp_ns ts_init;
  // Sent by risk to flatten a position under a level-3/4 kill: it passes a
  // closed gate only while a flatten is in force for it and only if it
  // shrinks the position (common/order_gate.hpp, risk's flatten check).
  bool flatten = false;
  venue_name venue{}; // where it trades: the OMS sends it to that venue's connector
  // The OMS's trading-lease epoch when it sent the order (0: no lease); a
  // connector refuses an epoch older than one its node granted (fencing,
  // docs/supervision.md "Trading lease").
  int64_t lease_epoch = 0;
  // The trace of the tick that led to this order; its span is the hop that
  // sent it (strategy, risk, OMS: each records its own and passes it on).
  trace::trace_context trace{};
};

// Command: cancel one order.
struct cancel_request {
  client_order_id id;
  symbol sym;
  timestamp_ns ts_init;
  venue_name venue{};
};

// Command: amend an order (FIX OrderCancelReplaceRequest 35=G): cancel
// `original` and, once the venue confirms the cancel, send `replacement`
// (a new client order id, same symbol and side, new price and/or quantity).
// The replacement passes the pre-trade check like any new order.
struct amend_request {
  client_order_id original;
  order_request replacement;
};

// Event: the venue (or the OMS on its behalf) reports an order's state.
struct execution_report {
  client_order_id id;
  venue_order_id venue_id;
  symbol sym;
  side order_side = side::buy;
  order_status status = order_status::pending_new;
  qty last_qty;     // filled by this report
  price last_price; // price of this report's fill
  qty cum_qty;
  qty leaves_qty;
  std::string text; // venue message for rejects
  timestamp_ns ts_event;
  timestamp_ns ts_init;
  venue_name venue{}; // the venue that reported it (its connector stamps it)
};

// Event: an order was refused before it reached the venue, or by the venue.
struct order_reject {
  client_order_id id;
  symbol sym;
  reject_reason reason = reject_reason::venue_rejected;
  std::string detail;
  timestamp_ns ts_init;
  venue_name venue{};
};

// Risk -> OMS: (risk_rejected_atom, order_request, order_reject), an order
// the pre-trade check refused, for the OMS journal's regulatory record
// (issue 22: every reject by us, with the rule and the reason). The
// strategy gets the order_reject from risk itself.
using risk_rejected_atom = caf::atom_constant<caf::atom("riskrej")>;

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, order_request& x) {
  return f(caf::meta::type_name("order_request"), x.id, x.strategy, x.account, x.sym, x.order_side,
           x.type, x.tif, x.limit_price, x.quantity, x.ts_init, x.flatten, x.venue,
           x.lease_epoch, x.trace);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cancel_request& x) {
  return f(caf::meta::type_name("cancel_request"), x.id, x.sym, x.ts_init, x.venue);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, amend_request& x) {
  return f(caf::meta::type_name("amend_request"), x.original, x.replacement);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, execution_report& x) {
  return f(caf::meta::type_name("execution_report"), x.id, x.venue_id, x.sym, x.order_side,
           x.status, x.last_qty, x.last_price, x.cum_qty, x.leaves_qty, x.text, x.ts_event,
           x.ts_init, x.venue);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, order_reject& x) {
  return f(caf::meta::type_name("order_reject"), x.id, x.sym, x.reason, x.detail, x.ts_init,
           x.venue);
}

} // namespace cwts
