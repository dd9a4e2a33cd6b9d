#include "actors/risk/reject_rate.hpp"

#include <cstdio>

namespace cwts::risk {

std::string validate(const reject_rate_limits& l) {
  if (!(l.max_ratio >= 0.0 && l.max_ratio <= 1.0))
    return "max_ratio: must be within 0..1";
  if (l.window_ns < 1'000'000)
    return "window: must be at least 1 ms";
  if (l.min_orders < 1)
    return "min_orders: must be at least 1";
  return {};
}

bool counts_toward_reject_rate(reject_reason r) {
  switch (r) {
    case reject_reason::kill_gate_closed: // the gate is already closed: a kill is in force
    case reject_reason::trading_halted:
    case reject_reason::reducing_only:
    case reject_reason::not_reconciled: // the OMS holds orders until it reconciled at start
    // The node lost (or has not yet got) the trading lease, or an old
    // holder's order was fenced: a failover in progress, not a strategy
    // sending bad orders (docs/supervision.md "Trading lease").
    case reject_reason::no_trading_lease:
    case reject_reason::fenced_epoch:
      return false;
    default:
      return true;
  }
}

std::string reject_rate_breach::describe() const {
  char text[160];
  double pct = orders > 0 ? 100.0 * static_cast<double>(rejects) / static_cast<double>(orders) : 0;
  std::snprintf(text, sizeof text, "reject rate %lld of %lld orders (%.1f%%) in %lld ms, above %.1f%%",
                static_cast<long long>(rejects), static_cast<long long>(orders), pct,
                static_cast<long long>(window_ms), 100.0 * max_ratio);
  return text;
}

reject_rate::reject_rate(reject_rate_limits limits) {
  set_limits(limits);
}

void reject_rate::set_limits(reject_rate_limits limits) {
  limits_ = limits;
  bucket_ns_ = limits.window_ns / static_cast<int64_t>(bucket_count);
  if (bucket_ns_ < 1)
    bucket_ns_ = 1;
  buckets_.fill(bucket{});
}

reject_rate::bucket& reject_rate::current(int64_t now_ns) {
  int64_t index = now_ns / bucket_ns_;
  auto& b = buckets_[static_cast<size_t>(index % static_cast<int64_t>(bucket_count))];
  if (b.index != index)
    b = bucket{index, 0, 0};
  return b;
}

template <class F>
int64_t reject_rate::sum(int64_t now_ns, F field) const {
  int64_t index = now_ns / bucket_ns_;
  int64_t out = 0;
  for (auto& b : buckets_)
    if (b.index >= 0 && b.index > index - static_cast<int64_t>(bucket_count) && b.index <= index)
      out += field(b);
  return out;
}

int64_t reject_rate::orders(int64_t now_ns) const {
  return sum(now_ns, [](const bucket& b) { return b.orders; });
}

int64_t reject_rate::rejects(int64_t now_ns) const {
  return sum(now_ns, [](const bucket& b) { return b.rejects; });
}

std::optional<reject_rate_breach> reject_rate::on_order(int64_t now_ns, bool gate_open) {
  ++current(now_ns).orders;
  return evaluate(now_ns, gate_open);
}

std::optional<reject_rate_breach> reject_rate::on_reject(int64_t now_ns, bool gate_open) {
  ++current(now_ns).rejects;
  return evaluate(now_ns, gate_open);
}

bool reject_rate::over_limit(int64_t now_ns) const {
  if (limits_.max_ratio <= 0.0)
    return false;
  int64_t n = orders(now_ns);
  int64_t r = rejects(now_ns);
  return n >= limits_.min_orders
         && static_cast<double>(r) > limits_.max_ratio * static_cast<double>(n);
}

std::optional<reject_rate_breach> reject_rate::evaluate(int64_t now_ns, bool gate_open) {
  if (limits_.max_ratio <= 0.0)
    return std::nullopt; // off
  int64_t n = orders(now_ns);
  int64_t r = rejects(now_ns);
  bool breached = over_limit(now_ns);
  if (breached && !latched_) {
    latched_ = true;
    ++breaches_;
    return reject_rate_breach{n, r, limits_.max_ratio, limits_.window_ns / 1'000'000};
  }
  if (!breached && latched_ && gate_open)
    latched_ = false;
  return std::nullopt;
}

} // namespace cwts::risk
