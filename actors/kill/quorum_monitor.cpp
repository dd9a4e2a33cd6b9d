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

heartbeat_verdict quorum_monitor::on_heartbeat(const std::string& peer, uint64_t seq,
                                               int64_t now_ns) {
  if (peer == cfg_.self)
    return heartbeat_verdict::ignored;
  if (!cfg_.members.empty() && !cfg_.members.count(peer))
    return heartbeat_verdict::not_member;
  auto i = last_seen_ns_.find(peer);
  if (i == last_seen_ns_.end()) {
    if (static_cast<int32_t>(last_seen_ns_.size()) >= cfg_.cluster_size - 1)
      return heartbeat_verdict::ignored;
    last_seq_[peer] = seq;
    last_seen_ns_.emplace(peer, now_ns);
    return heartbeat_verdict::counted;
  }
  auto& last = last_seq_[peer];
  if (seq <= last)
    return heartbeat_verdict::stale_seq;
  last = seq;
  i->second = std::max(i->second, now_ns);
  return heartbeat_verdict::counted;
}

int32_t quorum_monitor::visible(int64_t now_ns) const {
  int32_t seen = 1;
  for (auto& [peer, at] : last_seen_ns_)
    if (now_ns - at <= cfg_.timeout_ns)
      ++seen;
  return std::min(seen, std::max<int32_t>(cfg_.cluster_size, 1));
}

quorum_check quorum_monitor::check(int64_t now_ns) {
  quorum_check out;
  out.visible = visible(now_ns);
  out.quorum = quorum_;
  for (auto& [peer, at] : last_seen_ns_)
    if (now_ns - at > cfg_.timeout_ns)
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
  for (auto& [peer, at] : last_seen_ns_)
    out[peer] = (now_ns - at) / 1'000'000;
  return out;
}

} // namespace cwts
