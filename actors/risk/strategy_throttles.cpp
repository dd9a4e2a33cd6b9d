#include "actors/risk/strategy_throttles.hpp"

#include <algorithm>

namespace cwts::risk {

namespace {

constexpr int64_t one_second_ns = 1'000'000'000;

size_t capacity(int64_t limit) { return static_cast<size_t>(std::max<int64_t>(limit, 0)); }

} // namespace

strategy_throttles::state::state(const strategy_limits& l)
  : messages(capacity(l.max_messages_per_second), one_second_ns),
    fills(capacity(l.max_fills_per_window), l.fill_window_ms * 1'000'000) {
}

strategy_throttles::strategy_throttles(const risk_limits& limits) {
  configure(limits);
}

void strategy_throttles::configure(const risk_limits& limits) {
  default_ = limits.default_strategy;
  for (auto& [id, l] : limits.per_strategy)
    states_.try_emplace(id, l);
  for (auto& [id, st] : states_) {
    const auto& l = limits.limits_of(id);
    st.messages.reconfigure(capacity(l.max_messages_per_second), one_second_ns);
    st.fills.reconfigure(capacity(l.max_fills_per_window), l.fill_window_ms * 1'000'000);
  }
}

strategy_throttles::state& strategy_throttles::of(const strategy_id& s) {
  if (last_ != nullptr && last_->first == s)
    return last_->second;
  auto i = states_.find(s);
  if (i == states_.end())
    i = states_.try_emplace(s, default_).first;
  last_ = &*i;
  return i->second;
}

bool strategy_throttles::on_fill(const strategy_id& s, int64_t now_ns) {
  auto& st = of(s);
  bool over = st.fills.full(now_ns);
  st.fills.record(now_ns);
  if (!over || st.tripped)
    return false;
  st.tripped = true;
  ++st.trips;
  ++trips_;
  return true;
}

void strategy_throttles::trip(const strategy_id& s) {
  auto& st = of(s);
  if (!st.tripped) {
    st.tripped = true;
    ++st.trips;
    ++trips_;
  }
}

strategy_throttles::reenable_result strategy_throttles::reenable(const strategy_id& s) {
  auto i = states_.find(s);
  if (i == states_.end())
    return reenable_result::unknown_strategy;
  if (!i->second.tripped)
    return reenable_result::not_tripped;
  i->second.tripped = false;
  i->second.fills.clear();
  return reenable_result::reenabled;
}

bool strategy_throttles::is_tripped(const strategy_id& s) const {
  auto i = states_.find(s);
  return i != states_.end() && i->second.tripped;
}

std::vector<strategy_id> strategy_throttles::tripped() const {
  std::vector<strategy_id> out;
  for (auto& [id, st] : states_)
    if (st.tripped)
      out.push_back(id);
  return out;
}

} // namespace cwts::risk
