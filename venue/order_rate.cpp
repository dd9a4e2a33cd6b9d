#include "venue/order_rate.hpp"

namespace cwts::venue {

namespace {

constexpr int64_t ten_seconds_ms = 10 * 1000;
constexpr int64_t one_day_ms = 24 * 60 * 60 * 1000;

template <class W>
int64_t count_in(const W& w, int64_t index) {
  return w.index == index ? w.count : 0;
}

} // namespace

std::optional<venue_error> order_rate::charge(const std::string& account, int64_t now_ms,
                                              int64_t n) {
  auto& a = accounts_[account];
  auto ten = now_ms / ten_seconds_ms, day = now_ms / one_day_ms;
  if (a.ten_seconds.index != ten) a.ten_seconds = {ten, 0};
  if (a.day.index != day) a.day = {day, 0};
  // errors.md -1015 TOO_MANY_ORDERS, sent with HTTP 429.
  if (a.ten_seconds.count + n > limits_.per_10s)
    return venue_error{-1015, "Too many new orders; current limit is "
                                + std::to_string(limits_.per_10s) + " orders per 10 SECOND.",
                       429};
  if (a.day.count + n > limits_.per_day)
    return venue_error{-1015, "Too many new orders; current limit is "
                                + std::to_string(limits_.per_day) + " orders per 1 DAY.",
                       429};
  a.ten_seconds.count += n;
  a.day.count += n;
  return std::nullopt;
}

order_rate::counts order_rate::of(const std::string& account, int64_t now_ms) const {
  auto it = accounts_.find(account);
  if (it == accounts_.end()) return {};
  return {count_in(it->second.ten_seconds, now_ms / ten_seconds_ms),
          count_in(it->second.day, now_ms / one_day_ms)};
}

std::vector<std::pair<std::string, std::string>> order_rate::headers(const std::string& account,
                                                                     int64_t now_ms) const {
  auto c = of(account, now_ms);
  return {{"X-MBX-ORDER-COUNT-10S", std::to_string(c.ten_seconds)},
          {"X-MBX-ORDER-COUNT-1D", std::to_string(c.day)}};
}

} // namespace cwts::venue
