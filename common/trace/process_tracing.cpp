#include "common/trace/process_tracing.hpp"

#include "common/trace/recorder.hpp"

namespace cwts::trace {

process_tracing::process_tracing(size_t ring_spans, double sample_ratio, exporter_config cfg)
  : rings_(ring_spans) {
  cfg.index = &index_;
  exporter_ = std::make_unique<span_exporter>(rings_, std::move(cfg));
  install(&rings_, sample_ratio);
}

process_tracing::~process_tracing() {
  install(nullptr, 0.0);
  exporter_.reset(); // its last pass ships what the rings still hold
}

} // namespace cwts::trace
