#include "common/metrics/latency_registry.hpp"

namespace cwts::metrics {

latency_registry& latency_registry::global() {
  static latency_registry instance;
  return instance;
}

latency_histogram& latency_registry::get(const std::string& family, const std::string& help,
                                         const label_set& labels) {
  std::lock_guard<std::mutex> guard(mutex_);
  for (auto& e : entries_)
    if (e.family == family && e.labels == labels)
      return const_cast<latency_histogram&>(*e.histogram);
  auto& h = histograms_.emplace_back();
  entries_.push_back(entry{family, help, labels, &h});
  return h;
}

std::vector<latency_registry::entry> latency_registry::entries() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return entries_;
}

} // namespace cwts::metrics
