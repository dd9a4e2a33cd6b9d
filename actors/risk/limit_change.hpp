#pragma once
// Run-time limit changes (SEC 15c3-5(c)(1): limits are set and changed only by
// authorized persons; the caller verifies the operator and audits). One
// change: a target, a field named as in the [risk] config section, a value
// parsed strictly. Refused with the reason when the field, target or value is
// wrong; `limits` is untouched then.
//
//   field                     target     value
//   max-order-qty             symbol     qty > 0
//   max-order-notional        symbol     notional > 0
//   price-collar-bps          symbol     integer 1..10000
//   max-position              symbol     qty > 0
//   credit-limit              account    notional > 0
//   max-messages-per-second   strategy   integer 1..100000
//   max-fills-per-window      strategy   integer 1..100000
//   fill-window-ms            strategy   integer 1..3600000
//   loss-limit                node       notional > 0
//   drawdown-limit            node       notional > 0

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "actors/risk/risk_limits.hpp"

namespace cwts::risk {

// Integer ranges shared with the config reader, so both refuse the same values.
struct int_range {
  int64_t lo;
  int64_t hi;
};
inline constexpr int_range price_collar_bps_range{1, 10'000};
inline constexpr int_range max_messages_per_second_range{1, 100'000};
inline constexpr int_range max_fills_per_window_range{1, 100'000};
inline constexpr int_range fill_window_ms_range{1, 3'600'000};

// Digits only (no sign, spaces or exponent), inside `range`.
std::optional<int64_t> parse_strict_int(std::string_view text, int_range range);

// Empty on success; otherwise why the change was refused. `node` is this
// node's id: the target of the node-wide PnL limits.
std::string apply_limit_change(risk_limits& limits, const std::string& node,
                               const std::string& target, const std::string& field,
                               const std::string& value);

} // namespace cwts::risk
