#pragma once
// Per-strategy throttles (MiFID II RTS 6 Art. 15):
// - message rate: orders and cancels sent in any sliding second. An order
//   above the rate is refused (rate_throttled); a cancel is never refused
//   (it only lowers risk) but uses the budget like any message to the venue.
// - execution throttle: more fills than `max_fills_per_window` in any sliding
//   `fill_window_ms` trips the strategy's latch. A tripped strategy has every
//   order refused (execution_throttle_tripped) until reenable(), which only an
//   authorized operator command reaches. Nothing else clears a latch: not a
//   limit change, not time.
//
// Fills per window is the RTS 6 meaning of an execution throttle (a runaway
// algorithm shows up as executions, whatever the venue accepts or rejects).
//
// State per strategy lives in a map; an unseen strategy gets its entry (one
// allocation) the first time; after that, checking and recording do not allocate.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/risk/risk_limits.hpp"
#include "actors/risk/sliding_window.hpp"
#include "messages/ids.hpp"

namespace cwts::risk {

class strategy_throttles {
public:
  struct state {
    sliding_window messages;
    sliding_window fills;
    bool tripped = false;
    uint64_t trips = 0;
    explicit state(const strategy_limits& l);
  };

  explicit strategy_throttles(const risk_limits& limits);
  strategy_throttles(const strategy_throttles&) = delete; // remembers a node of its own map
  strategy_throttles& operator=(const strategy_throttles&) = delete;

  // Applies new limits to every known strategy (and adds listed ones);
  // latches and recent stamps are kept.
  void configure(const risk_limits& limits);

  // The strategy's state, created with its limits when first seen. The last
  // strategy asked for is remembered (map nodes never move), so a run of
  // orders from one strategy compares its id instead of hashing it.
  state& of(const strategy_id& s);

  // A cancel (or any other message) the strategy sent.
  void record_message(const strategy_id& s, int64_t now_ns) { of(s).messages.record(now_ns); }

  // A fill of one of the strategy's orders. True when this fill tripped the
  // latch (it was not tripped before).
  bool on_fill(const strategy_id& s, int64_t now_ns);

  // Sets the latch without a fill (e.g. carried over from before a restart).
  void trip(const strategy_id& s);

  // Clears the latch and the fills counted so far (the operator starts the
  // strategy afresh).
  enum class reenable_result { reenabled, not_tripped, unknown_strategy };
  reenable_result reenable(const strategy_id& s);

  bool is_tripped(const strategy_id& s) const;
  bool knows(const strategy_id& s) const { return states_.count(s) != 0; }
  std::vector<strategy_id> tripped() const;
  uint64_t trips() const { return trips_; }

private:
  strategy_limits default_; // for strategies the limits do not list
  std::unordered_map<strategy_id, state> states_;
  std::pair<const strategy_id, state>* last_ = nullptr;
  uint64_t trips_ = 0;
};

} // namespace cwts::risk
