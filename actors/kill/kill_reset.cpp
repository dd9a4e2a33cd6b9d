// The reset half of the kill coordinator (DESIGN.md "Reset", reset_quorum.hpp):
// an operator-signed reset_command is verified by every node, each node
// checks its own preconditions and sends its vote to every node, and a node
// reopens its gate only with a quorum of yes votes and its own vote yes.
//
// The origin proposes the epoch trading resumes at (its own + 1); a node
// votes yes only for an epoch above its own, its vote carries that epoch and
// is signed with its node key; on resume every node takes the agreed epoch.
// A vote is counted only when (1) it verifies with the key the operators
// file lists for the node it names, (2) it comes from that node's
// coordinator (the sender's handle is that node's peer-kill entry: a second
// layer), (3) it is that node's first vote for the reset and (4) it is for
// the proposal's epoch. A node without a key (unit tests) still counts its
// own vote; votes that cannot be verified are never counted (fail-safe).

#include <chrono>
#include <functional>
#include <memory>

#include <spdlog/spdlog.h>

#include "actors/kill/audit_content.hpp"
#include "actors/kill/kill_auth.hpp"
#include "actors/kill/kill_coordinator_state.hpp"
#include "actors/supervisor/supervisor_actor.hpp"

namespace cwts::kill_detail {

namespace {

// With the signed content (audit_content.hpp), so the operator's and the
// voting node's signatures can be checked again; refusals are sampled.
void audit_reset(kill_ptr self, const reset_command& cmd, const char* via, const char* verdict,
                 const std::string& why) {
  auto r = reset_command_record(self->state.cfg.core.self, cmd, via, verdict, why);
  if (std::string(verdict) == "refused")
    audit_refusal(self, r, "reset refused " + why);
  else
    audit(self, r, true);
}

void audit_vote(kill_ptr self, const reset_vote& v, const char* verdict, const std::string& why) {
  auto r = reset_vote_record(self->state.cfg.core.self, v, verdict, why);
  if (std::string(verdict) == "refused")
    audit_refusal(self, r, "vote refused " + why);
  else
    audit(self, r, false);
}

void refuse_vote(kill_ptr self, const reset_vote& v, const std::string& why) {
  ++self->state.votes_refused;
  spdlog::warn("event=reset_vote_refused id={} claimed_node={} epoch={} reason=\"{}\"",
               v.reset.value, v.node.value, v.epoch, why);
  audit_vote(self, v, "refused", why);
}

constexpr size_t max_early_resets = 16;

int32_t quorum(kill_ptr self) {
  return reset_quorum(self->state.cfg.cluster_size);
}

reset_report make_report(kill_ptr self, const reset_round& round, const std::string& error) {
  reset_report r;
  r.id = round.command().id;
  r.origin = round.command().origin;
  r.nodes = self->state.cfg.cluster_size;
  r.quorum = quorum(self);
  r.resumed = round.resumed;
  for (auto& [node, v] : round.votes())
    r.votes.push_back(v);
  r.error = error;
  return r;
}

void deliver_if_done(kill_ptr self, const std::string& id, bool deadline_passed) {
  auto& st = self->state;
  auto p = st.pending_resets.find(id);
  auto round = st.resets.find(id);
  if (p == st.pending_resets.end() || round == st.resets.end())
    return;
  bool all_voted = static_cast<int32_t>(round->second.votes().size()) >= st.cfg.cluster_size;
  if (!all_voted && !deadline_passed)
    return;
  std::string error;
  if (!round->second.refused.empty())
    error = round->second.refused;
  else if (!round->second.resumed)
    error = "no quorum: " + std::to_string(round->second.yes()) + " yes of "
            + std::to_string(quorum(self)) + " needed";
  if (!all_voted)
    error += (error.empty() ? "" : "; ") + std::string("deadline passed before every node voted");
  p->second.deliver(make_report(self, round->second, error));
  st.pending_resets.erase(p);
}

// Reopens the gate once this node holds a quorum of yes votes, its own among them.
void decide(kill_ptr self, reset_round& round) {
  auto& st = self->state;
  const auto& me = st.cfg.core.self.value;
  auto own = round.votes().find(me);
  if (round.resumed || own == round.votes().end() || !own->second.yes
      || round.yes() < quorum(self))
    return;
  // Another reset resumed us at this epoch or later meanwhile: never go back.
  if (round.command().epoch <= st.core->epoch())
    return;
  if (!round.refused.empty())
    return;
  // Compare and reopen: a kill applied after this node's vote snapshot (the
  // fan-out's I/O thread may apply one at any moment) was never voted on.
  if (!st.core->reopen(round.command().id, round.command().reason, round.command().epoch,
                       round.seen_seq)) {
    round.refused = "a kill was applied on this node after its vote (latest "
                    + st.core->last_applied().value + "): not reopened";
    audit_record r("reset_refused_late_kill");
    r.add("node", me)
      .add("ts_ns", wall_clock_now().ns)
      .add("id", round.command().id.value)
      .add("kill", st.core->last_applied().value)
      .add("yes", round.yes())
      .add("quorum", quorum(self));
    audit(self, r, true);
    spdlog::warn("event=reset_refused_late_kill id={} node={} kill={} yes={} quorum={}",
                 round.command().id.value, me, st.core->last_applied().value, round.yes(),
                 quorum(self));
    return;
  }
  round.resumed = true;
  ++st.resets_resumed;
  auto why = persist(self);
  audit_record r("reset_resumed");
  r.add("node", me)
    .add("ts_ns", wall_clock_now().ns)
    .add("id", round.command().id.value)
    .add("yes", round.yes())
    .add("quorum", quorum(self))
    .add("nodes", st.cfg.cluster_size)
    .add("epoch", st.core->epoch())
    .add("error", why);
  audit(self, r, true);
  spdlog::warn("event=reset_resumed id={} node={} yes={} quorum={} nodes={} epoch={} issuer={}",
               round.command().id.value, me, round.yes(), quorum(self), st.cfg.cluster_size,
               st.core->epoch(), round.command().issuer.value);
  notify_trading_state(self);
}

void record_vote(kill_ptr self, const reset_vote& v) {
  auto& st = self->state;
  auto round = st.resets.find(v.reset.value);
  if (round == st.resets.end()) {
    // The proposal is still on its way. Bounded: only members' signed votes
    // get here, but a member may invent reset ids.
    auto& early = st.early_votes[v.reset.value];
    if (early.size() < static_cast<size_t>(2 * st.cfg.cluster_size))
      early.push_back(v);
    while (st.early_votes.size() > max_early_resets)
      st.early_votes.erase(st.early_votes.begin());
    return;
  }
  if (auto why = round->second.record(v); !why.empty())
    return refuse_vote(self, v, why);
  audit_vote(self, v, "counted", "");
  spdlog::info("event=reset_vote id={} from={} yes={} epoch={} reason=\"{}\"", v.reset.value,
               v.node.value, v.yes, v.epoch, v.reason);
  decide(self, round->second);
  deliver_if_done(self, v.reset.value, false);
}

// Asks the local actors for what the vote depends on, then votes.
void cast_vote(kill_ptr self, const reset_command& cmd) {
  auto& st = self->state;
  // The snapshot this vote is about, taken under one lock: a kill applied
  // after it makes the reopen refuse (decide), whatever the vote says. The
  // latest kill in it survives a restart (halt_state last_kill, finding M1).
  auto p = std::make_shared<reset_preconditions>(
    st.core->vote_preconditions(cmd, st.resets[cmd.id.value].seen_seq));
  p->min_halt_ns = std::chrono::nanoseconds(st.cfg.min_halt).count();
  auto oms = local_role(self, "oms");
  p->oms_present = static_cast<bool>(oms);
  auto id = cmd.id;
  auto vote = [self, p, id] {
    auto v = decide_vote(id, self->state.cfg.core.self, *p);
    // Unsigned without a node key (unit tests): then only this node counts it.
    if (self->state.cfg.node_key)
      sign(v, *self->state.cfg.node_key);
    for (auto& peer : peers(self))
      self->send(peer, v);
    record_vote(self, v);
  };
  // Every local actor is asked for its typed reset_precondition, one after
  // the other: the OMS whether it is reconciled, every one whether a kill
  // trigger's condition holds now (risk, validator, every connector).
  auto asked = std::make_shared<std::vector<std::pair<std::string, caf::actor>>>();
  for (const char* r : {"oms", "risk", "validator"})
    if (auto h = local_role(self, r))
      asked->emplace_back(r, h);
  for (auto& [venue, h] : local_connectors(self))
    asked->emplace_back(connector_role(venue), h);
  // The step holds itself weakly; the pending request's handlers hold it
  // strongly, so it lives exactly as long as a request is outstanding.
  auto next = std::make_shared<std::function<void(size_t)>>();
  std::weak_ptr<std::function<void(size_t)>> weak = next;
  *next = [self, p, asked, weak, vote](size_t i) {
    if (i == asked->size()) {
      vote();
      return;
    }
    auto next = weak.lock();
    auto [name, actor] = (*asked)[i];
    self->request(actor, self->state.cfg.precondition_timeout, precond_atom::value)
      .then(
        [p, next, i, name = name](const reset_precondition& pc) {
          if (name == "oms")
            p->oms_reconciled = pc.reconciled;
          if (p->breach.empty() && !pc.breach.empty())
            p->breach = name + ": " + pc.breach;
          (*next)(i + 1);
        },
        [p, next, i](caf::error&) {
          p->answered = false;
          (*next)(i + 1);
        });
  };
  (*next)(0);
}

// Verifies and opens a round; empty when accepted, else why not.
std::string open_round(kill_ptr self, const reset_command& cmd, const char* via) {
  auto& st = self->state;
  std::string why;
  if (st.resets.count(cmd.id.value) || st.core->reset_seen(cmd.id))
    why = "replayed reset id '" + cmd.id.value + "' (seen before)";
  else if (cmd.id.empty() || cmd.reason.empty())
    why = "reset needs an id and a reason";
  else
    why = authorize(st.cfg.core.policy(), cmd, wall_clock_now());
  if (!why.empty()) {
    ++st.resets_refused;
    spdlog::warn("event=reset_refused id={} issuer={} via={} reason=\"{}\"", cmd.id.value,
                 cmd.issuer.value, via, why);
    audit_reset(self, cmd, via, "refused", why);
    return why;
  }
  // Rounds whose reset is outside the time window can never be opened or
  // replayed again: forget them (the durable seen list keeps the ids).
  const int64_t keep_ns = 2 * std::chrono::nanoseconds(st.cfg.core.operators->window()).count();
  for (auto i = st.resets.begin(); i != st.resets.end();) {
    bool old = wall_clock_now().ns - i->second.command().issued_at.ns > keep_ns;
    i = old && !st.pending_resets.count(i->first) ? st.resets.erase(i) : std::next(i);
  }
  // Durable before any vote: a restarted node refuses this reset again.
  st.core->remember_reset(cmd);
  if (auto failed = persist(self); !failed.empty())
    spdlog::error("event=reset_seen_not_persisted id={} error=\"{}\"", cmd.id.value, failed);
  audit_reset(self, cmd, via, "accepted", "");
  spdlog::warn("event=reset_proposed id={} issuer={} origin={} via={} reason=\"{}\"", cmd.id.value,
               cmd.issuer.value, cmd.origin.value, via, cmd.reason);
  st.resets[cmd.id.value] = reset_round{cmd};
  cast_vote(self, cmd);
  auto early = st.early_votes.find(cmd.id.value);
  if (early != st.early_votes.end()) {
    auto votes = std::move(early->second);
    st.early_votes.erase(early);
    for (auto& v : votes)
      record_vote(self, v);
  }
  return "";
}

} // namespace

caf::result<reset_report> on_reset_request(kill_ptr self, reset_command cmd) {
  cmd.origin = self->state.cfg.core.self;
  // The operator signed the epoch (the one they saw + 1); every vote signs
  // the one it agrees to.
  auto why = open_round(self, cmd, "request");
  if (!why.empty()) {
    reset_report r;
    r.id = cmd.id;
    r.origin = cmd.origin;
    r.nodes = self->state.cfg.cluster_size;
    r.quorum = quorum(self);
    r.error = why;
    return r;
  }
  for (auto& p : peers(self))
    self->send(p, peer_atom::value, cmd);
  auto rp = self->make_response_promise<reset_report>();
  self->state.pending_resets.emplace(cmd.id.value, rp);
  self->delayed_send(self, self->state.cfg.reset_deadline, reset_atom::value, cmd.id.value);
  deliver_if_done(self, cmd.id.value, false);
  return rp;
}

void on_reset_proposal(kill_ptr self, const reset_command& cmd) {
  if (self->state.resets.count(cmd.id.value))
    return; // seen: a second copy changes nothing
  // Echoed on first sight like a kill, so every node gets to vote even if
  // the origin dies after reaching only some of them.
  if (open_round(self, cmd, "peer").empty())
    for (auto& p : peers(self))
      self->send(p, peer_atom::value, cmd);
}

void on_reset_vote(kill_ptr self, const reset_vote& v) {
  auto& st = self->state;
  // Our own vote is recorded where it is cast; one arriving from outside in
  // our name is someone else's.
  if (v.node == st.cfg.core.self)
    return refuse_vote(self, v, "vote in this node's own name from outside");
  // Only the configured members vote (issue 17 finding 2).
  if (auto why = membership_refusal(st.cfg.members.get(), v.node.value); !why.empty())
    return refuse_vote(self, v, why);
  // Only node X's key can sign X's vote.
  if (auto why = verify_vote_signature(st.cfg.core.operators.get(), v); !why.empty())
    return refuse_vote(self, v, why);
  // Second layer: only the coordinator of node X may deliver X's vote.
  auto sender = self->current_sender();
  auto expected = role(self, peer_kill_prefix + v.node.value);
  if (!sender || !expected || sender != caf::actor_cast<caf::strong_actor_ptr>(expected))
    return refuse_vote(self, v, "sender is not that node's coordinator");
  record_vote(self, v);
}

void on_reset_deadline(kill_ptr self, const std::string& id) {
  deliver_if_done(self, id, true);
}

} // namespace cwts::kill_detail
