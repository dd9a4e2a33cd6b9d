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

double market_data_age_s(const connector_status& c) {
  return c.feed_age_ms >= 0 ? static_cast<double>(c.feed_age_ms) / 1000.0 : -1;
}

double market_data_age_s(const node_status& st) {
  double out = -1;
  for (auto& [venue, c] : st.connectors)
    out = std::max(out, market_data_age_s(c));
  return out;
}

std::vector<venue_name> local_venues(const node_status& st) {
  auto out = st.connector_venues();
  for (auto& [venue, c] : st.connectors)
    if (std::find(out.begin(), out.end(), venue) == out.end())
      out.push_back(venue);
  std::sort(out.begin(), out.end());
  return out;
}

// The connector's typed answer, not its counters (issue 17 finding 11). A
// connector that answered its stats but not its status is not known to be up.
bool venue_down(const node_status& st, const venue_name& v) {
  auto c = st.connectors.find(v);
  return c == st.connectors.end() || !venue_up(c->second);
}

std::optional<bool> venue_down(const node_status& st) {
  auto venues = local_venues(st);
  if (venues.empty())
    return std::nullopt;
  return std::any_of(venues.begin(), venues.end(),
                     [&](const venue_name& v) { return venue_down(st, v); });
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

  // Per connector: each venue's outage counts from when it went down; the
  // rule's value is the longest, its recommendation names the venues down.
  std::map<venue_name, int64_t> since;
  std::string down_names;
  for (auto& v : local_venues(st)) {
    if (!venue_down(st, v))
      continue;
    auto i = disconnected_since_ns_.find(v);
    since[v] = i == disconnected_since_ns_.end() ? now_ns : i->second;
    down_names += (down_names.empty() ? "" : ", ") + v.value;
  }
  disconnected_since_ns_ = std::move(since);
  int64_t longest = 0;
  for (auto& [v, t] : disconnected_since_ns_)
    longest = std::max(longest, now_ns - t);
  health_result venue{"venue_disconnected", s_.venue_disconnected_s > 0, false, longest / 1e9,
                      s_.venue_disconnected_s, "seconds",
                      "venue disconnected" + (down_names.empty() ? "" : " (" + down_names + ")")
                        + ": orders cannot be placed or canceled there",
                      s_.venue_kill_level};
  venue.breached = venue.enabled && !disconnected_since_ns_.empty()
                   && venue.value >= s_.venue_disconnected_s;
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
