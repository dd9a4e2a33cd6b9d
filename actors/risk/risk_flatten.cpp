// The risk actor's kill channels: freeze (levels 1 and up) and flatten
// (level 3). The flatten's rounds and its report are decided in
// flatten_job.hpp; this file sends, logs and answers.

#include <spdlog/spdlog.h>

#include "actors/risk/risk_shell.hpp"
#include "messages/registry.hpp"

namespace cwts::risk_shell {

namespace {

risk::flatten_context context_of(risk_ptr self) {
  auto& st = self->state;
  return risk::flatten_context{
    st.core->check,
    st.core->mode,
    st.core->refs,
    st.core->book,
    risk::flatten_target{st.cfg.self, st.cfg.account, strategy_id{"kill-flatten"},
                         st.cfg.flatten_venue},
    risk::traded_symbols(*st.core),
    static_cast<bool>(st.oms),
    wall_clock_now(),
    [] { return monotonic_ns(); },
  };
}

// Logs a round and sends its orders to the OMS; true when the job is done.
bool send_round(risk_ptr self, const risk::flatten_job& job, const risk::flatten_round& round) {
  auto& kill = job.command().id.value;
  for (auto& note : round.notes)
    spdlog::debug("event=flatten_wait kill={} detail=\"{}\"", kill, note);
  for (auto& r : round.refused)
    spdlog::error("event=flatten_order_refused kill={} id={} symbol={} reason=\"{}\"", kill,
                  r.order.id.value, r.order.sym.str(), r.reason);
  for (auto& o : round.send) {
    self->send(self->state.oms, o);
    spdlog::warn("event=flatten_order kill={} id={} symbol={} side={} qty={}", kill, o.id.value,
                 o.sym.str(), to_string(o.order_side), o.quantity.to_string());
  }
  return round.done;
}

void finish_flatten(risk_ptr self, std::map<std::string, flatten_run>::iterator it) {
  auto& job = it->second.job;
  auto r = job.report(self->state.core->book, self->state.cfg.self, monotonic_ns());
  spdlog::log(r.ok ? spdlog::level::warn : spdlog::level::err,
              "event=flatten_done kill={} ok={} rounds={} orders_sent={} refused={} "
              "open_positions={} duration_ms={:.3f} error=\"{}\"",
              job.command().id.value, r.ok, job.rounds(), job.orders_sent(), job.orders_refused(),
              r.positions_open_after, r.duration_ns / 1e6, r.error);
  it->second.promise.deliver(r);
  self->state.flattens.erase(it);
}

} // namespace

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
  // Refused before a promise is made: a promise takes the request over, and
  // this answer would never reach the second caller.
  if (st.flattens.count(cmd.id.value))
    return channel_result{cmd.id, st.cfg.self, "flatten", false, 0, 0, 0, -1,
                          "a flatten of this kill is already running"};
  auto promise = self->make_response_promise<channel_result>();
  auto it = st.flattens.emplace(cmd.id.value,
                                flatten_run{risk::flatten_job{cmd, monotonic_ns()}, promise})
              .first;
  auto ctx = context_of(self);
  if (send_round(self, it->second.job, it->second.job.start(ctx))) {
    finish_flatten(self, it);
    return promise;
  }
  self->delayed_send(self, st.cfg.flatten_poll, flatten_atom::value, cmd.id.value);
  return promise;
}

void check_flattens(risk_ptr self) {
  auto& jobs = self->state.flattens;
  for (auto it = jobs.begin(); it != jobs.end();) {
    auto next = std::next(it);
    if (it->second.job.flat(self->state.core->book))
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
  auto ctx = context_of(self);
  if (send_round(self, it->second.job, it->second.job.poll(ctx, monotonic_ns(), deadline))) {
    finish_flatten(self, it);
    return;
  }
  self->delayed_send(self, self->state.cfg.flatten_poll, flatten_atom::value, kill);
}

} // namespace cwts::risk_shell
