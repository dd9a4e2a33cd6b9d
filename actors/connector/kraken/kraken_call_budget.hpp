#pragma once
// Kraken's REST call counter (docs.kraken.com "Spot REST rate limits"),
// modelled on our side so the adapter keeps its own private calls under
// the venue's limit instead of finding it with "EAPI:Rate limit exceeded".
//
// The model is Kraken's: every private call adds its cost (1; 2 for the
// trade and ledger histories; 0 for the trading calls AddOrder, AmendOrder,
// CancelOrder, CancelAll, CancelAllOrdersAfter, which use the per-pair
// trading counter instead), the counter decays linearly at `decay_per_s`,
// and a call that would take it past `max` is refused. Tiers: Starter 15 @
// 0.33/s, Intermediate 20 @ 0.5/s, Pro 20 @ 1/s.
//
// What is spent first: the kill switch's confirming OpenOrders may use the
// whole counter; order work (lookups of an order's outcome, amends,
// snapshots, WebSocket tokens) leaves `kill_reserve` units to it; the
// background (polls and the lookups they start) leaves `kill_reserve +
// order_reserve`. So a kill never waits for what polls spent.
//
// "EAPI:Rate limit exceeded" means the venue's counter is fuller than ours
// (another client of the key, a restart): the model is set full, plus a
// penalty doubling with each answer in a row (capped at `max`), so the next
// call waits for the decay instead of asking again at once.
//
// Thread-safe: the worker spends; stats read it from other threads.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string_view>

namespace cwts::connector::kraken {

struct kraken_call_limits {
  double max = 20;           // Pro and Intermediate: 20; Starter: 15
  double decay_per_s = 1.0;  // Pro: 1/s; Intermediate: 0.5/s; Starter: 0.33/s
  double kill_reserve = 4;   // units only the kill switch spends
  double order_reserve = 6;  // units polls leave to order work
};

// Empty when usable, else "<key>: <reason>".
std::string_view validate_call_limits(const kraken_call_limits& l);

// The call counter cost of a private method, as Kraken counts it.
int kraken_call_cost(std::string_view method);

enum class call_priority { kill, order, background };

class kraken_call_budget {
public:
  using clock = std::chrono::steady_clock;

  explicit kraken_call_budget(kraken_call_limits limits) : limits_(limits) {}

  // How long until `cost` fits under this priority's ceiling (zero: now).
  clock::duration wait_for(double cost, call_priority p, clock::time_point now) const;
  // Spends `cost` (the call is being sent).
  void spend(double cost, clock::time_point now);
  // The venue answered "EAPI:Rate limit exceeded": the model goes full,
  // plus the penalty of answers in a row.
  void on_rate_limited(clock::time_point now);
  // A counted call the venue took: the run of rate-limit answers ends.
  void on_accepted();

  double value(clock::time_point now) const;
  const kraken_call_limits& limits() const { return limits_; }

private:
  double value_locked(clock::time_point now) const;
  double ceiling(call_priority p) const;

  kraken_call_limits limits_;
  mutable std::mutex mtx_;
  double value_ = 0;
  clock::time_point at_{};
  int limited_in_a_row_ = 0;
};

} // namespace cwts::connector::kraken
