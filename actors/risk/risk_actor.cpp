#include "actors/risk/risk_actor.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <memory>

#include <spdlog/spdlog.h>

#include "caf/all.hpp"

#include "actors/risk/flatten_plan.hpp"
#include "actors/risk/limit_change.hpp"
#include "actors/risk/risk_decision_log.hpp"
#include "actors/risk/var_limit.hpp"
#include "actors/risk/pnl_guard.hpp"
#include "actors/risk/position_book.hpp"
#include "actors/risk/pre_trade_check.hpp"
#include "actors/risk/reference_prices.hpp"
#include "actors/risk/reject_forwarding.hpp"
#include "actors/risk/reject_rate.hpp"
#include "common/metrics/latency_registry.hpp"
#include "common/metrics/measured_behavior.hpp"
#include "common/node_kill_request.hpp"
#include "common/sender_guard.hpp"
#include "messages/registry.hpp"

namespace cwts {

struct risk_core {
  risk::pre_trade_check check;
  risk::pnl_guard guard;
  risk::reference_prices refs;
  risk::position_book book;
  risk::reject_rate rejects;
  trading_mode mode = trading_mode::active;
  // Trips, re-enables and limit changes, durable across process restarts.
  risk::risk_decision_log decisions;
  std::string decisions_error; // why the log is not open, when configured

  risk_core(const kill_gate& gate, risk::risk_limits limits, risk::symbol_rules_map rules,
            risk::reject_rate_limits reject_limits)
    : check(gate, limits, std::move(rules)), guard(limits.pnl), rejects(reject_limits) {
  }
};

namespace {

// One level-3 kill being flattened on this node.
struct flatten_job {
  kill_command cmd;
  caf::response_promise promise;
  int64_t started_ns = 0;
  int rounds = 0; // plans that sent at least one order
  int64_t next_seq = 0;
  int64_t orders_sent = 0;
  int64_t orders_refused = 0;
  std::vector<symbol> in_scope;
  std::string last_refusal;
};

struct risk_state {
  risk_actor_config cfg;
  std::map<std::string, flatten_job> flattens; // by kill id
  std::shared_ptr<risk_core> core;
  caf::actor oms;
  caf::actor strategy;
  caf::actor kill;
  int64_t commands_accepted = 0;
  int64_t commands_refused = 0;
  int64_t kills_requested = 0;
  int64_t kills_unsent = 0; // breaches with no kill coordinator wired
  risk::var_limit var;       // [gpu] var-limit against the GPU worker's var_report
  // Which refusals the OMS journals in full; the rest as summaries (review R1 H2).
  risk::reject_forwarder forwarding;
  bool summary_timer = false; // a reject_summary_atom is on its way
  // Safety messages only from this node's actors (common/sender_guard.hpp).
  sender_guard guard{"risk"};
  static inline const char* name = "risk";
};

using risk_ptr = caf::stateful_actor<risk_state>*;

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

void on_order(risk_ptr self, const order_request& req) {
  if (admit(self, req))
    self->send(self->state.oms, req);
}

// An amend's replacement passes every rule like a new order (DESIGN.md:
// "every order and every amend"); the original's exposure stays counted until
// the venue confirms its cancel, so the check is on the worst case.
void on_amend(risk_ptr self, const amend_request& a) {
  if (admit(self, a.replacement))
    self->send(self->state.oms, a);
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

// Makes a decision durable. False (logged) when the log is configured but
// the write failed: an operator command is then refused.
bool record(risk_ptr self, const risk::risk_decision& d) {
  auto& core = *self->state.core;
  if (self->state.cfg.decisions_path.empty())
    return true;
  std::string error = core.decisions_error;
  if (error.empty() && core.decisions.append(d, error))
    return true;
  spdlog::error("event=risk_decision_write_failed path={} error=\"{}\"",
                self->state.cfg.decisions_path, error);
  return false;
}

std::vector<symbol> traded_symbols(risk_ptr self) {
  std::vector<symbol> out;
  for (auto& [sym, limits] : self->state.core->check.limits().per_symbol)
    out.push_back(sym);
  return out;
}

void finish_flatten(risk_ptr self, std::map<std::string, flatten_job>::iterator it) {
  auto& job = it->second;
  auto& book = self->state.core->book;
  auto open = risk::open_positions(job.in_scope, book);
  channel_result r{job.cmd.id, self->state.cfg.self, "flatten", open.empty(),
                   monotonic_ns() - job.started_ns, std::max(0, job.rounds - 1), 0, -1, ""};
  r.orders_sent = job.orders_sent;
  r.positions_open_after = static_cast<int64_t>(open.size());
  for (auto& sym : open)
    r.error += sym.str() + " position " + book.get(sym).net.to_string() + " not flat; ";
  if (!job.last_refusal.empty() && !open.empty())
    r.error += "last refusal: " + job.last_refusal;
  spdlog::log(open.empty() ? spdlog::level::warn : spdlog::level::err,
              "event=flatten_done kill={} ok={} rounds={} orders_sent={} refused={} "
              "open_positions={} duration_ms={:.3f} error=\"{}\"",
              job.cmd.id.value, r.ok, job.rounds, job.orders_sent, job.orders_refused,
              open.size(), r.duration_ns / 1e6, r.error);
  job.promise.deliver(r);
  self->state.flattens.erase(it);
}

// One look: market orders for what is still open in the kill's scope and
// not already on its way, through the same pre-trade check as every order
// (it must shrink the position), then to the OMS.
void flatten_round(risk_ptr self, flatten_job& job) {
  auto& st = self->state;
  risk::flatten_target target{st.cfg.self, st.cfg.account, strategy_id{"kill-flatten"},
                             st.cfg.flatten_venue};
  auto plan = risk::plan_flatten(job.cmd, target, traded_symbols(self), st.core->book,
                                 st.core->check.rules(), job.next_seq, wall_clock_now());
  job.in_scope = plan.in_scope;
  for (auto& note : plan.notes)
    spdlog::debug("event=flatten_wait kill={} detail=\"{}\"", job.cmd.id.value, note);
  if (!plan.orders.empty())
    ++job.rounds;
  for (auto& o : plan.orders) {
    auto result = st.core->check.check(o, st.core->mode, st.core->refs, st.core->book,
                                       monotonic_ns());
    if (!result.passed || !st.oms) {
      ++job.orders_refused;
      job.last_refusal = o.sym.str() + ": "
                         + (result.passed ? std::string("no OMS wired") : result.detail);
      spdlog::error("event=flatten_order_refused kill={} id={} symbol={} reason=\"{}\"",
                    job.cmd.id.value, o.id.value, o.sym.str(), job.last_refusal);
      continue;
    }
    st.core->book.on_order_sent(o, st.core->refs.get(o.sym).value_or(price{}));
    self->send(st.oms, o);
    ++job.orders_sent;
    spdlog::warn("event=flatten_order kill={} id={} symbol={} side={} qty={}", job.cmd.id.value,
                 o.id.value, o.sym.str(), to_string(o.order_side), o.quantity.to_string());
  }
}

// The kill's risk channel: a node or cluster kill sets the mode to HALTED
// at once (the trading_state that follows says the same); every kill is
// answered with the orders risk still counts in flight or open.
channel_result on_freeze(risk_ptr self, const kill_command& cmd) {
  auto started = monotonic_ns();
  auto& core = *self->state.core;
  bool whole_node = cmd.scope == kill_scope::cluster
                    || (cmd.scope == kill_scope::node && cmd.scope_value == self->state.cfg.self.value);
  if (whole_node)
    core.mode = trading_mode::halted;
  channel_result r{cmd.id, self->state.cfg.self, "risk_freeze", true, 0, 0, 0, -1, ""};
  r.open_orders_after = static_cast<int64_t>(core.book.tracked_orders());
  r.duration_ns = monotonic_ns() - started;
  return r;
}

caf::result<channel_result> on_flatten(risk_ptr self, const kill_command& cmd) {
  auto& st = self->state;
  flatten_job job;
  job.cmd = cmd;
  job.started_ns = monotonic_ns();
  job.promise = self->make_response_promise<channel_result>();
  auto promise = job.promise;
  auto [it, fresh] = st.flattens.emplace(cmd.id.value, std::move(job));
  if (!fresh)
    return channel_result{cmd.id, st.cfg.self, "flatten", false, 0, 0, 0, -1,
                          "a flatten of this kill is already running"};
  flatten_round(self, it->second);
  if (risk::open_positions(it->second.in_scope, st.core->book).empty()) {
    finish_flatten(self, it);
    return promise;
  }
  self->delayed_send(self, st.cfg.flatten_poll, flatten_atom::value, cmd.id.value);
  return promise;
}

// Fills arrive: a job whose positions are all flat reports at once.
void check_flattens(risk_ptr self) {
  auto& jobs = self->state.flattens;
  for (auto it = jobs.begin(); it != jobs.end();) {
    auto next = std::next(it);
    if (risk::open_positions(it->second.in_scope, self->state.core->book).empty())
      finish_flatten(self, it);
    it = next;
  }
}

// Every poll: send for what is left (cancels confirmed, a flatten order
// expired unfilled), or report at the deadline.
void on_flatten_round_timer(risk_ptr self, const std::string& kill) {
  auto it = self->state.flattens.find(kill);
  if (it == self->state.flattens.end())
    return;
  auto deadline = std::chrono::nanoseconds(self->state.cfg.flatten_deadline).count();
  if (monotonic_ns() - it->second.started_ns >= deadline) {
    finish_flatten(self, it);
    return;
  }
  flatten_round(self, it->second);
  if (risk::open_positions(it->second.in_scope, self->state.core->book).empty()) {
    finish_flatten(self, it);
    return;
  }
  self->delayed_send(self, self->state.cfg.flatten_poll, flatten_atom::value, kill);
}

void on_report(risk_ptr self, const execution_report& rep) {
  auto& core = *self->state.core;
  auto effect = core.book.on_execution_report(rep);
  if (effect.fill.is_positive() && !effect.strategy.empty()
      && core.check.on_fill(effect.strategy, monotonic_ns())) {
    record(self, risk::risk_decision{risk::risk_decision::kind::trip, effect.strategy.value, {}, {},
                                     {}, {}, wall_clock_now().ns});
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

// Applies an authorized command; empty on success (with `detail` set),
// otherwise why it was refused.
std::string apply_command(risk_ptr self, const operator_command& cmd, std::string& detail) {
  auto& st = self->state;
  switch (cmd.action) {
    case operator_action::change_limit: {
      auto limits = st.core->check.limits();
      auto error = risk::apply_limit_change(limits, st.cfg.self.value, cmd.target, cmd.field,
                                            cmd.value);
      if (!error.empty())
        return error;
      if (!record(self, risk::risk_decision{risk::risk_decision::kind::limit, cmd.target, cmd.field,
                                            cmd.value, cmd.id.value, cmd.issuer.value,
                                            wall_clock_now().ns}))
        return "the decision log could not be written; nothing changed";
      st.core->guard.set_limits(limits.pnl);
      st.core->check.set_limits(std::move(limits), st.core->check.rules());
      detail = cmd.field + " of " + cmd.target + " set to " + cmd.value;
      evaluate_pnl(self);
      return {};
    }
    case operator_action::reenable_throttle: {
      auto tripped = st.core->check.throttles().tripped();
      bool is_tripped = std::find(tripped.begin(), tripped.end(), strategy_id{cmd.target})
                        != tripped.end();
      if (is_tripped
          && !record(self, risk::risk_decision{risk::risk_decision::kind::reenable, cmd.target, {},
                                               {}, cmd.id.value, cmd.issuer.value,
                                               wall_clock_now().ns}))
        return "the decision log could not be written; the strategy stays tripped";
      using rr = risk::strategy_throttles::reenable_result;
      auto r = st.core->check.throttles().reenable(strategy_id{cmd.target});
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

// SEC 15c3-5(c)(1): only authorized persons change limits. Every command,
// accepted or refused, is one audit line and one counter.
command_result on_command(risk_ptr self, const operator_command& cmd) {
  auto& st = self->state;
  command_result res{cmd.id, st.cfg.self, false, {}};
  std::string why = st.cfg.operators ? st.cfg.operators->verify(cmd, wall_clock_now())
                                     : "no operator keys configured on this node";
  if (why.empty())
    why = apply_command(self, cmd, res.detail);
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
  std::string breach;
  if (st.core->guard.breached_now())
    breach = "pnl";
  else if (st.core->rejects.over_limit(monotonic_ns()))
    breach = "reject_rate";
  else if (st.var.breached_now())
    breach = "var";
  return reset_precondition{"risk", true, breach};
}

actor_stats stats(risk_ptr self) {
  auto& st = self->state;
  auto& check = st.core->check;
  actor_stats s{"risk", {}};
  s.counters["checks_passed"] = static_cast<int64_t>(check.passed());
  s.counters["checks_rejected"] = static_cast<int64_t>(check.rejected_total());
  for (size_t i = 0; i < risk::reject_reason_count; ++i) {
    auto r = static_cast<reject_reason>(i);
    if (auto n = check.rejected(r))
      s.counters[std::string("rejected.") + to_string(r)] = static_cast<int64_t>(n);
  }
  for (auto& [account, limit] : check.limits().credit_limits)
    s.counters["credit_used_raw." + account.value] = st.core->book.account_exposure(account).raw;
  s.counters["throttle_trips"] = static_cast<int64_t>(check.throttles().trips());
  s.counters["throttle_tripped_now"] = static_cast<int64_t>(check.throttles().tripped().size());
  s.counters["pnl_total_raw"] = st.core->guard.last().raw;
  s.counters["pnl_high_water_raw"] = st.core->guard.high_water().raw;
  s.counters["pnl_breaches"] = static_cast<int64_t>(st.core->guard.breaches());
  // A latched loss or drawdown breach (it stays set while the node is halted).
  s.counters["pnl_breach_active"] = st.core->guard.latched(risk::pnl_breach_kind::loss_limit)
                                    || st.core->guard.latched(risk::pnl_breach_kind::drawdown_limit);
  for (auto& [sym, limits] : check.limits().per_symbol)
    s.counters["position_raw." + sym.str()] = st.core->book.get(sym).net.raw;
  auto now = monotonic_ns();
  auto& rejects = st.core->rejects;
  s.counters["reject_rate_orders"] = rejects.orders(now);
  s.counters["reject_rate_rejects"] = rejects.rejects(now);
  s.counters["reject_rate_breaches"] = static_cast<int64_t>(rejects.breaches());
  s.counters["reject_rate_breach_active"] = rejects.latched() ? 1 : 0;
  // Still true now (not the latch, which stays set while halted): a reset
  // vote is no while any `breach_now.*` of a local actor is 1.
  s.counters["breach_now.pnl"] = st.core->guard.breached_now() ? 1 : 0;
  s.counters["breach_now.reject_rate"] = rejects.over_limit(now) ? 1 : 0;
  st.var.add_stats(s.counters); // breach_now.var and the latest VaR
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

std::vector<position_snapshot> positions(risk_ptr self) {
  std::vector<position_snapshot> out;
  for (auto& [sym, limits] : self->state.core->check.limits().per_symbol) {
    auto pos = self->state.core->book.get(sym);
    auto upnl = self->state.core->book.unrealized_pnl(sym, self->state.core->refs);
    out.push_back(position_snapshot{sym, pos.net, pos.avg_cost, pos.realized_pnl,
                                    upnl.value_or(notional{})});
  }
  return out;
}

// A new process continues with the decisions an earlier one made: tripped
// strategies stay tripped, operator-changed limits stay changed. A log that
// does not open or parse leaves every strategy refused (tripped) with the
// reason logged: limits nobody can vouch for must not trade.
void replay_decisions(risk_core& core, const risk_actor_config& cfg) {
  if (cfg.decisions_path.empty())
    return;
  std::vector<risk::risk_decision> decisions;
  std::string error;
  if (risk::risk_decision_log::read(cfg.decisions_path, decisions, error)
      && core.decisions.open(cfg.decisions_path, error)) {
    auto limits = core.check.limits();
    for (auto& d : decisions) {
      if (d.what == risk::risk_decision::kind::trip)
        core.check.throttles().trip(strategy_id{d.strategy_or_target});
      else if (d.what == risk::risk_decision::kind::reenable)
        core.check.throttles().reenable(strategy_id{d.strategy_or_target});
      else if (auto why = risk::apply_limit_change(limits, cfg.self.value, d.strategy_or_target,
                                                   d.field, d.value);
               !why.empty())
        spdlog::error("event=risk_decision_replay_refused target={} field={} value={} why=\"{}\"",
                      d.strategy_or_target, d.field, d.value, why);
    }
    core.guard.set_limits(limits.pnl);
    core.check.set_limits(std::move(limits), core.check.rules());
    spdlog::info("event=risk_decisions_replayed path={} records={} tripped={}", cfg.decisions_path,
                 decisions.size(), core.check.throttles().tripped().size());
    return;
  }
  core.decisions_error = error;
  for (auto& [id, l] : cfg.limits.per_strategy)
    core.check.throttles().trip(id);
  spdlog::critical("event=risk_decision_log_failed path={} error=\"{}\" configured strategies tripped",
                   cfg.decisions_path, error);
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
      replay_decisions(*cfg.memory->core, cfg);
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
    [=](positions_atom) { return positions(self); },
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

caf::actor spawn_risk(caf::actor_system& sys, risk_actor_config cfg) {
  return sys.spawn(risk_actor, std::move(cfg));
}

} // namespace cwts
