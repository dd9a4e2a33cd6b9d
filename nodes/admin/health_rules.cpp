#include "nodes/admin/health_rules.hpp"

#include <algorithm>

namespace cwts::admin {

namespace {

int64_t orders_of(const node_status& st) {
  return st.counter("risk", "checks_passed") + st.counter("risk", "checks_rejected");
}

int64_t rejects_of(const node_status& st) {
  return st.counter("risk", "checks_rejected") + st.counter("oms", "rejects");
}

} // namespace

double market_data_age_s(const node_status& st) {
  return st.connector && st.connector->feed_age_ms >= 0
           ? static_cast<double>(st.connector->feed_age_ms) / 1000.0
           : -1;
}

// The connector's typed answer, not its counters (issue 17 finding 11). A
// connector that answered its stats but not its status is not known to be up.
std::optional<bool> venue_down(const node_status& st) {
  if (st.connector)
    return !venue_up(*st.connector);
  if (st.stats.count("connector"))
    return true;
  return std::nullopt;
}

std::vector<health_result> health_evaluator::evaluate(const node_snapshot& snap,
                                                      const metrics::histogram_snapshot& roundtrip,
                                                      int64_t now_ns) {
  const auto& st = snap.status;
  window_.push_back(sample{now_ns, orders_of(st), rejects_of(st), roundtrip});
  auto window_ns = std::chrono::nanoseconds(s_.reject_window).count();
  while (window_.size() > 2 && now_ns - window_[1].at_ns >= window_ns)
    window_.pop_front();
  const auto& first = window_.front();
  std::vector<health_result> out;

  health_result stale{"market_data_stale", s_.stale_data_s > 0, false, market_data_age_s(st),
                      s_.stale_data_s, "seconds",
                      "market data is stale: check the venue feed; quotes on old prices are "
                      "unsafe",
                      s_.stale_data_kill_level};
  stale.breached = stale.enabled && stale.value > s_.stale_data_s;
  out.push_back(stale);

  int64_t orders = st.stats.count("risk") ? orders_of(st) - first.orders : 0;
  int64_t rejects = st.stats.count("risk") ? rejects_of(st) - first.rejects : 0;
  health_result rate{"reject_rate", s_.reject_ratio > 0, false,
                     orders > 0 ? static_cast<double>(rejects) / static_cast<double>(orders) : 0.0,
                     s_.reject_ratio, "ratio",
                     "orders are being rejected: check risk limits and venue errors before "
                     "trading on",
                     s_.reject_kill_level};
  rate.breached = rate.enabled && orders >= s_.reject_min_orders && rate.value > s_.reject_ratio;
  out.push_back(rate);

  auto recent = roundtrip.since(first.roundtrip);
  health_result lat{"order_latency_p99", s_.order_latency_p99_s > 0, false,
                    recent.quantile_ns(0.99) / 1e9, s_.order_latency_p99_s, "seconds",
                    "order round trip is slow: check the venue link and the node's load",
                    s_.order_latency_kill_level};
  lat.breached = lat.enabled && static_cast<int64_t>(recent.count) >= s_.order_latency_min_count
                 && lat.value > s_.order_latency_p99_s;
  out.push_back(lat);

  health_result mem{"memory", s_.max_resident_bytes > 0, false,
                    snap.process ? static_cast<double>(snap.process->resident_bytes) : 0.0,
                    static_cast<double>(s_.max_resident_bytes), "bytes",
                    "resident memory above its limit: look for a leak, plan a restart",
                    s_.memory_kill_level};
  mem.breached = mem.enabled && mem.value > mem.limit;
  out.push_back(mem);

  auto down = venue_down(st);
  if (down.value_or(false)) {
    if (disconnected_since_ns_ == 0)
      disconnected_since_ns_ = now_ns;
  } else {
    disconnected_since_ns_ = 0;
  }
  health_result venue{"venue_disconnected", s_.venue_disconnected_s > 0, false,
                      disconnected_since_ns_ ? (now_ns - disconnected_since_ns_) / 1e9 : 0.0,
                      s_.venue_disconnected_s, "seconds",
                      "venue disconnected: orders cannot be placed or canceled there",
                      s_.venue_kill_level};
  venue.breached = venue.enabled && down.value_or(false) && venue.value >= s_.venue_disconnected_s;
  out.push_back(venue);

  newly_.clear();
  std::vector<std::string> now_breached;
  for (auto& r : out) {
    if (!r.breached)
      continue;
    now_breached.push_back(r.rule);
    if (std::find(breached_.begin(), breached_.end(), r.rule) == breached_.end())
      newly_.push_back(r.rule);
  }
  breached_ = std::move(now_breached);
  return out;
}

bool health_evaluator::newly_breached(const std::string& rule) const {
  return std::find(newly_.begin(), newly_.end(), rule) != newly_.end();
}

} // namespace cwts::admin
