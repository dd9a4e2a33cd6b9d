#include "venue/dead_man_timer.hpp"

namespace cwts::venue {

int64_t dead_man_timer::arm(const std::string& account, int64_t timeout_s, int64_t now_ms) {
  auto at = now_ms + timeout_s * 1000;
  deadlines_[account] = at;
  return at;
}

std::vector<std::string> dead_man_timer::expire(int64_t now_ms) {
  std::vector<std::string> out;
  for (auto it = deadlines_.begin(); it != deadlines_.end();) {
    if (it->second <= now_ms) {
      out.push_back(it->first);
      it = deadlines_.erase(it);
      ++fired_;
    } else {
      ++it;
    }
  }
  return out;
}

std::optional<int64_t> dead_man_timer::deadline(const std::string& account) const {
  auto it = deadlines_.find(account);
  if (it == deadlines_.end()) return std::nullopt;
  return it->second;
}

} // namespace cwts::venue
