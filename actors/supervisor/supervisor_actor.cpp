#include "actors/supervisor/supervisor_actor.hpp"

#include <map>

#include <spdlog/spdlog.h>

#include "caf/all.hpp"

#include "common/metrics/measured_behavior.hpp"

#include "messages/registry.hpp"

namespace cwts {

namespace {

struct supervised_child {
  child_spec spec;
  caf::actor handle;
  restart_policy policy;
  bool escalated = false;
};

struct peer_node {
  caf::actor supervisor;
  role_directory roles;
};

struct supervisor_state {
  supervisor_config cfg;
  std::vector<supervised_child> children;
  std::map<std::string, peer_node> peers;
  int64_t announces_refused = 0;
  bool stopping = false;
  static inline const char* name = "supervisor";
};

using supervisor_ptr = caf::stateful_actor<supervisor_state>*;

role_directory local_directory(supervisor_ptr self) {
  role_directory dir;
  for (auto& c : self->state.children)
    if (c.handle)
      dir[c.spec.role] = c.handle;
  dir["supervisor"] = caf::actor_cast<caf::actor>(self);
  return dir;
}

// Local roles win; a peer's kill coordinator is listed under its node name so
// every coordinator can reach every peer.
role_directory merged_directory(supervisor_ptr self) {
  auto dir = local_directory(self);
  for (auto& [node, peer] : self->state.peers) {
    for (auto& [role, handle] : peer.roles) {
      if (role == "kill")
        dir[peer_kill_prefix + node] = handle;
      else if (role != "supervisor" && dir.count(role) == 0)
        dir[role] = handle;
    }
  }
  return dir;
}

void broadcast_wiring(supervisor_ptr self) {
  auto dir = merged_directory(self);
  for (auto& c : self->state.children)
    if (c.handle)
      self->send(c.handle, wire_atom::value, dir);
}

void start_child(supervisor_ptr self, supervised_child& c) {
  c.handle = c.spec.spawn(self->system());
  self->monitor(c.handle);
}

void on_child_down(supervisor_ptr self, supervised_child& c, const caf::error& reason) {
  auto why = self->system().render(reason);
  c.handle = nullptr;
  if (c.policy.on_failure(monotonic_ns()) == restart_decision::restart) {
    spdlog::warn("event=actor_restart role={} reason=\"{}\" restarts={}", c.spec.role, why,
                 c.policy.restarts());
    start_child(self, c);
    broadcast_wiring(self);
    return;
  }
  // The node cannot keep this role alive: stop trading here, loudly.
  c.escalated = true;
  if (self->state.cfg.gate)
    self->state.cfg.gate->close(static_cast<uint8_t>(kill_level::halt_new_orders));
  spdlog::critical("event=restart_intensity_exceeded role={} reason=\"{}\" action=node_halted",
                   c.spec.role, why);
  broadcast_wiring(self);
}

void on_down(supervisor_ptr self, const caf::down_msg& dm) {
  if (self->state.stopping)
    return;
  for (auto& c : self->state.children) {
    if (c.handle && c.handle.address() == dm.source) {
      on_child_down(self, c, dm.reason);
      return;
    }
  }
  for (auto i = self->state.peers.begin(); i != self->state.peers.end(); ++i) {
    if (i->second.supervisor.address() == dm.source) {
      spdlog::error("event=peer_down node={} reason=\"{}\"", i->first,
                    self->system().render(dm.reason));
      self->state.peers.erase(i);
      broadcast_wiring(self);
      return;
    }
  }
}

// A peer node, from our own join or from its announce (a node that joins us
// or re-joins after a restart; cluster_link.cpp). The entry for a node name
// is replaced: a restarted peer has a new supervisor and new roles, and the
// old entry's handles lead nowhere. The same supervisor again (both nodes
// joined each other) only refreshes its roles.
void on_peer(supervisor_ptr self, const std::string& node, const caf::actor& peer_supervisor,
             const role_directory& roles) {
  if (!peer_supervisor || node.empty() || node == self->state.cfg.self.value) {
    spdlog::warn("event=peer_refused node={} reason=\"{}\"", node,
                 !peer_supervisor ? "no supervisor handle"
                                  : node.empty() ? "no node name" : "our own node name");
    return;
  }
  auto i = self->state.peers.find(node);
  if (i == self->state.peers.end()) {
    self->monitor(peer_supervisor);
    self->state.peers.emplace(node, peer_node{peer_supervisor, roles});
    spdlog::info("event=peer_joined node={} roles={}", node, roles.size());
  } else if (i->second.supervisor != peer_supervisor) {
    self->demonitor(i->second.supervisor);
    self->monitor(peer_supervisor);
    i->second = peer_node{peer_supervisor, roles};
    spdlog::warn("event=peer_rejoined node={} roles={} action=replaced_stale_entry", node,
                 roles.size());
  } else {
    if (i->second.roles == roles)
      return; // nothing new: no rewiring
    i->second.roles = roles;
    spdlog::info("event=peer_roles_updated node={} roles={}", node, roles.size());
  }
  broadcast_wiring(self);
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

caf::behavior supervisor(supervisor_ptr self, supervisor_config cfg) {
  self->state.cfg = std::move(cfg);
  for (auto& spec : self->state.cfg.children)
    self->state.children.push_back(
      supervised_child{spec, nullptr, restart_policy{self->state.cfg.limits}, false});
  for (auto& c : self->state.children)
    start_child(self, c);
  broadcast_wiring(self);
  self->set_down_handler([=](caf::down_msg& dm) { on_down(self, dm); });
  self->set_exit_handler([=](caf::exit_msg& msg) {
    self->state.stopping = true;
    for (auto& c : self->state.children)
      if (c.handle)
        self->send_exit(c.handle, msg.reason);
    self->quit(msg.reason);
  });
  return metrics::measured(self, "supervisor", {
    [=](directory_atom) {
      return std::make_tuple(self->state.cfg.self.value, local_directory(self));
    },
    [=](peer_atom, const std::string& node, const caf::actor& peer_supervisor,
        const role_directory& roles) {
      // Unsigned: our own join (cluster_link) only. Another process must
      // sign who it is.
      auto sender = self->current_sender();
      if (sender && sender->node() != self->node())
        return refuse_announce(self, node, "unsigned announce from another process");
      on_peer(self, node, peer_supervisor, roles);
    },
    [=](peer_atom, const peer_announce& a, const caf::actor& peer_supervisor,
        const role_directory& roles) {
      if (auto why = check_announce(self, a, peer_supervisor); !why.empty())
        return refuse_announce(self, a.node.value, why);
      on_peer(self, a.node.value, peer_supervisor, roles);
    },
    [=](stats_atom) {
      actor_stats s{"supervisor", {}};
      for (auto& c : self->state.children) {
        s.counters["restarts." + c.spec.role] = static_cast<int64_t>(c.policy.restarts());
        s.counters["escalated." + c.spec.role] = c.escalated ? 1 : 0;
      }
      s.counters["peers"] = static_cast<int64_t>(self->state.peers.size());
      s.counters["announces_refused"] = self->state.announces_refused;
      return s;
    },
  });
}

} // namespace

caf::actor spawn_supervisor(caf::actor_system& sys, supervisor_config cfg) {
  return sys.spawn(supervisor, std::move(cfg));
}

} // namespace cwts
