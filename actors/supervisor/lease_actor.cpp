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
  std::string store_broken;  // non-empty: this grantor grants nothing (why)
  std::map<std::string, caf::actor> peers; // node -> its lease actor
  caf::actor supervisor;
  lease_refusal_log refused;
  std::map<std::string, int64_t> counters;
  std::set<std::string> grant_logged; // "<role>@<epoch>": one lease_granted line per epoch
  sender_guard guard{"lease"};
  static inline const char* name = "lease";
};

using lease_ptr = caf::stateful_actor<lease_state>*;

int64_t now_mono() {
  return monotonic_ns();
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

// The grantor's side of one request (ours included).
lease_reply grant(lease_ptr self, const lease_request& r) {
  auto& st = self->state;
  auto now = now_mono();
  lease_answer a;
  if (!st.store_broken.empty()) {
    a.reason = "this member cannot keep its promised epochs: " + st.store_broken;
  } else if (r.probe) {
    a = st.grantor->on_probe(r.role, now);
  } else {
    auto before = st.grantor->promised_epoch(r.role);
    a = st.grantor->on_request(r.role, r.candidate.value, r.epoch, now);
    if (a.granted && a.epoch > before) {
      // Durable before anyone hears of it: epochs never go back.
      auto next = st.promised;
      next[r.role] = a.epoch;
      std::string error;
      if (!save_lease_epochs(st.cfg.settings.state_path, next, error)) {
        st.store_broken = error;
        spdlog::critical("event=lease_store_failed node={} path={} error=\"{}\" "
                         "action=grant_nothing",
                         st.cfg.self.value, st.cfg.settings.state_path, error);
        a.granted = false;
        a.reason = "this member cannot keep its promised epochs: " + error;
      } else {
        st.promised = std::move(next);
      }
    }
    if (a.granted) {
      // Orders of older epochs are refused on this node from now on.
      if (st.cfg.gate)
        st.cfg.gate->granted(r.role, a.epoch);
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
                  a.running, a.reason, wall_clock_now(), {}};
  out.signature = sign(self, signing_payload(out));
  return out;
}

void tell_supervisor(lease_ptr self) {
  auto& st = self->state;
  if (st.supervisor && st.session)
    self->send(st.supervisor, lease_atom::value, st.session->view(now_mono()));
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
  lease_answer a{r.granted, r.epoch, r.holder, r.reason, r.running};
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
    spdlog::warn("event=lease_acquired node={} role={} epoch={} held_until_ns={} held_for_ms={} "
                 "at_wall_ns={} held_until_wall_ns={}",
                 st.cfg.self.value, r.role, e.epoch, e.until_ns, (e.until_ns - now) / 1'000'000,
                 now_wall(), wall_of(e.until_ns));
    tell_supervisor(self);
  }
}

void send_round(lease_ptr self) {
  auto& st = self->state;
  auto now = now_mono();
  for (auto& l : st.session->take_lost(now))
    spdlog::error("event=lease_lost node={} role={} epoch={} held_until_ns={} "
                  "held_until_wall_ns={} action=gate_closed",
                  st.cfg.self.value, l.role, l.epoch, l.until_ns, wall_of(l.until_ns));
  std::vector<lease_lapse> failed;
  auto items = st.session->start_round(now, failed);
  for (auto& f : failed)
    spdlog::warn("event=lease_renew_failed node={} role={} epoch={} granted={} majority={} "
                 "held_until_ns={} action=gate_closes_at_end",
                 st.cfg.self.value, f.role, f.epoch, f.granted,
                 st.cfg.members ? st.cfg.members->size() / 2 + 1 : 1, f.until_ns);
  auto timeout = std::chrono::milliseconds(st.cfg.settings.renew_ms);
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
    lease_release rel{role, st.cfg.self, epoch, wall_clock_now(), {}};
    rel.signature = sign(self, signing_payload(rel));
    st.grantor->on_release(role, st.cfg.self.value, epoch);
    for (auto& [node, peer] : st.peers)
      self->send(peer, lease_atom::value, rel);
    spdlog::warn("event=lease_released node={} role={} epoch={}", st.cfg.self.value, role, epoch);
  }
}

actor_stats make_stats(lease_ptr self) {
  auto& st = self->state;
  actor_stats s{"lease", st.counters};
  st.session->add_to(s.counters, now_mono());
  for (auto& [kind, n] : st.refused.counts())
    s.counters["refused." + kind] = n;
  s.counters["peers"] = static_cast<int64_t>(st.peers.size());
  s.counters["store_broken"] = st.store_broken.empty() ? 0 : 1;
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
  st.grantor.emplace(members, roles, timing);
  std::string error;
  if (auto saved = load_lease_epochs(st.cfg.settings.state_path, error)) {
    st.promised = *saved;
    for (auto& [role, epoch] : st.promised)
      st.grantor->restore(role, epoch);
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
    give_up(self, self->state.session->set_hold(false));
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
                       "refused: " + why.detail, wall_clock_now(), {}};
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
    [self](lease_atom, bool hold) {
      if (!self->state.guard.local(self, "mode"))
        return;
      auto given_up = self->state.session->set_hold(hold);
      give_up(self, given_up);
      spdlog::info("event=lease_mode node={} mode={}", self->state.cfg.self.value,
                   hold ? "hold" : "watch");
    },
    [self](wire_atom, const role_directory& dir) {
      if (!self->state.guard.local(self, "wire"))
        return;
      auto& st = self->state;
      st.supervisor = find_role(dir, "supervisor");
      st.peers.clear();
      for (auto& [role, handle] : dir)
        if (role.compare(0, peer_lease_prefix.size(), peer_lease_prefix) == 0 && handle)
          st.peers[role.substr(peer_lease_prefix.size())] = handle;
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
  return sys.spawn(lease_actor, std::move(cfg));
}

} // namespace cwts
