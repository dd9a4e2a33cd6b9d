// [risk] and [strategy]; the kills a node sends itself (market-data
// stale-halt-ms, risk reject ratio); [admin] and [health] (the health
// rules' thresholds and kill levels).
#include "nodes/node/node_config.hpp"

#include <cstdlib>

#include "actors/risk/limit_change.hpp"
#include "nodes/node/node_config_detail.hpp"

namespace cwts {

namespace {

template <class T>
bool parse_decimal(const std::string& key, const std::string& text, bool positive, T& out,
                   std::string& error) {
  auto v = T::parse(text);
  if (!v) {
    error = key + ": '" + text + "' is not a decimal with at most 8 places";
    return false;
  }
  if (positive && !v->is_positive()) {
    error = key + ": must be positive";
    return false;
  }
  out = *v;
  return true;
}

} // namespace

using config_detail::in_range;
using config_detail::off_or_within;
using config_detail::within;
using namespace std::chrono_literals;

bool node_config::read_risk_and_strategy(node_settings& s, std::string& error) const {
  const auto& r = raw_;
  // The same ranges as a run-time change_limit (actors/risk/limit_change.hpp).
  const auto& l = s.risk;
  if (!in_range("risk.price-collar-bps", l.price_collar_bps, risk::price_collar_bps_range.lo,
                risk::price_collar_bps_range.hi, error)
      || !in_range("risk.max-messages-per-second", l.max_messages_per_second,
                   risk::max_messages_per_second_range.lo, risk::max_messages_per_second_range.hi,
                   error)
      || !in_range("risk.max-fills-per-window", l.max_fills_per_window,
                   risk::max_fills_per_window_range.lo, risk::max_fills_per_window_range.hi, error)
      || !in_range("risk.fill-window-ms", l.fill_window_ms, risk::fill_window_ms_range.lo,
                   risk::fill_window_ms_range.hi, error)
      || !in_range("strategy.half-spread-ticks", s.strategy.half_spread_ticks, 1, 10000, error)
      || !in_range("strategy.requote-ticks", s.strategy.requote_threshold_ticks, 1, 10000, error)
      || !within("strategy.min-action-interval-ms", s.strategy.min_action_interval, 0ms, 60s,
                 error))
    return false;
  auto& k = s.risk;
  auto& g = s.strategy;
  g.account = s.venue.account;
  if (auto mode = strategy::parse_requote_mode(r.requote)) {
    g.requote = *mode;
  } else {
    error = "strategy.requote: '" + r.requote + "' is not cancel or amend";
    return false;
  }
  return parse_decimal("risk.max-order-qty", r.max_order_qty, true, k.max_order_qty, error)
         && parse_decimal("risk.max-order-notional", r.max_order_notional, true,
                          k.max_order_notional, error)
         && parse_decimal("risk.max-position", r.max_position, true, k.max_position, error)
         && parse_decimal("risk.tick-size", r.tick_size, true, k.tick_size, error)
         && parse_decimal("risk.lot-step", r.lot_step, true, k.lot_step, error)
         && parse_decimal("risk.min-notional", r.min_notional, false, k.min_notional, error)
         && parse_decimal("risk.credit-limit", r.credit_limit, true, k.credit_limit, error)
         && parse_decimal("risk.loss-limit", r.loss_limit, true, k.loss_limit, error)
         && parse_decimal("risk.drawdown-limit", r.drawdown_limit, true, k.drawdown_limit, error)
         && parse_decimal("strategy.order-qty", r.order_qty, true, g.quote_qty, error)
         && parse_decimal("strategy.max-inventory", r.max_inventory, true, g.max_inventory, error);
}

// docs/kill-switch.md "Auto-triggers": the kills a node sends itself.
// A duration is 0 (off) or at least 100 ms: shorter would halt on the
// scheduling noise of a busy machine, not on a lost feed.
bool node_config::read_auto_triggers(node_settings& s, std::string& error) const {
  const auto& r = raw_;
  if (!off_or_within("market-data.stale-halt-ms", s.stale_halt, 100ms, 24h, error)
      || !within("risk.reject-window-ms", s.risk.reject_window, 100ms, 1h, error)
      || !in_range("risk.reject-min-orders", s.risk.reject_min_orders, 1, 1'000'000, error))
    return false;
  char* end = nullptr;
  const auto& max_ratio = r.max_reject_ratio.text;
  double ratio = std::strtod(max_ratio.c_str(), &end);
  if (max_ratio.empty() || end == nullptr || *end != '\0' || !(ratio >= 0.0 && ratio <= 1.0)) {
    error = "risk.max-reject-ratio: '" + max_ratio + "' is not a number within 0..1";
    return false;
  }
  s.risk.max_reject_ratio = ratio;
  return true;
}

// docs/monitoring.md "Health rules": a bad value names its key.
bool node_config::read_admin(node_settings& s, std::string& error) const {
  const auto& r = raw_;
  auto& a = s.admin;
  auto& h = a.health;
  auto seconds = [&](const std::string& key, const config_detail::number_text& number,
                     double& out) {
    const auto& text = number.text;
    char* end = nullptr;
    double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end == nullptr || *end != '\0' || !(v >= 0.0 && v <= 86400.0 * 365)) {
      error = key + ": '" + text + "' is not a non-negative number";
      return false;
    }
    out = v;
    return true;
  };
  auto level = [&](const std::string& key, int v) { return in_range(key, v, 0, 4, error); };
  double latency_ms = 0;
  if (!in_range("admin.port", r.admin_port, 0, 65535, error)
      || !in_range("admin.max-connections", r.admin_max_connections, 1, 10'000, error)
      || !within("admin.request-deadline-ms", a.request_deadline, 100ms, 600s, error)
      || !within("health.interval-ms", h.interval, 100ms, 1h, error)
      || !within("health.reject-window-ms", h.reject_window, 1s, 24h, error)
      || !in_range("health.reject-min-orders", h.reject_min_orders, 1, 1'000'000, error)
      || !in_range("health.order-latency-min-count", h.order_latency_min_count, 1, 1'000'000, error)
      || !in_range("health.max-resident-mb", r.max_resident_mb, 0, 1'048'576, error)
      || !seconds("health.stale-data-s", r.stale_data_s, h.stale_data_s)
      || !seconds("health.reject-ratio", r.reject_ratio, h.reject_ratio)
      || !seconds("health.order-latency-p99-ms", r.order_latency_p99_ms, latency_ms)
      || !seconds("health.venue-disconnected-s", r.venue_disconnected_s, h.venue_disconnected_s)
      || !level("health.stale-data-kill-level", h.stale_data_kill_level)
      || !level("health.reject-kill-level", h.reject_kill_level)
      || !level("health.order-latency-kill-level", h.order_latency_kill_level)
      || !level("health.memory-kill-level", h.memory_kill_level)
      || !level("health.venue-kill-level", h.venue_kill_level))
    return false;
  if (h.reject_ratio > 1.0) {
    error = "health.reject-ratio: '" + r.reject_ratio.text + "' is above 1";
    return false;
  }
  a.port = static_cast<uint16_t>(r.admin_port);
  a.max_connections = static_cast<std::size_t>(r.admin_max_connections);
  h.order_latency_p99_s = latency_ms / 1000.0;
  h.max_resident_bytes = r.max_resident_mb * 1024 * 1024;
  return true;
}

} // namespace cwts
