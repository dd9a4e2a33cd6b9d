#include "actors/kill/kill_coordinator_actor.hpp"

#include <map>
#include <memory>

#include <spdlog/spdlog.h>

#include "caf/all.hpp"

#include "messages/registry.hpp"
#include "actors/supervisor/supervisor_actor.hpp"

namespace cwts {

namespace {

struct kill_coordinator_state {
  kill_coordinator_config cfg;
  std::unique_ptr<kill_switch> core;
  role_directory dir;
  std::map<std::string, caf::response_promise> pending; // kills we originated
  std::map<std::string, size_t> expected_peers;
  static inline const char* name = "kill_coordinator";
};

using kill_ptr = caf::stateful_actor<kill_coordinator_state>*;

caf::actor role(kill_ptr self, const std::string& name) {
  return find_role(self->state.dir, name);
}

// Channels run only on the node that hosts the actor: a peer's OMS or
// connector is that peer's coordinator's job, reached by the echo.
caf::actor local_role(kill_ptr self, const std::string& name) {
  auto h = role(self, name);
  return h && h.node() == self->node() ? h : caf::actor{};
}

std::vector<caf::actor> peers(kill_ptr self) {
  std::vector<caf::actor> out;
  for (auto& [name, handle] : self->state.dir)
    if (name.compare(0, peer_kill_prefix.size(), peer_kill_prefix) == 0)
      out.push_back(handle);
  return out;
}

void log_report(const kill_report& r) {
  for (auto& a : r.acks)
    spdlog::info("event=kill_ack id={} node={} applied={} gate_close_us={:.1f} error=\"{}\"",
                 r.id.value, a.node.value, a.applied, a.gate_close_ns / 1e3, a.error);
  for (auto& c : r.channels)
    spdlog::info("event=kill_channel id={} node={} channel={} ok={} duration_ms={:.3f} "
                 "retries={} canceled={} open_after={} error=\"{}\"",
                 r.id.value, c.node.value, c.channel, c.ok, c.duration_ns / 1e6, c.retries,
                 c.orders_canceled, c.open_orders_after, c.error);
  spdlog::info("event=kill_report id={} complete={} total_ms={:.3f} error=\"{}\"", r.id.value,
               r.complete, r.total_ns / 1e6, r.error);
}

void deliver_if_complete(kill_ptr self, const kill_id& id, bool deadline_passed) {
  auto p = self->state.pending.find(id.value);
  if (p == self->state.pending.end())
    return;
  bool complete = self->state.core->is_complete(id, self->state.expected_peers[id.value]);
  if (!complete && !deadline_passed)
    return;
  auto report = self->state.core->report(id);
  report.complete = complete;
  if (!complete)
    report.error = "deadline passed before every peer and channel reported";
  log_report(report);
  p->second.deliver(report);
  self->state.pending.erase(p);
}

// Sends a result to where it is collected: our core, and the origin if remote.
void record_channel(kill_ptr self, const kill_command& cmd, const channel_result& r) {
  self->state.core->on_channel_result(r);
  if (cmd.origin != self->state.cfg.core.self) {
    if (auto origin = role(self, peer_kill_prefix + cmd.origin.value))
      self->send(origin, r);
  }
  deliver_if_complete(self, cmd.id, false);
}

channel_result failed_channel(kill_ptr self, const kill_command& cmd, const std::string& channel,
                              int64_t started, const std::string& error) {
  return channel_result{cmd.id, self->state.cfg.core.self, channel, false,
                        monotonic_ns() - started, 0, 0, -1, error};
}

// The venue channel retries until the venue confirms nothing is open.
void run_venue_channel(kill_ptr self, const kill_command& cmd, caf::actor connector, int attempt) {
  auto started = monotonic_ns();
  self->request(connector, self->state.cfg.channel_timeout, cancel_all_atom::value, cmd.id)
    .then(
      [=](channel_result r) {
        r.retries = attempt;
        record_channel(self, cmd, r);
        if ((!r.ok || r.open_orders_after != 0) && attempt < self->state.cfg.venue_channel_retries)
          self->delayed_send(self, std::chrono::milliseconds(200 << attempt), retry_atom::value, cmd,
                             attempt + 1);
      },
      [=](caf::error& err) {
        auto r = failed_channel(self, cmd, "venue_cancel_all", started,
                                self->system().render(err));
        r.retries = attempt;
        record_channel(self, cmd, r);
        if (attempt < self->state.cfg.venue_channel_retries)
          self->delayed_send(self, std::chrono::milliseconds(200 << attempt), retry_atom::value, cmd,
                             attempt + 1);
      });
}

void run_oms_channel(kill_ptr self, const kill_command& cmd, caf::actor oms) {
  auto started = monotonic_ns();
  self->request(oms, self->state.cfg.channel_timeout, cancel_all_atom::value, cmd.id)
    .then([=](const channel_result& r) { record_channel(self, cmd, r); },
          [=](caf::error& err) {
            record_channel(self, cmd,
                           failed_channel(self, cmd, "oms", started, self->system().render(err)));
          });
}

void notify_trading_state(kill_ptr self) {
  auto st = self->state.core->state();
  for (const char* r : {"strategy", "oms", "risk", "connector"})
    if (auto h = local_role(self, r))
      self->send(h, st);
}

// Applies a command the first time it is seen; returns false if it was not.
bool handle_command(kill_ptr self, const kill_command& cmd) {
  auto d = self->state.core->on_command(cmd, wall_clock_now());
  if (d.verdict == kill_verdict::duplicate)
    return false;
  if (d.verdict == kill_verdict::rejected) {
    spdlog::warn("event=kill_rejected id={} issuer={} reason=\"{}\"", cmd.id.value,
                 cmd.issuer.value, d.reason);
    return false;
  }
  // Echo before anything slow, so the halt spreads even if we die next.
  for (auto& p : peers(self))
    self->send(p, peer_atom::value, cmd);
  auto oms = local_role(self, "oms");
  auto connector = local_role(self, "connector");
  bool cancel = d.ack.applied && cmd.level >= kill_level::cancel_all;
  d.ack.channels_started = cancel ? (oms ? 1 : 0) + (connector ? 1 : 0) : 0;
  self->state.core->on_ack(d.ack);
  if (cmd.origin != self->state.cfg.core.self) {
    if (auto origin = role(self, peer_kill_prefix + cmd.origin.value))
      self->send(origin, d.ack);
  }
  spdlog::warn("event=kill_applied id={} level={} scope={} origin={} issuer={} gate_close_us={:.1f} "
               "reason=\"{}\"",
               cmd.id.value, to_string(cmd.level), to_string(cmd.scope), cmd.origin.value,
               cmd.issuer.value, d.ack.gate_close_ns / 1e3, cmd.reason);
  notify_trading_state(self);
  if (cancel && oms)
    run_oms_channel(self, cmd, oms);
  if (cancel && connector)
    run_venue_channel(self, cmd, connector, 0);
  return true;
}

caf::behavior kill_coordinator(kill_ptr self, kill_coordinator_config cfg) {
  self->state.cfg = cfg;
  self->state.core = std::make_unique<kill_switch>(cfg.core, *cfg.gate);
  return {
    [=](kill_command& cmd) -> caf::result<kill_report> {
      // Operators and the CLI issue kills here; the origin is this node.
      cmd.origin = self->state.cfg.core.self;
      self->state.expected_peers[cmd.id.value] = peers(self).size();
      if (!handle_command(self, cmd)) {
        kill_report r;
        r.id = cmd.id;
        r.origin = cmd.origin;
        r.error = self->state.core->last_rejection();
        if (r.error.empty())
          r.error = "duplicate kill id";
        return r;
      }
      // Channel results and acks arrive as later messages: the promise is in
      // place before any of them is handled.
      auto rp = self->make_response_promise<kill_report>();
      self->state.pending.emplace(cmd.id.value, rp);
      self->delayed_send(self, self->state.cfg.report_deadline, deadline_atom::value, cmd.id.value);
      deliver_if_complete(self, cmd.id, false);
      return rp;
    },
    [=](peer_atom, const kill_command& cmd) { handle_command(self, cmd); },
    [=](retry_atom, const kill_command& cmd, int attempt) {
      if (auto connector = local_role(self, "connector"))
        run_venue_channel(self, cmd, connector, attempt);
    },
    [=](const kill_ack& ack) {
      self->state.core->on_ack(ack);
      deliver_if_complete(self, ack.id, false);
    },
    [=](const channel_result& r) {
      self->state.core->on_channel_result(r);
      deliver_if_complete(self, r.id, false);
    },
    [=](deadline_atom, const std::string& id) { deliver_if_complete(self, kill_id{id}, true); },
    [=](wire_atom, const role_directory& dir) { self->state.dir = dir; },
    [=](gate_atom) { return self->state.core->state(); },
    [=](stats_atom) {
      auto& core = *self->state.core;
      return actor_stats{"kill_coordinator",
                         {{"applied", static_cast<int64_t>(core.applied_count())},
                          {"rejected", static_cast<int64_t>(core.rejected_count())},
                          {"duplicates", static_cast<int64_t>(core.duplicate_count())},
                          {"gate_level", static_cast<int64_t>(self->state.cfg.gate->level())},
                          {"peers", static_cast<int64_t>(peers(self).size())}}};
    },
  };
}

} // namespace

caf::actor spawn_kill_coordinator(caf::actor_system& sys, kill_coordinator_config cfg) {
  return sys.spawn(kill_coordinator, std::move(cfg));
}

} // namespace cwts
