#pragma once
// Reject-rate auto-trigger (docs/kill-switch.md "Auto-triggers"): too many of
// the node's orders refused, by risk's own pre-trade check or downstream (the
// OMS, the venue: every order_reject risk sees), in a sliding window relative
// to the orders sent in it. A strategy whose orders keep bouncing is broken
// or fighting a venue that refuses it; either way new orders must stop
// (level 1, node scope).
//
// The window is a ring of `bucket_count` time buckets (allocation-free; time
// passed in as monotonic ns, so it is tested without a clock): the counts
// cover between window - window/bucket_count and window.
//
// A breach is reported once and latches, like pnl_guard: it re-arms only when
// the ratio is back within the limit while the gate is open again (trading
// was reset), so a node that keeps bouncing orders while halted sends one
// kill, not a storm. Refusals caused by the node's own state (gate closed,
// HALTED or REDUCING mode, OMS not reconciled yet) are not counted at all.

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "messages/orders.hpp"

namespace cwts::risk {

struct reject_rate_limits {
  // Breach when rejects / orders in the window is above this; 0 = off.
  double max_ratio = 0.0;
  int64_t window_ns = 10'000'000'000;
  // Fewer orders than this in the window never breach (one reject in two
  // orders is not a pattern).
  int64_t min_orders = 20;
};

// Empty when usable, else "<what>: <reason>".
std::string validate(const reject_rate_limits& l);

// False for refusals the node's own state causes (kill_gate_closed,
// trading_halted, reducing_only, not_reconciled): neither the order nor its
// reject is counted.
bool counts_toward_reject_rate(reject_reason r);

struct reject_rate_breach {
  int64_t orders = 0;  // in the window when it tripped
  int64_t rejects = 0;
  double max_ratio = 0.0;
  int64_t window_ms = 0;

  // "reject rate 12 of 20 orders (60.0%) in 10000 ms, above 50.0%"
  std::string describe() const;
};

class reject_rate {
public:
  static constexpr size_t bucket_count = 32;

  explicit reject_rate(reject_rate_limits limits);

  // An order risk saw (passed or refused for a counted reason).
  std::optional<reject_rate_breach> on_order(int64_t now_ns, bool gate_open);
  // A counted refusal of one of those orders.
  std::optional<reject_rate_breach> on_reject(int64_t now_ns, bool gate_open);
  // Re-evaluates without an event (a trading_state arrived: the gate reopened).
  std::optional<reject_rate_breach> evaluate(int64_t now_ns, bool gate_open);

  // New limits; the window restarts empty.
  void set_limits(reject_rate_limits limits);
  const reject_rate_limits& limits() const { return limits_; }

  int64_t orders(int64_t now_ns) const;
  int64_t rejects(int64_t now_ns) const;
  bool latched() const { return latched_; }
  uint64_t breaches() const { return breaches_; }
  // Whether the window at `now` is over the limit (what a reset vote asks).
  bool over_limit(int64_t now_ns) const;

private:
  struct bucket {
    int64_t index = -1; // now / bucket_ns of the bucket's time; -1: empty
    int64_t orders = 0;
    int64_t rejects = 0;
  };

  bucket& current(int64_t now_ns);
  template <class F>
  int64_t sum(int64_t now_ns, F field) const;

  reject_rate_limits limits_;
  int64_t bucket_ns_ = 1;
  std::array<bucket, bucket_count> buckets_{};
  bool latched_ = false;
  uint64_t breaches_ = 0;
};

} // namespace cwts::risk
