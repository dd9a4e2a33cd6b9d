#include "actors/kill/role_watch.hpp"

#include <algorithm>

namespace cwts {

std::vector<std::string> role_watch::observe(const std::set<std::string>& present, int64_t now_ns) {
  std::vector<std::string> lost;
  if (!enabled())
    return lost;
  for (auto& role : cfg_.required) {
    if (present.count(role)) {
      missing_since_.erase(role);
      fired_.erase(role);
      continue;
    }
    auto since = missing_since_.emplace(role, std::max(now_ns, cfg_.counting_from_ns)).first->second;
    if (now_ns - since > cfg_.halt_after_ns && fired_.insert(role).second) {
      lost.push_back(role);
      ++triggered_;
    }
  }
  return lost;
}

int64_t role_watch::missing_for_ns(const std::string& role, int64_t now_ns) const {
  auto i = missing_since_.find(role);
  return i == missing_since_.end() ? 0 : std::max<int64_t>(0, now_ns - i->second);
}

bool role_watch::any_lost(int64_t now_ns) const {
  if (!enabled())
    return false;
  return std::any_of(missing_since_.begin(), missing_since_.end(),
                     [&](const auto& m) { return now_ns - m.second > cfg_.halt_after_ns; });
}

} // namespace cwts
