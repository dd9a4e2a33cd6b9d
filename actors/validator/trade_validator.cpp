#include "actors/validator/trade_validator.hpp"

#include <algorithm>
#include <numeric>

namespace cwts::validator {

const char* to_string(trade_verdict v) {
  switch (v) {
    case trade_verdict::ok: return "ok";
    case trade_verdict::non_positive_price: return "non_positive_price";
    case trade_verdict::non_positive_qty: return "non_positive_qty";
    case trade_verdict::unknown_symbol: return "unknown_symbol";
    case trade_verdict::stale: return "stale";
    case trade_verdict::from_future: return "from_future";
    case trade_verdict::duplicate: return "duplicate";
    case trade_verdict::out_of_order: return "out_of_order";
  }
  return "?";
}

std::string validate(const trade_validator_config& cfg) {
  if (cfg.whitelist.empty())
    return "whitelist: empty";
  for (const auto& s : cfg.whitelist)
    if (s.empty())
      return "whitelist: empty symbol";
  if (cfg.max_age_ns <= 0)
    return "max_age_ns: must be positive";
  if (cfg.max_future_skew_ns < 0)
    return "max_future_skew_ns: must not be negative";
  return {};
}

trade_validator::trade_validator(const trade_validator_config& cfg)
  : max_age_ns_(cfg.max_age_ns), max_future_skew_ns_(cfg.max_future_skew_ns) {
  for (const auto& s : cfg.whitelist)
    last_ids_.emplace_back(s, -1);
  std::sort(last_ids_.begin(), last_ids_.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  last_ids_.erase(std::unique(last_ids_.begin(), last_ids_.end(),
                              [](const auto& a, const auto& b) { return a.first == b.first; }),
                  last_ids_.end());
}

std::pair<symbol, int64_t>* trade_validator::slot(const symbol& sym) {
  auto it = std::lower_bound(last_ids_.begin(), last_ids_.end(), sym,
                             [](const auto& entry, const symbol& s) { return entry.first < s; });
  return it != last_ids_.end() && it->first == sym ? &*it : nullptr;
}

trade_verdict trade_validator::judge(const trade& t, timestamp_ns now) {
  if (!t.px.is_positive())
    return trade_verdict::non_positive_price;
  if (!t.quantity.is_positive())
    return trade_verdict::non_positive_qty;
  auto entry = slot(t.sym);
  if (entry == nullptr)
    return trade_verdict::unknown_symbol;
  if (t.ts_event.ns < now.ns - max_age_ns_)
    return trade_verdict::stale;
  if (t.ts_event.ns > now.ns + max_future_skew_ns_)
    return trade_verdict::from_future;
  // Binance trade ids increase per symbol; only accepted trades move the
  // high-water mark, so a rejected trade cannot hide a later good one.
  if (t.id.value == entry->second)
    return trade_verdict::duplicate;
  if (t.id.value < entry->second)
    return trade_verdict::out_of_order;
  entry->second = t.id.value;
  return trade_verdict::ok;
}

trade_verdict trade_validator::check(const trade& t, timestamp_ns now) {
  auto v = judge(t, now);
  ++counts_[static_cast<std::size_t>(v)];
  return v;
}

uint64_t trade_validator::total() const {
  return std::accumulate(counts_.begin(), counts_.end(), uint64_t{0});
}

int64_t trade_validator::last_trade_id(const symbol& sym) const {
  auto it = std::lower_bound(last_ids_.begin(), last_ids_.end(), sym,
                             [](const auto& entry, const symbol& s) { return entry.first < s; });
  return it != last_ids_.end() && it->first == sym ? it->second : -1;
}

} // namespace cwts::validator
