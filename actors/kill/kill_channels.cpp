// The kill coordinator's channels (DESIGN.md "Kill switch"): what a kill
// asks of this node's actors once the gate is closed (risk's freeze, the
// OMS's cancel, each venue's cancel-all with its retries, the level-3
// flatten, the level-4 disconnect), and the report they add up to.
// Split from kill_coordinator_actor.cpp (files under 500 lines).

#include <map>
#include <memory>

#include <spdlog/spdlog.h>

#include "caf/all.hpp"

#include "actors/compliance/compliance_notification.hpp"
#include "actors/compliance/compliance_outbox.hpp"
#include "actors/kill/audit_content.hpp"
#include "actors/kill/halt_state.hpp"
#include "actors/kill/kill_coordinator_state.hpp"
#include "common/sender_guard.hpp"
#include "actors/supervisor/supervisor_actor.hpp"
#include "messages/registry.hpp"

namespace cwts::kill_detail {

void log_report(const kill_report& r) {
  for (auto& a : r.acks)
    spdlog::info("event=kill_ack id={} node={} applied={} verify_us={:.1f} gate_close_us={:.3f} "
                 "error=\"{}\"",
                 r.id.value, a.node.value, a.applied, a.verify_ns / 1e3, a.gate_close_ns / 1e3,
                 a.error);
  for (auto& c : r.channels)
    spdlog::info("event=kill_channel id={} node={} channel={} venue={} ok={} duration_ms={:.3f} "
                 "retries={} canceled={} open_after={} error=\"{}\"",
                 r.id.value, c.node.value, c.channel, c.venue.value, c.ok, c.duration_ns / 1e6,
                 c.retries,
                 c.orders_canceled, c.open_orders_after, c.error);
  spdlog::info("event=kill_report id={} complete={} total_ms={:.3f} error=\"{}\"", r.id.value,
               r.complete, r.total_ns / 1e6, r.error);
}

// `key` is the kill's kill_key (issuer and id).
void deliver_if_complete(kill_ptr self, const std::string& key, bool deadline_passed) {
  auto p = self->state.pending.find(key);
  if (p == self->state.pending.end())
    return;
  bool complete = self->state.core->is_complete(key, self->state.expected_peers[key]);
  if (!complete && !deadline_passed)
    return;
  self->state.expected_peers.erase(key);
  auto report = self->state.core->report(key);
  report.complete = complete;
  if (!complete)
    report.error = "deadline passed before every peer and channel reported";
  log_report(report);
  p->second.deliver(report);
  self->state.pending.erase(p);
}

// Sends a result to where it is collected: our core, and the origin if remote.
void record_channel(kill_ptr self, const kill_command& cmd, channel_result r) {
  // The actors that ran it know the id; the issuer makes the kill unique.
  r.issuer = cmd.issuer;
  auto which = r.channel + (r.venue.empty() ? "" : "." + r.venue.value);
  // A venue channel that left orders open failed too (it is retried); risk's
  // in-flight count is no failure of the freeze.
  if (!r.ok || (!r.venue.empty() && r.open_orders_after > 0))
    ++self->state.channel_outcomes["channel_failures." + which];
  if (r.retries > 0)
    ++self->state.channel_outcomes["channel_retries." + which];
  self->state.core->on_channel_result(r);
  audit_channel(self, r);
  // Every attempt, as it ends: a venue retried after the report went out is
  // seen here (the report logs the first result of each channel).
  spdlog::info("event=kill_channel_result id={} node={} channel={} venue={} ok={} "
               "duration_ms={:.3f} retries={} canceled={} open_after={} error=\"{}\"",
               cmd.id.value, r.node.value, r.channel, r.venue.value, r.ok, r.duration_ns / 1e6,
               r.retries, r.orders_canceled, r.open_orders_after, r.error);
  if (cmd.origin != self->state.cfg.core.self) {
    if (auto origin = role(self, peer_kill_prefix + cmd.origin.value))
      self->send(origin, r);
  }
  deliver_if_complete(self, kill_key(cmd), false);
}

void expect_channel_outcomes(kill_ptr self) {
  std::vector<std::string> channels{"audit", "risk_freeze", "oms", "flatten", "compliance"};
  for (auto& [venue, connector] : local_connectors(self)) {
    channels.push_back("venue_cancel_all." + venue.value);
    channels.push_back("venue_disconnect." + venue.value);
  }
  for (auto& c : channels)
    for (const char* kind : {"channel_failures.", "channel_retries."})
      self->state.channel_outcomes.try_emplace(kind + c, 0);
}

// `venue`: the venue channels' (cancel-all, disconnect) venue; empty for the others.
channel_result failed_channel(kill_ptr self, const kill_command& cmd, const std::string& channel,
                              int64_t started, const std::string& error,
                              const venue_name& venue) {
  channel_result r{cmd.id, self->state.cfg.core.self, channel, false,
                   monotonic_ns() - started, 0, 0, -1, error};
  r.venue = venue;
  return r;
}

// Level 4: the venue connections are cut (streams and polls stopped, orders
// refused) once nothing more has to reach the venues: after the flatten on
// the node that flattens (every connector of the cluster), after each venue
// channel where no node flattens (that venue's connector).
void run_disconnect_channel(kill_ptr self, const kill_command& cmd);

// Asks `actor` for one channel of `cmd` (`atom` names it), records the
// result or the failure under `name` (and `venue`, for a venue channel),
// then runs `after`. With `round_trip` the duration is the request's round
// trip rather than the actor's own.
template <class Atom, class After>
void run_channel(kill_ptr self, const kill_command& cmd, const caf::actor& actor, Atom atom,
                 const char* name, const venue_name& venue, bool round_trip, After after) {
  auto started = monotonic_ns();
  self->request(actor, self->state.cfg.channel_timeout, atom, cmd)
    .then(
      [=](channel_result r) {
        if (round_trip)
          r.duration_ns = monotonic_ns() - started;
        if (!venue.empty())
          r.venue = venue;
        record_channel(self, cmd, r);
        after();
      },
      [=](caf::error& err) {
        record_channel(self, cmd, failed_channel(self, cmd, name, started,
                                                 self->system().render(err), venue));
        after();
      });
}

// The coordinator listed for the node that hosts `h` (peer-kill/<node>).
caf::actor coordinator_of(kill_ptr self, const caf::actor& h) {
  for (auto& [name, handle] : self->state.dir)
    if (name.compare(0, peer_kill_prefix.size(), peer_kill_prefix) == 0 && handle
        && handle.node() == h.node())
      return handle;
  return {};
}

// A connector takes a disconnect only from its own node's actors
// (common/sender_guard.hpp): a connector on another node is asked through
// that node's kill coordinator, naming the venue, which acts only for a kill
// it verified and applied itself (on_peer_disconnect below). The answer is
// the connector's own measured result either way.
void run_venue_disconnect(kill_ptr self, const kill_command& cmd, const venue_name& venue,
                          const caf::actor& connector) {
  if (connector.node() == self->node()) {
    run_channel(self, cmd, connector, disconnect_atom::value, "venue_disconnect", venue, false,
                [] {});
    return;
  }
  auto peer = coordinator_of(self, connector);
  if (!peer) {
    record_channel(self, cmd,
                   failed_channel(self, cmd, "venue_disconnect", monotonic_ns(),
                                  "no kill coordinator listed for the connector's node", venue));
    return;
  }
  auto started = monotonic_ns();
  self
    ->request(peer, self->state.cfg.channel_timeout, peer_atom::value, disconnect_atom::value, cmd,
              venue.value)
    .then(
      [=](channel_result r) {
        r.venue = venue;
        record_channel(self, cmd, r);
      },
      [=](caf::error& err) {
        record_channel(self, cmd, failed_channel(self, cmd, "venue_disconnect", started,
                                                 self->system().render(err), venue));
      });
}

// Every connector of the cluster, one channel result per venue.
void run_disconnect_channel(kill_ptr self, const kill_command& cmd) {
  auto connectors = connectors_in(self->state.dir);
  if (connectors.empty()) {
    record_channel(self, cmd, failed_channel(self, cmd, "venue_disconnect", monotonic_ns(),
                                             "no connector in the cluster directory"));
    return;
  }
  for (auto& [venue, connector] : connectors)
    run_venue_disconnect(self, cmd, venue, connector);
}

// Who sends the level-4 disconnect: the node whose risk flattens (to every
// connector), or each connector's own node when no risk is in the cluster.
// Asked again when a channel ends: the directory may have changed since the
// kill's plan was made (kill_plan.hpp).
bool flattens_here(kill_ptr self, const kill_command& cmd) {
  return kill_plan::flattens_here(cmd.level, roles_now(self));
}
bool disconnects_after_venue(kill_ptr self, const kill_command& cmd) {
  return kill_plan::disconnects_after_venue(cmd.level, roles_now(self));
}

// A venue channel has not confirmed after its quick retries: the operator
// must know now (critical log, audit, `channels_escalated`); it keeps
// retrying in the background.
void escalate_channel(kill_ptr self, const kill_command& cmd, const channel_result& r) {
  ++self->state.channels_escalated;
  audit_record a("channel_escalated");
  a.add("node", self->state.cfg.core.self.value)
    .add("ts_ns", wall_clock_now().ns)
    .add("id", cmd.id.value)
    .add("channel", r.channel)
    .add("venue", r.venue.value)
    .add("attempts", r.retries + 1)
    .add("open_after", r.open_orders_after)
    .add("error", r.error);
  audit(self, a, true);
  spdlog::critical("event=kill_channel_escalated id={} channel={} venue={} attempts={} "
                   "open_after={} error=\"{}\" action=retry_every_{}_ms",
                   cmd.id.value, r.channel, r.venue.value, r.retries + 1, r.open_orders_after,
                   r.error, self->state.cfg.venue_channel_slow_retry.count());
}

// One venue channel per local connector, all started at once: each retries
// on its own until its venue confirms nothing is open, on the schedule of
// kill_plan::judge_venue_attempt: quick retries first (200, 400, 800 ms),
// then it is escalated and goes on at the slow interval while the gate
// stays closed at level 2 or more. A venue that fails or hangs delays no
// other: its retry timer is keyed by (kill, venue).
void run_venue_channel(kill_ptr self, const kill_command& cmd, const venue_name& venue,
                       caf::actor connector, int attempt) {
  auto started = monotonic_ns();
  auto after = [=](const channel_result& r) {
    auto v = kill_plan::judge_venue_attempt(
      kill_plan::venue_retry_policy{self->state.cfg.venue_channel_retries,
                                    self->state.cfg.venue_channel_slow_retry},
      attempt, r.ok, r.open_orders_after);
    if (v.escalate)
      escalate_channel(self, cmd, r);
    if (v.retry_in)
      self->delayed_send(self, *v.retry_in, retry_atom::value, cmd, attempt + 1, venue.value);
    // The level-4 disconnect of this venue waits for its venue channel's
    // verdict, not for the slow retries.
    if (v.verdict_reached && disconnects_after_venue(self, cmd))
      run_venue_disconnect(self, cmd, venue, connector);
  };
  self->request(connector, self->state.cfg.channel_timeout, cancel_all_atom::value, cmd)
    .then(
      [=](channel_result r) {
        r.retries = attempt;
        r.venue = venue;
        record_channel(self, cmd, r);
        after(r);
      },
      [=](caf::error& err) {
        auto r = failed_channel(self, cmd, "venue_cancel_all", started,
                                self->system().render(err), venue);
        r.retries = attempt;
        record_channel(self, cmd, r);
        after(r);
      });
}

// Risk confirms the halt: for a node or cluster kill its mode is HALTED
// (even an order that reached it before the gate closed is refused), and
// it answers with what it still has in flight.
void run_risk_freeze_channel(kill_ptr self, const kill_command& cmd, caf::actor risk) {
  run_channel(self, cmd, risk, freeze_atom::value, "risk_freeze", {}, true, [] {});
}

// Level 3+: risk sends market orders that shrink every position in scope
// and answers once they are flat (or after its last round).
void run_flatten_channel(kill_ptr self, const kill_command& cmd) {
  run_channel(self, cmd, local_role(self, "risk"), flatten_atom::value, "flatten", {}, false, [=] {
    if (kill_plan::disconnects_after_flatten(cmd.level))
      run_disconnect_channel(self, cmd);
  });
}

// The OMS marks the orders in scope pending_cancel first, so the flatten
// that follows is not undone by a resting order filling late.
void run_oms_channel(kill_ptr self, const kill_command& cmd, caf::actor oms) {
  run_channel(self, cmd, oms, cancel_all_atom::value, "oms", {}, false, [=] {
    if (flattens_here(self, cmd))
      run_flatten_channel(self, cmd);
  });
}

// The kill's compliance channel (docs/kill-switch.md "Compliance channel"):
// the notification is signed with this node's key and committed to the
// outbox; its time is the time to that commit. It runs before the halt
// state's persist and the ack: a crash between the two writes must never
// leave a node halted (a resent kill a duplicate) with no notification.
// Delivery is the outbox's thread's: a receiver down or hung delays no kill.
channel_result run_compliance_channel(kill_ptr self, const kill_command& cmd, const kill_ack& ack) {
  auto& st = self->state;
  auto started = monotonic_ns();
  auto fail = [&](const std::string& why) {
    return failed_channel(self, cmd, "compliance", started, why);
  };
  if (!st.cfg.compliance)
    return fail("compliance outbox not open: " + st.cfg.compliance_error);
  if (!st.cfg.node_key)
    return fail("no node key to sign the notification with");
  std::string kind = "operator";
  if (st.cfg.core.operators)
    for (auto& k : st.cfg.core.operators->keys())
      if (k.id == cmd.issuer && !k.node.empty())
        kind = "node";
  compliance::kill_notification n{cmd.id.value,
                                  static_cast<int>(cmd.level),
                                  to_string(cmd.level),
                                  to_string(cmd.scope),
                                  cmd.scope_value,
                                  cmd.issuer.value,
                                  kind,
                                  cmd.reason,
                                  cmd.origin.value,
                                  st.cfg.core.self.value,
                                  cmd.issued_at.ns,
                                  ack.accepted_at.ns,
                                  // The ack carries the wall clock at acceptance and the
                                  // measured time from there to the gate closed.
                                  ack.accepted_at.ns + ack.gate_close_ns,
                                  content_digest(signing_payload(cmd), cmd.signature)};
  auto body = compliance::notification_body(n);
  auto put = st.cfg.compliance->enqueue(compliance::idempotency_key(n), body,
                                        compliance::sign_body(*st.cfg.node_key, body),
                                        st.cfg.node_key_name);
  if (!put.ok)
    spdlog::error("event=compliance_enqueue_failed id={} error=\"{}\"", cmd.id.value, put.error);
  // A duplicate is this very content already in the outbox (a resend after
  // a restart): ok, and said so.
  auto note = put.ok && put.duplicate ? std::string("duplicate") : put.error;
  return channel_result{cmd.id, st.cfg.core.self, "compliance", put.ok,
                        monotonic_ns() - started, 0, 0, -1, note};
}

// compliance.*: the outbox's figures (docs/monitoring.md), only on a node
// with the channel.
void add_compliance_stats(kill_ptr self, actor_stats& s) {
  auto& c = s.counters;
  // An outbox that did not open shows at once (compliance.open=0, alert on
  // it), not only as the next kill's failed channel.
  if (self->state.cfg.compliance_configured)
    c["compliance.open"] = self->state.cfg.compliance ? 1 : 0;
  if (!self->state.cfg.compliance)
    return;
  auto o = self->state.cfg.compliance->stats();
  c["compliance.enqueued"] = o.enqueued;
  c["compliance.duplicates"] = o.duplicates;
  c["compliance.refused_full"] = o.refused_full;
  c["compliance.store_errors"] = o.store_errors;
  c["compliance.delivered"] = o.delivered;
  c["compliance.attempts"] = o.attempts;
  c["compliance.pending"] = o.pending;
  c["compliance.oldest_pending_age_ns"] = o.oldest_pending_age_ns;
  c["compliance.last_ack_latency_ns"] = o.last_ack_latency_ns;
  c["compliance.max_ack_latency_ns"] = o.max_ack_latency_ns;
  c["compliance.oversized_acks"] = o.oversized_acks;
  c["compliance.stale_connections"] = o.stale_connections;
  for (auto& [why, n] : o.failures)
    c["compliance.failures." + why] = n;
}

// Counted and logged once per kind (sender_guard), audited through the
// refusal sampler.
void refuse_report(kill_ptr self, const char* kind, const kill_id& id, const node_id& node,
                   const std::string& why) {
  self->state.guard.refuse(self, kind, why);
  audit_record r("report_refused");
  r.add("node", self->state.cfg.core.self.value)
    .add("ts_ns", wall_clock_now().ns)
    .add("kind", kind)
    .add("id", id.value)
    .add("claimed_node", node.value)
    .add("from_node", sender_node_name(self))
    .add("reason", why);
  audit_refusal(self, r, std::string(kind) + " refused: " + why);
}

// A peer coordinator asks us to cut our connector of venue `venue` for a
// level-4 kill (run_venue_disconnect on the node that flattened). Only a
// listed peer coordinator, only for a level-4 kill this node verified and
// applied itself: a forged or unknown kill cuts nothing.
caf::result<channel_result> on_peer_disconnect(kill_ptr self, const kill_command& cmd,
                                               const venue_name& venue) {
  auto sender = self->current_sender();
  bool listed = false;
  for (auto& p : peers(self))
    listed = listed || (sender && sender == caf::actor_cast<caf::strong_actor_ptr>(p));
  auto refuse = [&](const std::string& why) -> caf::result<channel_result> {
    refuse_report(self, "peer_disconnect", cmd.id, self->state.cfg.core.self, why);
    channel_result r{cmd.id, self->state.cfg.core.self, "venue_disconnect", false, 0, 0, 0,
                     -1, "refused: " + why};
    r.venue = venue;
    return r;
  };
  if (!listed)
    return refuse("sender is not a listed peer coordinator");
  if (cmd.level != kill_level::full_stop || !self->state.core->has_applied(cmd))
    return refuse("not a level-4 kill this node verified and applied");
  auto connectors = local_connectors(self);
  auto connector = connectors.find(venue);
  if (connector == connectors.end())
    return refuse("no connector of venue '" + venue.value + "' on this node");
  auto rp = self->make_response_promise<channel_result>();
  auto started = monotonic_ns();
  self->request(connector->second, self->state.cfg.channel_timeout, disconnect_atom::value, cmd)
    .then(
      [rp, venue](channel_result r) mutable {
        r.venue = venue;
        rp.deliver(std::move(r));
      },
      [=](caf::error& err) mutable {
        rp.deliver(failed_channel(self, cmd, "venue_disconnect", started,
                                  self->system().render(err), venue));
      });
  return rp;
}

// Metrics of the last kill (docs/monitoring.md): what each node measured and
// reported in its ack and channel results, exported as gauges.
void record_ack_metrics(kill_ptr self, const kill_ack& ack) {
  auto& m = self->state.last_kill;
  m["last.gate_close_ns." + ack.node.value] = ack.gate_close_ns;
  m["last.verify_ns." + ack.node.value] = ack.verify_ns;
  // Propagation: from this node accepting the kill to the node accepting it
  // (wall clocks; the nodes of a cluster share a host or NTP).
  if (self->state.last_kill_id == ack.id.value && self->state.last_kill_accepted_ns > 0)
    m["last.propagation_ns." + ack.node.value]
      = ack.accepted_at.ns - self->state.last_kill_accepted_ns;
}

// last.channel_ns.<node>.<channel>[.<venue>] (a venue channel per venue).
void record_channel_metrics(kill_ptr self, const channel_result& r) {
  self->state.last_kill["last.channel_ns." + r.node.value + "." + r.channel
                        + (r.venue.empty() ? "" : "." + r.venue.value)] = r.duration_ns;
}

} // namespace cwts::kill_detail
