#pragma once
// Tracing for one process (docs/tracing.md): the span rings (one per
// recording thread), installed as the recorder's, and the exporter shipping
// them. Made before the actors start and destroyed after they are gone: the
// destructor uninstalls the rings, then ships what is left on them.

#include <memory>

#include "common/trace/span_exporter.hpp"
#include "common/trace/ring_set.hpp"

namespace cwts::trace {

class process_tracing {
public:
  // `ring_spans`: each recording thread's ring.
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
  ring_set rings_;
  std::unique_ptr<span_exporter> exporter_;
};

} // namespace cwts::trace
