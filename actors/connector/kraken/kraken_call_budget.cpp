#include "actors/connector/kraken/kraken_call_budget.hpp"

#include <algorithm>
#include <cmath>

namespace cwts::connector::kraken {

std::string_view validate_call_limits(const kraken_call_limits& l) {
  if (!(l.max >= 1))
    return "call_limits.max: must be at least 1";
  if (!(l.decay_per_s > 0))
    return "call_limits.decay_per_s: must be positive";
  if (!(l.kill_reserve >= 0) || !(l.order_reserve >= 0))
    return "call_limits.kill_reserve/order_reserve: must not be negative";
  // Polls need room for one call, or they would never run.
  if (l.kill_reserve + l.order_reserve > l.max - 1)
    return "call_limits.kill_reserve + order_reserve: must leave polls at least 1";
  return {};
}

int kraken_call_cost(std::string_view method) {
  if (method == "TradesHistory" || method == "Ledgers" || method == "QueryLedgers")
    return 2;
  if (method == "AddOrder" || method == "AddOrderBatch" || method == "AmendOrder"
      || method == "EditOrder" || method == "CancelOrder" || method == "CancelOrderBatch"
      || method == "CancelAll" || method == "CancelAllOrdersAfter")
    return 0;
  return 1;
}

double kraken_call_budget::ceiling(call_priority p) const {
  switch (p) {
    case call_priority::kill: return limits_.max;
    case call_priority::order: return limits_.max - limits_.kill_reserve;
    case call_priority::background: break;
  }
  return limits_.max - limits_.kill_reserve - limits_.order_reserve;
}

double kraken_call_budget::value_locked(clock::time_point now) const {
  auto elapsed = std::chrono::duration<double>(std::max(clock::duration::zero(), now - at_)).count();
  return std::max(0.0, value_ - elapsed * limits_.decay_per_s);
}

double kraken_call_budget::value(clock::time_point now) const {
  std::lock_guard<std::mutex> guard(mtx_);
  return value_locked(now);
}

kraken_call_budget::clock::duration kraken_call_budget::wait_for(double cost, call_priority p,
                                                                 clock::time_point now) const {
  if (cost <= 0)
    return clock::duration::zero();
  std::lock_guard<std::mutex> guard(mtx_);
  double over = value_locked(now) + cost - ceiling(p);
  if (over <= 0)
    return clock::duration::zero();
  // Rounded up so the call, once the wait is over, surely fits.
  return std::chrono::duration_cast<clock::duration>(
           std::chrono::duration<double>(over / limits_.decay_per_s))
         + std::chrono::microseconds(1);
}

void kraken_call_budget::spend(double cost, clock::time_point now) {
  if (cost <= 0)
    return;
  std::lock_guard<std::mutex> guard(mtx_);
  value_ = value_locked(now) + cost;
  at_ = now;
}

void kraken_call_budget::on_rate_limited(clock::time_point now) {
  std::lock_guard<std::mutex> guard(mtx_);
  limited_in_a_row_ = std::min(limited_in_a_row_ + 1, 16);
  // 0, 1, 3, 7 ... units beyond full: the waits double, at most max more.
  double penalty = std::min(limits_.max, std::ldexp(1.0, limited_in_a_row_ - 1) - 1);
  value_ = std::max(value_locked(now), limits_.max + penalty);
  at_ = now;
}

void kraken_call_budget::on_accepted() {
  std::lock_guard<std::mutex> guard(mtx_);
  limited_in_a_row_ = 0;
}

} // namespace cwts::connector::kraken
