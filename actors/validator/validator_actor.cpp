#include "actors/validator/validator_actor.hpp"

#include <spdlog/spdlog.h>

#include "caf/all.hpp"

#include "messages/registry.hpp"

namespace cwts {

namespace {

struct validator_state {
  validator::trade_validator core{validator::trade_validator_config{}};
  std::vector<caf::actor> subscribers;
  uint64_t logged_rejects = 0;
  static inline const char* name = "validator";
};

using validator_ptr = caf::stateful_actor<validator_state>*;

void on_trade(validator_ptr self, const trade& t) {
  auto verdict = self->state.core.check(t, wall_clock_now());
  if (verdict != validator::trade_verdict::ok) {
    // Log the first rejects of a burst; the counters carry the rest.
    if (self->state.logged_rejects++ < 20)
      spdlog::warn("event=trade_rejected symbol={} trade_id={} reason={}", t.sym.str(), t.id.value,
                   validator::to_string(verdict));
    return;
  }
  for (auto& s : self->state.subscribers)
    self->send(s, t);
}

actor_stats stats(validator_ptr self) {
  actor_stats s{"validator", {}};
  auto& core = self->state.core;
  s.counters["trades_seen"] = static_cast<int64_t>(core.total());
  for (size_t i = 0; i < validator::trade_verdict_count; ++i) {
    auto v = static_cast<validator::trade_verdict>(i);
    s.counters[std::string("verdict.") + validator::to_string(v)] = static_cast<int64_t>(core.count(v));
  }
  return s;
}

caf::behavior validator_actor(validator_ptr self, validator::trade_validator_config cfg) {
  self->state.core = validator::trade_validator{cfg};
  return {
    [=](const trade& t) { on_trade(self, t); },
    [=](wire_atom, const role_directory& dir) {
      self->state.subscribers.clear();
      for (const char* r : {"strategy", "risk"})
        if (auto h = find_role(dir, r))
          self->state.subscribers.push_back(h);
    },
    [=](stats_atom) { return stats(self); },
  };
}

} // namespace

caf::actor spawn_validator(caf::actor_system& sys, validator::trade_validator_config cfg) {
  return sys.spawn(validator_actor, std::move(cfg));
}

} // namespace cwts
