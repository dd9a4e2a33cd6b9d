#pragma once
// Last validated trade price per symbol: the reference for price collars
// (MiFID II RTS 6 Art. 15(1)(a)) and the mark for unrealized PnL.

#include <cstdint>
#include <optional>
#include <unordered_map>

#include "messages/decimal.hpp"
#include "messages/market_data.hpp"
#include "messages/symbol.hpp"
#include "messages/time.hpp"

namespace cwts::risk {

class reference_prices {
public:
  // Takes the trade's price as the new reference. Trades reach risk only after
  // the validator, so the price is trusted; a non-positive one is still
  // ignored (returns false) rather than poisoning every collar check.
  bool on_trade(const trade& t);

  // Seeds a reference (e.g. from a venue ticker at start-up).
  void set(const symbol& sym, price px, timestamp_ns at);

  std::optional<price> get(const symbol& sym) const;
  std::optional<timestamp_ns> updated_at(const symbol& sym) const;
  size_t size() const { return entries_.size(); }
  uint64_t ignored_trades() const { return ignored_trades_; }

private:
  struct entry {
    price px;
    timestamp_ns at;
  };
  std::unordered_map<symbol, entry> entries_;
  uint64_t ignored_trades_ = 0;
};

} // namespace cwts::risk
