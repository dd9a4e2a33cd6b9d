#include "actors/supervisor/supervisor_actor.hpp"

#include <spdlog/spdlog.h>

#include "actors/supervisor/lease_actor.hpp"
#include "actors/supervisor/supervisor_internal.hpp"
#include "common/metrics/measured_behavior.hpp"
#include "common/node_kill_request.hpp"

namespace cwts {

namespace supervisor_detail {

// Our own error category: the exit reasons a supervisor gives (escalated
// group, injected drill crash). Never sent to another process.
constexpr caf::atom_value supervisor_category = caf::atom("cwtssup");
constexpr uint8_t code_escalated = 1;
constexpr uint8_t code_drill_crash = 2;

constexpr auto node_kill_report_timeout = std::chrono::seconds(10);


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
        else if (role == "lease") // every member's grantor (lease_actor.hpp)
          dir[peer_lease_prefix + node] = handle;
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
  if (c.spec.role == "lease")
    lease_child_started(self, c); // a restarted lease actor gets the node's mode back
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
    st.peers.emplace(node, peer_node{peer_supervisor, roles, ++st.peer_listings});
    spdlog::info("event=peer_joined node={} roles={}", node, roles.size());
  } else if (i->second.supervisor != peer_supervisor) {
    self->demonitor(i->second.supervisor);
    self->monitor(peer_supervisor);
    i->second = peer_node{peer_supervisor, roles, ++st.peer_listings};
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
  add_failover_stats(self, s.counters);
  return s;
}

caf::behavior supervisor(supervisor_ptr self, supervisor_config cfg) {
  self->state.guard.install(self); // strays dropped and counted, never fatal
  auto& st = self->state;
  st.cfg = std::move(cfg);
  std::vector<bool> alone;
  for (auto& spec : st.cfg.children)
    alone.push_back(spec.alone);
  st.plan.emplace(st.cfg.strategy, st.cfg.limits, st.cfg.children.size(), std::move(alone));
  st.lease_hold = st.cfg.standby.active.empty(); // as the lease actor's config says
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
  if (standing_by)
    start_standby(self);
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
    [=](peer_atom, caf::get_atom, const std::string& node) {
      // Our peer link asks whether a peer that dials us (cluster_link.hpp)
      // has joined; nobody else learns our peers' handles this way.
      if (!self->state.guard.local(self, "peer_query"))
        return std::make_tuple(caf::actor{}, role_directory{}, uint64_t{0});
      auto i = self->state.peers.find(node);
      if (i == self->state.peers.end())
        return std::make_tuple(caf::actor{}, role_directory{}, uint64_t{0});
      return std::make_tuple(i->second.supervisor, i->second.roles, i->second.listing);
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
    [=](lease_atom, const lease_view& v) {
      if (self->state.guard.local(self, "lease"))
        on_lease_view(self, v);
    },
    [=](deadline_atom) { on_reconcile_poll(self); },
    [=](stats_atom) { return with_refusals(make_stats(self), self->state.guard); },
  });
}

} // namespace supervisor_detail

using namespace supervisor_detail;

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
