#include "actors/kill/kill_coordinator_actor.hpp"

#include <map>
#include <memory>

#include <spdlog/spdlog.h>

#include "caf/all.hpp"

#include "common/metrics/measured_behavior.hpp"

#include "actors/kill/audit_content.hpp"
#include "actors/kill/kill_coordinator_state.hpp"
#include "actors/supervisor/supervisor_actor.hpp"
#include "messages/registry.hpp"

namespace cwts {

namespace kill_detail {

caf::actor role(kill_ptr self, const std::string& name) {
  return find_role(self->state.dir, name);
}

// Channels run only on the node that hosts the actor: a peer's OMS or
// connector is that peer's coordinator's job, reached by the echo.
caf::actor local_role(kill_ptr self, const std::string& name) {
  auto h = role(self, name);
  return h && h.node() == self->node() ? h : caf::actor{};
}

// Every venue connector on this node (connector.<venue>), by venue.
std::map<venue_name, caf::actor> local_connectors(kill_ptr self) {
  auto out = connectors_in(self->state.dir);
  for (auto i = out.begin(); i != out.end();)
    i = i->second.node() == self->node() ? std::next(i) : out.erase(i);
  return out;
}

kill_plan::node_roles roles_now(kill_ptr self) {
  kill_plan::node_roles r;
  r.risk_here = static_cast<bool>(local_role(self, "risk"));
  r.risk_in_cluster = static_cast<bool>(role(self, "risk"));
  r.oms_here = static_cast<bool>(local_role(self, "oms"));
  for (auto& entry : local_connectors(self))
    r.venues_here.push_back(entry.first);
  r.connectors_in_cluster = connectors_in(self->state.dir).size();
  return r;
}

std::vector<caf::actor> peers(kill_ptr self) {
  std::vector<caf::actor> out;
  for (auto& [name, handle] : self->state.dir)
    if (name.compare(0, peer_kill_prefix.size(), peer_kill_prefix) == 0)
      out.push_back(handle);
  return out;
}

void audit(kill_ptr self, const audit_record& r, bool sync) {
  auto& st = self->state;
  if (!st.audit)
    return;
  std::string error;
  if (!st.audit->append(r, sync, error)) {
    ++st.audit_failures;
    spdlog::error("event=audit_write_failed path={} error=\"{}\"", st.audit->path(), error);
  }
}

std::string persist(kill_ptr self) {
  auto& st = self->state;
  if (st.cfg.state_path.empty())
    return "";
  std::string error;
  if (save_halt_state(st.cfg.state_path, st.core->halt(), error))
    return "";
  ++st.persist_failures;
  spdlog::error("event=halt_state_write_failed path={} error=\"{}\"", st.cfg.state_path, error);
  return "halt state not written: " + error;
}

void notify_trading_state(kill_ptr self) {
  auto st = self->state.core->state();
  for (const char* r : {"strategy", "oms", "risk"})
    if (auto h = local_role(self, r))
      self->send(h, st);
  for (auto& [venue, connector] : local_connectors(self))
    self->send(connector, st);
}

void audit_channel(kill_ptr self, const channel_result& c) {
  audit_record r("channel_result");
  r.add("node", self->state.cfg.core.self.value)
    .add("ts_ns", wall_clock_now().ns)
    .add("id", c.id.value)
    .add("from", c.node.value)
    .add("channel", c.channel)
    .add("venue", c.venue.value)
    .add("ok", c.ok ? 1 : 0)
    .add("duration_ns", c.duration_ns)
    .add("retries", c.retries)
    .add("canceled", c.orders_canceled)
    .add("open_after", c.open_orders_after)
    .add("error", c.error);
  audit(self, r, false);
}

} // namespace kill_detail

namespace {

using namespace kill_detail;

// The whole command, signature included, so an auditor can verify it again
// (audit_content.hpp). Refused ones go through the sampler: a flood of bad
// commands is counted, not each written and synced.
void audit_command(kill_ptr self, const kill_command& cmd, const char* via, const char* verdict,
                   const std::string& reason) {
  auto r = kill_command_record(self->state.cfg.core.self, cmd, via, verdict, reason);
  auto v = std::string(verdict);
  if (v == "refused" || v == "duplicate")
    audit_refusal(self, r, v + " " + reason);
  else
    audit(self, r, true);
}

void audit_ack(kill_ptr self, const kill_ack& a) {
  audit_record r("kill_ack");
  r.add("node", self->state.cfg.core.self.value)
    .add("ts_ns", wall_clock_now().ns)
    .add("id", a.id.value)
    .add("from", a.node.value)
    .add("applied", a.applied ? 1 : 0)
    .add("verify_ns", a.verify_ns)
    .add("gate_close_ns", a.gate_close_ns)
    .add("channels", a.channels_started)
    .add("error", a.error);
  audit(self, r, false);
}


} // namespace

namespace kill_detail {

// A cluster-wide kill raised by a node waits for other members: this node
// endorses it only while it sees, itself, the trouble nodes may halt the
// cluster for (a required role lost: kill_quorum.cpp), then applies and
// echoes it with its endorsement.
void endorse_pending(kill_ptr self) {
  auto& st = self->state;
  if (!st.cfg.node_key || !sees_lost_role(self))
    return;
  auto pending = st.core->pending();
  for (auto& cmd : pending) {
    if (cmd.issuer.value == st.cfg.node_key_name)
      continue; // our own proposal: our signature is already on it
    auto endorsed = cmd;
    cosign(endorsed, st.cfg.core.self, *st.cfg.node_key);
    spdlog::warn("event=kill_endorsed id={} issuer={} node={} cosignatures={}", cmd.id.value,
                 cmd.issuer.value, st.cfg.core.self.value, endorsed.cosignatures.size());
    handle_command(self, endorsed, "endorsed");
  }
}

// Applies a command the first time its content is seen; empty when applied,
// else why not.
std::string handle_command(kill_ptr self, const kill_command& received, const char* via) {
  auto path = std::string(via) == "peer" ? kill_path::caf : kill_path::request;
  auto d = self->state.core->on_command(received, wall_clock_now(), path);
  return handle_decision(self, received, d, via);
}

std::string handle_decision(kill_ptr self, const kill_command& received, kill_decision& d,
                            const char* via) {
  if (d.verdict == kill_verdict::duplicate) {
    // Echoes and replays: counted, not written (the first copy is).
    return "duplicate kill id (this signed content was seen before: an echo or a replay)";
  }
  if (d.verdict == kill_verdict::pending) {
    ++self->state.kills_pending;
    spdlog::warn("event=kill_pending id={} issuer={} via={} reason=\"{}\"", received.id.value,
                 received.issuer.value, via, d.reason);
    audit_command(self, received, via, "pending", d.reason);
    // The proposer asks every member; each endorses once it sees the
    // trouble too (at once if it does now).
    if (std::string(via) == "request")
      for (auto& p : peers(self))
        self->send(p, peer_atom::value, received);
    if (std::string(via) != "endorsed")
      endorse_pending(self);
    return d.reason;
  }
  const kill_command& cmd = d.verdict == kill_verdict::applied ? d.command : received;
  if (d.verdict == kill_verdict::rejected) {
    spdlog::warn("event=kill_rejected id={} issuer={} origin={} via={} reason=\"{}\"",
                 cmd.id.value, cmd.issuer.value, cmd.origin.value, via, d.reason);
    audit_command(self, cmd, via, "refused", d.reason);
    // The origin waits for our ack: it learns why we did not apply it.
    if (std::string(via) == "peer" && cmd.origin != self->state.cfg.core.self)
      if (auto origin = role(self, peer_kill_prefix + cmd.origin.value))
        self->send(origin, kill_ack{cmd.id, self->state.cfg.core.self, false, 0, 0, {}, wall_clock_now(),
                                    0, "refused: " + d.reason, cmd.issuer});
    return d.reason;
  }
  // Echo before anything slow, so the halt spreads even if we die next:
  // the direct fan-out first (the fast copy; one applied from the fan-out
  // was sent on by its I/O thread already), then CAF's echo.
  auto& st = self->state;
  if (st.fanout && std::string(via) != "fanout")
    st.fanout->broadcast(cmd);
  if (st.cfg.caf_echo)
    for (auto& p : peers(self))
      self->send(p, peer_atom::value, cmd);
  // Which path's copy closed this node's gate (0 request, 1 CAF, 2 fan-out).
  st.last_kill["last.first_path." + st.cfg.core.self.value]
    = std::string(via) == "peer" ? 1 : std::string(via) == "fanout" ? 2 : 0;
  // Which channels run here, in what order and what each waits for
  // (kill_plan.hpp): from the kill and the roles the directory lists now.
  auto plan = kill_plan::plan_channels(
    kill_plan::kill_facts{cmd.level, cmd.scope, d.ack.applied}, roles_now(self),
    kill_plan::node_outputs{!self->state.cfg.audit_path.empty(),
                            self->state.cfg.compliance_configured});
  // The notification is durable before the halt state: once that is written
  // a resent kill is a duplicate and nothing would write the notification
  // later, so a crash between the two must find it already in the outbox
  // (the other way round, a notification of a kill the gate did apply).
  std::optional<channel_result> compliance;
  if (plan.runs(kill_plan::step_kind::compliance))
    compliance = run_compliance_channel(self, cmd, d.ack);
  // Durable before the ack: a node that acknowledged a halt comes back halted.
  if (d.ack.applied) {
    auto why = persist(self);
    if (!why.empty())
      d.ack.error = why;
  }
  d.ack.channels_started = plan.channels_started();
  if (self->state.core->on_ack(d.ack) && d.ack.applied) {
    auto& m = self->state.last_kill;
    m["last.gate_close_ns." + d.ack.node.value] = d.ack.gate_close_ns;
    m["last.verify_ns." + d.ack.node.value] = d.ack.verify_ns;
  }
  if (cmd.origin != self->state.cfg.core.self) {
    if (auto origin = role(self, peer_kill_prefix + cmd.origin.value))
      self->send(origin, d.ack);
  }
  auto audit_started = monotonic_ns();
  auto audit_failures = self->state.audit_failures;
  if (d.equivocation) {
    // The issuer signed other content under this id before: both apply.
    spdlog::critical("event=kill_equivocation id={} issuer={} via={} level={} scope={} "
                     "action=applied_both",
                     cmd.id.value, cmd.issuer.value, via, to_string(cmd.level),
                     to_string(cmd.scope));
    audit_command(self, cmd, via, "accepted",
                  "equivocation: the issuer signed other content under this id; both applied");
  } else {
    audit_command(self, cmd, via, "accepted", "");
  }
  audit_ack(self, d.ack);
  spdlog::warn("event=kill_applied id={} level={} scope={} origin={} issuer={} verify_us={:.1f} "
               "gate_close_us={:.3f} reason=\"{}\"",
               cmd.id.value, to_string(cmd.level), to_string(cmd.scope), cmd.origin.value,
               cmd.issuer.value, d.ack.verify_ns / 1e3, d.ack.gate_close_ns / 1e3, cmd.reason);
  notify_trading_state(self);
  auto connectors = local_connectors(self);
  for (auto& step : plan.at_start) {
    switch (step.kind) {
      case kill_plan::step_kind::audit: {
        // The command and our ack on disk (fdatasync'ed) before any channel ran.
        bool ok = self->state.audit && self->state.audit_failures == audit_failures;
        record_channel(self, cmd,
                       channel_result{cmd.id, self->state.cfg.core.self, "audit", ok,
                                      monotonic_ns() - audit_started, 0, 0, -1,
                                      ok                  ? ""
                                      : self->state.audit ? "audit write failed (see log)"
                                                          : "audit log not open"});
        break;
      }
      case kill_plan::step_kind::risk_freeze:
        run_risk_freeze_channel(self, cmd, local_role(self, "risk"));
        break;
      case kill_plan::step_kind::oms:
        run_oms_channel(self, cmd, local_role(self, "oms"));
        break;
      case kill_plan::step_kind::flatten:
        run_flatten_channel(self, cmd);
        break;
      case kill_plan::step_kind::venue_cancel_all:
        if (auto c = connectors.find(step.venue); c != connectors.end())
          run_venue_channel(self, cmd, c->first, c->second, 0);
        break;
      case kill_plan::step_kind::disconnect_timer:
        // A connector whose flattening node never asks (it died, or was cut
        // off) is still cut, after the time a flatten may take.
        self->delayed_send(self, self->state.cfg.channel_timeout, disconnect_atom::value, cmd);
        break;
      case kill_plan::step_kind::compliance:
        if (compliance)
          record_channel(self, cmd, std::move(*compliance));
        break;
    }
  }
  return "";
}

} // namespace kill_detail

namespace {

// An ack or channel result about node X counts only when X's coordinator
// delivered it (the directory's peer-kill/X), as for reset votes: a client
// of the CAF port cannot report a kill complete (issue 17 finding 6). Our
// own are recorded where they are made, never received. Empty when it may
// count, else why not.
std::string delivery_refusal(kill_ptr self, const node_id& node) {
  if (node == self->state.cfg.core.self)
    return "a report in this node's own name from outside";
  auto sender = self->current_sender();
  auto expected = role(self, peer_kill_prefix + node.value);
  if (!expected)
    return "no coordinator listed for node " + node.value;
  if (!sender || sender != caf::actor_cast<caf::strong_actor_ptr>(expected))
    return "sender is not the coordinator of node " + node.value;
  return "";
}


caf::behavior kill_coordinator(kill_ptr self, kill_coordinator_config cfg) {
  // A stray message or error from a peer (a hostile one, or an older build)
  // is dropped and counted, never a reason to quit (common/stray_messages.hpp).
  self->state.guard.install(self);
  self->state.cfg = cfg;
  take_over_or_build_core(self);
  start_core(self);
  start_fanout(self);
  // Kills the fan-out's thread applied for a predecessor that died before
  // handling them: recorded, audited and acked now.
  if (self->state.took_over)
    drain_fanout(self);
  start_heartbeats(self);
  start_audit_timer(self);
  return metrics::measured(self, "kill", {
    [=](kill_command& cmd) -> caf::result<kill_report> {
      // Operators and the CLI issue kills here; the origin is this node.
      cmd.origin = self->state.cfg.core.self;
      auto key = kill_key(cmd);
      self->state.last_kill.clear();
      self->state.last_kill_id = cmd.id.value;
      self->state.last_kill_accepted_ns = wall_clock_now().ns;
      if (auto why = handle_command(self, cmd, "request"); !why.empty()) {
        kill_report r;
        r.id = cmd.id;
        r.origin = cmd.origin;
        r.error = std::move(why);
        return r;
      }
      // Channel results and acks arrive as later messages: the promise is in
      // place before any of them is handled. One promise per kill: a second
      // request for the same content was answered above as a duplicate.
      self->state.expected_peers[key] = peers(self).size();
      auto rp = self->make_response_promise<kill_report>();
      self->state.pending.emplace(key, rp);
      self->delayed_send(self, self->state.cfg.report_deadline, deadline_atom::value, key);
      deliver_if_complete(self, key, false);
      return rp;
    },
    [=](peer_atom, const kill_command& cmd) { handle_command(self, cmd, "peer"); },
    // The fan-out's thread verified kills (kill_fanout.cpp): the doorbell
    // carries nothing, the kills are taken from its inbox.
    [=](fanout_atom) { drain_fanout(self); },
    [=](disconnect_atom, const kill_command& cmd) {
      // The fallback above (our own timer): the connector answers at once if
      // already cut; its answer is not awaited.
      if (!self->state.guard.local(self, "disconnect"))
        return;
      for (auto& [venue, connector] : local_connectors(self))
        self->request(connector, self->state.cfg.channel_timeout, disconnect_atom::value, cmd)
          .then([](const channel_result&) {}, [](const caf::error&) {});
    },
    [=](peer_atom, disconnect_atom, const kill_command& cmd,
        const std::string& venue) -> caf::result<channel_result> {
      return on_peer_disconnect(self, cmd, venue_name{venue});
    },
    // One venue channel's retry (run_venue_channel): each venue its own.
    [=](retry_atom, const kill_command& cmd, int attempt, const std::string& venue) {
      // A reset reopened the gate (or lowered it below cancel-all): the
      // kill is over, and so are its retries.
      auto scoped = to_gate_scope(cmd.scope);
      auto& gate = *self->state.cfg.gate;
      uint8_t level = scoped ? std::max(gate.level(), gate.scoped_level(*scoped, cmd.scope_value))
                             : gate.level();
      if (level < static_cast<uint8_t>(kill_level::cancel_all))
        return;
      auto connectors = local_connectors(self);
      if (auto c = connectors.find(venue_name{venue}); c != connectors.end())
        run_venue_channel(self, cmd, c->first, c->second, attempt);
    },
    [=](const kill_ack& ack) {
      if (auto why = delivery_refusal(self, ack.node); !why.empty())
        return refuse_report(self, "kill_ack", ack.id, ack.node, why);
      if (self->state.core->on_ack(ack)) {
        audit_ack(self, ack);
        record_ack_metrics(self, ack);
      }
      deliver_if_complete(self, kill_key(ack.issuer, ack.id), false);
    },
    [=](const channel_result& r) {
      if (auto why = delivery_refusal(self, r.node); !why.empty())
        return refuse_report(self, "channel_result", r.id, r.node, why);
      if (self->state.core->on_channel_result(r)) {
        audit_channel(self, r);
        record_channel_metrics(self, r);
      }
      deliver_if_complete(self, kill_key(r.issuer, r.id), false);
    },
    [=](reset_command& cmd) -> caf::result<reset_report> {
      return on_reset_request(self, std::move(cmd));
    },
    [=](peer_atom, const reset_command& cmd) { on_reset_proposal(self, cmd); },
    [=](const reset_vote& v) { on_reset_vote(self, v); },
    [=](reset_atom, const std::string& id) { on_reset_deadline(self, id); },
    [=](deadline_atom, const std::string& key) { deliver_if_complete(self, key, true); },
    [=](const heartbeat& hb) { on_heartbeat(self, hb); },
    [=](const audit_anchor& a) { on_audit_anchor(self, a); },
    [=](audit_atom) { on_audit_tick(self); },
    [=](tick_atom) { on_tick(self); },
    [=](wire_atom, const role_directory& dir) {
      // Only this node's supervisor wires us: a directory from outside
      // would redirect every echo, ack and channel.
      if (!self->state.guard.local(self, "wire"))
        return;
      auto sup = find_role(dir, "supervisor");
      if (sup && self->current_sender() != caf::actor_cast<caf::strong_actor_ptr>(sup))
        return self->state.guard.refuse(self, "wire", "not sent by this node's supervisor");
      self->state.dir = dir;
      expect_channel_outcomes(self);
    },
    [=](gate_atom) { return self->state.core->state(); },
    [=](quorum_atom) { return quorum_view(self); },
    [=](stats_atom) {
      auto& core = *self->state.core;
      auto& st = self->state;
      actor_stats s{"kill_coordinator",
                         {{"applied", static_cast<int64_t>(core.applied_count())},
                          {"rejected", static_cast<int64_t>(core.rejected_count())},
                          {"duplicates", static_cast<int64_t>(core.duplicate_count())},
                          {"equivocations", static_cast<int64_t>(core.equivocation_count())},
                          {"kills_pending", st.kills_pending},
                          {"kill_records", static_cast<int64_t>(core.records())},
                          {"gate_level", static_cast<int64_t>(st.cfg.gate->level())},
                          {"epoch", core.epoch()},
                          {"scoped_halts", static_cast<int64_t>(core.scoped_halts().size())},
                          {"peers", static_cast<int64_t>(peers(self).size())},
                          {"cluster_size", st.cfg.cluster_size},
                          {"role_lost_kills", st.roles_watched ? static_cast<int64_t>(st.roles_watched->triggered()) : 0},
                          {"audit_records", st.audit ? static_cast<int64_t>(st.audit->records()) : 0},
                          {"audit_failures", st.audit_failures},
                          {"channels_escalated", st.channels_escalated},
                          {"halt_persist_failures", st.persist_failures},
                          {"halt_state_load_errors", static_cast<int64_t>(halt_state_load_errors())},
                          {"resets_resumed", st.resets_resumed},
                          {"resets_refused", st.resets_refused},
                          {"votes_refused", st.votes_refused}}};
      add_quorum_stats(self, s);
      add_audit_stats(self, s);
      add_fanout_stats(self, s);
      add_compliance_stats(self, s);
      st.guard.add_to(s.counters);
      for (auto& [k, v] : st.last_kill)
        s.counters[k] = v;
      for (auto& [k, v] : st.channel_outcomes)
        s.counters[k] = v;
      return s;
    },
  });
}

} // namespace

caf::actor spawn_kill_coordinator(caf::actor_system& sys, kill_coordinator_config cfg) {
  return sys.spawn(kill_coordinator, std::move(cfg));
}

} // namespace cwts
