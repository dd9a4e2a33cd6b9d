#include "actors/connector/venue_liveness.hpp"

namespace cwts::connector {

namespace {

std::string ms(int64_t ns) {
  return std::to_string(ns / 1'000'000) + " ms";
}

} // namespace

std::string venue_lost::describe() const {
  std::string out;
  auto add = [&](const std::string& part) { out += (out.empty() ? "" : "; ") + part; };
  if (rest_down_ns >= 0)
    add("REST unreachable for " + ms(rest_down_ns) + " (" + std::to_string(rest_failures)
        + " failed requests" + (rest_error.empty() ? "" : ", last: " + rest_error) + ")");
  if (market_down_ns >= 0)
    add("market stream disconnected for " + ms(market_down_ns));
  if (user_data_down_ns >= 0)
    add("user-data stream disconnected for " + ms(user_data_down_ns));
  return "venue lost: " + out + " (limit " + ms(limit_ns) + ")";
}

venue_liveness::venue_liveness(venue_liveness_config cfg, int64_t start_ns) : cfg_(cfg) {
  restart(start_ns);
}

void venue_liveness::restart(int64_t now_ns) {
  failures_ = 0;
  first_failure_ns_ = -1;
  last_error_.clear();
  // Not connected yet counts from here: a venue never reached is lost too.
  market_down_since_ = now_ns;
  user_data_down_since_ = -1;
}

void venue_liveness::on_rest(bool answered, int64_t now_ns, const std::string& error) {
  if (answered) {
    failures_ = 0;
    first_failure_ns_ = -1;
    last_error_.clear();
    return;
  }
  if (failures_++ == 0)
    first_failure_ns_ = now_ns;
  last_error_ = error;
}

void venue_liveness::on_market_stream(bool connected, int64_t now_ns) {
  if (connected)
    market_down_since_ = -1;
  else if (market_down_since_ < 0)
    market_down_since_ = now_ns;
}

void venue_liveness::on_user_data_stream(bool connected, int64_t now_ns) {
  if (connected)
    user_data_down_since_ = -1;
  else if (user_data_down_since_ < 0)
    user_data_down_since_ = now_ns;
}

venue_lost venue_liveness::state(int64_t now_ns) const {
  venue_lost v;
  v.limit_ns = cfg_.lost_after_ns;
  auto over = [&](int64_t since) { return since >= 0 && now_ns - since >= cfg_.lost_after_ns; };
  if (failures_ >= cfg_.rest_failures && over(first_failure_ns_)) {
    v.rest_down_ns = now_ns - first_failure_ns_;
    v.rest_failures = failures_;
    v.rest_error = last_error_;
  }
  if (over(market_down_since_))
    v.market_down_ns = now_ns - market_down_since_;
  if (over(user_data_down_since_))
    v.user_data_down_ns = now_ns - user_data_down_since_;
  return v;
}

bool venue_liveness::lost(int64_t now_ns) const {
  auto v = state(now_ns);
  return v.rest_down_ns >= 0 || v.market_down_ns >= 0 || v.user_data_down_ns >= 0;
}

std::optional<venue_lost> venue_liveness::update(int64_t now_ns, int gate_level) {
  if (!enabled())
    return std::nullopt;
  bool is_lost = lost(now_ns);
  if (!is_lost) {
    if (latched_ && gate_level == 0)
      latched_ = false;
    return std::nullopt;
  }
  if (latched_ || gate_level >= 2)
    return std::nullopt;
  latched_ = true;
  ++breaches_;
  return state(now_ns);
}

} // namespace cwts::connector
