#pragma once
// The node's archiving thread (docs/retention.md "On a running node"): an
// archive pass (archive_cycle.hpp) at start, every [retention]
// rotate-interval-s, and a last one at stop, on its own thread (a snapshot
// of a large journal takes seconds; no actor waits for it), each pass and
// each problem logged. Owned by the node's main (run_node), started and
// stopped explicitly. It never prunes: deleting records is an operator's
// act (`cwts archive prune`). CAF-free.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "reporting/archive/archive_cycle.hpp"
#include "reporting/archive/retention_config.hpp"

namespace cwts::archive {

class archive_runner {
public:
  // `signer` (the node key) signs the manifest entries; null: unsigned.
  archive_runner(retention_settings settings, retention_sources sources,
                 std::shared_ptr<const ed25519_signer> signer);
  ~archive_runner(); // stop()

  archive_runner(const archive_runner&) = delete;
  archive_runner& operator=(const archive_runner&) = delete;

  // The thread: a pass now, then one each interval.
  void start();
  // Interrupts a pass waiting for the folder's lock (someone's verify),
  // joins the thread, then runs the last pass on the caller's thread,
  // waiting for the lock at most `final_wait`. Logs event=archive_stopped.
  void stop(std::chrono::milliseconds final_wait = std::chrono::seconds(5));

  // One pass now, on the caller's thread; the lock is waited for only while
  // `stop` says false (none: until it is free).
  cycle_report run_once(const std::function<bool()>& stop = {});

  uint64_t passes() const { return passes_; }
  uint64_t archived() const { return archived_; }
  uint64_t errors() const { return errors_; }

private:
  void loop();

  retention_settings settings_;
  retention_sources sources_;
  std::shared_ptr<const ed25519_signer> signer_;
  std::atomic<uint64_t> passes_{0};
  std::atomic<uint64_t> archived_{0};
  std::atomic<uint64_t> errors_{0};
  std::mutex mtx_;
  std::condition_variable cv_;
  std::atomic<bool> stopping_{false};
  bool stopped_ = false;
  std::thread thread_;
};

} // namespace cwts::archive
