#include "actors/oms/order_state_machine.hpp"

#include <numeric>

namespace cwts::oms {

namespace {

using os = order_status;

constexpr size_t n = order_status_count;

// legal[from][reported]: the FIX OrdStatus transitions a venue report may
// cause. Rows and columns follow the order of cwts::order_status:
// pending_new, accepted, partially_filled, filled, pending_cancel, canceled,
// rejected, expired.
constexpr bool legal[n][n] = {
  // from pending_new: the first venue report may already be a fill or an IOC
  // expiry (Binance answers a market/IOC order with FILLED or EXPIRED);
  // a cancel of a never-acknowledged order goes through pending_cancel.
  {false, true, true, true, true, false, true, true},
  // from accepted (FIX New): fills, our cancel, the venue's own cancel
  // (e.g. self-trade prevention) or expiry.
  {false, false, true, true, true, true, false, true},
  // from partially_filled: more partial fills (cum_qty grows), the rest as above.
  {false, false, true, true, true, true, false, true},
  // from filled: terminal.
  {false, false, false, false, false, false, false, false},
  // from pending_cancel: a late ack or a fill still arrives (FIX: fills may
  // be reported while a cancel is pending); then the cancel's outcome.
  {false, true, true, true, true, true, true, true},
  // from canceled, rejected, expired: terminal.
  {false, false, false, false, false, false, false, false},
  {false, false, false, false, false, false, false, false},
  {false, false, false, false, false, false, false, false},
};

} // namespace

const char* to_string(transition_error e) {
  switch (e) {
    case transition_error::none: return "none";
    case transition_error::unknown_order: return "unknown_order";
    case transition_error::from_terminal_state: return "from_terminal_state";
    case transition_error::illegal_transition: return "illegal_transition";
    case transition_error::cum_qty_decreased: return "cum_qty_decreased";
    case transition_error::overfill: return "overfill";
    case transition_error::inconsistent_fill: return "inconsistent_fill";
    case transition_error::rejected_after_ack: return "rejected_after_ack";
    case transition_error::not_pending_cancel: return "not_pending_cancel";
  }
  return "?";
}

bool order_state_machine::is_legal(order_status from, order_status reported) {
  return legal[index_of(from)][index_of(reported)];
}

uint64_t order_state_machine::illegal_total() const {
  return std::accumulate(illegal_.begin(), illegal_.end(), uint64_t{0});
}

transition order_state_machine::refuse(transition_error e) {
  ++illegal_[static_cast<size_t>(e)];
  transition t;
  t.outcome = verdict::illegal;
  t.error = e;
  return t;
}

transition_error order_state_machine::check_quantities(const order_record& order,
                                                       const execution_report& rep) const {
  if (rep.cum_qty < order.cum_qty)
    return transition_error::cum_qty_decreased;
  if (rep.cum_qty > order.request.quantity)
    return transition_error::overfill;
  if (rep.status == os::filled && rep.cum_qty != order.request.quantity)
    return transition_error::inconsistent_fill;
  if (rep.status == os::partially_filled
      && (!rep.cum_qty.is_positive() || rep.cum_qty == order.request.quantity))
    return transition_error::inconsistent_fill;
  if (rep.status == os::rejected && (order.acknowledged || order.cum_qty.is_positive()))
    return transition_error::rejected_after_ack;
  return transition_error::none;
}

transition order_state_machine::on_report(const order_record& order, const execution_report& rep) {
  if (rep.status == order.venue_status && rep.cum_qty == order.cum_qty) {
    ++duplicates_;
    transition t;
    t.outcome = verdict::duplicate;
    t.next = order.status;
    return t;
  }
  if (is_terminal(order.status))
    return refuse(transition_error::from_terminal_state);
  if (!is_legal(order.status, rep.status))
    return refuse(transition_error::illegal_transition);
  if (auto e = check_quantities(order, rep); e != transition_error::none)
    return refuse(e);
  transition t;
  t.outcome = verdict::apply;
  t.fill = rep.cum_qty - order.cum_qty;
  // While our cancel is pending, acks and partial fills do not end it.
  bool absorbed = order.status == os::pending_cancel
                  && (rep.status == os::accepted || rep.status == os::partially_filled);
  t.next = absorbed ? os::pending_cancel : rep.status;
  return t;
}

transition order_state_machine::on_cancel_request(const order_record& order) {
  if (is_terminal(order.status))
    return refuse(transition_error::from_terminal_state);
  if (order.status == os::pending_cancel) {
    ++duplicates_;
    transition t;
    t.outcome = verdict::duplicate;
    t.next = order.status;
    return t;
  }
  transition t;
  t.outcome = verdict::apply;
  t.next = os::pending_cancel;
  return t;
}

transition order_state_machine::on_cancel_reject(const order_record& order) {
  if (order.status != os::pending_cancel)
    return refuse(transition_error::not_pending_cancel);
  transition t;
  t.outcome = verdict::apply;
  t.next = order.cum_qty.is_positive() ? os::partially_filled
           : order.acknowledged        ? os::accepted
                                       : os::pending_new;
  return t;
}

transition order_state_machine::on_send_failure(const order_record& order) {
  if (is_terminal(order.status))
    return refuse(transition_error::from_terminal_state);
  if (order.acknowledged || order.cum_qty.is_positive())
    return refuse(transition_error::rejected_after_ack);
  transition t;
  t.outcome = verdict::apply;
  t.next = os::rejected;
  return t;
}

} // namespace cwts::oms
