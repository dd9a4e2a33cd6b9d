#include "actors/kill/quorum_monitor.hpp"

#include <algorithm>

#include "actors/kill/reset_quorum.hpp"

namespace cwts {

quorum_monitor::quorum_monitor(quorum_monitor_config cfg)
  : cfg_(std::move(cfg)), quorum_(reset_quorum(std::max<int32_t>(cfg_.cluster_size, 1))) {
}

void quorum_monitor::on_heartbeat(const std::string& peer, int64_t now_ns) {
  if (peer == cfg_.self)
    return;
  auto i = last_seen_ns_.find(peer);
  if (i != last_seen_ns_.end()) {
    i->second = std::max(i->second, now_ns);
    return;
  }
  if (static_cast<int32_t>(last_seen_ns_.size()) < cfg_.cluster_size - 1)
    last_seen_ns_.emplace(peer, now_ns);
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
