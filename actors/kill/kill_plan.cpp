#include "actors/kill/kill_plan.hpp"

#include <algorithm>

namespace cwts::kill_plan {

const char* to_string(step_kind k) {
  switch (k) {
    case step_kind::audit:
      return "audit";
    case step_kind::risk_freeze:
      return "risk_freeze";
    case step_kind::oms:
      return "oms";
    case step_kind::flatten:
      return "flatten";
    case step_kind::venue_cancel_all:
      return "venue_cancel_all";
    case step_kind::disconnect_timer:
      return "disconnect_timer";
    case step_kind::compliance:
      return "compliance";
  }
  return "?";
}

const char* to_string(disconnect_source s) {
  switch (s) {
    case disconnect_source::none:
      return "none";
    case disconnect_source::after_flatten:
      return "after_flatten";
    case disconnect_source::after_venue_verdict:
      return "after_venue_verdict";
  }
  return "?";
}

int32_t channel_plan::channels_started() const {
  auto channels = std::count_if(at_start.begin(), at_start.end(), [](const step& s) {
    return s.kind != step_kind::disconnect_timer;
  });
  return static_cast<int32_t>(channels) + (flatten_after_oms ? 1 : 0) + disconnects;
}

bool channel_plan::runs(step_kind k) const {
  return std::any_of(at_start.begin(), at_start.end(), [k](const step& s) { return s.kind == k; });
}

bool flattens_here(kill_level level, const node_roles& roles) {
  return level >= kill_level::flatten && roles.risk_here;
}

bool disconnects_after_flatten(kill_level level) {
  return level == kill_level::full_stop;
}

// With risk anywhere in the cluster the node that has it flattens first and
// then cuts every connector; cutting a venue earlier would strand the flatten.
bool disconnects_after_venue(kill_level level, const node_roles& roles) {
  return level == kill_level::full_stop && !roles.venues_here.empty() && !roles.risk_in_cluster;
}

bool venue_cancel_all_runs(kill_level level, kill_scope scope) {
  return level >= kill_level::cancel_all && scope != kill_scope::strategy;
}

channel_plan plan_channels(const kill_facts& kill, const node_roles& roles,
                           const node_outputs& outputs) {
  channel_plan p;
  // A duplicate or refused kill runs nothing: the copy that closed the gate
  // runs the channels, once.
  if (!kill.applied)
    return p;
  if (outputs.audit_log)
    p.at_start.push_back({step_kind::audit, {}});
  if (roles.risk_here)
    p.at_start.push_back({step_kind::risk_freeze, {}});
  bool cancel = kill.level >= kill_level::cancel_all;
  bool flatten = flattens_here(kill.level, roles);
  // The OMS marks the orders pending_cancel first, so the flatten is not
  // undone by a resting order filling late.
  if (cancel && roles.oms_here) {
    p.at_start.push_back({step_kind::oms, {}});
    p.flatten_after_oms = flatten;
  } else if (flatten) {
    p.at_start.push_back({step_kind::flatten, {}});
  }
  bool venues = !roles.venues_here.empty() && venue_cancel_all_runs(kill.level, kill.scope);
  if (venues)
    for (auto& v : roles.venues_here)
      p.at_start.push_back({step_kind::venue_cancel_all, v});
  if (kill.level == kill_level::full_stop) {
    if (flatten) {
      p.disconnect = disconnect_source::after_flatten;
      p.disconnects = std::max<int32_t>(1, static_cast<int32_t>(roles.connectors_in_cluster));
    } else if (venues && disconnects_after_venue(kill.level, roles)) {
      p.disconnect = disconnect_source::after_venue_verdict;
      p.disconnects = static_cast<int32_t>(roles.venues_here.size());
    }
    // A connector whose flattening node never asks (it died, or was cut
    // off) is still cut, after the time a flatten may take.
    if (!roles.venues_here.empty() && p.disconnect == disconnect_source::none)
      p.at_start.push_back({step_kind::disconnect_timer, {}});
  }
  if (outputs.compliance)
    p.at_start.push_back({step_kind::compliance, {}});
  return p;
}

venue_verdict judge_venue_attempt(const venue_retry_policy& policy, int attempt, bool ok,
                                  int64_t open_orders_after) {
  venue_verdict v;
  v.confirmed = ok && open_orders_after <= 0;
  v.escalate = !v.confirmed && attempt == policy.quick;
  if (!v.confirmed)
    v.retry_in = attempt < policy.quick
                   ? std::chrono::milliseconds(int64_t{200} << std::max(attempt, 0))
                   : policy.slow;
  v.verdict_reached = v.confirmed || attempt == policy.quick;
  return v;
}

} // namespace cwts::kill_plan
