#include "actors/validator/stale_data_monitor.hpp"

#include <algorithm>

namespace cwts::validator {

std::string stale_breach::describe() const {
  std::string out = "stale market data: no validated trade for ";
  bool first = true;
  for (auto& [sym, age] : stale) {
    out += (first ? "" : ", ") + sym.str() + " for " + std::to_string(age / 1'000'000) + " ms";
    first = false;
  }
  return out + " (limit " + std::to_string(limit_ns / 1'000'000) + " ms)";
}

stale_data_monitor::stale_data_monitor(stale_data_config cfg, int64_t start_ns)
  : cfg_(std::move(cfg)), last_ns_(cfg_.symbols.size(), start_ns) {
}

void stale_data_monitor::on_trade(const symbol& sym, int64_t now_ns) {
  for (size_t i = 0; i < cfg_.symbols.size(); ++i)
    if (cfg_.symbols[i] == sym && now_ns > last_ns_[i])
      last_ns_[i] = now_ns;
}

int64_t stale_data_monitor::age_ns(const symbol& sym, int64_t now_ns) const {
  for (size_t i = 0; i < cfg_.symbols.size(); ++i)
    if (cfg_.symbols[i] == sym)
      return now_ns - last_ns_[i];
  return -1;
}

std::optional<stale_breach> stale_data_monitor::check(int64_t now_ns, bool trading) {
  if (!enabled())
    return std::nullopt;
  if (trading && !was_trading_) {
    // The gate reopened: the clocks restart and a latched breach re-arms.
    for (auto& last : last_ns_)
      last = std::max(last, now_ns);
    latched_ = false;
  }
  was_trading_ = trading;
  stale_breach b{{}, cfg_.stale_after_ns};
  for (size_t i = 0; i < cfg_.symbols.size(); ++i)
    if (auto age = now_ns - last_ns_[i]; age >= cfg_.stale_after_ns)
      b.stale.emplace_back(cfg_.symbols[i], age);
  bool breached = !b.stale.empty();
  if (!breached || latched_ || !trading)
    return std::nullopt;
  latched_ = true;
  ++breaches_;
  return b;
}

} // namespace cwts::validator
