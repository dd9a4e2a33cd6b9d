#include "actors/supervisor/lease_actor.hpp"

#include <map>
#include <optional>

#include <spdlog/spdlog.h>

#include "caf/all.hpp"

#include "actors/supervisor/lease_auth.hpp"
#include "actors/supervisor/lease_session.hpp"
#include "actors/supervisor/lease_store.hpp"
#include "common/metrics/measured_behavior.hpp"
#include "common/sender_guard.hpp"
#include "messages/registry.hpp"

namespace cwts {

namespace {

struct lease_state {
  lease_actor_config cfg;
  std::optional<lease_grantor> grantor;
  std::optional<lease_session> session;
  std::optional<lease_auth> auth;
  lease_epochs promised;     // as in the store
  std::string store_broken;  // non-empty: the store was unreadable at start, grant nothing (why)
  std::string store_failing; // non-empty: the last save failed (why); the next new epoch retries
  // The signed grants of this node's recent rounds, per role (own roles
  // only) and round (the last lease_holder::kept_rounds): a majority of one
  // round is the certificate sent in the notice when the lease is acquired.
  std::map<std::string, std::map<uint64_t, std::vector<lease_reply>>> grants_kept;
  std::map<std::string, lease_notice> last_notice; // per own role, resent to new peers
  std::map<std::string, caf::actor> peers; // node -> its lease actor
  std::set<std::string> roles; // every lease role of the cluster
  size_t members_count = 0;
  caf::actor supervisor;
  lease_refusal_log refused;
  std::map<std::string, int64_t> counters;
  std::set<std::string> grant_logged; // "<role>@<epoch>": one lease_granted line per epoch
  sender_guard guard{"lease"};
  static inline const char* name = "lease";
};

using lease_ptr = caf::stateful_actor<lease_state>*;

int64_t now_mono() {
  return lease_clock_ns();
}

int64_t now_wall() {
  return wall_clock_now().ns;
}

// The wall-clock time of a monotonic instant (log lines: operators and
// tests compare them across nodes of one host).
int64_t wall_of(int64_t mono_ns) {
  return now_wall() - (now_mono() - mono_ns);
}

std::vector<uint8_t> sign(lease_ptr self, const std::string& payload) {
  auto& key = self->state.cfg.signer.key;
  return key ? key->sign(payload) : std::vector<uint8_t>{};
}

// Counted by kind, logged once per kind and peer.
void refuse(lease_ptr self, const std::string& what, const std::string& peer,
            const lease_refusal& r) {
  if (self->state.refused.add(r, peer))
    spdlog::warn("event=lease_message_refused node={} message={} peer={} kind={} reason=\"{}\"",
                 self->state.cfg.self.value, what, peer, r.kind, r.detail);
}

// The sender is in `node`'s own process (a replayed message could only come
// from another): ours, or the process of that node's listed lease actor.
lease_refusal sender_check(lease_ptr self, const std::string& node) {
  auto sender = self->current_sender();
  if (!sender)
    return {"no_sender", "a lease message without a sender"};
  if (node == self->state.cfg.self.value)
    return sender->node() == self->node()
             ? lease_refusal{}
             : lease_refusal{"wrong_process", "names this node but comes from another process"};
  auto it = self->state.peers.find(node);
  if (it == self->state.peers.end() || !it->second)
    return {"unknown_peer", "no lease actor of node " + node + " in the directory yet"};
  if (sender->node() != it->second.node())
    return {"wrong_process", "not sent from node " + node + "'s own process"};
  return {};
}

// The grantor's side of one request (ours included). A new epoch is made
// durable (with its holder) before the grant exists, in memory or on the
// wire: a failed save refuses it and leaves nothing running.
lease_reply grant(lease_ptr self, const lease_request& r) {
  auto& st = self->state;
  auto now = now_mono();
  lease_answer a;
  if (!st.store_broken.empty()) {
    a.reason = "this member cannot keep its promised epochs: " + st.store_broken;
    a.unsure = true;
  } else if (r.probe) {
    a = st.grantor->on_probe(r.role, now);
  } else {
    auto before = st.grantor->promised_epoch(r.role);
    a = st.grantor->judge(r.role, r.candidate.value, r.epoch, now);
    if (a.granted && a.epoch > before) {
      auto next = st.promised;
      next[r.role] = promised_lease{a.epoch, r.candidate.value};
      std::string error;
      if (!save_lease_epochs(st.cfg.settings.state_path, next, error)) {
        ++st.counters["store_failures"];
        if (error != st.store_failing)
          spdlog::critical("event=lease_store_failed node={} path={} error=\"{}\" "
                           "action=refuse_new_epochs",
                           st.cfg.self.value, st.cfg.settings.state_path, error);
        st.store_failing = error;
        a.granted = false;
        a.running = false;
        a.holder = st.grantor->promised_holder(r.role);
        a.epoch = before;
        a.reason = "this member cannot store a new epoch: " + error;
      } else {
        if (!st.store_failing.empty())
          spdlog::warn("event=lease_store_recovered node={} path={}", st.cfg.self.value,
                       st.cfg.settings.state_path);
        st.store_failing.clear();
        st.promised = std::move(next);
      }
    }
    if (a.granted) {
      st.grantor->commit(r.role, r.candidate.value, r.epoch, now);
      ++st.counters[a.epoch > before ? "grants" : "grants_renewed"];
      auto key = r.role + "@" + std::to_string(a.epoch);
      if (a.epoch > before && st.grant_logged.insert(key).second) {
        if (st.grant_logged.size() > 64)
          st.grant_logged.erase(st.grant_logged.begin());
        spdlog::info("event=lease_granted node={} role={} candidate={} epoch={}", st.cfg.self.value,
                     r.role, r.candidate.value, a.epoch);
      }
    } else {
      ++st.counters["grants_refused"];
    }
  }
  lease_reply out{r.role, st.cfg.self, r.candidate, r.round, a.granted, a.epoch, a.holder,
                  a.running, a.unsure, a.reason, wall_clock_now(), {}};
  out.signature = sign(self, signing_payload(out));
  return out;
}

void tell_supervisor(lease_ptr self) {
  auto& st = self->state;
  if (st.supervisor && st.session)
    self->send(st.supervisor, lease_atom::value, st.session->view(now_mono()));
}

// Orders of epochs below `epoch` of `role` are refused by this node's
// connectors from now on. Only on proof that a majority granted `epoch`.
void raise_fence(lease_ptr self, const std::string& role, int64_t epoch, const std::string& holder) {
  auto& st = self->state;
  if (!st.cfg.gate || st.cfg.gate->fence(role) >= epoch)
    return;
  st.cfg.gate->granted(role, epoch);
  ++st.counters["fence_raised"];
  spdlog::info("event=lease_fence_raised node={} role={} epoch={} holder={}", st.cfg.self.value,
               role, epoch, holder);
}

// This node acquired `role` at `epoch` in round `round`: every member hears
// it with the majority's signed grants of that round (the certificate), and
// raises its fence; this node's own fence rises too.
void announce_acquired(lease_ptr self, const std::string& role, int64_t epoch, uint64_t round) {
  auto& st = self->state;
  lease_notice n{role, st.cfg.self, epoch, {}, wall_clock_now(), {}};
  for (auto& g : st.grants_kept[role][round])
    if (g.granted && g.epoch == epoch)
      n.grants.push_back(g);
  n.signature = sign(self, signing_payload(n));
  raise_fence(self, role, epoch, st.cfg.self.value);
  for (auto& [node, peer] : st.peers)
    self->send(peer, lease_atom::value, n);
  st.last_notice[role] = std::move(n);
  st.grants_kept[role].clear();
}

// Another member's notice (checked: signed by it, from its process, with a
// majority's signed grants).
void on_notice(lease_ptr self, const lease_notice& n) {
  auto& st = self->state;
  auto why = st.auth->check(n, now_wall());
  if (why.ok())
    why = sender_check(self, n.holder.value);
  if (why.ok() && !st.roles.count(n.role))
    why = {"unknown_role", "'" + n.role.substr(0, 48) + "' is not a leased role"};
  if (why.ok())
    why = st.auth->check_certificate(n, st.members_count / 2 + 1, now_wall());
  if (!why.ok())
    return refuse(self, "notice", n.holder.value, why);
  ++st.counters["notices"];
  raise_fence(self, n.role, n.epoch, n.holder.value);
  if (st.session->on_notice(n.role, n.holder.value, n.epoch)) {
    spdlog::warn("event=lease_notice_superseding node={} role={} holder={} epoch={}",
                 st.cfg.self.value, n.role, n.holder.value, n.epoch);
    tell_supervisor(self);
  }
}

// An answer to our round, from member `asked` (checked: signed by it, about us).
void on_reply(lease_ptr self, const std::string& asked, const lease_reply& r, bool local) {
  auto& st = self->state;
  if (!local) {
    auto why = st.auth->check(r, now_wall());
    if (why.ok() && r.grantor.value != asked)
      why = {"wrong_grantor", "a reply of " + r.grantor.value + " to a request sent to " + asked};
    if (why.ok() && r.candidate != st.cfg.self)
      why = {"not_for_us", "a reply to " + r.candidate.value};
    if (!why.ok())
      return refuse(self, "reply", asked, why);
  }
  auto now = now_mono();
  lease_answer a{r.granted, r.epoch, r.holder, r.reason, r.running, r.unsure};
  if (r.granted && st.session->roles().count(r.role)) {
    auto& rounds = st.grants_kept[r.role];
    auto& kept = rounds[r.round];
    if (kept.size() < st.members_count)
      kept.push_back(r);
    while (rounds.size() > lease_holder::kept_rounds)
      rounds.erase(rounds.begin());
  }
  auto e = st.session->on_answer(asked, r.role, r.round, a, now);
  if (!e.refusal.empty())
    spdlog::warn("event=lease_refused node={} role={} grantor={} holder={} epoch={} reason=\"{}\"",
                 st.cfg.self.value, r.role, asked, r.holder.empty() ? "-" : r.holder, r.epoch,
                 e.refusal);
  if (!e.acquired && !e.renewed)
    return;
  if (st.cfg.gate)
    st.cfg.gate->hold(r.role, e.epoch, e.until_ns);
  if (e.acquired) {
    announce_acquired(self, r.role, e.epoch, r.round);
    spdlog::warn("event=lease_acquired node={} role={} epoch={} held_until_ns={} held_for_ms={} "
                 "at_wall_ns={} held_until_wall_ns={}",
                 st.cfg.self.value, r.role, e.epoch, e.until_ns, (e.until_ns - now) / 1'000'000,
                 now_wall(), wall_of(e.until_ns));
    tell_supervisor(self);
  }
}

// Leases whose end has passed, each said once with when its gate closed.
void log_lost(lease_ptr self, int64_t now) {
  auto& st = self->state;
  for (auto& l : st.session->take_lost(now))
    spdlog::error("event=lease_lost node={} role={} epoch={} held_until_ns={} "
                  "held_until_wall_ns={} action=gate_closed",
                  st.cfg.self.value, l.role, l.epoch, l.until_ns, wall_of(l.until_ns));
}

void send_round(lease_ptr self) {
  auto& st = self->state;
  auto now = now_mono();
  log_lost(self, now);
  std::vector<lease_lapse> failed;
  auto items = st.session->start_round(now, failed);
  for (auto& f : failed)
    spdlog::warn("event=lease_renew_failed node={} role={} epoch={} granted={} majority={} "
                 "held_until_ns={} action=gate_closes_at_end",
                 st.cfg.self.value, f.role, f.epoch, f.granted,
                 st.cfg.members ? st.cfg.members->size() / 2 + 1 : 1, f.until_ns);
  // Answers count in their own round (from its send time) for the last
  // few rounds: waiting up to half a lease costs nothing and keeps a slow
  // but working member's grants.
  auto timeout = std::chrono::milliseconds(std::max<int64_t>(st.cfg.settings.duration_ms / 2,
                                                             st.cfg.settings.renew_ms));
  for (auto& it : items) {
    lease_request req{it.role, st.cfg.self, it.epoch, it.round, it.probe, wall_clock_now(), {}};
    req.signature = sign(self, signing_payload(req));
    on_reply(self, st.cfg.self.value, grant(self, req), true);
    for (auto& [node, peer] : st.peers) {
      auto asked = node;
      self->request(peer, timeout, lease_atom::value, req)
        .then([self, asked](const lease_reply& r) { on_reply(self, asked, r, false); },
              [](caf::error&) {}); // a silent member: its grant is simply missing
    }
  }
  tell_supervisor(self);
}

// Leaving hold: the gates close now, and the grantors hear it (a release
// ends their grant, so a standby need not wait for it to run out).
void give_up(lease_ptr self, const std::vector<std::pair<std::string, int64_t>>& roles) {
  auto& st = self->state;
  for (auto& [role, epoch] : roles) {
    if (st.cfg.gate)
      st.cfg.gate->drop(role);
    st.grants_kept.erase(role);
    st.last_notice.erase(role);
    lease_release rel{role, st.cfg.self, epoch, wall_clock_now(), {}};
    rel.signature = sign(self, signing_payload(rel));
    st.grantor->on_release(role, st.cfg.self.value, epoch);
    for (auto& [node, peer] : st.peers)
      self->send(peer, lease_atom::value, rel);
    spdlog::warn("event=lease_released node={} role={} epoch={}", st.cfg.self.value, role, epoch);
  }
}

// Leaving hold. A lease that ran out before (the process stopped past its
// end, then told to stand by before its next round) was lost, not given up:
// said first, so the log shows when its gate closed.
void stop_holding(lease_ptr self) {
  log_lost(self, now_mono());
  give_up(self, self->state.session->set_hold(false));
}

actor_stats make_stats(lease_ptr self) {
  auto& st = self->state;
  actor_stats s{"lease", st.counters};
  st.session->add_to(s.counters, now_mono());
  for (auto& [kind, n] : st.refused.counts())
    s.counters["refused." + kind] = n;
  s.counters["peers"] = static_cast<int64_t>(st.peers.size());
  s.counters["store_broken"] = st.store_broken.empty() ? 0 : 1;
  s.counters["store_failing"] = st.store_failing.empty() ? 0 : 1;
  s.counters["quiet"] = st.grantor->quiet_until_ns() > now_mono() ? 1 : 0;
  return s;
}

caf::behavior lease_actor(lease_ptr self, lease_actor_config cfg) {
  self->state.guard.install(self);
  auto& st = self->state;
  st.cfg = std::move(cfg);
  std::set<std::string> members, roles(st.cfg.all_roles.begin(), st.cfg.all_roles.end());
  if (st.cfg.members)
    for (auto& id : st.cfg.members->ids())
      members.insert(id);
  auto timing = st.cfg.settings.timing();
  st.roles = roles;
  st.members_count = members.size();
  st.grantor.emplace(members, roles, timing);
  std::string error;
  if (auto saved = load_lease_epochs(st.cfg.settings.state_path, error)) {
    st.promised = *saved;
    for (auto& [role, p] : st.promised)
      st.grantor->restore(role, p.epoch, p.holder);
    // It may have granted just before it stopped: nothing for one grant's
    // time. A member that never promised an epoch (no store yet: every new
    // epoch is stored before it is answered) cannot have a grant running.
    if (!st.promised.empty())
      st.grantor->quiet_until(now_mono() + st.grantor->grant_ns());
  } else {
    st.store_broken = error;
    spdlog::critical("event=lease_store_unreadable node={} path={} error=\"{}\" action=grant_nothing",
                     st.cfg.self.value, st.cfg.settings.state_path, error);
  }
  st.session.emplace(st.cfg.self.value, members, st.cfg.own_roles, timing, st.cfg.hold_at_start);
  st.auth.emplace(st.cfg.operators, st.cfg.members);
  spdlog::info("event=lease_started node={} roles={} mode={} duration_ms={} renew_ms={} "
               "drift_ppm={} quiet_ms={}",
               st.cfg.self.value, st.cfg.own_roles.size(), st.cfg.hold_at_start ? "hold" : "watch",
               st.cfg.settings.duration_ms, st.cfg.settings.renew_ms, st.cfg.settings.drift_ppm,
               st.grantor->quiet_until_ns() > 0 ? st.grantor->grant_ns() / 1'000'000 : 0);
  self->send(self, tick_atom::value);
  self->set_exit_handler([self](caf::exit_msg& msg) {
    stop_holding(self);
    self->quit(msg.reason);
  });
  return metrics::measured(self, "lease", {
    [self](lease_atom, const lease_request& r) -> lease_reply {
      auto why = self->state.auth->check(r, now_wall());
      if (why.ok())
        why = sender_check(self, r.candidate.value);
      if (!why.ok()) {
        refuse(self, "request", r.candidate.value, why);
        lease_reply no{r.role, self->state.cfg.self, r.candidate, r.round, false, 0, "", false,
                       true, "refused: " + why.detail, wall_clock_now(), {}};
        no.signature = sign(self, signing_payload(no));
        return no;
      }
      return grant(self, r);
    },
    [self](lease_atom, const lease_release& r) {
      auto why = self->state.auth->check(r, now_wall());
      if (why.ok())
        why = sender_check(self, r.holder.value);
      if (!why.ok())
        return refuse(self, "release", r.holder.value, why);
      self->state.grantor->on_release(r.role, r.holder.value, r.epoch);
    },
    [self](lease_atom, const lease_notice& n) { on_notice(self, n); },
    [self](lease_atom, bool hold) {
      if (!self->state.guard.local(self, "mode"))
        return;
      if (hold)
        self->state.session->set_hold(true); // nothing to give up
      else
        stop_holding(self);
      spdlog::info("event=lease_mode node={} mode={}", self->state.cfg.self.value,
                   hold ? "hold" : "watch");
    },
    [self](wire_atom, const role_directory& dir) {
      if (!self->state.guard.local(self, "wire"))
        return;
      auto& st = self->state;
      st.supervisor = find_role(dir, "supervisor");
      auto before = std::move(st.peers);
      st.peers.clear();
      for (auto& [role, handle] : dir)
        if (role.compare(0, peer_lease_prefix.size(), peer_lease_prefix) == 0 && handle)
          st.peers[role.substr(peer_lease_prefix.size())] = handle;
      // A member that joined (or restarted) since the lease was acquired
      // hears the notice too: its fence rises before our orders reach it.
      auto now = now_mono();
      for (auto& [role, n] : st.last_notice)
        if (st.session->held(role, now))
          for (auto& [node, peer] : st.peers)
            if (auto b = before.find(node); b == before.end() || b->second != peer)
              self->send(peer, lease_atom::value, n);
    },
    [self](tick_atom) {
      if (!self->state.guard.local(self, "tick"))
        return;
      send_round(self);
      self->delayed_send(self, std::chrono::milliseconds(self->state.cfg.settings.renew_ms),
                         tick_atom::value);
    },
    [self](stats_atom) { return with_refusals(make_stats(self), self->state.guard); },
  });
}

} // namespace

caf::actor spawn_lease_actor(caf::actor_system& sys, lease_actor_config cfg) {
  // A scheduled actor, not a detached one: its handle goes remote (requests,
  // answers, notices and releases to the peers' lease actors), and in CAF
  // 0.17 a detached actor whose handle went remote can stay referenced after
  // the scheduler stops, so the actor system's shutdown waits for its thread
  // forever (cluster4_kill_test: a node SIGKILLed after its stop grace; the
  // thread dump showed ~actor_system in await_detached_threads and the lease
  // actor's thread in await_self_destroyed). A busy scheduler can delay a
  // round: the lease is counted from the round's send time, so a late round
  // shortens the holder's lease (its gate closes early), never lengthens it.
  return sys.spawn(lease_actor, std::move(cfg));
}

} // namespace cwts
