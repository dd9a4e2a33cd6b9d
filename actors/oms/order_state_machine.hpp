#pragma once
// FIX OrdStatus (tag 39) lifecycle of one order, as a transition table.
//
//                 +------------------- rejected
//                 |
//   pending_new --+--> accepted --+--> partially_filled --+--> filled
//        |        |      |        |          |  ^  |       |
//        |        |      |        +----------|--+  |       +--> canceled
//        |        |      |                   |     |       +--> expired (IOC rest)
//        |        +------|-> partially_filled / filled / expired (first report is a fill)
//        |               |                   |
//        +------> pending_cancel <-----------+   (request_cancel; cancel reject
//                   |  ^  | fills and late acks    returns to accepted or
//                   |  +--+ are absorbed here      partially_filled)
//                   +--> filled / canceled / expired / rejected (never acked)
//
// A terminal state (filled, canceled, rejected, expired) never changes. A
// report repeating the last venue status with the same cum_qty is a
// duplicate: ignored, not an error. Anything else not in the table is
// refused with a reason, counted, and never applied.

#include <array>
#include <cstdint>

#include "actors/oms/order_record.hpp"
#include "messages/orders.hpp"

namespace cwts::oms {

enum class transition_error : uint8_t {
  none,
  unknown_order,
  from_terminal_state,
  illegal_transition,
  cum_qty_decreased, // a stale report arriving after a newer one
  overfill,          // cum_qty above the order quantity
  inconsistent_fill, // FILLED without full cum_qty, PARTIALLY_FILLED without a partial one
  rejected_after_ack,
  not_pending_cancel,
};

inline constexpr size_t transition_error_count =
  static_cast<size_t>(transition_error::not_pending_cancel) + 1;

const char* to_string(transition_error e);

enum class verdict : uint8_t { apply, duplicate, illegal };

struct transition {
  verdict outcome = verdict::illegal;
  order_status next = order_status::pending_new;
  qty fill; // growth of cum_qty carried by the report
  transition_error error = transition_error::none;
};

class order_state_machine {
public:
  // The table: may an order in `from` take a venue report of `reported`?
  static bool is_legal(order_status from, order_status reported);

  // What a venue report does to `order`. Counts duplicates and illegal ones.
  transition on_report(const order_record& order, const execution_report& rep);

  // Local: we asked the venue to cancel (pending_new/accepted/partially_filled).
  transition on_cancel_request(const order_record& order);

  // The venue refused our cancel: back to the state the fills say.
  transition on_cancel_reject(const order_record& order);

  // The order never reached the venue (connector refused it or it was refused
  // on the wire): pending_new -> rejected.
  transition on_send_failure(const order_record& order);

  uint64_t illegal(transition_error e) const { return illegal_[static_cast<size_t>(e)]; }
  uint64_t illegal_total() const;
  uint64_t duplicates() const { return duplicates_; }

private:
  transition refuse(transition_error e);
  transition_error check_quantities(const order_record& order, const execution_report& rep) const;

  std::array<uint64_t, transition_error_count> illegal_{};
  uint64_t duplicates_ = 0;
};

} // namespace cwts::oms
