#pragma once
// What the market maker's tests (market_maker_test, market_maker_amend_test)
// share: literals and the quoting config they start from.

#include <string_view>

#include "actors/strategy/market_maker.hpp"

namespace cwts::strategy::testing {

inline price px(std::string_view s) { return *price::parse(s); }
inline qty qt(std::string_view s) { return *qty::parse(s); }
inline int64_t raw(std::string_view s) { return px(s).raw; }

// BTCUSDT, tick 0.01, 1 lot, 2 ticks each side, requote at 3 ticks, fair
// value = the last trade, no throttle between actions.
inline market_maker_config base_config() {
  market_maker_config c;
  c.id.value = "mm1";
  c.account.value = "acct-1";
  c.sym = *symbol::parse("BTCUSDT");
  c.tick_size = px("0.01");
  c.quote_qty = qt("1");
  c.half_spread_ticks = 2;
  c.requote_threshold_ticks = 3;
  c.max_inventory = qt("2");
  c.skew_ticks_per_quote = 1;
  c.ema_weight_ppm = 1'000'000; // fair value = last trade, unless a test says otherwise
  c.min_action_interval = std::chrono::milliseconds(0);
  return c;
}

} // namespace cwts::strategy::testing
