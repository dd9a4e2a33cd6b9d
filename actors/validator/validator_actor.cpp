#include "actors/validator/validator_actor.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "caf/all.hpp"

#include "common/node_kill_request.hpp"
#include "common/sender_guard.hpp"
#include "common/trace/recorder.hpp"
#include "messages/registry.hpp"
#include "common/metrics/measured_behavior.hpp"

namespace cwts {

namespace {

struct validator_state {
  validator_actor_config cfg;
  validator::trade_validator core{validator::trade_validator_config{}};
  validator::stale_data_monitor stale{validator::stale_data_config{}, 0};
  std::vector<caf::actor> subscribers;
  caf::actor kill;
  uint64_t logged_rejects = 0;
  int64_t batches_in = 0;
  int64_t batches_out = 0;
  int64_t trades_out = 0;
  int64_t kills_requested = 0;
  int64_t kills_unsent = 0;
  // Safety messages only from this node's actors (common/sender_guard.hpp).
  sender_guard guard{"validator"};
  static inline const char* name = "validator";
};

using validator_ptr = caf::stateful_actor<validator_state>*;

// True when the trade passed; a reject is logged (the first 20) and counted.
bool accept(validator_ptr self, const trade& t, timestamp_ns now) {
  auto verdict = self->state.core.check(t, now);
  if (verdict != validator::trade_verdict::ok) {
    // Log the first rejects of a burst; the counters carry the rest.
    if (self->state.logged_rejects++ < 20)
      spdlog::warn("event=trade_rejected symbol={} trade_id={} reason={}", t.sym.str(), t.id.value,
                   validator::to_string(verdict));
    return false;
  }
  self->state.stale.on_trade(t.sym, monotonic_ns());
  return true;
}

void on_trade(validator_ptr self, const trade& t) {
  auto now = wall_clock_now();
  if (!accept(self, t, now))
    return;
  auto out = t;
  out.trace = trace::record(t.trace, trace::hop::validate, {}, now.ns, wall_clock_now().ns);
  for (auto& s : self->state.subscribers)
    self->send(s, out);
}

// A burst from the connector: every trade and top checked, the clean trades
// go on as one batch per subscriber (one message, not one per tick). Clean
// tops only move the validator's references (no subscriber takes tops yet).
void on_batch(validator_ptr self, market_batch& b) {
  auto now = wall_clock_now();
  auto& st = self->state;
  for (auto& top : b.tops) {
    auto verdict = st.core.check(top, now);
    if (verdict != validator::trade_verdict::ok && st.logged_rejects++ < 20)
      spdlog::warn("event=book_top_rejected symbol={} update_id={} local_book={} reason={}",
                   top.sym.str(), top.update_id, top.from_local_book, validator::to_string(verdict));
  }
  std::vector<trade> clean;
  clean.reserve(b.trades.size());
  for (auto& t : b.trades)
    if (accept(self, t, now))
      clean.push_back(t);
  ++st.batches_in;
  if (clean.empty())
    return;
  ++st.batches_out;
  st.trades_out += clean.size();
  // The validate span of each tick: from the batch's arrival to its hand-over.
  auto passed = wall_clock_now().ns;
  for (auto& t : clean)
    t.trace = trace::record(t.trace, trace::hop::validate, {}, now.ns, passed);
  for (std::size_t i = 0; i + 1 < st.subscribers.size(); ++i)
    self->send(st.subscribers[i], clean);
  if (!st.subscribers.empty())
    self->send(st.subscribers.back(), std::move(clean));
}

// Often enough that a breach is seen within a tenth of the limit, never
// more than 20 times a second.
std::chrono::milliseconds check_interval(const validator::stale_data_config& c) {
  auto tenth = std::chrono::milliseconds(c.stale_after_ns / 10'000'000);
  return std::clamp(tenth, std::chrono::milliseconds(50), std::chrono::milliseconds(1000));
}

void check_stale(validator_ptr self) {
  auto& st = self->state;
  bool trading = st.cfg.gate == nullptr || st.cfg.gate->is_open();
  auto breach = st.stale.check(monotonic_ns(), trading);
  if (!breach)
    return;
  auto cmd = make_node_kill(st.cfg.signer, kill_level::halt_new_orders, "validator", "stale_data",
                            breach->describe());
  for (auto& [sym, age] : breach->stale)
    spdlog::warn("event=market_data_stale symbol={} age_ms={} limit_ms={} kill_id={}", sym.str(),
                 age / 1'000'000, breach->limit_ns / 1'000'000, cmd.id.value);
  if (request_node_kill(self, st.kill, cmd, "validator", st.cfg.kill_report_timeout))
    ++st.kills_requested;
  else
    ++st.kills_unsent;
}

// A reset vote asks whether market data is stale now (not the latch).
reset_precondition precondition(validator_ptr self) {
  auto& st = self->state;
  bool stale = false;
  if (st.stale.enabled()) {
    auto now = monotonic_ns();
    for (auto& sym : st.stale.config().symbols)
      stale = stale || st.stale.age_ns(sym, now) > st.stale.config().stale_after_ns;
  }
  return reset_precondition{"validator", true, stale ? "stale_data" : ""};
}

actor_stats stats(validator_ptr self) {
  actor_stats s{"validator", {}};
  auto& st = self->state;
  auto& core = st.core;
  s.counters["trades_seen"] = static_cast<int64_t>(core.total() - core.tops_checked());
  for (size_t i = 0; i < validator::trade_verdict_count; ++i) {
    auto v = static_cast<validator::trade_verdict>(i);
    s.counters[std::string("verdict.") + validator::to_string(v)] = static_cast<int64_t>(core.count(v));
    if (v != validator::trade_verdict::ok)
      s.counters[std::string("rejects.") + validator::to_string(v)] = static_cast<int64_t>(core.count(v));
  }
  s.counters["tops_seen"] = static_cast<int64_t>(core.tops_checked());
  s.counters["trade_id_gaps"] = static_cast<int64_t>(core.trade_id_gaps());
  s.counters["trade_ids_missed"] = static_cast<int64_t>(core.trade_ids_missed());
  s.counters["batches_in"] = st.batches_in;
  s.counters["batches_out"] = st.batches_out;
  s.counters["trades_out"] = st.trades_out;
  if (st.stale.enabled()) {
    auto now = monotonic_ns();
    for (auto& sym : st.stale.config().symbols)
      s.counters["last_trade_age_ms." + sym.str()] = st.stale.age_ns(sym, now) / 1'000'000;
  }
  s.counters["stale_breaches"] = static_cast<int64_t>(st.stale.breaches());
  s.counters["stale_breach_active"] = st.stale.latched() ? 1 : 0;
  if (st.stale.enabled()) {
    // Still stale now (what a reset vote asks; the latch stays while halted).
    auto now = monotonic_ns();
    bool stale = false;
    for (auto& sym : st.stale.config().symbols)
      stale = stale || st.stale.age_ns(sym, now) > st.stale.config().stale_after_ns;
    s.counters["breach_now.stale_data"] = stale ? 1 : 0;
  }
  s.counters["kills_requested"] = st.kills_requested;
  s.counters["kills_unsent"] = st.kills_unsent;
  return s;
}

caf::behavior validator_actor(validator_ptr self, validator_actor_config cfg) {
  self->state.guard.install(self); // strays dropped and counted, never fatal
  auto& st = self->state;
  st.core = validator::trade_validator{cfg.trades};
  st.stale = validator::stale_data_monitor{cfg.stale, monotonic_ns()};
  st.cfg = std::move(cfg);
  auto interval = check_interval(st.cfg.stale);
  if (st.stale.enabled())
    self->delayed_send(self, interval, tick_atom::value);
  return metrics::measured(self, "validator", {
    [=](const trade& t) { on_trade(self, t); },
    [=](market_batch& b) { on_batch(self, b); },
    [=](tick_atom) {
      check_stale(self);
      self->delayed_send(self, interval, tick_atom::value);
    },
    [=](wire_atom, const role_directory& dir) {
      if (!self->state.guard.local(self, "wire"))
        return;
      self->state.subscribers.clear();
      for (const char* r : {"strategy", "risk", "gpu"})
        if (auto h = find_role(dir, r))
          self->state.subscribers.push_back(h);
      self->state.kill = find_role(dir, "kill");
    },
    [=](stats_atom) { return with_refusals(stats(self), self->state.guard); },
    [=](precond_atom) { return precondition(self); },
  });
}

} // namespace

caf::actor spawn_validator(caf::actor_system& sys, validator_actor_config cfg) {
  return sys.spawn(validator_actor, std::move(cfg));
}

} // namespace cwts
