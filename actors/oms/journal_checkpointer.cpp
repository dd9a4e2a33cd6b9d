// The journal's checkpoint thread; see journal_checkpointer.hpp.

#include "actors/oms/journal_checkpointer.hpp"

#include <sqlite3.h>

namespace cwts::oms {

order_journal::checkpointer::checkpointer(const std::string& path) : path_(path) {
  thread_ = std::thread([this] { run(); });
}

order_journal::checkpointer::~checkpointer() {
  {
    std::lock_guard<std::mutex> guard(mtx_);
    stop_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

int order_journal::checkpointer::on_commit(void* self, sqlite3*, const char*, int pages) {
  auto* c = static_cast<checkpointer*>(self);
  if (pages >= wake_pages) {
    {
      std::lock_guard<std::mutex> guard(c->mtx_);
      c->wanted_ = true;
    }
    c->cv_.notify_one();
  }
  return SQLITE_OK;
}

void order_journal::checkpointer::run() {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    ++counters_.failures;
    sqlite3_close(db);
    return;
  }
  sqlite3_busy_timeout(db, 0);
  // A connection opens the WAL only once it reads the database; until then
  // a checkpoint sees no WAL and copies nothing.
  if (sqlite3_exec(db, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr) != SQLITE_OK)
    ++counters_.failures;
  std::unique_lock<std::mutex> lock(mtx_);
  while (!stop_) {
    cv_.wait_for(lock, period, [this] { return stop_ || wanted_; });
    if (stop_)
      break;
    lock.unlock();
    checkpoint(db);
    lock.lock();
    // A busy writer keeps the WAL above the wake size until SQLite restarts
    // it: rest a while, or the checkpoints would take the writer's core.
    cv_.wait_for(lock, min_interval, [this] { return stop_; });
    wanted_ = false;
  }
  lock.unlock();
  checkpoint(db); // what is left, so a clean stop leaves a short WAL
  sqlite3_close(db);
}

void order_journal::checkpointer::checkpoint(sqlite3* db) {
  int log_pages = 0;
  int copied = 0;
  auto started = std::chrono::steady_clock::now();
  int rc = sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_pages, &copied);
  auto took = std::chrono::duration_cast<std::chrono::nanoseconds>(
                std::chrono::steady_clock::now() - started)
                .count();
  if ((rc != SQLITE_OK && rc != SQLITE_BUSY) || log_pages < 0) {
    ++counters_.failures;
    return;
  }
  ++counters_.runs;
  counters_.last_ns = took;
  if (took > counters_.max_ns)
    counters_.max_ns = took;
  if (copied > 0)
    counters_.pages_copied += copied;
}

void order_journal::start_checkpointer(checkpoint_mode mode) {
  if (mode == checkpoint_mode::in_commit)
    return;
  // The automatic checkpoint would still run in the commit: switch it off.
  sqlite3_wal_autocheckpoint(db_, 0);
  checkpointer_ = std::make_unique<checkpointer>(path_);
  sqlite3_wal_hook(db_, &checkpointer::on_commit, checkpointer_.get());
}

void order_journal::stop_checkpointer() {
  if (db_)
    sqlite3_wal_hook(db_, nullptr, nullptr);
  checkpointer_.reset();
}

const checkpoint_counters& order_journal::checkpoints() const {
  static const checkpoint_counters none;
  return checkpointer_ ? checkpointer_->counters() : none;
}

} // namespace cwts::oms
