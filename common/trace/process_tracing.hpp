#pragma once
// Tracing for one process (docs/tracing.md): the span ring, installed as the
// recorder's, and the exporter shipping it. Made before the actors start and
// destroyed after they are gone: the destructor uninstalls the ring, then
// ships what is left on it.

#include <memory>

#include "common/trace/span_exporter.hpp"
#include "common/trace/span_ring.hpp"

namespace cwts::trace {

class process_tracing {
public:
  process_tracing(size_t ring_spans, double sample_ratio, exporter_config cfg);
  ~process_tracing();

  process_tracing(const process_tracing&) = delete;
  process_tracing& operator=(const process_tracing&) = delete;

  exporter_stats stats() const { return exporter_->stats(); }
  const span_exporter& exporter() const { return *exporter_; }
  // This node's recent spans by order (GET /api/trace?order=<id>).
  const span_index& index() const { return index_; }

private:
  span_index index_;
  span_ring ring_;
  std::unique_ptr<span_exporter> exporter_;
};

} // namespace cwts::trace
