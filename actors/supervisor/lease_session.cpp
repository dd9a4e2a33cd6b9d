#include "actors/supervisor/lease_session.hpp"

#include <utility>

namespace cwts {

lease_session::lease_session(std::string self, std::set<std::string> members,
                             std::set<std::string> roles, lease_timing timing, bool hold)
  : self_(std::move(self)), members_(std::move(members)), roles_(std::move(roles)), timing_(timing),
    hold_(hold) {
  for (auto& r : roles_)
    roles_state_.emplace(r, role_state(lease_holder(r, self_, members_, timing)));
}

std::vector<std::pair<std::string, int64_t>> lease_session::set_hold(bool hold) {
  std::vector<std::pair<std::string, int64_t>> given_up;
  if (hold == hold_)
    return given_up;
  hold_ = hold;
  partial_since_ns_ = 0;
  if (!hold) {
    for (auto& [role, st] : roles_state_) {
      if (st.written_epoch > 0)
        given_up.emplace_back(role, st.written_epoch);
      // An epoch asked for may have been granted by some members already
      // (answers in flight): released too, so a standby need not wait for
      // those grants to run out.
      if (st.holder.epoch() > 0 && st.holder.epoch() != st.written_epoch)
        given_up.emplace_back(role, st.holder.epoch());
      st.holder.release();
      st.written_until = 0;
      st.lost_logged = true; // given up on purpose: not a lapse
      st.renew_failure_logged = false;
      st.superseded_by.clear();
    }
  }
  return given_up;
}

std::vector<lease_round_item> lease_session::start_round(int64_t now_ns,
                                                         std::vector<lease_lapse>& failed) {
  ++round_;
  std::vector<lease_round_item> out;
  size_t held_now = 0;
  for (auto& [role, st] : roles_state_)
    held_now += hold_ && st.holder.held(now_ns) ? 1 : 0;
  if (held_now == 0 || held_now == roles_state_.size())
    partial_since_ns_ = 0;
  else if (partial_since_ns_ == 0)
    partial_since_ns_ = now_ns;
  for (auto& [role, st] : roles_state_) {
    // The round before ended: a holder that did not get a majority in it
    // says so once per lapse (the gate still closes only by time).
    if (hold_ && st.round != 0 && st.round_held_at_start
        && st.holder.granted_count() < st.holder.majority() && !st.renew_failure_logged) {
      st.renew_failure_logged = true;
      failed.push_back({role, st.holder.epoch(), st.holder.held_until_ns(),
                        st.holder.granted_count()});
    }
    st.last = std::move(st.now);
    st.now = seen{};
    st.round = round_;
    st.round_held_at_start = hold_ && st.holder.held(now_ns);
    // Renew while held; else ask only after the pre-vote passed in the
    // round before, if that is recent: a node resuming from a pause (SIGSTOP,
    // a stalled VM) must not ask on what it learned before the pause.
    bool fresh = st.started && now_ns - st.started_ns <= timing_.duration_ns / 2;
    st.started = true;
    st.started_ns = now_ns;
    st.asked = hold_
               && (st.round_held_at_start || (fresh && st.last.clear.size() >= majority()));
    if (st.asked) {
      auto epoch = st.holder.start_round(now_ns, round_);
      out.push_back({role, epoch, round_, false});
    } else {
      if (hold_)
        ++st.prevotes_failed;
      out.push_back({role, 0, round_, true});
    }
  }
  return out;
}

void lease_session::supersede(role_state& st, const std::string& holder, int64_t epoch) {
  // Watching, this node trades nothing: nothing to give back.
  if (!hold_ || holder.empty() || holder == self_ || epoch <= st.written_epoch
      || epoch <= st.superseded_epoch)
    return;
  st.superseded_by = holder;
  st.superseded_epoch = epoch;
}

lease_effect lease_session::on_answer(const std::string& member, const std::string& role,
                                      uint64_t round, const lease_answer& a, int64_t now_ns) {
  lease_effect e;
  auto it = roles_state_.find(role);
  if (it == roles_state_.end() || !members_.count(member))
    return e;
  auto& st = it->second;
  st.holder.saw_epoch(a.epoch);
  if (round == round_ && st.now.answered.insert(member).second) {
    // What this round says about the other members' grants.
    bool other_runs = a.running && !a.holder.empty() && a.holder != self_;
    if (other_runs && a.epoch >= st.now.other_epoch) {
      st.now.other = a.holder;
      st.now.other_epoch = a.epoch;
    }
    if (!a.unsure && !other_runs)
      st.now.clear.insert(member);
    if (other_runs && !a.unsure) {
      auto& by = st.now.running_for[{a.holder, a.epoch}];
      by.insert(member);
      if (by.size() >= majority())
        supersede(st, a.holder, a.epoch);
    }
    if (!a.granted && !a.reason.empty() && a.reason != "probe") {
      st.now.refusal = a.reason;
      if (!st.refusals_logged.count(a.reason)) {
        if (st.refusals_logged.size() >= 16)
          st.refusals_logged.clear();
        st.refusals_logged.insert(a.reason);
        e.refusal = a.reason;
      }
    }
  }
  if (!hold_)
    return e;
  // Grants count in the round they answer (the holder keeps the last few):
  // a late answer is still safe, counted from its own round's start.
  bool was_held = st.holder.held(now_ns);
  auto before_epoch = st.written_epoch;
  if (!st.holder.on_answer(member, round, a))
    return e;
  e.epoch = st.holder.epoch();
  e.until_ns = st.holder.held_until_ns();
  if (was_held && before_epoch == e.epoch) {
    e.renewed = true;
    ++st.renewals;
  } else {
    e.acquired = true;
    ++st.acquired;
    st.refusals_logged.clear(); // a new lapse logs its refusals again
  }
  st.written_epoch = e.epoch;
  st.written_until = e.until_ns;
  st.lost_logged = false;
  st.renew_failure_logged = false;
  if (st.superseded_epoch <= e.epoch)
    st.superseded_by.clear(); // held at a newer epoch than the proof named
  return e;
}

bool lease_session::on_notice(const std::string& role, const std::string& holder, int64_t epoch) {
  auto it = roles_state_.find(role);
  if (it == roles_state_.end())
    return false;
  auto& st = it->second;
  st.holder.saw_epoch(epoch);
  auto before = st.superseded_epoch;
  supersede(st, holder, epoch);
  return st.superseded_epoch != before;
}

std::vector<lease_lapse> lease_session::take_lost(int64_t now_ns) {
  std::vector<lease_lapse> out;
  for (auto& [role, st] : roles_state_) {
    if (st.lost_logged || st.written_until > now_ns)
      continue;
    st.lost_logged = true;
    ++st.lapses;
    out.push_back({role, st.written_epoch, st.written_until, 0});
  }
  return out;
}

bool lease_session::held(const std::string& role, int64_t now_ns) const {
  auto it = roles_state_.find(role);
  return hold_ && it != roles_state_.end() && it->second.holder.held(now_ns);
}

bool lease_session::all_held(int64_t now_ns) const {
  if (!hold_ || roles_state_.empty())
    return false;
  for (auto& [role, st] : roles_state_)
    if (!st.holder.held(now_ns))
      return false;
  return true;
}

lease_view lease_session::view(int64_t now_ns) const {
  lease_view v;
  v.all_held = all_held(now_ns);
  v.lease_ns = timing_.duration_ns;
  if (hold_ && partial_since_ns_ > 0 && !v.all_held)
    v.partial_for_ns = now_ns - partial_since_ns_;
  for (auto& [role, st] : roles_state_) {
    for (auto* s : {&st.now, &st.last}) {
      if (!s->other.empty() && s->other_epoch >= v.other_epoch) {
        v.other = s->other;
        v.other_epoch = s->other_epoch;
      }
      if (v.refusal.empty())
        v.refusal = s->refusal;
    }
    if (!st.superseded_by.empty() && st.superseded_epoch > v.superseded_epoch) {
      v.superseded_by = st.superseded_by;
      v.superseded_epoch = st.superseded_epoch;
    }
  }
  return v;
}

void lease_session::add_to(std::map<std::string, int64_t>& c, int64_t now_ns) const {
  c["mode_hold"] = hold_ ? 1 : 0;
  for (auto& [role, st] : roles_state_) {
    bool h = hold_ && st.holder.held(now_ns);
    c["held." + role] = h ? 1 : 0;
    c["epoch." + role] = st.written_epoch;
    c["held_for_ms." + role] = h ? (st.holder.held_until_ns() - now_ns) / 1'000'000 : 0;
    c["acquired." + role] = st.acquired;
    c["renewals." + role] = st.renewals;
    c["lapses." + role] = st.lapses;
    c["prevote_failed." + role] = st.prevotes_failed;
    c["epoch_bumps." + role] = st.holder.epoch_bumps();
    c["superseded_epoch." + role] = st.superseded_epoch;
  }
}

} // namespace cwts
