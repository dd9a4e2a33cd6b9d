#include "venue/kraken/kraken_rate_limit.hpp"

#include <algorithm>

namespace cwts::venue {

kraken_limits kraken_limits_for(const order_limits& orders, int64_t request_weight_limit) {
  kraken_limits l;
  // Only ever loosened: a venue configured below Binance's defaults keeps
  // Kraken's Pro tier.
  double order_scale = std::max(1.0, static_cast<double>(orders.per_10s) / 100.0);
  double call_scale =
    std::max(1.0, static_cast<double>(request_weight_limit) / static_cast<double>(default_request_weight_limit));
  l.trading_max *= order_scale;
  l.trading_decay_per_s *= order_scale;
  l.call_max *= call_scale;
  l.call_decay_per_s *= call_scale;
  return l;
}

int kraken_call_cost(std::string_view method) {
  // Kraken: "Ledger/trade history calls increase the counter by 2" (the
  // trade and ledger histories; order queries, ClosedOrders included, cost 1
  // as ccxt's kraken cost table has them); order placement and cancellation
  // do not use this counter at all.
  if (method == "TradesHistory" || method == "Ledgers" || method == "QueryLedgers") return 2;
  if (method == "AddOrder" || method == "AddOrderBatch" || method == "AmendOrder"
      || method == "EditOrder" || method == "CancelOrder" || method == "CancelOrderBatch"
      || method == "CancelAll" || method == "CancelAllOrdersAfter")
    return 0;
  return 1;
}

int kraken_cancel_penalty(int64_t age_ms) {
  if (age_ms < 5'000) return 8;
  if (age_ms < 10'000) return 6;
  if (age_ms < 15'000) return 5;
  if (age_ms < 45'000) return 4;
  if (age_ms < 90'000) return 2;
  if (age_ms < 300'000) return 1;
  return 0;
}

double kraken_decay_counter::value(double decay_per_s, int64_t now_ms) const {
  double elapsed = static_cast<double>(std::max<int64_t>(0, now_ms - at_ms_)) / 1000.0;
  return std::max(0.0, value_ - elapsed * decay_per_s);
}

bool kraken_decay_counter::charge(double cost, double max, double decay_per_s, int64_t now_ms) {
  double v = value(decay_per_s, now_ms);
  if (v + cost > max) return false;
  value_ = v + cost;
  at_ms_ = std::max(at_ms_, now_ms);
  return true;
}

void kraken_decay_counter::add(double cost, double decay_per_s, int64_t now_ms) {
  value_ = value(decay_per_s, now_ms) + cost;
  at_ms_ = std::max(at_ms_, now_ms);
}

std::optional<kraken_error> kraken_call_limit::charge(const std::string& key,
                                                      std::string_view method, int64_t now_ms) {
  auto cost = kraken_call_cost(method);
  if (cost == 0) return std::nullopt;
  if (!keys_[key].charge(cost, limits_.call_max, limits_.call_decay_per_s, now_ms))
    return kraken_fail(kraken_err::api_rate_limit);
  return std::nullopt;
}

double kraken_call_limit::counter(const std::string& key, int64_t now_ms) const {
  auto it = keys_.find(key);
  return it == keys_.end() ? 0.0 : it->second.value(limits_.call_decay_per_s, now_ms);
}

std::optional<kraken_error> kraken_trading_limit::charge(const std::string& account, symbol pair,
                                                         double cost, int64_t now_ms) {
  if (cost <= 0) return std::nullopt;
  if (!counters_[{account, pair}].charge(cost, limits_.trading_max, limits_.trading_decay_per_s,
                                         now_ms))
    return kraken_fail(kraken_err::order_rate_limit);
  return std::nullopt;
}

void kraken_trading_limit::add(const std::string& account, symbol pair, double cost,
                               int64_t now_ms) {
  if (cost > 0) counters_[{account, pair}].add(cost, limits_.trading_decay_per_s, now_ms);
}

double kraken_trading_limit::counter(const std::string& account, symbol pair,
                                     int64_t now_ms) const {
  auto it = counters_.find({account, pair});
  return it == counters_.end() ? 0.0 : it->second.value(limits_.trading_decay_per_s, now_ms);
}

} // namespace cwts::venue
