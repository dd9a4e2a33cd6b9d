#pragma once
// Per-message checks before market data reaches strategies (DESIGN.md,
// validator). Trades: schema, positive price and qty, whitelisted symbol,
// exchange-time freshness, duplicate and out-of-order trade ids per symbol,
// price collar against the last validated reference. Book tops (bookTicker
// and the connector's local book): the same, with the venue book update id
// as the sequence (per source), plus crossed or locked book. Rejects are
// counted by reason. Plain counters: the owning actor serialises calls.
// check() allocates nothing: the per-symbol state is sized at construction.
//
// Prices are fixed-point (messages/decimal.hpp): a NaN or an infinity cannot
// reach here (the codec refuses them with a reason); a zero or negative one
// is `non_positive_price`.

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
  duplicate,    // same trade id (book update id) as the last accepted one
  out_of_order, // lower trade id (book update id) than the last accepted one
  schema,       // a field no venue message can carry (empty symbol, negative id, no time)
  price_collar, // price off the last validated reference by more than the collar
  crossed_book, // best bid >= best ask
};

inline constexpr std::size_t trade_verdict_count = 11;

const char* to_string(trade_verdict v);

struct trade_validator_config {
  std::vector<symbol> whitelist;
  int64_t max_age_ns = 5'000'000'000;
  int64_t max_future_skew_ns = 1'000'000'000;
  // Price collar in basis points around the last validated reference price
  // of the symbol (a trade's price, a top's mid); 0 turns it off.
  int64_t collar_bps = 0;
};

// Empty when usable, else "<key>: <reason>".
std::string validate(const trade_validator_config& cfg);

class trade_validator {
public:
  explicit trade_validator(const trade_validator_config& cfg);

  // `now` is the local wall clock, comparable with exchange time.
  trade_verdict check(const trade& t, timestamp_ns now);
  trade_verdict check(const book_top& t, timestamp_ns now);

  uint64_t count(trade_verdict v) const { return counts_[static_cast<std::size_t>(v)]; }
  uint64_t total() const;
  uint64_t tops_checked() const { return tops_; }
  // Accepted trades whose id skipped past last + 1, and the ids skipped.
  uint64_t trade_id_gaps() const { return gaps_; }
  uint64_t trade_ids_missed() const { return ids_missed_; }
  // Last accepted trade id for `sym`, or -1 when none yet.
  int64_t last_trade_id(const symbol& sym) const;
  // Last validated reference price of `sym` (zero when none yet).
  price reference(const symbol& sym) const;

private:
  struct symbol_state {
    symbol sym{};
    int64_t last_trade_id = -1;     // Binance trade ids are >= 0
    int64_t last_top_id[2] = {-1, -1}; // per source: bookTicker, local book
    price reference{};
  };

  trade_verdict judge(const trade& t, timestamp_ns now);
  trade_verdict judge(const book_top& t, timestamp_ns now);
  trade_verdict fresh(timestamp_ns ts_event, timestamp_ns now) const;
  // The checks every event kind makes once its own schema passed: a known
  // symbol (its state in `entry`) and a fresh exchange time.
  trade_verdict admit(const symbol& sym, timestamp_ns ts_event, timestamp_ns now,
                      symbol_state*& entry);
  bool outside_collar(const symbol_state& s, price px) const;
  symbol_state* slot(const symbol& sym);
  const symbol_state* slot(const symbol& sym) const;

  std::vector<symbol_state> symbols_; // sorted by symbol
  int64_t max_age_ns_;
  int64_t max_future_skew_ns_;
  int64_t collar_bps_;
  uint64_t tops_ = 0;
  uint64_t gaps_ = 0;
  uint64_t ids_missed_ = 0;
  std::array<uint64_t, trade_verdict_count> counts_{};
};

} // namespace cwts::validator
