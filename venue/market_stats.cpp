#include "venue/market_stats.hpp"

#include <algorithm>

namespace cwts::venue {

namespace {

constexpr int64_t minute_ms = 60 * 1000;
// One day of minutes plus the current one: older buckets are never read.
constexpr size_t kept_minutes = 24 * 60 + 1;

} // namespace

void market_stats::record(const public_trade& t) {
  auto& h = by_symbol_[t.sym];
  h.recent.push_back(t);
  if (h.recent.size() > max_recent_trades)
    h.recent.pop_front();
  h.last = t;
  auto minute = t.time_ms / minute_ms;
  auto value = notional_of(t.px, t.quantity).value_or(notional{});
  if (h.minutes.empty() || h.minutes.back().minute != minute) {
    minute_bucket b;
    b.minute = minute;
    b.open = b.high = b.low = t.px;
    b.first_id = t.trade_id;
    h.minutes.push_back(b);
    if (h.minutes.size() > kept_minutes)
      h.minutes.pop_front();
  }
  auto& b = h.minutes.back();
  b.high = std::max(b.high, t.px);
  b.low = std::min(b.low, t.px);
  b.close = t.px;
  b.volume += t.quantity;
  b.quote_volume += value;
  b.last_id = t.trade_id;
  ++b.count;
}

std::vector<public_trade> market_stats::recent(symbol sym, size_t limit) const {
  auto it = by_symbol_.find(sym);
  if (it == by_symbol_.end()) return {};
  auto& q = it->second.recent;
  auto n = std::min(limit, q.size());
  return std::vector<public_trade>(q.end() - static_cast<std::ptrdiff_t>(n), q.end());
}

rolling_stats market_stats::rolling_24h(symbol sym, int64_t now_ms) const {
  rolling_stats s;
  auto it = by_symbol_.find(sym);
  if (it == by_symbol_.end()) return s;
  auto& h = it->second;
  if (h.last) {
    s.last = h.last->px;
    s.last_qty = h.last->quantity;
  }
  auto first_minute = (now_ms - day_ms) / minute_ms + 1;
  bool any = false;
  for (auto& b : h.minutes) {
    if (b.minute < first_minute) {
      s.prev_close = b.close; // the latest bucket before the window wins
      continue;
    }
    if (!any) {
      s.open = b.open;
      s.high = b.high;
      s.low = b.low;
      s.first_id = b.first_id;
      any = true;
    }
    s.high = std::max(s.high, b.high);
    s.low = std::min(s.low, b.low);
    s.volume += b.volume;
    s.quote_volume += b.quote_volume;
    s.last_id = b.last_id;
    s.count += b.count;
  }
  return s;
}

market_stats::average market_stats::average_price(symbol sym, int64_t now_ms,
                                                  int minutes) const {
  average out;
  auto it = by_symbol_.find(sym);
  if (it == by_symbol_.end() || !it->second.last) return out;
  auto& h = it->second;
  out.px = h.last->px;
  out.close_time = h.last->time_ms;
  auto first_minute = now_ms / minute_ms - minutes + 1;
  qty volume;
  notional value;
  for (auto& b : h.minutes)
    if (b.minute >= first_minute) {
      volume += b.volume;
      value += b.quote_volume;
    }
  if (volume.is_positive())
    out.px = price::from_raw(static_cast<int64_t>(
      static_cast<__int128>(value.raw) * decimal_scale / volume.raw));
  return out;
}

std::optional<price> market_stats::last_price(symbol sym) const {
  auto it = by_symbol_.find(sym);
  if (it == by_symbol_.end() || !it->second.last) return std::nullopt;
  return it->second.last->px;
}

} // namespace cwts::venue
