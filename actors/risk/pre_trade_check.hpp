#pragma once
// The pre-trade gate (SEC 15c3-5(c)(1), MiFID II RTS 6 Art. 15; DESIGN.md §3
// "Pre-trade gate"). One order in, pass or a reason out. The pass path does
// not allocate: the detail string is built only when an order is refused.
//
// Cancels never come here: they always pass (a cancel only lowers risk), but
// they are recorded as messages of their strategy (on_cancel).
// Duplicate client order ids are refused here (ids the position book knows)
// and by the OMS's order_store, which owns the set of ids.
//
// Time: `now_ns` is a monotonic clock reading passed in by the caller, so the
// throttles are tested without a clock.

#include <array>
#include <cstdint>
#include <string>

#include "actors/risk/position_book.hpp"
#include "actors/risk/reference_prices.hpp"
#include "actors/risk/risk_limits.hpp"
#include "actors/risk/strategy_throttles.hpp"
#include "common/kill_gate.hpp"
#include "messages/kill.hpp"
#include "messages/orders.hpp"

namespace cwts::risk {

struct check_result {
  bool passed = true;
  reject_reason reason = reject_reason::kill_gate_closed; // meaningful only when !passed
  std::string detail; // empty (no allocation) when passed
};

using cwts::reject_reason_count;

class pre_trade_check {
public:
  pre_trade_check(const kill_gate& gate, risk_limits limits, symbol_rules_map rules);
  pre_trade_check(const pre_trade_check&) = delete;
  pre_trade_check& operator=(const pre_trade_check&) = delete;

  // Checks in this order: kill gate, trading mode HALTED, client order id
  // not already used (live or recently ended in `book`), strategy's
  // execution throttle not tripped, strategy's message rate, symbol known
  // and tradable, price/qty sign and precision, reference price, price
  // collar, max qty, notional (overflow, min, max), REDUCING mode, position
  // limit, account credit limit. The first failing rule decides. A passing
  // order is recorded as a message of its strategy at `now_ns`.
  check_result check(const order_request& order, trading_mode mode, const reference_prices& refs,
                     const position_book& book, int64_t now_ns);

  // A cancel the strategy sent: never refused, counted as a message.
  void on_cancel(const strategy_id& s, int64_t now_ns) { throttles_.record_message(s, now_ns); }

  // A fill of the strategy's order; true when it tripped the execution throttle.
  bool on_fill(const strategy_id& s, int64_t now_ns) { return throttles_.on_fill(s, now_ns); }

  strategy_throttles& throttles() { return throttles_; }
  const strategy_throttles& throttles() const { return throttles_; }

  // Replaces limits and filters (config reload, operator change); counters,
  // throttle windows and latches are kept.
  void set_limits(risk_limits limits, symbol_rules_map rules);

  const risk_limits& limits() const { return limits_; }
  const symbol_rules_map& rules() const { return rules_; }

  uint64_t passed() const { return passed_; }
  uint64_t rejected(reject_reason r) const { return rejected_[static_cast<size_t>(r)]; }
  uint64_t rejected_total() const;

private:
  struct order_context {
    const symbol_limits* limits = nullptr;
    const symbol_rules* rules = nullptr;
    strategy_throttles::state* throttle = nullptr;
    price reference;
    notional value; // the order's notional (MARKET at the reference)
  };

  bool check_gate_and_mode(const order_request& o, trading_mode mode, check_result& r) const;
  bool check_duplicate(const order_request& o, const position_book& book, check_result& r) const;
  bool check_throttles(const order_request& o, order_context& ctx, int64_t now_ns,
                       check_result& r);
  bool check_symbol(const order_request& o, order_context& ctx, check_result& r) const;
  bool check_precision(const order_request& o, const order_context& ctx, check_result& r) const;
  bool check_collar(const order_request& o, order_context& ctx, const reference_prices& refs,
                    check_result& r) const;
  bool check_size(const order_request& o, order_context& ctx, check_result& r) const;
  bool check_reducing(const order_request& o, trading_mode mode, const position_book& book,
                      check_result& r) const;
  bool check_position(const order_request& o, const order_context& ctx, const position_book& book,
                      check_result& r) const;
  bool check_credit(const order_request& o, const order_context& ctx, const position_book& book,
                    check_result& r) const;
  check_result finish(check_result r);

  const kill_gate* gate_;
  risk_limits limits_;
  symbol_rules_map rules_;
  strategy_throttles throttles_;
  // The last account's credit entry (reset when the limits are replaced).
  mutable const std::pair<const account_id, notional>* last_credit_ = nullptr;
  uint64_t passed_ = 0;
  std::array<uint64_t, reject_reason_count> rejected_{};
};

} // namespace cwts::risk
