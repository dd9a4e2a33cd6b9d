#pragma once
// Lost venue auto-trigger (docs/kill-switch.md "Auto-triggers"): the venue is
// lost when, for at least `lost_after`,
//   - REST does not answer: every probe since the first failure of a streak
//     of at least `rest_failures` consecutive ones failed (connection refused,
//     timeout; a reply of any kind, even an error, is an answer), or
//   - the market stream is disconnected, or
//   - the user-data stream (when used) is disconnected.
// Then one level-2 node kill: the gate closes and the kill coordinator's
// venue cancel-all retries until the venue answers.
//
// CAF-free; time passed in (monotonic ns): the connector's timer feeds it
// what it samples (stream flags, probe outcomes) and calls update(). A
// breach latches like pnl_guard: it re-arms only when the venue is reachable
// again while the gate is open (trading was reset). It is not reported while
// the gate is already at level 2 or above (a cancel-all kill is in force).

#include <cstdint>
#include <optional>
#include <string>

namespace cwts::connector {

struct venue_liveness_config {
  int64_t lost_after_ns = 0; // 0: off
  int32_t rest_failures = 3;
};

struct venue_lost {
  int64_t rest_down_ns = -1;        // -1: REST answers
  int32_t rest_failures = 0;        // consecutive failed probes
  std::string rest_error;           // the last probe's
  int64_t market_down_ns = -1;      // -1: connected
  int64_t user_data_down_ns = -1;   // -1: connected or not used
  int64_t limit_ns = 0;

  // "venue lost: REST unreachable for 1200 ms (5 failed requests, last:
  //  connection refused); market stream disconnected for 1100 ms (limit 1000 ms)"
  std::string describe() const;
};

class venue_liveness {
public:
  venue_liveness(venue_liveness_config cfg, int64_t start_ns);

  bool enabled() const { return cfg_.lost_after_ns > 0; }

  // A REST request answered (any reply) or failed to get one.
  void on_rest(bool answered, int64_t now_ns, const std::string& error = {});
  // The streams' state at `now` (sampled).
  void on_market_stream(bool connected, int64_t now_ns);
  void on_user_data_stream(bool connected, int64_t now_ns);

  // Starts over: the streams were (re)started on purpose at `now` (start,
  // reconnect after a full stop), so earlier downtime does not count.
  void restart(int64_t now_ns);

  // The breach that starts now, if any; `gate_level` is the node-wide level.
  std::optional<venue_lost> update(int64_t now_ns, int gate_level);

  // What update() would report now, latched or not (no breach when the venue is reachable).
  venue_lost state(int64_t now_ns) const;
  bool lost(int64_t now_ns) const;
  bool latched() const { return latched_; }
  uint64_t breaches() const { return breaches_; }
  int32_t rest_failures() const { return failures_; }

private:
  venue_liveness_config cfg_;
  int32_t failures_ = 0;
  int64_t first_failure_ns_ = -1;
  std::string last_error_;
  int64_t market_down_since_ = -1;
  int64_t user_data_down_since_ = -1;
  bool latched_ = false;
  uint64_t breaches_ = 0;
};

} // namespace cwts::connector
