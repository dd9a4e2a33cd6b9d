#include "actors/kill/role_watch.hpp"

#include <algorithm>

namespace cwts {

std::vector<std::string> role_watch::observe(const std::set<std::string>& present, int64_t now_ns) {
  std::vector<std::string> lost;
  if (!enabled())
    return lost;
  for (auto& required : cfg_.required) {
    auto& members = members_[required];
    auto prefix = required + ".";
    for (auto i = present.lower_bound(prefix);
         i != present.end() && i->compare(0, prefix.size(), prefix) == 0; ++i)
      members.insert(*i);
    if (members.empty()) {
      check(required, present, now_ns, lost);
      continue;
    }
    // Its members are watched now, not the bare name.
    if (!present.count(required)) {
      missing_since_.erase(required);
      fired_.erase(required);
    }
    for (auto& role : members)
      check(role, present, now_ns, lost);
  }
  return lost;
}

void role_watch::check(const std::string& role, const std::set<std::string>& present,
                       int64_t now_ns, std::vector<std::string>& lost) {
  if (present.count(role)) {
    missing_since_.erase(role);
    fired_.erase(role);
    return;
  }
  auto since = missing_since_.emplace(role, std::max(now_ns, cfg_.counting_from_ns)).first->second;
  if (now_ns - since > cfg_.halt_after_ns && fired_.insert(role).second) {
    lost.push_back(role);
    ++triggered_;
  }
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
