#pragma once
// Takes spans off the rings (ring_set.hpp) on a thread of its own and ships
// them (issue 23, docs/tracing.md): as OTLP/HTTP JSON to the collector named
// in config, or, without one, as lines of the same JSON in rotating files.
// Batched (at most batch_max spans a request, every `interval`), bounded (a
// collector that fails keeps at most pending_max batches for a retry; older
// ones are dropped and their spans counted), and never in the way of the
// actors that record: they only push to their thread's ring.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "actors/connector/http_endpoint.hpp"
#include "common/trace/span_index.hpp"
#include "common/trace/ring_set.hpp"

namespace cwts::connector {
class http_client;
}

namespace cwts::trace {

struct exporter_config {
  std::string node;                                  // the resource's service.instance.id
  std::optional<connector::http_endpoint> collector; // OTLP/HTTP, e.g. http://host:4318/v1/traces
  std::string ca_file;                               // https: the collector's CA
  std::string dir;                                   // no collector: spans-<node>.jsonl here
  size_t file_max_bytes = 16u << 20;                 // then rotated: .1 .. .<files_kept>
  int files_kept = 4;
  std::chrono::milliseconds interval{200};
  size_t batch_max = 512;
  size_t pending_max = 16; // failed batches kept for the next try
  std::chrono::milliseconds request_timeout{2'000};
  span_index* index = nullptr; // also given every span taken off the rings (may be none)
};

struct exporter_stats {
  uint64_t spans_exported = 0;  // acknowledged by the collector, or written to a file
  uint64_t batches_sent = 0;
  uint64_t post_failures = 0;   // a POST that failed or was answered non-2xx
  uint64_t spans_dropped = 0;   // in batches dropped: pending_max reached, or a file not written
  uint64_t files_rotated = 0;
  uint64_t ring_dropped = 0;    // a thread's ring was full when a hop recorded
  std::string last_error;
};

class span_exporter {
public:
  span_exporter(ring_set& rings, exporter_config cfg);
  ~span_exporter(); // ships what is on the rings, then stops

  span_exporter(const span_exporter&) = delete;
  span_exporter& operator=(const span_exporter&) = delete;

  // Ships everything pushed before the call; returns once it was tried.
  void flush();
  exporter_stats stats() const;
  // The file spans go to without a collector.
  std::string file_path() const;

private:
  void run();
  void pass();
  bool ship(const std::string& body, size_t spans);
  bool append_to_file(const std::string& line);

  ring_set& rings_;
  exporter_config cfg_;
  std::unique_ptr<connector::http_client> client_;
  std::deque<std::pair<std::string, size_t>> pending_; // body, spans: the thread's own

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable passed_;
  bool stopping_ = false;
  uint64_t asked_ = 0; // flush generations asked and done (under mutex_)
  uint64_t done_ = 0;
  exporter_stats stats_;
  std::thread thread_;
};

} // namespace cwts::trace
