#include "actors/strategy/strategy_actor.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <string>

#include <spdlog/spdlog.h>

#include "caf/all.hpp"

#include "actors/oms/client_order_id_generator.hpp"
#include "messages/registry.hpp"
#include "common/metrics/measured_behavior.hpp"
#include "common/sender_guard.hpp"
#include "common/trace/recorder.hpp"

namespace cwts {

namespace {

struct strategy_state {
  std::unique_ptr<oms::client_order_id_generator> ids;
  // One maker per (venue, symbol): each quotes at its venue on the one
  // validated feed of its symbol.
  std::map<std::pair<venue_name, symbol>, std::unique_ptr<strategy::market_maker>> makers;
  venue_name first_venue; // of the first configured maker (the map sorts by name)
  caf::actor risk;
  caf::actor oms;
  bool wired = false; // a directory arrived
  // Resync (issue 24, docs/risk-oms-strategy.md "Strategy resync"): the
  // makers quote only from what the OMS they reach now holds. Pending at
  // start (the OMS may hold live quotes of this strategy's previous run) and
  // after the OMS or risk changed; a newer change supersedes the round.
  bool sync_pending = true;
  std::string sync_reason = "start"; // start | oms | risk
  uint64_t resync_round = 0;
  int32_t sync_attempts = 0;
  int64_t sync_started_ns = 0; // monotonic
  bool sync_slow_reported = false;
  int64_t start_syncs = 0;
  int64_t resyncs = 0;
  int64_t resync_failures = 0; // rounds not done within resync_slow_after_ns
  int64_t resync_refused = 0;
  int64_t resync_dropped = 0; // quotes dropped, summed over rounds
  int64_t orders = 0;
  int64_t cancels = 0;
  int64_t amends = 0;
  int64_t trades_seen = 0;
  // A level-4 kill (full stop) stops the strategies: nothing they decide is
  // sent until a reset, whatever their own view of the trading mode.
  bool stopped = false;
  int64_t dropped_stopped = 0;
  // Safety messages only from this node's actors (common/sender_guard.hpp).
  sender_guard guard{"strategy"};
  node_id self;
  static inline const char* name = "strategy";
};

using strategy_ptr = caf::stateful_actor<strategy_state>*;

// `tick`: the trace of the trade the actions were decided on (docs/tracing.md);
// each new order records its decide span (from `decided_from_ns`) under it.
void dispatch(strategy_ptr self, std::vector<strategy::strategy_action> actions,
              const trace::trace_context& tick = {}, int64_t decided_from_ns = 0) {
  if (self->state.stopped) {
    self->state.dropped_stopped += static_cast<int64_t>(actions.size());
    return;
  }
  auto decided = [&](order_request& o) {
    o.trace = trace::record(tick, trace::hop::decide, o.id.value, decided_from_ns,
                            wall_clock_now().ns);
  };
  for (auto& a : actions) {
    if (auto* o = std::get_if<order_request>(&a)) {
      decided(*o);
      ++self->state.orders;
      if (self->state.risk)
        self->send(self->state.risk, *o);
    } else if (auto* c = std::get_if<cancel_request>(&a)) {
      ++self->state.cancels;
      if (self->state.risk)
        self->send(self->state.risk, *c);
    } else if (auto* m = std::get_if<amend_request>(&a)) {
      decided(m->replacement);
      ++self->state.amends;
      if (self->state.risk)
        self->send(self->state.risk, *m);
    }
  }
}

strategy::market_maker* maker(strategy_ptr self, const venue_name& venue, const symbol& sym) {
  auto i = self->state.makers.find({venue, sym});
  return i == self->state.makers.end() ? nullptr : i->second.get();
}

// A validated trade reaches every maker of its symbol, at every venue.
void on_trade(strategy_ptr self, const trade& t) {
  ++self->state.trades_seen;
  auto now = wall_clock_now();
  for (auto& [key, mm] : self->state.makers)
    if (key.second == t.sym)
      dispatch(self, mm->on_trade(t, now), t.trace, now.ns);
}

// Stats keys: "<SYM>" for the first venue's makers, "<venue>.<SYM>" for
// the others (dashboards of a one-venue node keep their names).
std::string maker_key(strategy_ptr self, const venue_name& venue, const symbol& sym) {
  return venue == self->state.first_venue ? sym.str() : venue.value + "." + sym.str();
}

// The resync's schedule: asked again after 50 ms, doubling up to every
// 500 ms while the OMS says "not yet" (it refuses orders meanwhile anyway).
// A round not done after resync_slow_after_ns is counted and logged once and
// keeps asking: quoting from a state the OMS has not confirmed is worse.
constexpr int64_t resync_first_retry_ms = 50;
constexpr int64_t resync_max_retry_ms = 500;
constexpr int64_t resync_slow_after_ns = 60'000'000'000;

void ask_oms(strategy_ptr self, uint64_t round);

void ask_later(strategy_ptr self, uint64_t round, const std::string& why) {
  auto& st = self->state;
  ++st.sync_attempts;
  auto waited = monotonic_ns() - st.sync_started_ns;
  if (waited >= resync_slow_after_ns && !st.sync_slow_reported) {
    st.sync_slow_reported = true;
    ++st.resync_failures;
    spdlog::error("event=strategy_resync_slow node={} reason={} round={} attempts={} "
                  "waited_ms={} detail=\"{}\" action=keep_asking",
                  st.self.value, st.sync_reason, round, st.sync_attempts, waited / 1'000'000, why);
  }
  auto shift = std::min<int32_t>(st.sync_attempts - 1, 4);
  auto delay = std::min<int64_t>(resync_first_retry_ms << shift, resync_max_retry_ms);
  self->delayed_send(self, std::chrono::milliseconds(delay), retry_atom::value, round);
}

// Every maker rebuilds its quotes from the OMS's answer and quotes again.
void apply_answer(strategy_ptr self, const open_orders_answer& a) {
  auto& st = self->state;
  auto now = wall_clock_now();
  int32_t kept = 0, adopted = 0, dropped = 0;
  size_t cancels = 0;
  for (auto& [key, mm] : st.makers) {
    auto r = mm->resync(a.orders, now);
    kept += r.kept;
    adopted += r.adopted;
    dropped += r.dropped;
    cancels += r.actions.size();
    dispatch(self, std::move(r.actions));
  }
  st.sync_pending = false;
  st.resync_dropped += dropped;
  ++(st.sync_reason == "start" ? st.start_syncs : st.resyncs);
  spdlog::warn("event=strategy_resync node={} oms={} reason={} round={} attempts={} waited_ms={} "
               "live={} adopted={} dropped={} cancels={}",
               st.self.value, a.oms_node.value, st.sync_reason, a.round, st.sync_attempts + 1,
               (monotonic_ns() - st.sync_started_ns) / 1'000'000, kept + adopted, adopted, dropped,
               cancels);
}

void on_answer(strategy_ptr self, const open_orders_answer& a) {
  auto& st = self->state;
  if (!st.sync_pending || a.round != st.resync_round)
    return; // superseded by a newer change
  if (a.refused) {
    // Our own query was malformed: asking again will not help, and quoting
    // without the OMS's word is what the resync exists to prevent.
    ++st.resync_refused;
    spdlog::error("event=strategy_resync_refused node={} oms={} round={} detail=\"{}\" "
                  "action=stay_paused",
                  st.self.value, a.oms_node.value, a.round, a.detail);
    return;
  }
  if (!a.reconciled)
    return ask_later(self, a.round, "OMS not reconciled: " + a.detail);
  apply_answer(self, a);
}

// Asks the OMS it reaches now for the live orders of its makers; the OMS
// answers with them only once it has reconciled with their venues.
void ask_oms(strategy_ptr self, uint64_t round) {
  auto& st = self->state;
  if (!st.sync_pending || round != st.resync_round || !st.oms)
    return; // done, superseded, or no OMS to ask (the next directory names one)
  open_orders_query q;
  q.round = round;
  for (auto& [key, mm] : st.makers) {
    q.strategies.push_back(mm->config().id);
    if (std::find(q.venues.begin(), q.venues.end(), key.first) == q.venues.end())
      q.venues.push_back(key.first);
  }
  self->request(st.oms, std::chrono::seconds(2), std::move(q))
    .then([=](const open_orders_answer& a) { on_answer(self, a); },
          [=](caf::error& e) {
            if (self->state.sync_pending && round == self->state.resync_round)
              ask_later(self, round, self->system().render(e));
          });
}

// A new round: every maker stops quoting until the answer.
void begin_sync(strategy_ptr self, std::string reason) {
  auto& st = self->state;
  st.sync_pending = true;
  st.sync_reason = std::move(reason);
  st.sync_attempts = 0;
  st.sync_started_ns = monotonic_ns();
  st.sync_slow_reported = false;
  ++st.resync_round;
  for (auto& [key, mm] : st.makers)
    mm->begin_resync();
  if (!st.oms)
    spdlog::warn("event=strategy_resync_waiting node={} reason={} round={} detail=\"no OMS in "
                 "the directory\"",
                 st.self.value, st.sync_reason, st.resync_round);
  ask_oms(self, st.resync_round);
}

// The directory named the OMS and risk the strategy reaches now. What the
// old ones held in flight is gone: a quote waiting for their reports would
// wait for good, so the makers rebuild from the OMS they reach now (also at
// start: the OMS may hold live quotes of this strategy's previous run).
void on_wire(strategy_ptr self, const role_directory& dir) {
  auto& st = self->state;
  auto risk = find_role(dir, "risk");
  auto oms = find_role(dir, "oms");
  bool first = !st.wired;
  bool oms_changed = oms != st.oms;
  bool risk_changed = risk != st.risk;
  st.wired = true;
  st.risk = risk;
  st.oms = oms;
  if (!first && !oms_changed && !risk_changed)
    return;
  // A round still pending keeps its first cause (a start waiting for an OMS
  // to appear in the directory is still a start).
  std::string reason = oms_changed ? "oms" : "risk";
  if (first)
    reason = "start";
  else if (st.sync_pending)
    reason = st.sync_reason;
  begin_sync(self, reason);
}

actor_stats stats(strategy_ptr self) {
  actor_stats s{"strategy", {}};
  s.counters["orders"] = self->state.orders;
  s.counters["cancels"] = self->state.cancels;
  s.counters["amends"] = self->state.amends;
  s.counters["trades_seen"] = self->state.trades_seen;
  s.counters["stopped_full_stop"] = self->state.stopped ? 1 : 0;
  s.counters["actions_dropped_stopped"] = self->state.dropped_stopped;
  s.counters["resyncing"] = self->state.sync_pending ? 1 : 0;
  s.counters["start_syncs"] = self->state.start_syncs;
  s.counters["resyncs"] = self->state.resyncs;
  s.counters["resync_failures"] = self->state.resync_failures;
  s.counters["resync_refused"] = self->state.resync_refused;
  s.counters["resync_dropped"] = self->state.resync_dropped;
  for (auto& [key, mm] : self->state.makers) {
    auto name = maker_key(self, key.first, key.second);
    s.counters["rejects." + name] = static_cast<int64_t>(mm->rejects());
    s.counters["inventory_raw." + name] = mm->inventory().raw;
  }
  return s;
}

caf::behavior strategy_actor(strategy_ptr self, strategy_actor_config cfg) {
  self->state.guard.install(self); // strays dropped and counted, never fatal
  self->state.ids = std::make_unique<oms::client_order_id_generator>(cfg.self.value,
                                                                     wall_clock_now());
  auto* gen = self->state.ids.get();
  self->state.self = cfg.self;
  if (!cfg.makers.empty())
    self->state.first_venue = cfg.makers.front().venue;
  for (auto& mc : cfg.makers)
    self->state.makers[{mc.venue, mc.sym}] = std::make_unique<strategy::market_maker>(mc, [gen] {
      return gen->next();
    });
  // Nothing is quoted before the first answer of the OMS (on_wire).
  for (auto& [key, mm] : self->state.makers)
    mm->begin_resync();
  return metrics::measured(self, "strategy", {
    [=](const trade& t) { on_trade(self, t); },
    // The validator publishes clean trades in batches.
    [=](const std::vector<trade>& batch) {
      for (auto& t : batch)
        on_trade(self, t);
    },
    [=](const execution_report& rep) {
      if (auto* mm = maker(self, rep.venue, rep.sym))
        dispatch(self, mm->on_execution_report(rep, wall_clock_now()));
    },
    [=](const order_reject& rej) {
      if (auto* mm = maker(self, rej.venue, rej.sym))
        mm->on_reject(rej);
    },
    [=](const trading_state& st) {
      // trading_state{none} from outside would restart a stopped strategy.
      if (!self->state.guard.local(self, "trading_state"))
        return;
      self->state.stopped = st.level == kill_level::full_stop;
      for (auto& [key, mm] : self->state.makers)
        dispatch(self, mm->on_trading_mode(st.mode, wall_clock_now()));
    },
    [=](wire_atom, const role_directory& dir) {
      if (self->state.guard.local(self, "wire"))
        on_wire(self, dir);
    },
    [=](retry_atom, uint64_t round) {
      if (self->state.guard.local(self, "resync_retry")) // its own timer's
        ask_oms(self, round);
    },
    [=](stats_atom) { return with_refusals(stats(self), self->state.guard); },
  });
}

} // namespace

caf::actor spawn_strategy(caf::actor_system& sys, strategy_actor_config cfg) {
  return sys.spawn(strategy_actor, std::move(cfg));
}

} // namespace cwts
