#include "actors/risk/reference_prices.hpp"

namespace cwts::risk {

bool reference_prices::on_trade(const trade& t) {
  if (!t.px.is_positive() || t.sym.empty()) {
    ++ignored_trades_;
    return false;
  }
  set(t.sym, t.px, t.ts_event);
  return true;
}

void reference_prices::set(const symbol& sym, price px, timestamp_ns at) {
  auto& e = entries_[sym];
  e.px = px;
  e.at = at;
}

std::optional<price> reference_prices::get(const symbol& sym) const {
  if (auto i = entries_.find(sym); i != entries_.end())
    return i->second.px;
  return std::nullopt;
}

std::optional<timestamp_ns> reference_prices::updated_at(const symbol& sym) const {
  if (auto i = entries_.find(sym); i != entries_.end())
    return i->second.at;
  return std::nullopt;
}

} // namespace cwts::risk
