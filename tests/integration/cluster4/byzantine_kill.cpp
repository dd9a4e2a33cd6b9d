#include "tests/integration/cluster4/byzantine_kill.hpp"

#include <unistd.h>

#include <random>
#include <vector>

#include <spdlog/spdlog.h>

#include "caf/all.hpp"

#include "actors/supervisor/supervisor_actor.hpp"
#include "messages/registry.hpp"

namespace cwts::itest {

namespace {

// Self-sent timers of this actor only (never on the wire).
using misbehave_atom = caf::atom_constant<caf::atom("misbehave")>;
using crash_atom = caf::atom_constant<caf::atom("crash")>;

struct byzantine_state {
  byzantine_config cfg;
  role_directory dir;
  // What it saw, for replay.
  std::vector<kill_command> kills;
  std::vector<reset_command> resets;
  std::vector<reset_vote> votes;
  std::set<std::string> voted; // reset ids it voted on
  uint64_t heartbeat_seq = 0;
  uint64_t forged_seq = 0;
  int64_t dropped = 0;
  int64_t forged_kills = 0;
  int64_t forged_resets = 0;
  int64_t forged_votes = 0;
  int64_t replayed = 0;
  int64_t votes_sent = 0;
  std::mt19937_64 rng{0xB12A7};
  static inline const char* name = "byzantine_kill";
};

using byz_ptr = caf::stateful_actor<byzantine_state>*;

std::map<std::string, caf::actor> peers(byz_ptr self) {
  std::map<std::string, caf::actor> out;
  for (auto& [name, handle] : self->state.dir)
    if (name.compare(0, peer_kill_prefix.size(), peer_kill_prefix) == 0)
      out.emplace(name.substr(peer_kill_prefix.size()), handle);
  return out;
}

template <class... Ts>
void to_peers(byz_ptr self, const Ts&... xs) {
  for (auto& [name, handle] : peers(self))
    self->send(handle, xs...);
}

std::vector<uint8_t> garbage_signature(byz_ptr self) {
  std::vector<uint8_t> sig(64);
  for (auto& b : sig)
    b = static_cast<uint8_t>(self->state.rng());
  return sig;
}

std::string fresh_id(byz_ptr self, const char* prefix) {
  return prefix + self->state.cfg.self.value + "-" + std::to_string(++self->state.forged_seq);
}

// Kills no correct node may accept: alice's name with a made-up signature,
// an issuer no operators file lists, and a correct node's key name with
// this node's signature. Level 4: the worst a forger could hope for.
void forge_kills(byz_ptr self) {
  auto& st = self->state;
  auto base = [&](const char* issuer) {
    kill_command k;
    k.id = kill_id{fresh_id(self, "k-forged-")};
    k.level = kill_level::full_stop;
    k.scope = kill_scope::cluster;
    k.issuer = operator_id{issuer};
    k.origin = st.cfg.self;
    k.reason = "forged by a Byzantine node";
    k.issued_at = wall_clock_now();
    k.cluster = st.cfg.cluster;
    return k;
  };
  auto alice = base("alice");
  alice.signature = garbage_signature(self);
  auto mallory = base("mallory");
  mallory.signature = st.cfg.node_key->sign(signing_payload(mallory));
  auto gw1 = base("node-gw1");
  gw1.signature = st.cfg.node_key->sign(signing_payload(gw1));
  for (auto* k : {&alice, &mallory, &gw1}) {
    to_peers(self, peer_atom::value, *k);
    ++st.forged_kills;
  }
}

// Resets the correct nodes must refuse: alice's name with a made-up
// signature, and one signed with this node's key (which holds no reset).
void forge_resets(byz_ptr self) {
  auto& st = self->state;
  auto base = [&](const std::string& issuer) {
    reset_command r;
    r.id = kill_id{fresh_id(self, "r-forged-")};
    r.issuer = operator_id{issuer};
    r.origin = st.cfg.self;
    r.reason = "forged resume";
    r.issued_at = wall_clock_now();
    r.epoch = 1;
    r.cluster = st.cfg.cluster;
    return r;
  };
  auto alice = base("alice");
  alice.signature = garbage_signature(self);
  auto own = base("node-" + st.cfg.self.value);
  own.signature = st.cfg.node_key->sign(signing_payload(own));
  for (auto* r : {&alice, &own}) {
    to_peers(self, peer_atom::value, *r);
    ++st.forged_resets;
  }
}

void replay(byz_ptr self) {
  auto& st = self->state;
  for (auto& k : st.kills)
    to_peers(self, peer_atom::value, k);
  for (auto& r : st.resets)
    to_peers(self, peer_atom::value, r);
  for (auto& v : st.votes)
    to_peers(self, v);
  st.replayed += static_cast<int64_t>(st.kills.size() + st.resets.size() + st.votes.size());
}

// Its own yes (validly signed: it is a member), then a yes in every other
// node's name, signed with its own key (no correct node may count those).
void vote_yes(byz_ptr self, const reset_command& cmd) {
  auto& st = self->state;
  if (!st.cfg.has("yes") || !st.voted.insert(cmd.id.value).second)
    return;
  reset_vote own{cmd.id, st.cfg.self, true, "", cmd.epoch, {}};
  own.signature = st.cfg.node_key->sign(signing_payload(own));
  to_peers(self, own);
  ++st.votes_sent;
  for (auto& [name, handle] : peers(self)) {
    reset_vote forged{cmd.id, node_id{name}, true, "", cmd.epoch, {}};
    forged.signature = st.cfg.node_key->sign(signing_payload(forged));
    to_peers(self, forged);
    ++st.forged_votes;
  }
}

void remember(std::vector<kill_command>& seen, const kill_command& k) {
  for (auto& s : seen)
    if (s.id == k.id)
      return;
  seen.push_back(k);
}

// Without drop or crash it "applies" any kill, unverified: gate, echo, ack.
void apply_unverified(byz_ptr self, const kill_command& cmd) {
  auto& st = self->state;
  auto accepted = wall_clock_now();
  st.cfg.gate->close(static_cast<uint8_t>(cmd.level));
  to_peers(self, peer_atom::value, cmd);
  kill_ack ack{cmd.id, st.cfg.self, true, 0, 0, accepted, wall_clock_now(), 0, ""};
  auto all = peers(self);
  if (auto o = all.find(cmd.origin.value); o != all.end())
    self->send(o->second, ack);
}

void on_peer_kill(byz_ptr self, const kill_command& cmd) {
  auto& st = self->state;
  remember(st.kills, cmd);
  if (st.cfg.has("drop") || st.cfg.has("crash")) {
    ++st.dropped;
    return;
  }
  apply_unverified(self, cmd);
}

// crash: reach one peer, then die before anything else leaves. The exit
// waits a moment so the middleman has written the echo to its socket (an
// exit right after send() could lose it, which is a different test).
void crash_mid_broadcast(byz_ptr self, kill_command cmd) {
  auto& st = self->state;
  cmd.origin = st.cfg.self;
  auto all = peers(self);
  auto target = all.find(st.cfg.echo_to);
  if (target == all.end() && !all.empty())
    target = all.begin();
  if (target != all.end()) {
    self->send(target->second, peer_atom::value, cmd);
    spdlog::critical("event=byzantine_crash_mid_broadcast id={} echoed_to={} then=exit",
                     cmd.id.value, target->first);
  }
  self->delayed_send(self, std::chrono::milliseconds(100), crash_atom::value);
}

actor_stats stats(byz_ptr self) {
  auto& st = self->state;
  return actor_stats{"kill_coordinator",
                     {{"byzantine", 1},
                      {"gate_level", static_cast<int64_t>(st.cfg.gate->level())},
                      {"peers", static_cast<int64_t>(peers(self).size())},
                      {"dropped", st.dropped},
                      {"forged_kills", st.forged_kills},
                      {"forged_resets", st.forged_resets},
                      {"forged_votes", st.forged_votes},
                      {"replayed", st.replayed},
                      {"votes_sent", st.votes_sent},
                      {"heartbeats_sent", static_cast<int64_t>(st.heartbeat_seq)}}};
}

trading_state gate_state(byz_ptr self) {
  auto level = self->state.cfg.gate->level();
  trading_state t;
  t.node = self->state.cfg.self;
  t.level = static_cast<kill_level>(level);
  t.mode = level > 0 ? trading_mode::halted : trading_mode::active;
  t.cluster = self->state.cfg.cluster;
  return t;
}

caf::behavior byzantine_kill(byz_ptr self, byzantine_config cfg) {
  self->state.cfg = std::move(cfg);
  spdlog::critical("event=byzantine_kill_coordinator node={} modes={} (TEST BUILD)",
                   self->state.cfg.self.value, self->state.cfg.modes.size());
  self->send(self, tick_atom::value);
  self->delayed_send(self, self->state.cfg.misbehave_interval, misbehave_atom::value);
  return {
    [=](kill_command& cmd) -> caf::result<kill_report> {
      if (self->state.cfg.has("crash")) {
        // The requester never hears back: the promise dies with the process.
        auto rp = self->make_response_promise<kill_report>();
        crash_mid_broadcast(self, std::move(cmd));
        return rp;
      }
      cmd.origin = self->state.cfg.self;
      remember(self->state.kills, cmd);
      kill_report r;
      r.id = cmd.id;
      r.origin = cmd.origin;
      if (self->state.cfg.has("drop")) {
        ++self->state.dropped;
        r.error = "dropped";
      } else {
        apply_unverified(self, cmd);
      }
      return r;
    },
    [=](peer_atom, const kill_command& cmd) { on_peer_kill(self, cmd); },
    [=](const kill_ack&) {},
    [=](const channel_result&) {},
    [=](reset_command& cmd) -> reset_report {
      cmd.origin = self->state.cfg.self;
      self->state.resets.push_back(cmd);
      vote_yes(self, cmd);
      reset_report r;
      r.id = cmd.id;
      r.origin = cmd.origin;
      r.error = "not forwarded";
      return r;
    },
    [=](peer_atom, const reset_command& cmd) {
      bool seen = false;
      for (auto& r : self->state.resets)
        seen = seen || r.id == cmd.id;
      if (!seen)
        self->state.resets.push_back(cmd);
      vote_yes(self, cmd);
    },
    [=](const reset_vote& v) {
      if (v.node != self->state.cfg.self)
        self->state.votes.push_back(v);
    },
    [=](const heartbeat&) {},
    [=](tick_atom) {
      auto& st = self->state;
      // Each signed for the peer it goes to, as a correct node's (finding F2).
      auto seq = ++st.heartbeat_seq;
      auto now = wall_clock_now();
      for (auto& [peer, handle] : peers(self)) {
        heartbeat hb{st.cfg.self, node_id{peer}, seq, now, {}};
        if (st.cfg.node_key)
          hb.signature = st.cfg.node_key->sign(signing_payload(hb));
        self->send(handle, hb);
      }
      self->delayed_send(self, st.cfg.heartbeat_interval, tick_atom::value);
    },
    [=](misbehave_atom) {
      if (self->state.cfg.has("forge") && !peers(self).empty()) {
        forge_kills(self);
        forge_resets(self);
      }
      if (self->state.cfg.has("replay"))
        replay(self);
      self->delayed_send(self, self->state.cfg.misbehave_interval, misbehave_atom::value);
    },
    [=](crash_atom) { ::_exit(70); },
    [=](wire_atom, const role_directory& dir) { self->state.dir = dir; },
    [=](gate_atom) { return gate_state(self); },
    [=](stats_atom) { return stats(self); },
  };
}

} // namespace

std::string unknown_mode(const std::set<std::string>& modes) {
  for (auto& m : modes)
    if (m != "drop" && m != "forge" && m != "replay" && m != "yes" && m != "crash")
      return m;
  return "";
}

caf::actor spawn_byzantine_kill(caf::actor_system& sys, byzantine_config cfg) {
  return sys.spawn(byzantine_kill, std::move(cfg));
}

} // namespace cwts::itest
