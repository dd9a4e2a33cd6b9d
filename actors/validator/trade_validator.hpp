#pragma once
// Per-trade checks before market data reaches strategies (DESIGN.md,
// validator): positive price and qty, whitelisted symbol, exchange-time
// freshness, duplicates and out-of-order trade ids per symbol. Rejects are
// counted by reason. Plain counters: the owning actor serialises calls.
// check() allocates nothing: the per-symbol state is sized at construction.

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "messages/market_data.hpp"

namespace cwts::validator {

enum class trade_verdict : uint8_t {
  ok,
  non_positive_price,
  non_positive_qty,
  unknown_symbol,
  stale,        // ts_event older than now - max_age
  from_future,  // ts_event later than now + max_future_skew
  duplicate,    // same trade id as the last accepted one
  out_of_order, // lower trade id than the last accepted one
};

inline constexpr std::size_t trade_verdict_count = 8;

const char* to_string(trade_verdict v);

struct trade_validator_config {
  std::vector<symbol> whitelist;
  int64_t max_age_ns = 5'000'000'000;
  int64_t max_future_skew_ns = 1'000'000'000;
};

// Empty when usable, else "<key>: <reason>".
std::string validate(const trade_validator_config& cfg);

class trade_validator {
public:
  explicit trade_validator(const trade_validator_config& cfg);

  // `now` is the local wall clock, comparable with exchange time.
  trade_verdict check(const trade& t, timestamp_ns now);

  uint64_t count(trade_verdict v) const { return counts_[static_cast<std::size_t>(v)]; }
  uint64_t total() const;
  // Last accepted trade id for `sym`, or -1 when none yet.
  int64_t last_trade_id(const symbol& sym) const;

private:
  trade_verdict judge(const trade& t, timestamp_ns now);
  std::pair<symbol, int64_t>* slot(const symbol& sym);

  // Sorted by symbol; ids start at -1 (Binance trade ids are >= 0).
  std::vector<std::pair<symbol, int64_t>> last_ids_;
  int64_t max_age_ns_;
  int64_t max_future_skew_ns_;
  std::array<uint64_t, trade_verdict_count> counts_{};
};

} // namespace cwts::validator
