#pragma once
// Every order the OMS has sent, by client order id, driven through the FIX
// state machine by venue reports. Single-threaded: owned by the OMS actor.
// The durable journal (order_journal, written before anything is sent) is
// its persistent side; restore() rebuilds the store from it after a crash.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "actors/oms/order_record.hpp"
#include "actors/oms/order_state_machine.hpp"
#include "messages/orders.hpp"

namespace cwts::oms {

enum class apply_outcome : uint8_t { applied, duplicate, illegal, unknown_order };

const char* to_string(apply_outcome o);

// What one input did to one order, so the shell can tell risk and the
// strategy (fills, terminal states) and log refusals.
struct order_update {
  apply_outcome outcome = apply_outcome::unknown_order;
  transition_error error = transition_error::none;
  client_order_id id;
  symbol sym;
  side order_side = side::buy;
  order_status previous = order_status::pending_new;
  order_status current = order_status::pending_new;
  qty fill_qty;     // zero when the input carried no fill
  price fill_price; // of this fill
  qty cum_qty;
  qty leaves_qty;
  std::string detail; // why, when illegal or unknown

  bool changed() const { return outcome == apply_outcome::applied; }
  bool has_fill() const { return fill_qty.is_positive(); }
  bool became_terminal() const { return changed() && is_terminal(current) && !is_terminal(previous); }
};

class order_store {
public:
  // Registers a pending_new order. Refuses a client order id already known
  // (DESIGN.md pre-trade gate: duplicate ClientOrderId), returning the reject
  // to send back; nullopt when registered.
  std::optional<order_reject> submit(const order_request& req, timestamp_ns now);

  // Rebuilds one order from the durable journal after a restart, state as
  // journaled (no transition is checked: the journal only holds applied
  // ones). False, and nothing changed, when the id is already known.
  bool restore(const order_record& rec);

  // Drives the state machine with one venue report.
  order_update apply(const execution_report& rep);

  // The order did not reach the venue (connector refusal, venue reject
  // before ack): pending_new -> rejected. A duplicate_client_order_id reject
  // is about a second order under the id and leaves the original alone.
  order_update apply(const order_reject& rej);

  // Marks the order pending_cancel and returns the cancel to send; nullopt
  // when unknown, terminal or already pending_cancel.
  std::optional<cancel_request> request_cancel(const client_order_id& id, timestamp_ns now);

  // The venue refused our cancel: back to accepted or partially_filled.
  order_update cancel_rejected(const client_order_id& id, timestamp_ns now);

  // Kill switch level 2: every live order (in flight included) that
  // `in_scope` selects goes pending_cancel; returns its cancel and the status
  // it had (to journal the ones that changed).
  struct marked_cancel {
    cancel_request cancel;
    order_status previous;
  };
  std::vector<marked_cancel>
  mark_all_pending_cancel(const std::function<bool(const order_request&)>& in_scope,
                          timestamp_ns now);

  const order_record* find(const client_order_id& id) const;

  // Live (non-terminal) orders, in flight included, oldest first.
  std::vector<const order_record*> live_orders() const;
  std::vector<const order_record*> live_orders(const symbol& sym) const;

  size_t count(order_status s) const { return by_status_[index_of(s)]; }
  size_t size() const { return orders_.size(); }

  // Drops terminal orders last updated before `cutoff` (memory bound; the
  // journal keeps the history). Returns how many were dropped.
  size_t purge_terminal(timestamp_ns cutoff);

  const order_state_machine& state_machine() const { return machine_; }
  // Reports, rejects and cancel rejects naming an order this store never had.
  uint64_t unknown_inputs() const { return unknown_inputs_; }

private:
  order_update make_update(const order_record& r, apply_outcome outcome) const;
  order_update unknown(const client_order_id& id, const symbol& sym, const char* what);
  void enter(order_record& r, order_status next, timestamp_ns at);
  void record_fill(order_record& r, qty fill, price px);
  std::vector<const order_record*> sorted(std::vector<const order_record*> v) const;

  std::unordered_map<client_order_id, order_record> orders_;
  std::unordered_map<symbol, std::unordered_set<client_order_id>> live_by_symbol_;
  std::array<size_t, order_status_count> by_status_{};
  order_state_machine machine_;
  uint64_t unknown_inputs_ = 0;
};

} // namespace cwts::oms
