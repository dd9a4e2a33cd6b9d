#pragma once
// Kraken Spot's rate limits (docs.kraken.com "Spot REST rate limits" and
// "Spot trading rate limits"), per API key / account:
//   - the REST call counter: +1 per call, +2 for the trade and ledger
//     histories (TradesHistory, Ledgers, QueryLedgers); AddOrder,
//     CancelOrder and the other trading calls do not count here. It decays
//     continuously; a call that would take it past the maximum is refused
//     with "EAPI:Rate limit exceeded" (not counted). Kraken's tiers: Starter
//     15 @ 0.33/s, Intermediate 20 @ 0.5/s, Pro 20 @ 1/s.
//   - the trading counter, per pair: +1 per order placed or amended, and a
//     cancel (or an edit) costs more the younger the order is (< 5 s: +8,
//     < 10 s: +6, < 15 s: +5, < 45 s: +4, < 90 s: +2, < 300 s: +1); past the
//     threshold a new order or an amend is refused with "EOrder:Rate limit
//     exceeded"; a cancel is never refused (its penalty is still added, so
//     the orders after it wait), so a kill's cancels always go through. Tiers: Starter 60 @ 1/s,
//     Intermediate 125 @ 2.34/s, Pro 180 @ 3.75/s.
// The venue defaults to the Pro tier; kraken_limits_for() scales the
// trading counter with the venue's ORDERS limit (orders-per-10s, default
// 100: a venue configured for 100000 new orders per 10 s, as
// config/venue.ini is for the benches, gets 1000 times Pro's counter) and
// the call counter with its REQUEST_WEIGHT limit (default 6000).
// Bounded: one entry per API key / account (the key store) and pair.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "messages/symbol.hpp"
#include "venue/kraken/kraken_errors.hpp"
#include "venue/order_rate.hpp"
#include "venue/request_weight.hpp"

namespace cwts::venue {

struct kraken_limits {
  double call_max = 20;           // REST call counter maximum
  double call_decay_per_s = 1.0;
  double trading_max = 180;       // per-pair trading counter threshold
  double trading_decay_per_s = 3.75;
};

// Pro tier scaled by the venue's own limits (see above).
kraken_limits kraken_limits_for(const order_limits& orders, int64_t request_weight_limit);

// The REST call cost of a private or public method: 2 for history queries,
// 0 for trading calls (they go through the trading counter), else 1.
int kraken_call_cost(std::string_view method);
// The trading counter's extra cost of canceling an order `age_ms` old.
int kraken_cancel_penalty(int64_t age_ms);

// A counter that decays linearly to zero at `decay_per_s`.
class kraken_decay_counter {
public:
  // Adds `cost` when that keeps the counter at or below `max`; false (and
  // nothing added) otherwise.
  bool charge(double cost, double max, double decay_per_s, int64_t now_ms);
  // Adds `cost` unconditionally (cancels).
  void add(double cost, double decay_per_s, int64_t now_ms);
  double value(double decay_per_s, int64_t now_ms) const;

private:
  double value_ = 0;
  int64_t at_ms_ = 0;
};

class kraken_call_limit {
public:
  explicit kraken_call_limit(kraken_limits l = {}) : limits_(l) {}
  // "EAPI:Rate limit exceeded" past the maximum.
  std::optional<kraken_error> charge(const std::string& key, std::string_view method,
                                     int64_t now_ms);
  double counter(const std::string& key, int64_t now_ms) const;
  const kraken_limits& limits() const { return limits_; }

private:
  kraken_limits limits_;
  std::map<std::string, kraken_decay_counter> keys_;
};

class kraken_trading_limit {
public:
  explicit kraken_trading_limit(kraken_limits l = {}) : limits_(l) {}
  // "EOrder:Rate limit exceeded" past the threshold (orders, amends).
  std::optional<kraken_error> charge(const std::string& account, symbol pair, double cost,
                                     int64_t now_ms);
  // A cancel's penalty: always added.
  void add(const std::string& account, symbol pair, double cost, int64_t now_ms);
  double counter(const std::string& account, symbol pair, int64_t now_ms) const;
  const kraken_limits& limits() const { return limits_; }

private:
  kraken_limits limits_;
  std::map<std::pair<std::string, symbol>, kraken_decay_counter> counters_;
};

} // namespace cwts::venue
