#include "actors/risk/risk_actor.hpp"

#include <functional>
#include <memory>
#include <optional>

#include <spdlog/spdlog.h>

#include "caf/all.hpp"

#include "actors/risk/risk_shell.hpp"
#include "common/metrics/latency_registry.hpp"
#include "common/metrics/measured_behavior.hpp"
#include "common/node_kill_request.hpp"
#include "common/trace/recorder.hpp"
#include "messages/registry.hpp"

namespace cwts {

namespace risk_shell {

namespace {

// Risk's own timer: the suppressed refusals' summaries are due.
using reject_summary_atom = caf::atom_constant<caf::atom("rjsummary")>;

void on_reject_rate_breach(risk_ptr self, std::optional<risk::reject_rate_breach> breach);

// The pre-trade check's own time (docs/monitoring.md): recorded per order
// into a thread-owned histogram shard, never a Prometheus call here.
metrics::latency_histogram& check_latency() {
  static auto& h = metrics::latency_registry::global().get(
    metrics::risk_check_family, "Time of one pre-trade risk check (risk actor).");
  return h;
}

// Checks `req` and, when it passes, counts it as in flight; otherwise the
// strategy gets the reject. True when it may go on to the OMS. Both count
// toward the reject rate unless the node's own state refused the order.
bool admit(risk_ptr self, const order_request& req) {
  auto& st = self->state;
  auto& core = *st.core;
  auto now = monotonic_ns();
  auto result = core.check.check(req, core.mode, core.refs, core.book, now);
  check_latency().record(monotonic_ns() - now);
  bool counted = result.passed || risk::counts_toward_reject_rate(result.reason);
  bool gate_open = st.cfg.gate->is_open();
  if (counted)
    on_reject_rate_breach(self, core.rejects.on_order(now, gate_open));
  if (result.passed && st.oms) {
    core.book.on_order_sent(req, core.refs.get(req.sym).value_or(price{}));
    return true;
  }
  if (counted)
    on_reject_rate_breach(self, core.rejects.on_reject(now, gate_open));
  order_reject rej{req.id, req.sym, result.passed ? reject_reason::venue_unreachable : result.reason,
                   result.passed ? "no OMS wired on this node" : result.detail, wall_clock_now(),
                   req.venue};
  if (st.strategy)
    self->send(st.strategy, rej);
  // The OMS journals it with the rule and the reason (issue 22,
  // docs/reporting.md), up to a rate per strategy and rule; past it, counted
  // and journaled as one summary per second (reject_forwarding.hpp).
  if (!st.oms)
    return false;
  if (st.forwarding.admit(req, rej.reason, rej.detail, now, rej.ts_init)) {
    spdlog::info("event=order_rejected_by_risk id={} strategy={} account={} symbol={} reason={} "
                 "detail=\"{}\"",
                 req.id.value, req.strategy.value, req.account.value, req.sym.str(),
                 to_string(rej.reason), rej.detail);
    self->send(st.oms, risk_rejected_atom::value, req, rej);
  } else if (!st.summary_timer) {
    st.summary_timer = true;
    self->delayed_send(self, std::chrono::nanoseconds(risk::reject_forwarding_limits{}.summary_every_ns),
                       reject_summary_atom::value);
  }
  return false;
}

// One record per (strategy, rule) for the refusals not forwarded one by one:
// the OMS journals it as a summary row with their count (docs/reporting.md).
void send_reject_summaries(risk_ptr self) {
  auto& st = self->state;
  st.summary_timer = false;
  for (auto& sum : st.forwarding.due(monotonic_ns())) {
    order_reject rej{sum.last.id, sum.last.sym, sum.rule,
                     sum.text(risk::reject_forwarding_limits{}.per_second), sum.last_at,
                     sum.last.venue};
    spdlog::warn("event=risk_rejects_suppressed strategy={} reason={} count={} detail=\"{}\"",
                 sum.last.strategy.value, to_string(sum.rule), sum.count, rej.detail);
    if (st.oms)
      self->send(st.oms, risk_rejected_atom::value, sum.last, rej, sum.count);
  }
  if (st.forwarding.pending()) {
    st.summary_timer = true;
    self->delayed_send(self, std::chrono::nanoseconds(risk::reject_forwarding_limits{}.summary_every_ns),
                       reject_summary_atom::value);
  }
}

// The check's span (docs/tracing.md), passed or not: the context the order
// goes on with; a refused one ends there with a reject span.
trace::trace_context checked(const order_request& req, int64_t started_ns, bool passed) {
  auto now = wall_clock_now().ns;
  auto ctx = trace::record(req.trace, trace::hop::risk_check, req.id.value, started_ns, now);
  if (!passed)
    trace::record(ctx, trace::hop::reject, req.id.value, now, now);
  return ctx;
}

void on_order(risk_ptr self, const order_request& req) {
  auto started = wall_clock_now().ns;
  bool passed = admit(self, req);
  auto ctx = checked(req, started, passed);
  if (!passed)
    return;
  auto out = req;
  out.trace = ctx;
  self->send(self->state.oms, std::move(out));
}

// An amend's replacement passes every rule like a new order (DESIGN.md:
// "every order and every amend"); the original's exposure stays counted until
// the venue confirms its cancel, so the check is on the worst case.
void on_amend(risk_ptr self, const amend_request& a) {
  auto started = wall_clock_now().ns;
  bool passed = admit(self, a.replacement);
  auto ctx = checked(a.replacement, started, passed);
  if (!passed)
    return;
  auto out = a;
  out.replacement.trace = ctx;
  self->send(self->state.oms, std::move(out));
}

// Cancels only lower risk: they always pass (15c3-5 leaves them free), but
// count against their strategy's message rate (RTS 6 Art. 15).
void on_cancel(risk_ptr self, const cancel_request& c) {
  if (auto* strategy = self->state.core->book.strategy_of(c.id))
    self->state.core->check.on_cancel(*strategy, monotonic_ns());
  if (self->state.oms)
    self->send(self->state.oms, c);
}

// Every kill risk triggers: node scope, signed with the node key, sent to
// the node's kill coordinator as a request (common/node_kill_request.hpp).
void send_node_kill(risk_ptr self, kill_level level, const std::string& kind,
                    const std::string& reason, const std::function<void(const kill_id&)>& log) {
  auto& st = self->state;
  auto cmd = make_node_kill(node_kill_signer{st.cfg.self, st.cfg.kill_issuer, st.cfg.kill_key,
                                             st.cfg.kill_cluster},
                            level, "risk", kind, reason);
  log(cmd.id);
  if (request_node_kill(self, st.kill, cmd, "risk", st.cfg.kill_report_timeout))
    ++st.kills_requested;
  else
    ++st.kills_unsent;
}

// The first update that breaches sends one kill, naming every limit it
// breached (at a high-water mark of zero a loss past the loss limit is also a
// drawdown). The node's kill coordinator accepts kill_command requests from
// local actors and answers with its kill_report once every channel reported.
void request_kill(risk_ptr self, const std::vector<risk::pnl_breach>& breaches) {
  std::string kinds;
  std::string reason;
  for (auto& b : breaches) {
    kinds += (kinds.empty() ? "" : "+") + std::string(to_string(b.kind));
    reason += (reason.empty() ? "" : "; ") + b.describe();
  }
  send_node_kill(self, kill_level::cancel_all, kinds, reason, [&](const kill_id& id) {
    for (auto& b : breaches)
      spdlog::warn("event=risk_breach kind={} pnl={} high_water={} limit={} kill_id={}",
                   to_string(b.kind), b.pnl.to_string(), b.high_water.to_string(),
                   b.limit.to_string(), id.value);
  });
}

// Reject rate (reject_rate.hpp): one level-1 kill per breach.
void on_reject_rate_breach(risk_ptr self, std::optional<risk::reject_rate_breach> breach) {
  if (!breach)
    return;
  send_node_kill(self, kill_level::halt_new_orders, "reject_rate", breach->describe(),
                 [&](const kill_id& id) {
                   spdlog::warn("event=risk_breach kind=reject_rate orders={} rejects={} "
                                "max_ratio={} window_ms={} kill_id={}",
                                breach->orders, breach->rejects, breach->max_ratio,
                                breach->window_ms, id.value);
                 });
}

// VaR limit (var_limit.hpp): one kill of the configured level per breach.
void on_var_report(risk_ptr self, const var_report& r) {
  auto breach = self->state.var.on_report(r, self->state.cfg.gate->is_open());
  if (breach)
    send_node_kill(self, self->state.cfg.var_limit.level, "var_limit", breach->describe(),
                   [&](const kill_id& id) {
                     spdlog::warn("event=risk_breach kind=var_limit var={:.2f} limit={:.2f} "
                                  "confidence={} backend={} kill_id={}",
                                  breach->var, breach->limit, breach->confidence,
                                  breach->backend, id.value);
                   });
}

void evaluate_pnl(risk_ptr self) {
  auto& core = *self->state.core;
  bool gate_open = self->state.cfg.gate->is_open();
  auto breaches = core.guard.update(core.book.total_pnl(core.refs), gate_open);
  if (!breaches.empty())
    request_kill(self, breaches);
}

void on_report(risk_ptr self, const execution_report& rep) {
  auto& core = *self->state.core;
  auto effect = core.book.on_execution_report(rep);
  if (effect.fill.is_positive() && !effect.strategy.empty()
      && core.check.on_fill(effect.strategy, monotonic_ns())) {
    risk::record_decision(core, self->state.cfg.decisions_path,
                          risk::risk_decision{risk::risk_decision::kind::trip,
                                              effect.strategy.value, {}, {}, {}, {},
                                              wall_clock_now().ns});
    const auto& l = core.check.limits().limits_of(effect.strategy);
    spdlog::warn("event=execution_throttle_tripped strategy={} max_fills={} window_ms={} "
                 "order={}",
                 effect.strategy.value, l.max_fills_per_window, l.fill_window_ms, rep.id.value);
  }
  if (effect.fill.is_positive()) {
    evaluate_pnl(self);
    if (!self->state.flattens.empty())
      check_flattens(self);
  }
}

// SEC 15c3-5(c)(1): only authorized persons change limits. Every command,
// accepted or refused, is one audit line and one counter.
command_result on_command(risk_ptr self, const operator_command& cmd) {
  auto& st = self->state;
  command_result res{cmd.id, st.cfg.self, false, {}};
  std::string why = st.cfg.operators ? st.cfg.operators->verify(cmd, wall_clock_now())
                                     : "no operator keys configured on this node";
  if (why.empty()) {
    why = risk::apply_operator_command(*st.core, st.cfg.self.value, st.cfg.decisions_path, cmd,
                                       wall_clock_now(), res.detail);
    // A changed limit may breach now (a kill goes out before the audit line).
    if (why.empty() && cmd.action == operator_action::change_limit)
      evaluate_pnl(self);
  }
  res.accepted = why.empty();
  if (!res.accepted)
    res.detail = why;
  ++(res.accepted ? st.commands_accepted : st.commands_refused);
  auto level = res.accepted ? spdlog::level::info : spdlog::level::warn;
  spdlog::log(level,
              "event=operator_command actor=risk id={} action={} issuer={} target={} field={} "
              "value=\"{}\" accepted={} detail=\"{}\" reason=\"{}\"",
              cmd.id.value, to_string(cmd.action), cmd.issuer.value, cmd.target, cmd.field,
              cmd.value, res.accepted, res.detail, cmd.reason);
  return res;
}

// A reset vote asks whether a kill trigger's condition holds now under the
// current limits (not the latches, which stay set while halted).
reset_precondition precondition(risk_ptr self) {
  auto& st = self->state;
  return reset_precondition{"risk", true, risk::breach_now(*st.core, st.var, monotonic_ns())};
}

actor_stats stats(risk_ptr self) {
  auto& st = self->state;
  actor_stats s{"risk", {}};
  risk::add_core_counters(*st.core, st.var, monotonic_ns(), s.counters);
  s.counters["flattens_running"] = static_cast<int64_t>(st.flattens.size());
  s.counters["kills_requested"] = st.kills_requested;
  s.counters["rejects_forwarded"] = st.forwarding.forwarded();
  s.counters["rejects_suppressed"] = st.forwarding.suppressed();
  s.counters["reject_summaries"] = st.forwarding.summaries();
  s.counters["kills_unsent"] = st.kills_unsent;
  s.counters["commands_accepted"] = st.commands_accepted;
  s.counters["commands_refused"] = st.commands_refused;
  return s;
}

// A restarted actor continues with the state its predecessor left.
void start(risk_ptr self, risk_actor_config cfg) {
  auto& st = self->state;
  if (!cfg.memory)
    cfg.memory = std::make_shared<risk_memory>();
  bool carried_over = false;
  {
    std::lock_guard<std::mutex> guard{cfg.memory->mtx};
    if (!cfg.memory->core) {
      cfg.memory->core = std::make_shared<risk_core>(*cfg.gate, cfg.limits, cfg.rules,
                                                     cfg.reject_rate);
      risk::replay_decisions(*cfg.memory->core, cfg.decisions_path, cfg.self.value);
    } else
      carried_over = true;
    st.core = cfg.memory->core;
  }
  st.cfg = std::move(cfg);
  st.var = risk::var_limit{st.cfg.var_limit};
  if (carried_over)
    spdlog::warn("event=risk_restarted positions_kept=true tracked_orders={} tripped_strategies={}",
                 st.core->book.tracked_orders(), st.core->check.throttles().tripped().size());
}

caf::behavior risk_actor(risk_ptr self, risk_actor_config cfg) {
  self->state.guard.install(self); // strays dropped and counted, never fatal
  start(self, std::move(cfg));
  return metrics::measured(self, "risk", {
    [=](const trade& t) {
      if (self->state.core->refs.on_trade(t))
        evaluate_pnl(self);
    },
    [=](const std::vector<trade>& batch) {
      bool moved = false;
      for (auto& t : batch)
        moved = self->state.core->refs.on_trade(t) || moved;
      if (moved)
        evaluate_pnl(self);
    },
    [=](const order_request& req) { on_order(self, req); },
    [=](const amend_request& a) { on_amend(self, a); },
    [=](const cancel_request& c) { on_cancel(self, c); },
    [=](const execution_report& rep) { on_report(self, rep); },
    [=](const order_reject& rej) {
      auto& core = *self->state.core;
      core.book.on_order_reject(rej);
      // Refused downstream (OMS, venue): counted unless the node's state caused it.
      if (risk::counts_toward_reject_rate(rej.reason))
        on_reject_rate_breach(self, core.rejects.on_reject(monotonic_ns(),
                                                           self->state.cfg.gate->is_open()));
    },
    // The OMS's journal after it restored (start, restart): positions and
    // PnL continue where the previous process left them.
    [=](const std::vector<journaled_fill>& fills) {
      self->state.core->book.restore_fills(fills);
      spdlog::info("event=risk_positions_restored fills={} pnl={}", fills.size(),
                   self->state.core->book.total_pnl(self->state.core->refs).to_string());
      evaluate_pnl(self);
    },
    [=](const std::vector<restored_order>& live) {
      auto& core = *self->state.core;
      for (auto& o : live)
        core.book.restore_order(o.request, o.cum_qty, o.acknowledged,
                                core.refs.get(o.request.sym).value_or(price{}));
      spdlog::info("event=risk_orders_restored live={}", live.size());
    },
    [=](const trading_state& st) {
      // A mode from outside would lift risk's own HALTED.
      if (!self->state.guard.local(self, "trading_state"))
        return;
      self->state.core->mode = st.mode;
      evaluate_pnl(self); // a reset re-arms a breach that is over
      on_reject_rate_breach(self, self->state.core->rejects.evaluate(
                                    monotonic_ns(), self->state.cfg.gate->is_open()));
    },
    [=](wire_atom, const role_directory& dir) {
      if (!self->state.guard.local(self, "wire"))
        return;
      self->state.oms = find_role(dir, "oms");
      self->state.strategy = find_role(dir, "strategy");
      self->state.kill = find_role(dir, "kill");
    },
    [=](const operator_command& cmd) { return on_command(self, cmd); },
    [=](stats_atom) { return with_refusals(stats(self), self->state.guard); },
    [=](precond_atom) { return precondition(self); },
    [=](positions_atom) { return risk::position_snapshots(*self->state.core); },
    [=](const var_report& r) { on_var_report(self, r); },
    [=](const correlation_report& r) { self->state.var.on_correlation(r); },
    // Kill channels: this node's kill coordinator (and our own flatten timer) only.
    [=](flatten_atom, const kill_command& cmd) -> caf::result<channel_result> {
      if (!self->state.guard.local(self, "flatten"))
        return sender_guard::refusal("flatten");
      return on_flatten(self, cmd);
    },
    [=](freeze_atom, const kill_command& cmd) -> caf::result<channel_result> {
      if (!self->state.guard.local(self, "freeze"))
        return sender_guard::refusal("freeze");
      return on_freeze(self, cmd);
    },
    [=](flatten_atom, const std::string& kill) {
      if (self->state.guard.local(self, "flatten_round"))
        on_flatten_round_timer(self, kill);
    },
    [=](reject_summary_atom) {
      if (self->state.guard.local(self, "reject_summary")) // its own timer's
        send_reject_summaries(self);
    },
  });
}

} // namespace
} // namespace risk_shell

caf::actor spawn_risk(caf::actor_system& sys, risk_actor_config cfg) {
  return sys.spawn(risk_shell::risk_actor, std::move(cfg));
}

} // namespace cwts
