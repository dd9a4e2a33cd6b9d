#include "actors/strategy/strategy_actor.hpp"

#include <map>
#include <memory>

#include "caf/all.hpp"

#include "actors/oms/client_order_id_generator.hpp"
#include "messages/registry.hpp"
#include "common/metrics/measured_behavior.hpp"
#include "common/sender_guard.hpp"

namespace cwts {

namespace {

struct strategy_state {
  std::unique_ptr<oms::client_order_id_generator> ids;
  std::map<symbol, std::unique_ptr<strategy::market_maker>> makers;
  caf::actor risk;
  int64_t orders = 0;
  int64_t cancels = 0;
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
    }
  }
}

strategy::market_maker* maker(strategy_ptr self, const symbol& sym) {
  auto i = self->state.makers.find(sym);
  return i == self->state.makers.end() ? nullptr : i->second.get();
}

actor_stats stats(strategy_ptr self) {
  actor_stats s{"strategy", {}};
  s.counters["orders"] = self->state.orders;
  s.counters["cancels"] = self->state.cancels;
  s.counters["trades_seen"] = self->state.trades_seen;
  s.counters["stopped_full_stop"] = self->state.stopped ? 1 : 0;
  s.counters["actions_dropped_stopped"] = self->state.dropped_stopped;
  for (auto& [sym, mm] : self->state.makers) {
    s.counters["rejects." + sym.str()] = static_cast<int64_t>(mm->rejects());
    s.counters["inventory_raw." + sym.str()] = mm->inventory().raw;
  }
  return s;
}

caf::behavior strategy_actor(strategy_ptr self, strategy_actor_config cfg) {
  self->state.guard.install(self); // strays dropped and counted, never fatal
  self->state.ids = std::make_unique<oms::client_order_id_generator>(cfg.self.value,
                                                                     wall_clock_now());
  auto* gen = self->state.ids.get();
  for (auto& mc : cfg.makers)
    self->state.makers[mc.sym] = std::make_unique<strategy::market_maker>(mc, [gen] {
      return gen->next();
    });
  return metrics::measured(self, "strategy", {
    [=](const trade& t) {
      ++self->state.trades_seen;
      if (auto* mm = maker(self, t.sym))
        dispatch(self, mm->on_trade(t, wall_clock_now()));
    },
    // The validator publishes clean trades in batches.
    [=](const std::vector<trade>& batch) {
      for (auto& t : batch) {
        ++self->state.trades_seen;
        if (auto* mm = maker(self, t.sym))
          dispatch(self, mm->on_trade(t, wall_clock_now()));
      }
    },
    [=](const execution_report& rep) {
      if (auto* mm = maker(self, rep.sym))
        mm->on_execution_report(rep);
    },
    [=](const order_reject& rej) {
      if (auto* mm = maker(self, rej.sym))
        mm->on_reject(rej);
    },
    [=](const trading_state& st) {
      // trading_state{none} from outside would restart a stopped strategy.
      if (!self->state.guard.local(self, "trading_state"))
        return;
      self->state.stopped = st.level == kill_level::full_stop;
      for (auto& [sym, mm] : self->state.makers)
        dispatch(self, mm->on_trading_mode(st.mode, wall_clock_now()));
    },
    [=](wire_atom, const role_directory& dir) {
      if (!self->state.guard.local(self, "wire"))
        return;
      self->state.risk = find_role(dir, "risk");
    },
    [=](stats_atom) { return with_refusals(stats(self), self->state.guard); },
  });
}

} // namespace

caf::actor spawn_strategy(caf::actor_system& sys, strategy_actor_config cfg) {
  return sys.spawn(strategy_actor, std::move(cfg));
}

} // namespace cwts
