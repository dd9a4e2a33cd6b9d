#pragma once
// The node's archiving thread (docs/retention.md "On a running node"): an
// archive pass (archive_cycle.hpp) every [retention] rotate-interval-s, on
// its own thread (a snapshot of a large journal takes seconds; no actor
// waits for it), each pass and each problem logged. It never prunes:
// deleting records is an operator's act (`cwts archive prune`). CAF-free.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "common/periodic_timer.hpp"
#include "reporting/archive/archive_cycle.hpp"
#include "reporting/archive/retention_config.hpp"

namespace cwts::archive {

class archive_runner {
public:
  // Starts the thread; the first pass runs one interval from now. `signer`
  // (the node key) signs the manifest entries; null: unsigned.
  archive_runner(retention_settings settings, retention_sources sources,
                 std::shared_ptr<const ed25519_signer> signer);
  ~archive_runner(); // stops and joins

  archive_runner(const archive_runner&) = delete;
  archive_runner& operator=(const archive_runner&) = delete;

  // One pass now, on the caller's thread (the timer calls this).
  cycle_report run_once();

  uint64_t passes() const { return passes_; }
  uint64_t archived() const { return archived_; }
  uint64_t errors() const { return errors_; }

private:
  retention_settings settings_;
  retention_sources sources_;
  std::shared_ptr<const ed25519_signer> signer_;
  std::atomic<uint64_t> passes_{0};
  std::atomic<uint64_t> archived_{0};
  std::atomic<uint64_t> errors_{0};
  std::unique_ptr<periodic_timer> timer_; // last: stopped first
};

} // namespace cwts::archive
