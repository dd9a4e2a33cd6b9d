#pragma once
// The journal's checkpoint thread (see checkpoint_mode in order_journal.hpp):
// WAL pages are copied into the database file by a second connection, away
// from the OMS thread that commits orders. A passive checkpoint takes no lock
// a writer waits for; SQLite restarts the WAL from its beginning on the next
// commit once everything was copied. Internal to the journal.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "actors/oms/order_journal.hpp"

namespace cwts::oms {

class order_journal::checkpointer {
public:
  // Pages in the WAL that wake the thread before its period ends (SQLite's
  // own automatic threshold).
  static constexpr int wake_pages = 1000;
  static constexpr std::chrono::milliseconds period{1000};
  // Least time between two checkpoints.
  static constexpr std::chrono::milliseconds min_interval{100};

  explicit checkpointer(const std::string& path);
  ~checkpointer();

  // Called by SQLite on the OMS thread after each commit (sqlite3_wal_hook):
  // only a flag and a notify, so the order path pays nothing more.
  static int on_commit(void* self, sqlite3*, const char*, int pages);

  const checkpoint_counters& counters() const { return counters_; }

private:
  void run();
  void checkpoint(sqlite3* db);

  std::string path_;
  std::mutex mtx_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool wanted_ = false;
  checkpoint_counters counters_;
  std::thread thread_;
};

} // namespace cwts::oms
