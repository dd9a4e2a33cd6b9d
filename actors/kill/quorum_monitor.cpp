#include "actors/kill/quorum_monitor.hpp"

#include <algorithm>

#include "actors/kill/reset_quorum.hpp"

namespace cwts {

quorum_monitor::quorum_monitor(quorum_monitor_config cfg)
  : cfg_(std::move(cfg)), quorum_(reset_quorum(std::max<int32_t>(cfg_.cluster_size, 1))) {
}

std::string verify_heartbeat_signature(const operator_registry* registry, const heartbeat& hb) {
  const operator_key* key = registry ? registry->node_key(hb.node.value) : nullptr;
  if (!key)
    return "no node key listed for node " + hb.node.value;
  if (hb.signature.empty())
    return "heartbeat from '" + hb.node.value + "' is unsigned";
  if (!ed25519_verify(key->public_key, signing_payload(hb), hb.signature))
    return "heartbeat from '" + hb.node.value + "' not signed by the key listed for node "
           + hb.node.value;
  return "";
}

std::size_t ack_window_for(int64_t timeout_ns, int64_t interval_ns) {
  constexpr int64_t cap = 4096;
  if (interval_ns <= 0 || timeout_ns < 0)
    return static_cast<std::size_t>(cap);
  // The timer sends timeout/interval + 3 within what on_sent keeps (timeout
  // + 2 intervals); four times that (slack included) is a memory bound only,
  // never reached at the timer's rate.
  return static_cast<std::size_t>(std::min<int64_t>(4 * (timeout_ns / interval_ns + 4), cap));
}

bool quorum_monitor::on_sent(const std::string& peer, uint64_t seq, int64_t now_ns) {
  if (peer == cfg_.self || (!cfg_.members.empty() && !cfg_.members.count(peer)))
    return false;
  auto i = sent_.find(peer);
  if (i == sent_.end()) {
    if (static_cast<int32_t>(sent_.size()) >= cfg_.cluster_size - 1)
      return false;
    i = sent_.emplace(peer, std::deque<sent_beat>{}).first;
  }
  auto& ring = i->second;
  // Seqs rise (the lookup below is a binary search); a repeat is not kept.
  if (!ring.empty() && seq <= ring.back().seq)
    return false;
  ring.push_back(sent_beat{seq, now_ns});
  // Trimmed by time: a send older than the timeout and two intervals can
  // only make an ack of it not fresh, so "older than the ring" means older
  // than the timeout whatever the send rate (review item 6). The count cap
  // only bounds memory.
  auto keep_ns = cfg_.timeout_ns + 2 * std::max<int64_t>(cfg_.interval_ns, 0);
  while (ring.size() > 1 && now_ns - ring.front().at_ns > keep_ns)
    ring.pop_front();
  while (ring.size() > std::max<std::size_t>(cfg_.ack_window, 1))
    ring.pop_front();
  return true;
}

uint64_t quorum_monitor::ack_for(const std::string& peer) const {
  auto i = peers_.find(peer);
  return i == peers_.end() ? 0 : i->second.last_seq;
}

heartbeat_verdict quorum_monitor::on_heartbeat(const std::string& peer, uint64_t seq,
                                               uint64_t ack_seq) {
  if (peer == cfg_.self)
    return heartbeat_verdict::ignored;
  if (!cfg_.members.empty() && !cfg_.members.count(peer))
    return heartbeat_verdict::not_member;
  auto known = peers_.find(peer);
  if (known == peers_.end() && static_cast<int32_t>(peers_.size()) >= cfg_.cluster_size - 1)
    return heartbeat_verdict::ignored;
  if (known != peers_.end() && seq <= known->second.last_seq)
    return heartbeat_verdict::stale_seq;
  // What its ack proves, on our clock. Refused outright (its seq not taken,
  // so never acked back) only when the ack is a gap in what we sent it.
  std::optional<int64_t> sent_at;
  auto verdict = heartbeat_verdict::awaiting_ack;
  if (ack_seq != 0) {
    verdict = heartbeat_verdict::ack_too_old; // older than the ring, or nothing sent yet
    auto ring = sent_.find(peer);
    if (ring != sent_.end() && !ring->second.empty()) {
      auto& r = ring->second;
      if (ack_seq > r.back().seq) {
        // Only the signer produces it (its signature was checked): it
        // proves nothing of ours, but its seq is taken and acked back, as
        // for ack_too_old, so two nodes whose seqs disagree (ours from
        // before a restart) recover once each acks the other's new ones.
        verdict = heartbeat_verdict::ack_ahead;
      } else if (ack_seq >= r.front().seq) {
        auto at = std::lower_bound(r.begin(), r.end(), ack_seq,
                                   [](const sent_beat& b, uint64_t s) { return b.seq < s; });
        if (at == r.end() || at->seq != ack_seq)
          return heartbeat_verdict::ack_never_sent;
        sent_at = at->at_ns;
        verdict = heartbeat_verdict::counted;
      }
    }
  }
  // Taken: its seq is what we ack back, also when its ack proves nothing
  // yet (a peer's first heartbeat, or both sides' acks too old after a long
  // partition: acking each other's new seqs is how they recover).
  auto& p = known != peers_.end() ? known->second : peers_[peer];
  p.last_seq = seq;
  if (sent_at && (!p.fresh_ns || *sent_at > *p.fresh_ns))
    p.fresh_ns = sent_at;
  return verdict;
}

int32_t quorum_monitor::visible(int64_t now_ns) const {
  int32_t seen = 1;
  for (auto& [peer, p] : peers_)
    if (fresh(p, now_ns))
      ++seen;
  return std::min(seen, std::max<int32_t>(cfg_.cluster_size, 1));
}

quorum_check quorum_monitor::check(int64_t now_ns) {
  quorum_check out;
  out.visible = visible(now_ns);
  out.quorum = quorum_;
  for (auto& [peer, p] : peers_)
    if (!fresh(p, now_ns))
      out.silent.push_back(peer);
  if (out.visible >= quorum_) {
    lost_ = false;
    return out;
  }
  if (now_ns - cfg_.counting_from_ns <= cfg_.timeout_ns || lost_)
    return out;
  lost_ = true;
  out.lost = true;
  return out;
}

std::map<std::string, int64_t> quorum_monitor::heartbeat_age_ms(int64_t now_ns) const {
  std::map<std::string, int64_t> out;
  for (auto& [peer, p] : peers_)
    if (p.fresh_ns)
      out[peer] = (now_ns - *p.fresh_ns) / 1'000'000;
  return out;
}

} // namespace cwts
