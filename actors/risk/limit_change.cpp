#include "actors/risk/limit_change.hpp"

namespace cwts::risk {

namespace {

template <class T>
std::string parse_positive(const std::string& field, const std::string& value, T& out) {
  auto v = T::parse(value);
  if (!v)
    return field + ": '" + value + "' is not a decimal with at most 8 places";
  if (!v->is_positive())
    return field + ": must be positive";
  out = *v;
  return {};
}

std::string parse_int(const std::string& field, const std::string& value, int_range range,
                      int64_t& out) {
  auto v = parse_strict_int(value, range);
  if (!v)
    return field + ": '" + value + "' is not an integer in " + std::to_string(range.lo) + ".."
           + std::to_string(range.hi);
  out = *v;
  return {};
}

std::string change_symbol(risk_limits& limits, const std::string& target, const std::string& field,
                          const std::string& value) {
  auto sym = symbol::parse(target);
  auto it = sym ? limits.per_symbol.find(*sym) : limits.per_symbol.end();
  if (it == limits.per_symbol.end())
    return field + ": unknown symbol '" + target + "'";
  auto changed = it->second;
  std::string error;
  if (field == "max-order-qty")
    error = parse_positive(field, value, changed.max_order_qty);
  else if (field == "max-order-notional")
    error = parse_positive(field, value, changed.max_order_notional);
  else if (field == "price-collar-bps")
    error = parse_int(field, value, price_collar_bps_range, changed.price_collar_bps);
  else
    error = parse_positive(field, value, changed.max_position);
  if (error.empty())
    it->second = changed;
  return error;
}

std::string change_strategy(risk_limits& limits, const std::string& target,
                            const std::string& field, const std::string& value) {
  auto it = limits.per_strategy.find(strategy_id{target});
  if (it == limits.per_strategy.end())
    return field + ": unknown strategy '" + target + "'";
  auto changed = it->second;
  std::string error;
  if (field == "max-messages-per-second")
    error = parse_int(field, value, max_messages_per_second_range, changed.max_messages_per_second);
  else if (field == "max-fills-per-window")
    error = parse_int(field, value, max_fills_per_window_range, changed.max_fills_per_window);
  else
    error = parse_int(field, value, fill_window_ms_range, changed.fill_window_ms);
  if (error.empty())
    it->second = changed;
  return error;
}

} // namespace

std::optional<int64_t> parse_strict_int(std::string_view text, int_range range) {
  if (text.empty() || text.size() > 18)
    return std::nullopt;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v < range.lo || v > range.hi)
    return std::nullopt;
  return v;
}

std::string apply_limit_change(risk_limits& limits, const std::string& node,
                               const std::string& target, const std::string& field,
                               const std::string& value) {
  if (field == "max-order-qty" || field == "max-order-notional" || field == "price-collar-bps"
      || field == "max-position")
    return change_symbol(limits, target, field, value);
  if (field == "max-messages-per-second" || field == "max-fills-per-window"
      || field == "fill-window-ms")
    return change_strategy(limits, target, field, value);
  if (field == "credit-limit") {
    auto it = limits.credit_limits.find(account_id{target});
    if (it == limits.credit_limits.end())
      return field + ": unknown account '" + target + "'";
    return parse_positive(field, value, it->second);
  }
  if (field == "loss-limit" || field == "drawdown-limit") {
    if (target != node)
      return field + ": target must be this node ('" + node + "'), not '" + target + "'";
    auto& limit = field == "loss-limit" ? limits.pnl.loss_limit : limits.pnl.drawdown_limit;
    return parse_positive(field, value, limit);
  }
  return "unknown field '" + field + "'";
}

} // namespace cwts::risk
