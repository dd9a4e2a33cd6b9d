#pragma once
// Process-wide named latency histograms (the order round trip, the risk
// check, each actor's handler time...). An actor looks its histogram up once
// when it starts and keeps the reference; record() then never touches the
// registry. The admin port's exposition walks entries() at scrape time.

#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common/metrics/latency_histogram.hpp"

namespace cwts::metrics {

using label_set = std::map<std::string, std::string>;

class latency_registry {
public:
  struct entry {
    std::string family; // Prometheus name, e.g. cwts_order_roundtrip_seconds
    std::string help;
    label_set labels;
    const latency_histogram* histogram = nullptr;
  };

  // The one registry of this process.
  static latency_registry& global();

  // The histogram of `family` with `labels`, created on first use; the
  // reference stays valid for the life of the registry.
  latency_histogram& get(const std::string& family, const std::string& help,
                         const label_set& labels = {});

  std::vector<entry> entries() const;

private:
  mutable std::mutex mutex_;
  std::deque<latency_histogram> histograms_; // stable addresses
  std::vector<entry> entries_;
};

// Names used by more than one place.
inline constexpr const char* order_roundtrip_family = "cwts_order_roundtrip_seconds";
inline constexpr const char* risk_check_family = "cwts_risk_check_seconds";
inline constexpr const char* actor_handler_family = "cwts_actor_handler_seconds";

} // namespace cwts::metrics
