#pragma once
// Health rules ([health] in the node config, docs/monitoring.md): each is
// evaluated every interval on a fresh snapshot, reports its value against its
// limit, gives a recommendation while breached (listed by /readyz), and may
// name a kill level that the node then triggers itself, once per breach.
// A limit of 0 turns a rule off. CAF-free; admin_service sends the kills.

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/metrics/latency_histogram.hpp"
#include "nodes/admin/node_snapshot.hpp"

namespace cwts::admin {

struct health_settings {
  std::chrono::milliseconds interval{1000};
  double stale_data_s = 0;          // market data older than this (any symbol)
  int stale_data_kill_level = 0;
  double reject_ratio = 0;          // (risk + OMS rejects) / orders in the window
  std::chrono::milliseconds reject_window{60000};
  int64_t reject_min_orders = 20;
  int reject_kill_level = 0;
  double order_latency_p99_s = 0;   // p99 of the order round trip in the window
  int64_t order_latency_min_count = 20;
  int order_latency_kill_level = 0;
  int64_t max_resident_bytes = 0;
  int memory_kill_level = 0;
  double venue_disconnected_s = 0;  // a connector without its venue this long (any venue)
  int venue_kill_level = 0;
};

class health_evaluator {
public:
  explicit health_evaluator(health_settings s) : s_(s) {}

  // Verdicts at `now_ns` (monotonic) for `snap`; `roundtrip` is the order
  // round-trip histogram as of now.
  std::vector<health_result> evaluate(const node_snapshot& snap,
                                      const metrics::histogram_snapshot& roundtrip, int64_t now_ns);

  // Whether `rule` just became breached (the caller triggers its kill once).
  bool newly_breached(const std::string& rule) const;

  const health_settings& settings() const { return s_; }

private:
  struct sample {
    int64_t at_ns = 0;
    int64_t orders = 0;
    int64_t rejects = 0;
    metrics::histogram_snapshot roundtrip;
  };
  health_settings s_;
  std::deque<sample> window_;
  std::vector<std::string> newly_;
  std::vector<std::string> breached_;
  std::map<venue_name, int64_t> disconnected_since_ns_; // venues down, since when
};

// The age in seconds of the stalest symbol's newest market data, from a
// connector's typed status (connector_status::feed_age_ms, never counter
// names); -1 when no frame came yet.
double market_data_age_s(const connector_status& c);
// The same over every connector of the node (the stalest venue); -1 when
// the node has no connector or none had a frame yet.
double market_data_age_s(const node_status& st);

// The venues of this node's connectors (connector.<venue>): those that
// answered their stats or their status.
std::vector<venue_name> local_venues(const node_status& st);

// Whether venue `v`'s connector says its venue is not reached (stream down,
// lost, or cut by a level-4 kill), or did not answer that status.
bool venue_down(const node_status& st, const venue_name& v);

// Whether some connector of this node does not reach its venue (as above);
// nullopt when the node has no connector.
std::optional<bool> venue_down(const node_status& st);

} // namespace cwts::admin
