// The fail-safe half of the kill coordinator (DESIGN.md "Fail-safe": a node
// cut off from the quorum halts itself; quorum_monitor.hpp decides when).
// Heartbeats go to every peer's coordinator, each signed with this node's key
// for the peer it goes to; one counts only when it names this node as its
// receiver, verifies with the key the operators file lists for
// the node it names, comes from the process of the coordinator the directory
// lists under that node, and its seq is above the last one taken from that
// node, so no node can keep another's peer alive for it and a recorded
// heartbeat replayed later proves nothing. Each heartbeat acknowledges the
// receiver's newest seq the sender took (`ack_seq`), and the receiver counts
// the sender as heard at its own send time of that seq (finding F1): a
// heartbeat held back on the link and released later counts as old as what
// it acknowledges. Ed25519 verification costs about
// 150 us a heartbeat: at 200 ms intervals and a few peers, well under 1% of
// a core. A lost quorum
// closes the gate at level 1 like an accepted kill: gate first, then the
// durable halt state, then the audit record; it never reopens by itself.

#include <algorithm>
#include <set>

#include <spdlog/spdlog.h>

#include "actors/kill/kill_coordinator_state.hpp"
#include "actors/supervisor/supervisor_actor.hpp"

namespace cwts::kill_detail {

namespace {

const kill_id quorum_lost_cause{"quorum-lost"};

std::string describe(const quorum_check& c, const kill_coordinator_config& cfg) {
  std::string silent;
  for (auto& p : c.silent)
    silent += (silent.empty() ? "" : ",") + p;
  return "quorum lost: " + std::to_string(c.visible) + " of " + std::to_string(cfg.cluster_size)
         + " nodes visible, quorum " + std::to_string(c.quorum) + ", no heartbeat for "
         + std::to_string(cfg.quorum_timeout.count()) + " ms from "
         + (silent.empty() ? std::string("peers never heard") : silent);
}

void halt_on_lost_quorum(kill_ptr self, const quorum_check& c) {
  auto& st = self->state;
  ++st.quorum_lost;
  auto reason = describe(c, st.cfg);
  auto level = st.cfg.quorum_lost_level;
  bool halted = st.core->halt_self(level, quorum_lost_cause, reason);
  std::string why;
  if (halted) {
    ++st.quorum_lost_halts;
    why = persist(self);
  }
  audit_record r("quorum_lost");
  r.add("node", st.cfg.core.self.value)
    .add("ts_ns", wall_clock_now().ns)
    .add("action", halted ? "halt" : "already_halted")
    .add("level", static_cast<int64_t>(st.cfg.gate->level()))
    .add("visible", c.visible)
    .add("quorum", c.quorum)
    .add("nodes", st.cfg.cluster_size)
    .add("reason", reason)
    .add("error", why);
  audit(self, r, true);
  spdlog::critical("event=quorum_lost node={} visible={} quorum={} nodes={} action={} "
                   "reason=\"{}\"",
                   st.cfg.core.self.value, c.visible, c.quorum, st.cfg.cluster_size,
                   halted ? "halt" : "already_halted", reason);
  if (halted)
    notify_trading_state(self);
  // Level 2: this node's open orders are cancelled at the venue. The gate is
  // closed already; a kill signed with the node key for this node only runs
  // the cancel channels (no peer can be asked: they are out of reach).
  if (halted && level >= kill_level::cancel_all && st.cfg.node_key) {
    auto now = wall_clock_now();
    kill_command cmd{kill_id{"quorum-lost-" + st.cfg.core.self.value + "-" + std::to_string(now.ns)},
                     level,
                     kill_scope::node,
                     st.cfg.core.self.value,
                     operator_id{st.cfg.node_key_name},
                     st.cfg.core.self,
                     reason,
                     now,
                     {},
                     st.cfg.core.cluster};
    cmd.signature = st.cfg.node_key->sign(signing_payload(cmd));
    if (auto why = handle_command(self, cmd, "quorum_lost"); !why.empty())
      spdlog::error("event=quorum_lost_cancel_refused node={} kill_id={} reason=\"{}\"",
                    st.cfg.core.self.value, cmd.id.value, why);
  }
}

// Counts a refused heartbeat by why; logs once per claimed node and reason,
// not at every heartbeat interval.
void refuse_heartbeat(kill_ptr self, const heartbeat& hb, const std::string& key,
                      const std::string& why) {
  auto& st = self->state;
  ++st.heartbeats_refused;
  ++st.heartbeats_refused_by[key];
  // Keyed by the name a sender claims: an outsider could invent names
  // without end, so the "logged once" memory is bounded (then starts over).
  if (st.heartbeat_refusal_logged.size() >= 64 && !st.heartbeat_refusal_logged.count(hb.node.value))
    st.heartbeat_refusal_logged.clear();
  auto& logged = st.heartbeat_refusal_logged[hb.node.value];
  if (logged == key)
    return;
  logged = key;
  spdlog::warn("event=heartbeat_refused node={} claimed_node={} seq={} ack_seq={} why={} "
               "reason=\"{}\"",
               st.cfg.core.self.value, hb.node.value, hb.seq, hb.ack_seq, key, why);
}

// Counted, logged at the first failure only (a broken disk would log at
// every round): heartbeats go on, numbered above the last, but a restart
// with the clock stepped back may then start below them again.
void seq_store_failed(kill_ptr self, const std::string& error) {
  auto& st = self->state;
  if (st.heartbeat_seq_store_failures++ == 0)
    spdlog::error("event=heartbeat_seq_store_failed node={} path={} seq={} error=\"{}\"",
                  st.cfg.core.self.value, st.heartbeat_seq->path(), st.heartbeat_seq->last(),
                  error);
}

} // namespace

void start_heartbeats(kill_ptr self) {
  auto& cfg = self->state.cfg;
  quorum_monitor_config q;
  q.self = cfg.core.self.value;
  q.cluster_size = cfg.cluster_size;
  q.timeout_ns = std::chrono::nanoseconds(cfg.quorum_timeout).count();
  q.counting_from_ns = quorum_clock_ns() + std::chrono::nanoseconds(cfg.quorum_start_grace).count();
  q.interval_ns = std::chrono::nanoseconds(cfg.heartbeat_interval).count();
  q.ack_window = ack_window_for(q.timeout_ns, q.interval_ns);
  if (cfg.members)
    for (auto& id : cfg.members->ids())
      q.members.insert(id);
  self->state.quorum.emplace(q);
  role_watch_config rw;
  rw.required = cfg.required_roles;
  rw.halt_after_ns = std::chrono::nanoseconds(cfg.role_lost_halt).count();
  rw.counting_from_ns = q.counting_from_ns;
  self->state.roles_watched.emplace(rw);
  // The seq high-water mark lives beside the halt state (none without one:
  // unit tests number from the wall clock only).
  auto& st = self->state;
  st.heartbeat_seq.emplace(cfg.state_path.empty() ? std::string()
                                                  : cfg.state_path + ".heartbeat-seq");
  std::string error;
  if (!st.heartbeat_seq->start(static_cast<uint64_t>(std::max<int64_t>(wall_clock_now().ns, 0)),
                               error))
    seq_store_failed(self, error);
  if (cfg.cluster_size > 1)
    self->send(self, tick_atom::value);
}

namespace {

// Roles held by live actors in the wired directory (ours and our peers').
std::set<std::string> roles_present(kill_ptr self) {
  std::set<std::string> out;
  for (auto& [role, handle] : self->state.dir)
    if (handle && role.rfind(peer_kill_prefix, 0) != 0)
      out.insert(role);
  return out;
}

// Of the live nodes (us and every peer coordinator in the directory), only
// the one with the lowest id acts, so one lost role makes one kill.
bool lowest_live_node(kill_ptr self) {
  auto& me = self->state.cfg.core.self.value;
  for (auto& [role, handle] : self->state.dir)
    if (handle && role.rfind(peer_kill_prefix, 0) == 0 && role.substr(peer_kill_prefix.size()) < me)
      return false;
  return true;
}

void check_lost_roles(kill_ptr self) {
  auto& st = self->state;
  if (!st.roles_watched || !st.roles_watched->enabled())
    return;
  auto lost = st.roles_watched->observe(roles_present(self), quorum_clock_ns());
  for (auto& role : lost) {
    if (st.cfg.gate->level() >= static_cast<uint8_t>(kill_level::cancel_all) || !lowest_live_node(self)) {
      spdlog::warn("event=role_lost role={} node={} action={}", role, st.cfg.core.self.value,
                   lowest_live_node(self) ? "none_already_halted" : "left_to_lowest_node");
      continue;
    }
    auto now = wall_clock_now();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(st.cfg.role_lost_halt).count();
    // A node key alone halts only its own node: the cluster kill applies
    // once enough members endorse it (each when its own watch agrees).
    kill_command cmd{kill_id{"role-lost-" + st.cfg.core.self.value + "-" + role + "-" + std::to_string(now.ns)},
                     kill_level::cancel_all,
                     kill_scope::cluster,
                     "",
                     operator_id{st.cfg.node_key_name},
                     st.cfg.core.self,
                     "role " + role + " has no live holder in the cluster for " + std::to_string(ms)
                       + " ms and no standby took it over",
                     now,
                     {},
                     st.cfg.core.cluster};
    if (st.cfg.node_key)
      cmd.signature = st.cfg.node_key->sign(signing_payload(cmd));
    spdlog::critical("event=role_lost role={} node={} action=cluster_kill level=2 kill_id={}", role,
                     st.cfg.core.self.value, cmd.id.value);
    self->request(caf::actor_cast<caf::actor>(self), st.cfg.report_deadline + std::chrono::seconds(1), cmd)
      .then(
        [](const kill_report& r) {
          spdlog::warn("event=role_lost_kill_report kill_id={} complete={} error=\"{}\"", r.id.value,
                       r.complete, r.error);
        },
        [self](caf::error& err) {
          spdlog::error("event=role_lost_kill_report error=\"{}\"", self->system().render(err));
        });
  }
}

} // namespace

bool sees_lost_role(kill_ptr self) {
  auto& st = self->state;
  return st.roles_watched && st.roles_watched->any_lost(quorum_clock_ns());
}

namespace {

// One round: a heartbeat to every peer, the quorum and role checks.
void heartbeat_round(kill_ptr self) {
  auto& st = self->state;
  // One heartbeat per peer, signed for that peer (finding F2): the same
  // bytes to every peer would let a Byzantine member relay one peer's beats
  // to a node cut off from it. The directory names each peer coordinator by
  // its node id ("<peer_kill_prefix><node>"); one same seq for all is fine.
  // Each carries the newest seq taken from that peer, and the monitor keeps
  // our send time (boot clock) of this seq per peer, which the peer's ack of it
  // will prove (finding F1).
  uint64_t seq = 0;
  if (std::string error; !st.heartbeat_seq->next(seq, error))
    seq_store_failed(self, error);
  auto now = wall_clock_now();
  auto sent_ns = quorum_clock_ns();
  for (auto& [name, handle] : st.dir) {
    if (!handle || name.compare(0, peer_kill_prefix.size(), peer_kill_prefix) != 0)
      continue;
    auto peer = name.substr(peer_kill_prefix.size());
    heartbeat hb{st.cfg.core.self, node_id{peer}, seq, now, {}};
    hb.ack_seq = st.quorum->ack_for(peer);
    st.quorum->on_sent(peer, seq, sent_ns);
    // Unsigned without a node key (unit tests): peers then refuse it.
    if (st.cfg.node_key)
      hb.signature = st.cfg.node_key->sign(signing_payload(hb));
    ++st.heartbeats_sent;
    self->send(handle, hb);
  }
  auto c = st.quorum->check(quorum_clock_ns());
  if (c.lost)
    halt_on_lost_quorum(self, c);
  check_lost_roles(self);
  if (!st.core->pending().empty())
    endorse_pending(self);
}

} // namespace

void on_tick(kill_ptr self) {
  // A tick from outside this node is refused and counted like a directory
  // or a disconnect from there (refused_remote.tick). Only the timer's own
  // tick (sent by this actor to itself) arms the next one: any other caller
  // (tests) runs one round and starts no second timer chain. A chain per
  // injected tick would send k heartbeats (k signatures) per interval for
  // ever and age the honest acks out of the ring (review item 1).
  if (!self->state.guard.local(self, "tick"))
    return;
  bool own = self->current_sender() == self->ctrl();
  heartbeat_round(self);
  if (own)
    self->delayed_send(self, self->state.cfg.heartbeat_interval, tick_atom::value);
}

void on_heartbeat(kill_ptr self, const heartbeat& hb) {
  auto& st = self->state;
  if (hb.node == st.cfg.core.self)
    return refuse_heartbeat(self, hb, "own_name", "heartbeat in this node's own name");
  // Signed for another node and relayed here (finding F2): it proves the
  // sender reaches that node, not this one.
  if (hb.to != st.cfg.core.self)
    return refuse_heartbeat(self, hb, "wrong_receiver",
                            "signed for node '" + hb.to.value + "', not this node");
  // Membership is configuration (issue 17 finding 2): a node key that is
  // not a configured member's signs nothing that counts here.
  if (auto why = membership_refusal(st.cfg.members.get(), hb.node.value); !why.empty())
    return refuse_heartbeat(self, hb, "not_a_member", why);
  // Only node X's key can sign X's heartbeat.
  if (auto why = verify_heartbeat_signature(st.cfg.core.operators.get(), hb); !why.empty())
    return refuse_heartbeat(self, hb, "bad_signature", why);
  // Second layer: it comes from the process of X's coordinator.
  auto sender = self->current_sender();
  auto expected = role(self, peer_kill_prefix + hb.node.value);
  if (!sender || !expected || sender->node() != expected.node())
    return refuse_heartbeat(self, hb, "wrong_sender",
                            "not from the process of that node's coordinator");
  // No receipt time is passed: freshness is our own send time of the seq
  // the heartbeat acknowledges (finding F1).
  switch (st.quorum->on_heartbeat(hb.node.value, hb.seq, hb.ack_seq)) {
    case heartbeat_verdict::counted:
      st.heartbeat_refusal_logged.erase(hb.node.value);
      return;
    case heartbeat_verdict::awaiting_ack:
      // A peer's first heartbeats (it has taken none of ours yet): its seq is
      // acked back, it counts once it acknowledges one of ours.
      ++st.heartbeats_awaiting_ack;
      return;
    case heartbeat_verdict::stale_seq:
      return refuse_heartbeat(self, hb, "stale_seq",
                              "seq " + std::to_string(hb.seq)
                                + " not above the last one taken (replay)");
    case heartbeat_verdict::ack_too_old:
      return refuse_heartbeat(self, hb, "ack_too_old",
                              "acknowledges seq " + std::to_string(hb.ack_seq)
                                + ", older than the recent heartbeats this node sent it"
                                  " (held back, or from before a restart): not fresh");
    case heartbeat_verdict::ack_never_sent:
      return refuse_heartbeat(self, hb, "ack_never_sent",
                              "acknowledges seq " + std::to_string(hb.ack_seq)
                                + ", which this node never sent to it");
    case heartbeat_verdict::ack_ahead:
      return refuse_heartbeat(self, hb, "ack_ahead",
                              "acknowledges seq " + std::to_string(hb.ack_seq)
                                + ", above the last one this node sent to it (taken, its seq"
                                  " acked back; not fresh)");
    case heartbeat_verdict::not_member:
      return refuse_heartbeat(self, hb, "not_a_member", "not a configured member");
    case heartbeat_verdict::ignored:
      return refuse_heartbeat(self, hb, "not_a_peer",
                              "more distinct peers than the cluster size allows");
  }
}

quorum_status quorum_view(kill_ptr self) {
  auto& st = self->state;
  auto now = quorum_clock_ns();
  return quorum_status{st.quorum->visible(now) >= st.quorum->quorum(), st.quorum->peers_seen(now),
                       st.quorum->quorum()};
}

void add_quorum_stats(kill_ptr self, actor_stats& s) {
  auto& st = self->state;
  auto now = quorum_clock_ns();
  s.counters["peers_seen"] = st.quorum->peers_seen(now);
  s.counters["quorum"] = st.quorum->quorum();
  s.counters["quorum_held"] = st.quorum->visible(now) >= st.quorum->quorum() ? 1 : 0;
  s.counters["quorum_lost"] = st.quorum_lost;
  s.counters["quorum_lost_halts"] = st.quorum_lost_halts;
  s.counters["heartbeats_sent"] = st.heartbeats_sent;
  s.counters["heartbeats_refused"] = st.heartbeats_refused;
  s.counters["heartbeats_awaiting_ack"] = st.heartbeats_awaiting_ack;
  s.counters["heartbeat_seq_store_failures"] = st.heartbeat_seq_store_failures;
  for (auto& [why, n] : st.heartbeats_refused_by)
    s.counters["heartbeats_refused." + why] = n;
  for (auto& [peer, age] : st.quorum->heartbeat_age_ms(now))
    s.counters["heartbeat_age_ms." + peer] = age;
}

} // namespace cwts::kill_detail
