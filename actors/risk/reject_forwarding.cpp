#include "actors/risk/reject_forwarding.hpp"

#include <algorithm>

namespace cwts::risk {

std::string suppressed_rejects::text(int64_t per_second) const {
  return std::to_string(count) + " rejects (" + to_string(rule) + ") of strategy '"
         + last.strategy.value + "' suppressed between " + std::to_string(first.ns) + " and "
         + std::to_string(last_at.ns) + " ns UTC, over " + std::to_string(per_second)
         + "/s; the last: " + last_detail;
}

reject_forwarder::reject_forwarder(reject_forwarding_limits limits) : limits_(limits) {
  limits_.per_second = std::max<int64_t>(1, limits_.per_second);
  limits_.max_keys = std::max<size_t>(1, limits_.max_keys);
}

reject_forwarder::bucket& reject_forwarder::find_or_add(const std::string& key, int64_t mono) {
  if (auto it = keys_.find(key); it != keys_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return it->second;
  }
  if (keys_.size() >= limits_.max_keys) {
    auto oldest = keys_.find(lru_.back());
    if (oldest->second.held.count > 0) {
      evicted_.push_back(std::move(oldest->second.held));
      --pending_;
    }
    ++evictions_;
    keys_.erase(oldest);
    lru_.pop_back();
  }
  lru_.push_front(key);
  auto& b = keys_[key];
  b.tokens = static_cast<double>(limits_.per_second);
  b.refilled_at = mono;
  b.lru = lru_.begin();
  return b;
}

bool reject_forwarder::admit(const order_request& req, reject_reason rule,
                             const std::string& detail, int64_t mono, timestamp_ns wall) {
  // The strategy id is bounded text; '\n' cannot occur in a rule name.
  auto& b = find_or_add(req.strategy.value + '\n' + to_string(rule), mono);
  auto rate = static_cast<double>(limits_.per_second);
  b.tokens = std::min(rate, b.tokens + static_cast<double>(mono - b.refilled_at) * rate / 1e9);
  b.refilled_at = mono;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    ++forwarded_;
    return true;
  }
  if (b.held.count == 0) {
    ++pending_;
    b.counting_since = mono;
    b.held.first = wall;
    b.held.rule = rule;
  }
  ++b.held.count;
  b.held.last = req;
  b.held.last_at = wall;
  b.held.last_detail = detail;
  ++suppressed_;
  return false;
}

std::vector<suppressed_rejects> reject_forwarder::due(int64_t mono) {
  std::vector<suppressed_rejects> out = std::move(evicted_);
  evicted_.clear();
  if (pending_ > 0)
    for (auto& [key, b] : keys_)
      if (b.held.count > 0 && mono - b.counting_since >= limits_.summary_every_ns) {
        out.push_back(std::move(b.held));
        b.held = {};
        --pending_;
      }
  summaries_ += static_cast<int64_t>(out.size());
  return out;
}

} // namespace cwts::risk
