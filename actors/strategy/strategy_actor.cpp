#include "actors/strategy/strategy_actor.hpp"

#include <map>
#include <memory>

#include <spdlog/spdlog.h>

#include "caf/all.hpp"

#include "actors/oms/client_order_id_generator.hpp"
#include "messages/registry.hpp"
#include "common/metrics/measured_behavior.hpp"
#include "common/sender_guard.hpp"

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
  // Resyncs after the OMS or risk restarted or moved (issue 24): the round
  // in progress (a newer rewiring supersedes it) and the outcomes.
  uint64_t resync_round = 0;
  int64_t resyncs = 0;
  int64_t resync_failures = 0;
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
  static inline const char* name = "strategy";
};

using strategy_ptr = caf::stateful_actor<strategy_state>*;

void dispatch(strategy_ptr self, std::vector<strategy::strategy_action> actions) {
  if (self->state.stopped) {
    self->state.dropped_stopped += static_cast<int64_t>(actions.size());
    return;
  }
  for (auto& a : actions) {
    if (auto* o = std::get_if<order_request>(&a)) {
      ++self->state.orders;
      if (self->state.risk)
        self->send(self->state.risk, *o);
    } else if (auto* c = std::get_if<cancel_request>(&a)) {
      ++self->state.cancels;
      if (self->state.risk)
        self->send(self->state.risk, *c);
    } else if (auto* m = std::get_if<amend_request>(&a)) {
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
  for (auto& [key, mm] : self->state.makers)
    if (key.second == t.sym)
      dispatch(self, mm->on_trade(t, wall_clock_now()));
}

// Stats keys: "<SYM>" for the first venue's makers, "<venue>.<SYM>" for
// the others (dashboards of a one-venue node keep their names).
std::string maker_key(strategy_ptr self, const venue_name& venue, const symbol& sym) {
  return venue == self->state.first_venue ? sym.str() : venue.value + "." + sym.str();
}

// How long a resync waits for the new OMS to reconcile with the venue
// before it gives up (counted; the old quotes then stay as they were).
constexpr auto resync_retry_every = std::chrono::milliseconds(200);
constexpr int32_t resync_max_attempts = 300; // 60 s

void try_resync(strategy_ptr self, uint64_t round, int32_t attempt);

void resync_later(strategy_ptr self, uint64_t round, int32_t attempt, const std::string& why) {
  if (attempt + 1 >= resync_max_attempts) {
    ++self->state.resync_failures;
    spdlog::error("event=strategy_resync_failed round={} attempts={} reason=\"{}\"", round,
                  attempt + 1, why);
    return;
  }
  self->delayed_send(self, resync_retry_every, retry_atom::value, round, attempt + 1);
}

// Rebuilds every maker's live quotes from the OMS once it has reconciled
// with the venue: the quotes the old OMS (or risk) held in flight get no
// report any more, and waiting for one would stop quoting for good.
void try_resync(strategy_ptr self, uint64_t round, int32_t attempt) {
  auto& st = self->state;
  if (round != st.resync_round || !st.oms)
    return; // superseded by a newer rewiring, or no OMS to ask
  auto oms = st.oms;
  self->request(oms, std::chrono::seconds(2), precond_atom::value)
    .then(
      [=](const reset_precondition& p) {
        if (round != self->state.resync_round)
          return;
        if (!p.reconciled)
          return resync_later(self, round, attempt, "OMS not reconciled: " + p.detail);
        self->request(oms, std::chrono::seconds(2), open_orders_atom::value)
          .then(
            [=](const std::vector<restored_order>& open) {
              if (round != self->state.resync_round)
                return;
              size_t cancels = 0;
              for (auto& [key, mm] : self->state.makers) {
                auto actions = mm->resync(open, wall_clock_now());
                cancels += actions.size();
                dispatch(self, std::move(actions));
              }
              ++self->state.resyncs;
              spdlog::warn("event=strategy_resynced round={} open_orders={} cancels={}", round,
                           open.size(), cancels);
            },
            [=](caf::error& e) { resync_later(self, round, attempt, self->system().render(e)); });
      },
      [=](caf::error& e) { resync_later(self, round, attempt, self->system().render(e)); });
}

actor_stats stats(strategy_ptr self) {
  actor_stats s{"strategy", {}};
  s.counters["orders"] = self->state.orders;
  s.counters["cancels"] = self->state.cancels;
  s.counters["amends"] = self->state.amends;
  s.counters["trades_seen"] = self->state.trades_seen;
  s.counters["stopped_full_stop"] = self->state.stopped ? 1 : 0;
  s.counters["actions_dropped_stopped"] = self->state.dropped_stopped;
  s.counters["resyncs"] = self->state.resyncs;
  s.counters["resync_failures"] = self->state.resync_failures;
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
  if (!cfg.makers.empty())
    self->state.first_venue = cfg.makers.front().venue;
  for (auto& mc : cfg.makers)
    self->state.makers[{mc.venue, mc.sym}] = std::make_unique<strategy::market_maker>(mc, [gen] {
      return gen->next();
    });
  return metrics::measured(self, "strategy", {
    [=](const trade& t) { on_trade(self, t); },
    // The validator publishes clean trades in batches.
    [=](const std::vector<trade>& batch) {
      for (auto& t : batch)
        on_trade(self, t);
    },
    [=](const execution_report& rep) {
      if (auto* mm = maker(self, rep.venue, rep.sym))
        mm->on_execution_report(rep);
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
      if (!self->state.guard.local(self, "wire"))
        return;
      auto& st = self->state;
      auto risk = find_role(dir, "risk");
      auto oms = find_role(dir, "oms");
      // A restarted or moved OMS or risk: what they held in flight is gone.
      bool moved = (st.risk && risk && risk != st.risk) || (st.oms && oms && oms != st.oms);
      st.risk = risk;
      st.oms = oms;
      if (moved)
        try_resync(self, ++st.resync_round, 0);
    },
    [=](retry_atom, uint64_t round, int32_t attempt) {
      if (self->state.guard.local(self, "resync_retry")) // its own timer's
        try_resync(self, round, attempt);
    },
    [=](stats_atom) { return with_refusals(stats(self), self->state.guard); },
  });
}

} // namespace

caf::actor spawn_strategy(caf::actor_system& sys, strategy_actor_config cfg) {
  return sys.spawn(strategy_actor, std::move(cfg));
}

} // namespace cwts
