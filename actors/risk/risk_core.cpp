#include "actors/risk/risk_core.hpp"

#include <algorithm>
#include <utility>

#include <spdlog/spdlog.h>

#include "actors/risk/limit_change.hpp"

namespace cwts::risk {

std::vector<symbol> traded_symbols(const risk_core& core) {
  std::vector<symbol> out;
  for (auto& [sym, limits] : core.check.limits().per_symbol)
    out.push_back(sym);
  return out;
}

bool record_decision(risk_core& core, const std::string& path, const risk_decision& d) {
  if (path.empty())
    return true;
  std::string error = core.decisions_error;
  if (error.empty() && core.decisions.append(d, error))
    return true;
  spdlog::error("event=risk_decision_write_failed path={} error=\"{}\"", path, error);
  return false;
}

void replay_decisions(risk_core& core, const std::string& path, const std::string& self_node) {
  if (path.empty())
    return;
  std::vector<risk_decision> decisions;
  std::string error;
  if (risk_decision_log::read(path, decisions, error) && core.decisions.open(path, error)) {
    auto limits = core.check.limits();
    for (auto& d : decisions) {
      if (d.what == risk_decision::kind::trip)
        core.check.throttles().trip(strategy_id{d.strategy_or_target});
      else if (d.what == risk_decision::kind::reenable)
        core.check.throttles().reenable(strategy_id{d.strategy_or_target});
      else if (auto why = apply_limit_change(limits, self_node, d.strategy_or_target, d.field,
                                             d.value);
               !why.empty())
        spdlog::error("event=risk_decision_replay_refused target={} field={} value={} why=\"{}\"",
                      d.strategy_or_target, d.field, d.value, why);
    }
    core.guard.set_limits(limits.pnl);
    core.check.set_limits(std::move(limits), core.check.rules());
    spdlog::info("event=risk_decisions_replayed path={} records={} tripped={}", path,
                 decisions.size(), core.check.throttles().tripped().size());
    return;
  }
  core.decisions_error = error;
  // Nothing was applied on this path: the configured limits are still the core's.
  for (auto& [id, l] : core.check.limits().per_strategy)
    core.check.throttles().trip(id);
  spdlog::critical("event=risk_decision_log_failed path={} error=\"{}\" configured strategies tripped",
                   path, error);
}

std::string apply_operator_command(risk_core& core, const std::string& self_node,
                                   const std::string& decisions_path, const operator_command& cmd,
                                   timestamp_ns now, std::string& detail) {
  switch (cmd.action) {
    case operator_action::change_limit: {
      auto limits = core.check.limits();
      auto error = apply_limit_change(limits, self_node, cmd.target, cmd.field, cmd.value);
      if (!error.empty())
        return error;
      if (!record_decision(core, decisions_path,
                           risk_decision{risk_decision::kind::limit, cmd.target, cmd.field,
                                         cmd.value, cmd.id.value, cmd.issuer.value, now.ns}))
        return "the decision log could not be written; nothing changed";
      core.guard.set_limits(limits.pnl);
      core.check.set_limits(std::move(limits), core.check.rules());
      detail = cmd.field + " of " + cmd.target + " set to " + cmd.value;
      return {};
    }
    case operator_action::reenable_throttle: {
      auto tripped = core.check.throttles().tripped();
      bool is_tripped = std::find(tripped.begin(), tripped.end(), strategy_id{cmd.target})
                        != tripped.end();
      if (is_tripped
          && !record_decision(core, decisions_path,
                              risk_decision{risk_decision::kind::reenable, cmd.target, {}, {},
                                            cmd.id.value, cmd.issuer.value, now.ns}))
        return "the decision log could not be written; the strategy stays tripped";
      using rr = strategy_throttles::reenable_result;
      auto r = core.check.throttles().reenable(strategy_id{cmd.target});
      if (r == rr::unknown_strategy)
        return "unknown strategy '" + cmd.target + "'";
      if (r == rr::not_tripped)
        return "strategy '" + cmd.target + "' is not tripped; nothing to re-enable";
      detail = "execution throttle of strategy " + cmd.target + " re-enabled";
      return {};
    }
    case operator_action::accept_positions:
      return "accept_positions is applied by the OMS, not by risk";
  }
  return "unknown action";
}

std::string breach_now(risk_core& core, const var_limit& var, int64_t now_ns) {
  if (core.guard.breached_now())
    return "pnl";
  if (core.rejects.over_limit(now_ns))
    return "reject_rate";
  if (var.breached_now())
    return "var";
  return {};
}

void add_core_counters(risk_core& core, const var_limit& var, int64_t now_ns,
                       std::map<std::string, int64_t>& counters) {
  auto& check = core.check;
  counters["checks_passed"] = static_cast<int64_t>(check.passed());
  counters["checks_rejected"] = static_cast<int64_t>(check.rejected_total());
  for (size_t i = 0; i < reject_reason_count; ++i) {
    auto r = static_cast<reject_reason>(i);
    if (auto n = check.rejected(r))
      counters[std::string("rejected.") + to_string(r)] = static_cast<int64_t>(n);
  }
  for (auto& [account, limit] : check.limits().credit_limits)
    counters["credit_used_raw." + account.value] = core.book.account_exposure(account).raw;
  counters["throttle_trips"] = static_cast<int64_t>(check.throttles().trips());
  counters["throttle_tripped_now"] = static_cast<int64_t>(check.throttles().tripped().size());
  counters["pnl_total_raw"] = core.guard.last().raw;
  counters["pnl_high_water_raw"] = core.guard.high_water().raw;
  counters["pnl_breaches"] = static_cast<int64_t>(core.guard.breaches());
  // A latched loss or drawdown breach (it stays set while the node is halted).
  counters["pnl_breach_active"] = core.guard.latched(pnl_breach_kind::loss_limit)
                                  || core.guard.latched(pnl_breach_kind::drawdown_limit);
  for (auto& [sym, limits] : check.limits().per_symbol)
    counters["position_raw." + sym.str()] = core.book.get(sym).net.raw;
  auto& rejects = core.rejects;
  counters["reject_rate_orders"] = rejects.orders(now_ns);
  counters["reject_rate_rejects"] = rejects.rejects(now_ns);
  counters["reject_rate_breaches"] = static_cast<int64_t>(rejects.breaches());
  counters["reject_rate_breach_active"] = rejects.latched() ? 1 : 0;
  // Still true now (not the latch, which stays set while halted): a reset
  // vote is no while any `breach_now.*` of a local actor is 1.
  counters["breach_now.pnl"] = core.guard.breached_now() ? 1 : 0;
  counters["breach_now.reject_rate"] = rejects.over_limit(now_ns) ? 1 : 0;
  var.add_stats(counters); // breach_now.var and the latest VaR
}

std::vector<position_snapshot> position_snapshots(risk_core& core) {
  std::vector<position_snapshot> out;
  for (auto& [sym, limits] : core.check.limits().per_symbol) {
    auto pos = core.book.get(sym);
    auto mark = core.refs.get(sym);
    auto upnl = mark ? core.book.unrealized_pnl(sym, *mark) : std::nullopt;
    out.push_back(position_snapshot{sym, pos.net, pos.avg_cost, pos.realized_pnl,
                                    upnl.value_or(notional{}), mark.has_value(),
                                    mark.value_or(price{})});
  }
  return out;
}

} // namespace cwts::risk
