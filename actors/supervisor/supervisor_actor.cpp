#include "actors/supervisor/supervisor_actor.hpp"

#include <deque>
#include <map>
#include <optional>

#include <spdlog/spdlog.h>

#include "caf/all.hpp"

#include "actors/supervisor/failover_tracker.hpp"
#include "common/metrics/measured_behavior.hpp"
#include "common/node_kill_request.hpp"
#include "common/sender_guard.hpp"

#include "messages/registry.hpp"

namespace cwts {

namespace {

// Our own error category: the exit reasons a supervisor gives (escalated
// group, injected drill crash). Never sent to another process.
constexpr caf::atom_value supervisor_category = caf::atom("cwtssup");
constexpr uint8_t code_escalated = 1;
constexpr uint8_t code_drill_crash = 2;

// How often a standby that took over asks its OMS whether it reconciled.
constexpr auto reconcile_poll = std::chrono::milliseconds(100);
constexpr auto node_kill_report_timeout = std::chrono::seconds(10);

struct supervised_child {
  child_spec spec;
  caf::actor handle;
  bool escalated = false; // given up on: not restarted
  bool held = false;      // not started: this node stands by for another
  bool stopping = false;  // stopped by rest-for-one, its down is awaited
};

// Children to start once every child being stopped is down (rest-for-one).
struct pending_start {
  std::vector<size_t> start;
  failure_class why = failure_class::other;
  std::string reason;
  size_t failed = 0;
};

struct peer_node {
  caf::actor supervisor;
  role_directory roles;
};

// Wall-clock times of the last takeover (logged as failover_* lines).
struct takeover_times {
  int64_t lost_wall_ns = 0;
  int64_t detected_wall_ns = 0;
  int64_t roles_up_wall_ns = 0;
  int64_t lost_mono_ns = 0;
  int64_t detected_mono_ns = 0;
  int64_t roles_up_mono_ns = 0;
  int64_t reconciled_ms = -1; // lost -> OMS running; -1: not yet
  int64_t takeover_ms = -1;   // lost -> roles up
  bool awaiting_reconcile = false;
  bool unexplained_logged = false;
  bool unexplained = false; // the OMS reported positions it cannot explain
};

struct supervisor_state {
  supervisor_config cfg;
  std::vector<supervised_child> children;
  std::optional<supervision_plan> plan;
  supervision_counters counters;
  std::deque<pending_start> pending;
  std::map<std::string, peer_node> peers;
  role_directory parent_dir; // a group: what its parent wired it with
  std::optional<failover_tracker> standby;
  takeover_times takeover;
  int64_t announces_refused = 0;
  int64_t drills_crashed = 0;
  int64_t drills_refused = 0;
  int64_t takeovers = 0;
  int64_t refusals = 0;
  int64_t demotions = 0;
  bool stopping = false;
  // Wiring, drill crashes and unsigned announces only from this node's own
  // actors (common/sender_guard.hpp; issue 17 finding 6).
  sender_guard guard{"supervisor"};
  static inline const char* name = "supervisor";
};

using supervisor_ptr = caf::stateful_actor<supervisor_state>*;

bool starts_with(const std::string& s, const std::string& p) {
  return s.compare(0, p.size(), p) == 0;
}

int64_t wall_ns() {
  return wall_clock_now().ns;
}

// The wall-clock time of a monotonic instant (for the log lines).
int64_t wall_of(int64_t mono_ns) {
  return wall_ns() - (monotonic_ns() - mono_ns);
}

double ms(int64_t ns) {
  return static_cast<double>(ns) / 1e6;
}

std::string describe(supervisor_ptr self, const caf::error& reason) {
  if (reason.category() == supervisor_category) {
    auto& ctx = reason.context();
    std::string text = ctx.match_elements<std::string>() ? ctx.get_as<std::string>(0) : "";
    return reason.code() == code_drill_crash ? text : "escalated: " + text;
  }
  return self->system().render(reason);
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (auto& s : v)
    out += (out.empty() ? "" : ",") + s;
  return out;
}

supervised_child* child_by_role(supervisor_ptr self, const std::string& role) {
  for (auto& c : self->state.children)
    if (c.spec.role == role)
      return &c;
  return nullptr;
}

role_directory local_directory(supervisor_ptr self) {
  auto& st = self->state;
  role_directory dir;
  for (auto& c : st.children)
    if (c.handle && !c.stopping)
      dir[c.spec.role] = c.handle;
  if (!st.cfg.group)
    dir["supervisor"] = caf::actor_cast<caf::actor>(self);
  if (st.standby && st.standby->took_over())
    dir[failover_for_prefix + st.standby->active()] = caf::actor_cast<caf::actor>(self);
  return dir;
}

bool took_over_for_someone(const role_directory& roles) {
  for (auto& [role, handle] : roles)
    if (starts_with(role, failover_for_prefix))
      return true;
  return false;
}

// Local roles win; a peer's kill coordinator is listed under its node name so
// every coordinator can reach every peer. A peer that took over another's
// roles is merged first: if the node it replaced is listed again with the
// same roles (it came back and has not given them back yet), the roles of
// the node that took over are the ones used.
role_directory merged_directory(supervisor_ptr self) {
  auto& st = self->state;
  auto dir = local_directory(self);
  for (auto& [role, handle] : st.parent_dir)
    if (dir.count(role) == 0)
      dir[role] = handle;
  for (int pass = 0; pass < 2; ++pass) {
    for (auto& [node, peer] : st.peers) {
      if (took_over_for_someone(peer.roles) != (pass == 0))
        continue;
      for (auto& [role, handle] : peer.roles) {
        if (role == "kill")
          dir[peer_kill_prefix + node] = handle;
        else if (role != "supervisor" && !starts_with(role, failover_for_prefix)
                 && dir.count(role) == 0)
          dir[role] = handle;
      }
    }
  }
  return dir;
}

void broadcast_wiring(supervisor_ptr self) {
  auto dir = merged_directory(self);
  for (auto& c : self->state.children)
    if (c.handle && !c.stopping)
      self->send(c.handle, wire_atom::value, dir);
}

// Our roles changed (a restart, a takeover, roles given back): every peer
// rewires, as on a join (signed as cluster_link signs our announces).
// `only`: that peer's supervisor alone (a peer that joined after our roles
// changed, and may hold what our join said about us before).
void announce_to_peers(supervisor_ptr self, const caf::actor& only = {}) {
  auto& st = self->state;
  if (st.cfg.group || !st.cfg.signer.key || st.peers.empty())
    return;
  peer_announce a{st.cfg.self, wall_clock_now(), {}};
  a.signature = st.cfg.signer.key->sign(signing_payload(a));
  auto dir = local_directory(self);
  for (auto& [node, peer] : st.peers)
    if (!only || peer.supervisor == only)
      self->send(peer.supervisor, peer_atom::value, a, caf::actor_cast<caf::actor>(self), dir);
}

void roles_changed(supervisor_ptr self) {
  broadcast_wiring(self);
  announce_to_peers(self);
}

void start_child(supervisor_ptr self, supervised_child& c) {
  c.handle = c.spec.spawn(self->system());
  c.stopping = false;
  self->monitor(c.handle);
}

// A child the supervisor stops itself: its down is not a failure.
void stop_child(supervisor_ptr self, supervised_child& c, const caf::error& reason) {
  if (!c.handle || c.stopping)
    return;
  c.stopping = true;
  self->send_exit(c.handle, reason);
}

void run_pending(supervisor_ptr self) {
  auto& st = self->state;
  for (auto& c : st.children)
    if (c.stopping)
      return; // rest-for-one: not before every stopped sibling is down
  bool any = false;
  while (!st.pending.empty()) {
    auto p = std::move(st.pending.front());
    st.pending.pop_front();
    const auto& failed_role = st.children[p.failed].spec.role;
    for (auto j : p.start) {
      auto& c = st.children[j];
      if (c.handle || c.held || c.escalated)
        continue;
      start_child(self, c);
      st.counters.restarted(c.spec.role, p.why);
      any = true;
      spdlog::warn("event=actor_restart role={} reason_class={} reason=\"{}\" restarts={} "
                   "strategy={} failed={}",
                   c.spec.role, to_string(p.why), p.reason, st.counters.restarts(c.spec.role),
                   to_string(st.cfg.strategy), failed_role);
    }
  }
  if (any)
    roles_changed(self);
}

// A group quits for its parent to decide; the node supervisor halts the
// node: gate closed now, then a level-2 kill signed with the node key
// through the node's kill coordinator (cancel-all, peers told, audited).
void escalate(supervisor_ptr self, supervised_child& c, failure_class why_class,
              const std::string& why) {
  auto& st = self->state;
  c.escalated = true;
  st.counters.escalated(c.spec.role);
  auto limits = "more than " + std::to_string(st.cfg.limits.max_restarts) + " failures in "
                + std::to_string(st.cfg.limits.window_ns / 1'000'000) + " ms";
  if (st.cfg.group) {
    spdlog::error("event=restart_intensity_exceeded group={} role={} reason_class={} reason=\"{}\" "
                  "limit=\"{}\" action=escalate_to_parent",
                  st.cfg.name, c.spec.role, to_string(why_class), why, limits);
    st.stopping = true;
    for (auto i = st.children.size(); i-- > 0;)
      if (st.children[i].handle)
        self->send_exit(st.children[i].handle, caf::exit_reason::user_shutdown);
    self->quit(supervisor_escalated(st.cfg.name + ": role " + c.spec.role + " " + limits + " ("
                                    + why + ")"));
    return;
  }
  if (st.cfg.gate)
    st.cfg.gate->close(static_cast<uint8_t>(kill_level::halt_new_orders));
  spdlog::critical("event=restart_intensity_exceeded role={} reason_class={} reason=\"{}\" "
                   "limit=\"{}\" action=node_halted",
                   c.spec.role, to_string(why_class), why, limits);
  // Rewired first: the coordinator takes the kill with a directory that no
  // longer lists the dead role (its channels skip it instead of failing).
  roles_changed(self);
  if (st.cfg.signer.key) {
    auto cmd = make_node_kill(st.cfg.signer, kill_level::cancel_all, "supervisor",
                              "restart_intensity",
                              "role " + c.spec.role + " " + limits + ": " + why);
    auto* kill = child_by_role(self, "kill");
    request_node_kill(self, kill && !kill->stopping ? kill->handle : caf::actor{}, cmd,
                      "supervisor", node_kill_report_timeout);
  } else {
    spdlog::error("event=node_kill_unsent source=supervisor reason=\"no node key to sign it\"");
  }
}

void on_child_down(supervisor_ptr self, size_t i, const caf::error& reason) {
  auto& st = self->state;
  auto& c = st.children[i];
  c.handle = nullptr;
  if (c.stopping) {
    c.stopping = false;
    run_pending(self);
    return;
  }
  auto why_class = classify_exit(reason);
  auto why = describe(self, reason);
  auto plan = st.plan->on_failure(i, monotonic_ns());
  if (plan.escalate)
    return escalate(self, c, why_class, why);
  for (auto j : plan.stop) {
    auto& s = st.children[j];
    if (!s.handle || s.stopping)
      continue;
    spdlog::warn("event=actor_stopped role={} strategy={} failed={}", s.spec.role,
                 to_string(st.cfg.strategy), c.spec.role);
    stop_child(self, s, caf::exit_reason::user_shutdown);
  }
  st.pending.push_back(pending_start{plan.start, why_class, why, i});
  run_pending(self);
}

// --- failover (failover_tracker.hpp) ---------------------------------------

void schedule_failover_check(supervisor_ptr self) {
  auto& sb = self->state.standby;
  if (!sb || sb->deadline_ns() == 0)
    return;
  auto wait = std::max<int64_t>(sb->deadline_ns() - monotonic_ns(), 0) + 1'000'000;
  self->delayed_send(self, std::chrono::nanoseconds(wait), tick_atom::value);
}

std::vector<std::string> held_roles(supervisor_ptr self) {
  std::vector<std::string> out;
  for (auto& c : self->state.children)
    if (c.held)
      out.push_back(c.spec.role);
  return out;
}

void poll_reconciled(supervisor_ptr self) {
  self->delayed_send(self, reconcile_poll, deadline_atom::value);
}

void take_over(supervisor_ptr self) {
  auto& st = self->state;
  auto& t = st.takeover;
  auto now = monotonic_ns();
  t = takeover_times{};
  t.lost_mono_ns = st.standby->lost_at_ns() != 0 ? st.standby->lost_at_ns() : now;
  t.lost_wall_ns = wall_of(t.lost_mono_ns);
  t.detected_mono_ns = now;
  t.detected_wall_ns = wall_ns();
  spdlog::warn("event=failover_detected node={} active={} lost_at_ns={} detected_at_ns={} "
               "waited_ms={:.1f} failover_after_ms={}",
               st.cfg.self.value, st.standby->active(), t.lost_wall_ns, t.detected_wall_ns,
               ms(now - t.lost_mono_ns), st.standby->failover_after_ns() / 1'000'000);
  auto roles = held_roles(self);
  for (auto& c : st.children) {
    if (!c.held)
      continue;
    c.held = false;
    c.escalated = false;
    st.counters.cleared(c.spec.role);
    start_child(self, c);
  }
  st.standby->taken_over(monotonic_ns());
  ++st.takeovers;
  roles_changed(self);
  t.roles_up_mono_ns = monotonic_ns();
  t.roles_up_wall_ns = wall_ns();
  t.takeover_ms = (t.roles_up_mono_ns - t.lost_mono_ns) / 1'000'000;
  spdlog::warn("event=failover_roles_up node={} active={} roles={} roles_up_at_ns={} "
               "since_lost_ms={:.1f}",
               st.cfg.self.value, st.standby->active(), joined(roles), t.roles_up_wall_ns,
               ms(t.roles_up_mono_ns - t.lost_mono_ns));
  if (child_by_role(self, "oms")) {
    // The OMS reconciles with the venue before its first order (existing
    // path, docs/reconciliation.md); we only watch for it to say so.
    t.awaiting_reconcile = true;
    poll_reconciled(self);
  }
}

void on_failover_check(supervisor_ptr self) {
  auto& st = self->state;
  if (!st.standby)
    return;
  bool listed = st.peers.count(st.standby->active()) > 0;
  uint8_t level = st.cfg.gate ? st.cfg.gate->level() : 0;
  std::string why;
  switch (st.standby->check(monotonic_ns(), listed, level, why)) {
    case failover_verdict::take_over:
      take_over(self);
      return;
    case failover_verdict::refuse:
      ++st.refusals;
      spdlog::error("event=failover_refused node={} active={} lost_at_ns={} roles={} reason=\"{}\" "
                    "action={}",
                    st.cfg.self.value, st.standby->active(),
                    st.standby->lost_at_ns() ? wall_of(st.standby->lost_at_ns()) : 0,
                    joined(held_roles(self)), why, level > 0 ? "stay_halted" : "keep_waiting");
      break;
    case failover_verdict::wait:
      break;
  }
  schedule_failover_check(self);
}

// The OMS said it is reconciled: the takeover is done. The log line's
// `adopted` count is read from the OMS's stats afterwards, for operators
// only: the decision was made on the typed answer.
void on_oms_reconciled(supervisor_ptr self, const caf::actor& oms) {
  auto& st = self->state;
  auto& t = st.takeover;
  auto now = monotonic_ns();
  t.awaiting_reconcile = false;
  t.unexplained = false;
  t.reconciled_ms = (now - t.lost_mono_ns) / 1'000'000;
  auto log = [self, t, now, at = wall_ns()](int64_t adopted) {
    auto& st = self->state;
    spdlog::warn("event=failover_reconciled node={} active={} lost_at_ns={} "
                 "detected_at_ns={} roles_up_at_ns={} reconciled_at_ns={} "
                 "detect_ms={:.1f} roles_up_ms={:.1f} reconciled_ms={:.1f} "
                 "adopted={} action=trading",
                 st.cfg.self.value, st.standby ? st.standby->active() : "", t.lost_wall_ns,
                 t.detected_wall_ns, t.roles_up_wall_ns, at,
                 ms(t.detected_mono_ns - t.lost_mono_ns), ms(t.roles_up_mono_ns - t.lost_mono_ns),
                 ms(now - t.lost_mono_ns), adopted);
  };
  self->request(oms, std::chrono::seconds(2), stats_atom::value)
    .then(
      [log](const actor_stats& s) {
        auto i = s.counters.find("reconcile.adopted");
        log(i == s.counters.end() ? -1 : i->second);
      },
      [log](caf::error&) { log(-1); });
}

// After a takeover: asks the OMS, typed (precond_atom -> reset_precondition,
// not its reconcile.* counters: issue 17 finding 11), whether it reconciled
// with the venue; until it has, polls again, and says once when its positions
// are unexplained (only an operator ends that).
void on_reconcile_poll(supervisor_ptr self) {
  auto& st = self->state;
  if (!st.takeover.awaiting_reconcile)
    return;
  auto* oms = child_by_role(self, "oms");
  if (!oms || !oms->handle) {
    poll_reconciled(self);
    return;
  }
  auto handle = oms->handle;
  self->request(handle, std::chrono::seconds(2), precond_atom::value)
    .then(
      [self, handle](const reset_precondition& p) {
        auto& st = self->state;
        auto& t = st.takeover;
        if (!t.awaiting_reconcile)
          return;
        if (p.reconciled)
          return on_oms_reconciled(self, handle);
        t.unexplained = p.unexplained;
        if (t.unexplained && !t.unexplained_logged) {
          t.unexplained_logged = true;
          spdlog::error("event=failover_halted node={} active={} reason=\"the OMS did not "
                        "reconcile with the venue: positions unexplained, orders refused until "
                        "an operator runs cwts accept-positions\" detail=\"{}\" action=stay_halted",
                        st.cfg.self.value, st.standby ? st.standby->active() : "", p.detail);
        }
        poll_reconciled(self);
      },
      [self](caf::error&) { poll_reconciled(self); });
}

// A peer lists "failover-for/<us>": it took our roles over while we were
// gone. We give them back (stop them, last started first) and stand by for
// it, so the two never trade side by side.
void give_roles_back(supervisor_ptr self, const std::string& new_active) {
  auto& st = self->state;
  if (st.cfg.group)
    return;
  if (st.standby && !st.standby->took_over() && st.standby->active() == new_active)
    return; // already standing by for it
  std::vector<std::string> stopped;
  for (auto i = st.children.size(); i-- > 0;) {
    auto& c = st.children[i];
    if (!st.cfg.held_roles.count(c.spec.role) || c.held)
      continue;
    c.held = true;
    if (c.handle) {
      stopped.push_back(c.spec.role);
      stop_child(self, c, caf::exit_reason::user_shutdown);
    }
  }
  if (!st.standby)
    st.standby.emplace(new_active,
                       std::chrono::nanoseconds(st.cfg.standby.failover_after).count(), 0,
                       monotonic_ns());
  st.standby->stand_by_for(new_active);
  st.takeover.awaiting_reconcile = false;
  ++st.demotions;
  spdlog::error("event=failover_demoted node={} new_active={} roles_stopped={} "
                "reason=\"{} took over this node's roles while it was gone\" action=standby",
                st.cfg.self.value, new_active, joined(stopped), new_active);
  roles_changed(self);
}

// --- peers ------------------------------------------------------------------

void on_down(supervisor_ptr self, const caf::down_msg& dm) {
  auto& st = self->state;
  if (st.stopping)
    return;
  for (size_t i = 0; i < st.children.size(); ++i) {
    auto& c = st.children[i];
    if (c.handle && c.handle.address() == dm.source) {
      on_child_down(self, i, dm.reason);
      return;
    }
  }
  for (auto i = st.peers.begin(); i != st.peers.end(); ++i) {
    if (i->second.supervisor.address() == dm.source) {
      auto node = i->first;
      spdlog::error("event=peer_down node={} reason=\"{}\"", node, self->system().render(dm.reason));
      st.peers.erase(i);
      broadcast_wiring(self);
      if (st.standby && node == st.standby->active() && !st.standby->took_over()) {
        st.standby->active_down(monotonic_ns());
        spdlog::warn("event=failover_active_lost node={} active={} lost_at_ns={} "
                     "failover_after_ms={} action=take_over_unless_back",
                     st.cfg.self.value, node, wall_ns(),
                     st.standby->failover_after_ns() / 1'000'000);
        schedule_failover_check(self);
      }
      return;
    }
  }
}

// A peer node, from our own join or from its announce (a node that joins us
// or re-joins after a restart; cluster_link.cpp). The entry for a node name
// is replaced: a restarted peer has a new supervisor and new roles, and the
// old entry's handles lead nowhere. The same supervisor again (both nodes
// joined each other, or its roles changed) only refreshes its roles.
void on_peer(supervisor_ptr self, const std::string& node, const caf::actor& peer_supervisor,
             const role_directory& roles) {
  auto& st = self->state;
  if (!peer_supervisor || node.empty() || node == st.cfg.self.value) {
    spdlog::warn("event=peer_refused node={} reason=\"{}\"", node,
                 !peer_supervisor ? "no supervisor handle"
                                  : node.empty() ? "no node name" : "our own node name");
    return;
  }
  auto i = st.peers.find(node);
  bool fresh = true;
  if (i == st.peers.end()) {
    self->monitor(peer_supervisor);
    st.peers.emplace(node, peer_node{peer_supervisor, roles});
    spdlog::info("event=peer_joined node={} roles={}", node, roles.size());
  } else if (i->second.supervisor != peer_supervisor) {
    self->demonitor(i->second.supervisor);
    self->monitor(peer_supervisor);
    i->second = peer_node{peer_supervisor, roles};
    spdlog::warn("event=peer_rejoined node={} roles={} action=replaced_stale_entry", node,
                 roles.size());
  } else {
    fresh = false;
    if (i->second.roles == roles)
      return; // nothing new: no rewiring
    i->second.roles = roles;
    spdlog::info("event=peer_roles_updated node={} roles={}", node, roles.size());
  }
  if (st.standby && node == st.standby->active() && !st.standby->took_over()) {
    if (st.standby->lost_at_ns() != 0)
      spdlog::warn("event=failover_active_back node={} active={} action=keep_standing_by",
                   st.cfg.self.value, node);
    else if (st.standby->deadline_ns() != 0)
      spdlog::info("event=failover_active_seen node={} active={} action=stand_by",
                   st.cfg.self.value, node);
    st.standby->active_up();
  }
  broadcast_wiring(self);
  if (roles.count(failover_for_prefix + st.cfg.self.value))
    give_roles_back(self, node);
  else if (fresh && (st.demotions > 0 || st.takeovers > 0))
    announce_to_peers(self, peer_supervisor); // our join told it our roles at start
}

void refuse_announce(supervisor_ptr self, const std::string& node, const std::string& why) {
  ++self->state.announces_refused;
  spdlog::warn("event=peer_announce_refused node={} reason=\"{}\"", node, why);
}

// Empty when `a` may (re)register `peer_supervisor` as node `a.node`.
std::string check_announce(supervisor_ptr self, const peer_announce& a,
                           const caf::actor& peer_supervisor) {
  auto* registry = self->state.cfg.operators.get();
  if (!registry)
    return "no operators file: a peer's announce cannot be verified";
  // Membership is configuration (issue 17 finding 2): a node key of a node
  // outside [cluster] members does not make its holder a peer.
  if (auto why = membership_refusal(self->state.cfg.members.get(), a.node.value); !why.empty())
    return why;
  auto* key = registry->node_key(a.node.value);
  if (!key)
    return "no node key listed for node " + a.node.value;
  if (a.signature.size() != 64 || !ed25519_verify(key->public_key, signing_payload(a), a.signature))
    return "announce of '" + a.node.value + "' not signed by the key listed for that node";
  auto age_ns = wall_clock_now().ns - a.issued_at.ns;
  auto window_ns = std::chrono::nanoseconds(registry->window()).count();
  if (age_ns > window_ns || -age_ns > window_ns)
    return "announce issued " + std::to_string(age_ns / 1'000'000) + " ms from now, outside the +/-"
           + std::to_string(registry->window().count()) + " s window";
  // A replayed announce could only name the supervisor of the process that
  // sends it: the one in the signed node's own process.
  auto sender = self->current_sender();
  if (!peer_supervisor || !sender || sender->node() != peer_supervisor.node())
    return "the announced supervisor is not in the sender's process";
  return "";
}

// (crash_atom, role): empty when the child was told to crash, else why not.
std::string drill_crash(supervisor_ptr self, const std::string& role) {
  auto& st = self->state;
  auto refuse = [&](std::string why) {
    ++st.drills_refused;
    spdlog::warn("event=drill_crash_refused node={} role={} reason=\"{}\"", st.cfg.self.value, role,
                 why);
    return why;
  };
  if (!st.cfg.drills_enabled)
    return refuse("drills are disabled on node " + st.cfg.self.value + " ([drill] enabled=false)");
  auto* c = child_by_role(self, role);
  if (!c) {
    std::vector<std::string> roles;
    for (auto& k : st.children)
      roles.push_back(k.spec.role);
    return refuse("unknown role '" + role + "' (roles on node " + st.cfg.self.value + ": "
                  + joined(roles) + ")");
  }
  if (!c->handle || c->stopping)
    return refuse("role '" + role + "' is not running on node " + st.cfg.self.value
                  + (c->held ? " (held: this node stands by)"
                             : c->escalated ? " (given up on: restart intensity exceeded)"
                                            : " (being restarted)"));
  ++st.drills_crashed;
  spdlog::warn("event=drill_crash node={} role={} action=exit_with_error", st.cfg.self.value, role);
  self->send_exit(c->handle, drill_crash_reason(role));
  return "";
}

actor_stats make_stats(supervisor_ptr self) {
  auto& st = self->state;
  actor_stats s{st.cfg.name, {}};
  std::vector<std::string> roles;
  for (auto& c : st.children)
    roles.push_back(c.spec.role);
  st.counters.add_to(s.counters, roles);
  for (auto& c : st.children)
    if (c.held)
      s.counters["held." + c.spec.role] = 1;
  s.counters["strategy_rest_for_one"] = st.cfg.strategy == restart_strategy::rest_for_one ? 1 : 0;
  s.counters["drills.crashed"] = st.drills_crashed;
  s.counters["drills.refused"] = st.drills_refused;
  if (!st.cfg.group) {
    s.counters["peers"] = static_cast<int64_t>(st.peers.size());
    s.counters["announces_refused"] = st.announces_refused;
  }
  if (st.standby) {
    s.counters["failover.standby"] = st.standby->took_over() ? 0 : 1;
    s.counters["failover.active"] = st.standby->took_over() ? 1 : 0;
    s.counters["failover.takeovers"] = st.takeovers;
    s.counters["failover.refusals"] = st.refusals;
    s.counters["failover.demotions"] = st.demotions;
    s.counters["failover.takeover_ms"] = st.takeover.takeover_ms;
    s.counters["failover.reconciled_ms"] = st.takeover.reconciled_ms;
    s.counters["failover.reconcile_failed"] = st.takeover.unexplained ? 1 : 0;
  }
  return s;
}

caf::behavior supervisor(supervisor_ptr self, supervisor_config cfg) {
  self->state.guard.install(self); // strays dropped and counted, never fatal
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.plan.emplace(st.cfg.strategy, st.cfg.limits, st.cfg.children.size());
  bool standing_by = !st.cfg.group && !st.cfg.standby.active.empty();
  for (auto& spec : st.cfg.children) {
    supervised_child c;
    c.spec = spec;
    c.held = standing_by && st.cfg.held_roles.count(spec.role) > 0;
    st.children.push_back(std::move(c));
  }
  for (auto& c : st.children)
    if (!c.held)
      start_child(self, c);
  if (standing_by) {
    st.standby.emplace(st.cfg.standby.active,
                       std::chrono::nanoseconds(st.cfg.standby.failover_after).count(),
                       std::chrono::nanoseconds(st.cfg.standby.start_grace).count(), monotonic_ns());
    spdlog::warn("event=failover_standby node={} active={} held_roles={} failover_after_ms={} "
                 "first_check_after_ms={}",
                 st.cfg.self.value, st.cfg.standby.active, joined(held_roles(self)),
                 st.cfg.standby.failover_after.count(),
                 (st.standby->deadline_ns() - monotonic_ns()) / 1'000'000);
    schedule_failover_check(self);
  }
  broadcast_wiring(self);
  self->set_down_handler([=](caf::down_msg& dm) { on_down(self, dm); });
  self->set_exit_handler([=](caf::exit_msg& msg) {
    self->state.stopping = true;
    for (auto i = self->state.children.size(); i-- > 0;)
      if (self->state.children[i].handle)
        self->send_exit(self->state.children[i].handle, msg.reason);
    self->quit(msg.reason);
  });
  return metrics::measured(self, st.cfg.name, {
    [=](directory_atom) {
      return std::make_tuple(self->state.cfg.self.value, local_directory(self));
    },
    [=](peer_atom, const std::string& node, const caf::actor& peer_supervisor,
        const role_directory& roles) {
      // Unsigned: our own join (cluster_link) only. Another process must
      // sign who it is; a message without a sender may come from anyone.
      if (!self->state.guard.local(self, "unsigned_announce"))
        return refuse_announce(self, node, self->current_sender()
                                             ? "unsigned announce from another process"
                                             : "unsigned announce without a sender");
      // What a peer we dialed calls itself must be a member too.
      if (auto why = membership_refusal(self->state.cfg.members.get(), node); !why.empty())
        return refuse_announce(self, node, why);
      on_peer(self, node, peer_supervisor, roles);
    },
    [=](peer_atom, const peer_announce& a, const caf::actor& peer_supervisor,
        const role_directory& roles) {
      if (auto why = check_announce(self, a, peer_supervisor); !why.empty())
        return refuse_announce(self, a.node.value, why);
      on_peer(self, a.node.value, peer_supervisor, roles);
    },
    [=](wire_atom, const role_directory& dir) {
      if (!self->state.guard.local(self, "wire"))
        return;
      self->state.parent_dir = dir;
      broadcast_wiring(self);
    },
    [=](crash_atom, const std::string& role) -> std::string {
      // Drills come from the admin port of this node (its own process).
      if (!self->state.guard.local(self, "crash"))
        return "refused: drill crashes are accepted only from this node's own process";
      return drill_crash(self, role);
    },
    [=](tick_atom) { on_failover_check(self); },
    [=](deadline_atom) { on_reconcile_poll(self); },
    [=](stats_atom) { return with_refusals(make_stats(self), self->state.guard); },
  });
}

} // namespace

caf::error supervisor_escalated(const std::string& why) {
  return caf::error(code_escalated, supervisor_category, caf::make_message(why));
}

caf::error drill_crash_reason(const std::string& role) {
  return caf::error(code_drill_crash, supervisor_category,
                    caf::make_message("injected drill crash of role " + role));
}

failure_class classify_exit(const caf::error& reason) {
  if (!reason)
    return failure_class::exit;
  if (reason.category() == supervisor_category)
    return reason.code() == code_drill_crash ? failure_class::drill_crash : failure_class::escalated;
  if (reason.category() == caf::make_error(caf::exit_reason::kill).category()) {
    switch (static_cast<caf::exit_reason>(reason.code())) {
      case caf::exit_reason::normal:
      case caf::exit_reason::user_shutdown: return failure_class::exit;
      case caf::exit_reason::unhandled_exception: return failure_class::exception;
      case caf::exit_reason::kill: return failure_class::killed;
      default: return failure_class::error;
    }
  }
  if (reason.category() == caf::make_error(caf::sec::runtime_error).category())
    return failure_class::error;
  return failure_class::other;
}

caf::actor spawn_supervisor(caf::actor_system& sys, supervisor_config cfg) {
  return sys.spawn(supervisor, std::move(cfg));
}

} // namespace cwts
