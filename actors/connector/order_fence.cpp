#include "actors/connector/order_fence.hpp"

#include <algorithm>

namespace cwts::connector {

order_fence::order_fence(const lease_gate* gate, std::string role)
  : gate_(gate), role_(std::move(role)) {}

bool order_fence::lease_lapsed(fence_verdict& v, int64_t now_ns) const {
  if (gate_->check(role_, now_ns))
    return false;
  v.outcome = fence_verdict::kind::no_trading_lease;
  v.held_epoch = gate_->held_epoch(role_);
  int64_t until = gate_->held_until_ns(role_);
  if (v.held_epoch > 0 && until > 0 && until <= now_ns)
    v.ended_ms_ago = (now_ns - until) / 1'000'000;
  return true;
}

fence_verdict order_fence::admit(const order_request& o, int64_t now_ns) {
  fence_verdict v;
  v.order_epoch = o.lease_epoch;
  if (gate_ == nullptr)
    return v;
  if (lease_lapsed(v, now_ns)) {
    no_lease_.fetch_add(1, std::memory_order_relaxed);
    return note(v);
  }
  v.fence = gate_->fence(oms_lease_role);
  v.seen = seen_.load(std::memory_order_acquire);
  v.bar = std::max(v.fence, v.seen);
  if (o.lease_epoch < v.bar) {
    v.outcome = fence_verdict::kind::fenced_epoch;
    fenced_.fetch_add(1, std::memory_order_relaxed);
    return note(v);
  }
  // Orders are admitted one at a time, but stats may read meanwhile: the bar
  // only ever rises.
  int64_t cur = v.seen;
  while (o.lease_epoch > cur
         && !seen_.compare_exchange_weak(cur, o.lease_epoch, std::memory_order_acq_rel))
    ;
  return note(v);
}

fence_verdict order_fence::recheck(const order_request& o, int64_t now_ns) const {
  fence_verdict v;
  v.order_epoch = o.lease_epoch;
  if (gate_ == nullptr || lease_lapsed(v, now_ns))
    return v;
  v.fence = gate_->fence(oms_lease_role);
  v.seen = highest_seen();
  v.bar = std::max(v.fence, v.seen);
  if (o.lease_epoch < v.bar)
    v.outcome = fence_verdict::kind::fenced_epoch;
  return v;
}

bool order_fence::still_admits(const order_request& o, int64_t now_ns) const {
  return recheck(o, now_ns).admitted();
}

fence_verdict& order_fence::note(fence_verdict& v) {
  auto now = static_cast<uint8_t>(v.outcome);
  auto before = last_.exchange(now, std::memory_order_relaxed);
  v.first_of_stretch = !v.admitted() && before != now;
  return v;
}

std::string order_fence::describe(const fence_verdict& v) const {
  if (v.outcome == fence_verdict::kind::fenced_epoch)
    return "order of lease epoch " + std::to_string(v.order_epoch) + " is older than epoch "
           + std::to_string(v.bar) + " (granted for role 'oms' by a majority, certified: "
           + std::to_string(v.fence) + ", highest in an order here: " + std::to_string(v.seen)
           + "): an older OMS lease holder is fenced";
  std::string out = "this node does not hold the trading lease of role '" + role_ + "'";
  if (v.ended_ms_ago >= 0)
    out += ": epoch " + std::to_string(v.held_epoch) + " ended " + std::to_string(v.ended_ms_ago)
           + " ms ago";
  else
    out += " (not granted, or given up)";
  return out;
}

} // namespace cwts::connector
