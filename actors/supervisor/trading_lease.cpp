#include "actors/supervisor/trading_lease.hpp"

#include <algorithm>
#include <utility>

namespace cwts {

namespace {

// `duration` scaled by (1 + sign * drift): the longest (+1) or shortest (-1)
// local measure of `duration` of real time.
int64_t scaled(int64_t duration_ns, int64_t drift_ppm, int sign) {
  return duration_ns + sign * (duration_ns / 1'000'000 * drift_ppm
                               + duration_ns % 1'000'000 * drift_ppm / 1'000'000);
}

} // namespace

lease_grantor::lease_grantor(std::set<std::string> members, std::set<std::string> roles,
                             lease_timing timing)
  : members_(std::move(members)), roles_(std::move(roles)), timing_(timing) {}

lease_answer lease_grantor::on_request(const std::string& role, const std::string& candidate,
                                       int64_t epoch, int64_t now_ns) {
  auto a = judge(role, candidate, epoch, now_ns);
  if (a.granted)
    commit(role, candidate, epoch, now_ns);
  return a;
}

lease_answer lease_grantor::judge(const std::string& role, const std::string& candidate,
                                  int64_t epoch, int64_t now_ns) const {
  lease_answer a;
  if (!members_.count(candidate)) {
    a.reason = "'" + candidate + "' is not a member";
    a.unsure = true;
    return a;
  }
  if (!roles_.count(role)) {
    a.reason = "'" + role + "' is not a leased role";
    a.unsure = true;
    return a;
  }
  grant g;
  if (auto it = grants_.find(role); it != grants_.end())
    g = it->second;
  a.epoch = g.epoch;
  a.holder = g.holder;
  bool running = g.until_ns > now_ns;
  a.running = running;
  if (now_ns < quiet_until_ns_) {
    // A grant given before the restart may still run: it cannot tell.
    a.unsure = true;
    a.reason = "this member restarted: it grants nothing for one grant's time ("
               + std::to_string(grant_ns() / 1'000'000) + " ms) after its start";
    return a;
  }
  // A renewal: the same holder at the epoch promised to it (also after a
  // restart: the holder is stored with the epoch).
  bool renewal = g.holder == candidate && g.epoch == epoch && epoch > 0;
  if (!renewal) {
    if (epoch <= g.epoch) {
      a.reason = "epoch " + std::to_string(epoch) + " is not above " + std::to_string(g.epoch);
      return a;
    }
    if (running && g.holder != candidate) {
      a.reason = "held by " + g.holder + " at epoch " + std::to_string(g.epoch);
      return a;
    }
  }
  a.granted = true;
  a.running = true;
  a.epoch = epoch;
  a.holder = candidate;
  return a;
}

void lease_grantor::commit(const std::string& role, const std::string& candidate, int64_t epoch,
                           int64_t now_ns) {
  if (!roles_.count(role))
    return;
  auto& g = grants_[role];
  g.holder = candidate;
  g.epoch = epoch;
  // At least `duration` of real time on this member's clock.
  g.until_ns = now_ns + grant_ns();
}

lease_answer lease_grantor::on_probe(const std::string& role, int64_t now_ns) const {
  lease_answer a;
  a.reason = "probe";
  a.unsure = now_ns < quiet_until_ns_; // a grant from before its restart may run
  auto it = grants_.find(role);
  if (!roles_.count(role)) {
    a.reason = "'" + role + "' is not a leased role";
    a.unsure = true;
  } else if (it != grants_.end()) {
    a.epoch = it->second.epoch;
    a.holder = it->second.holder;
    a.running = it->second.until_ns > now_ns;
  }
  return a;
}

void lease_grantor::restore(const std::string& role, int64_t epoch, const std::string& holder) {
  if (!roles_.count(role))
    return;
  auto& g = grants_[role];
  if (epoch < g.epoch)
    return;
  g.epoch = epoch;
  // A holder that is not a member (an edited store) is not remembered.
  g.holder = members_.count(holder) ? holder : std::string{};
}

int64_t lease_grantor::grant_ns() const {
  return scaled(timing_.duration_ns, timing_.drift_ppm, +1);
}

void lease_grantor::on_release(const std::string& role, const std::string& holder, int64_t epoch) {
  auto it = grants_.find(role);
  if (it != grants_.end() && it->second.holder == holder && it->second.epoch == epoch)
    it->second.until_ns = 0; // the epoch stays promised
}

std::optional<std::string> lease_grantor::holder(const std::string& role, int64_t now_ns) const {
  auto it = grants_.find(role);
  if (it == grants_.end() || it->second.until_ns <= now_ns)
    return std::nullopt;
  return it->second.holder;
}

int64_t lease_grantor::promised_epoch(const std::string& role) const {
  auto it = grants_.find(role);
  return it == grants_.end() ? 0 : it->second.epoch;
}

std::string lease_grantor::promised_holder(const std::string& role) const {
  auto it = grants_.find(role);
  return it == grants_.end() ? std::string{} : it->second.holder;
}

lease_holder::lease_holder(std::string role, std::string self, std::set<std::string> members,
                           lease_timing timing)
  : role_(std::move(role)), self_(std::move(self)), members_(std::move(members)), timing_(timing) {}

int64_t lease_holder::start_round(int64_t now_ns) {
  return start_round(now_ns, round_ + 1);
}

int64_t lease_holder::start_round(int64_t now_ns, uint64_t round_id) {
  // Not held: a new epoch, unless the one asked for was never held and is
  // still above every epoch seen (asked again, not counted up each round).
  if (!held(now_ns) && (epoch_held_ || epoch_ <= highest_seen_)) {
    epoch_ = std::max(epoch_, highest_seen_) + 1;
    epoch_held_ = false;
  } else if (held(now_ns) && highest_seen_ > epoch_) {
    // Held, but a member promised a newer epoch (to a candidate that never
    // got a majority: a pre-vote taken just before this lease was granted)
    // and refuses every renewal at ours for good, leaving this lease one
    // lost member from its end. Asked at a newer epoch: members whose grant
    // runs for us take it (the same holder), that member too once the other
    // candidate's grant there ran out; the lease stays held until what the
    // rounds before bought.
    epoch_ = highest_seen_ + 1;
    ++epoch_bumps_;
  }
  round_ = std::max(round_ + 1, round_id);
  // Rounds of an older epoch can no longer make this one held.
  rounds_.erase(std::remove_if(rounds_.begin(), rounds_.end(),
                               [this](const sent_round& r) { return r.epoch != epoch_; }),
                rounds_.end());
  if (rounds_.size() >= kept_rounds)
    rounds_.erase(rounds_.begin());
  rounds_.push_back({round_, epoch_, now_ns, {}});
  return epoch_;
}

size_t lease_holder::granted_count() const {
  return !rounds_.empty() && rounds_.back().id == round_ ? rounds_.back().granted_by.size() : 0;
}

bool lease_holder::on_answer(const std::string& member, uint64_t round, const lease_answer& a) {
  if (!members_.count(member))
    return false;
  auto r = std::find_if(rounds_.begin(), rounds_.end(),
                        [round](const sent_round& x) { return x.id == round; });
  if (r == rounds_.end())
    return false; // too old, of another epoch, or given up
  highest_seen_ = std::max(highest_seen_, a.epoch);
  if (!a.granted || a.epoch != r->epoch || a.epoch != epoch_ || a.holder != self_)
    return false;
  bool before = r->granted_by.size() >= majority();
  r->granted_by.insert(member);
  if (before || r->granted_by.size() < majority())
    return false;
  // Counted from when that round's requests left, at most `duration` of real time.
  auto until = r->sent_ns + scaled(timing_.duration_ns, timing_.drift_ppm, -1);
  if (until <= held_until_ns_)
    return false; // a later round already bought more
  held_until_ns_ = until;
  epoch_held_ = true;
  return true;
}

void lease_holder::release() {
  held_until_ns_ = 0;
  rounds_.clear();
}

} // namespace cwts
