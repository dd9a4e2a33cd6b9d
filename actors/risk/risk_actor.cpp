#include "actors/risk/risk_actor.hpp"

#include <memory>

#include <spdlog/spdlog.h>

#include "caf/all.hpp"

#include "actors/risk/position_book.hpp"
#include "actors/risk/pre_trade_check.hpp"
#include "actors/risk/reference_prices.hpp"
#include "messages/registry.hpp"

namespace cwts {

namespace {

struct risk_state {
  std::unique_ptr<risk::pre_trade_check> check;
  risk::reference_prices refs;
  risk::position_book book;
  trading_mode mode = trading_mode::active;
  caf::actor oms;
  caf::actor strategy;
  static inline const char* name = "risk";
};

using risk_ptr = caf::stateful_actor<risk_state>*;

void on_order(risk_ptr self, const order_request& req) {
  auto& st = self->state;
  auto result = st.check->check(req, st.mode, st.refs, st.book);
  if (result.passed && st.oms) {
    st.book.on_order_sent(req);
    self->send(st.oms, req);
    return;
  }
  order_reject rej{req.id, req.sym, result.passed ? reject_reason::venue_unreachable : result.reason,
                   result.passed ? "no OMS wired on this node" : result.detail, wall_clock_now()};
  spdlog::info("event=order_rejected_by_risk id={} symbol={} reason={} detail=\"{}\"",
               req.id.value, req.sym.str(), to_string(rej.reason), rej.detail);
  if (st.strategy)
    self->send(st.strategy, rej);
}

actor_stats stats(risk_ptr self) {
  auto& check = *self->state.check;
  actor_stats s{"risk", {}};
  s.counters["checks_passed"] = static_cast<int64_t>(check.passed());
  s.counters["checks_rejected"] = static_cast<int64_t>(check.rejected_total());
  for (size_t i = 0; i < risk::reject_reason_count; ++i) {
    auto r = static_cast<reject_reason>(i);
    if (auto n = check.rejected(r))
      s.counters[std::string("rejected.") + to_string(r)] = static_cast<int64_t>(n);
  }
  return s;
}

std::vector<position_snapshot> positions(risk_ptr self) {
  std::vector<position_snapshot> out;
  for (auto& [sym, limits] : self->state.check->limits().per_symbol) {
    auto pos = self->state.book.get(sym);
    auto upnl = self->state.book.unrealized_pnl(sym, self->state.refs);
    out.push_back(position_snapshot{sym, pos.net, pos.avg_cost, pos.realized_pnl,
                                    upnl.value_or(notional{})});
  }
  return out;
}

caf::behavior risk_actor(risk_ptr self, risk_actor_config cfg) {
  self->state.check = std::make_unique<risk::pre_trade_check>(*cfg.gate, std::move(cfg.limits),
                                                              std::move(cfg.rules));
  return {
    [=](const trade& t) { self->state.refs.on_trade(t); },
    [=](const std::vector<trade>& batch) {
      for (auto& t : batch)
        self->state.refs.on_trade(t);
    },
    [=](const order_request& req) { on_order(self, req); },
    // Cancels only lower risk: they always pass (15c3-5 leaves them free).
    [=](const cancel_request& c) {
      if (self->state.oms)
        self->send(self->state.oms, c);
    },
    [=](const execution_report& rep) { self->state.book.on_execution_report(rep); },
    [=](const order_reject& rej) { self->state.book.on_order_reject(rej); },
    [=](const trading_state& st) { self->state.mode = st.mode; },
    [=](wire_atom, const role_directory& dir) {
      self->state.oms = find_role(dir, "oms");
      self->state.strategy = find_role(dir, "strategy");
    },
    [=](stats_atom) { return stats(self); },
    [=](positions_atom) { return positions(self); },
  };
}

} // namespace

caf::actor spawn_risk(caf::actor_system& sys, risk_actor_config cfg) {
  return sys.spawn(risk_actor, std::move(cfg));
}

} // namespace cwts
