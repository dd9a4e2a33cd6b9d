#include "actors/supervisor/supervision_plan.hpp"

#include <utility>

namespace cwts {

std::optional<restart_strategy> parse_restart_strategy(std::string_view text) {
  if (text == "one-for-one")
    return restart_strategy::one_for_one;
  if (text == "rest-for-one")
    return restart_strategy::rest_for_one;
  return std::nullopt;
}

const char* to_string(restart_strategy s) {
  switch (s) {
    case restart_strategy::one_for_one: return "one-for-one";
    case restart_strategy::rest_for_one: return "rest-for-one";
  }
  return "?";
}

const char* to_string(failure_class c) {
  switch (c) {
    case failure_class::drill_crash: return "drill_crash";
    case failure_class::escalated: return "escalated";
    case failure_class::exception: return "exception";
    case failure_class::error: return "error";
    case failure_class::killed: return "killed";
    case failure_class::exit: return "exit";
    case failure_class::other: return "other";
  }
  return "other";
}

supervision_plan::supervision_plan(restart_strategy strategy, restart_limits limits, size_t children,
                                   std::vector<bool> alone)
  : strategy_(strategy), policies_(children, restart_policy{limits}), alone_(std::move(alone)) {
}

restart_plan supervision_plan::on_failure(size_t child, int64_t now_ns) {
  restart_plan plan;
  if (child >= policies_.size())
    return plan;
  if (policies_[child].on_failure(now_ns) == restart_decision::escalate) {
    plan.escalate = true;
    return plan;
  }
  if (strategy_ == restart_strategy::rest_for_one && !alone(child)) {
    // Those started after `child` depend on it (start order is dependency
    // order): stopped last-first, then everything from `child` on restarts.
    for (size_t j = policies_.size(); j-- > child + 1;)
      if (!alone(j))
        plan.stop.push_back(j);
    for (size_t j = child; j < policies_.size(); ++j)
      if (j == child || !alone(j))
        plan.start.push_back(j);
  } else {
    plan.start.push_back(child);
  }
  return plan;
}

void supervision_counters::restarted(const std::string& role, failure_class why) {
  auto& r = roles_[role];
  ++r.restarts;
  ++r.by_class[why];
}

void supervision_counters::escalated(const std::string& role) {
  auto& r = roles_[role];
  ++r.escalations;
  r.escalated = true;
  ++escalations_;
}

void supervision_counters::cleared(const std::string& role) {
  roles_[role].escalated = false;
}

uint64_t supervision_counters::restarts(const std::string& role) const {
  auto i = roles_.find(role);
  return i == roles_.end() ? 0 : i->second.restarts;
}

uint64_t supervision_counters::restarts(const std::string& role, failure_class why) const {
  auto i = roles_.find(role);
  if (i == roles_.end())
    return 0;
  auto c = i->second.by_class.find(why);
  return c == i->second.by_class.end() ? 0 : c->second;
}

void supervision_counters::add_to(std::map<std::string, int64_t>& counters,
                                  const std::vector<std::string>& roles) const {
  for (auto& role : roles) {
    per_role none;
    auto i = roles_.find(role);
    const auto& r = i == roles_.end() ? none : i->second;
    counters["restarts." + role] = static_cast<int64_t>(r.restarts);
    counters["escalated." + role] = r.escalated ? 1 : 0;
    counters["escalations." + role] = static_cast<int64_t>(r.escalations);
    for (auto& [why, n] : r.by_class)
      counters["restarts_by." + role + "." + to_string(why)] = static_cast<int64_t>(n);
  }
  counters["escalations"] = static_cast<int64_t>(escalations_);
}

} // namespace cwts
