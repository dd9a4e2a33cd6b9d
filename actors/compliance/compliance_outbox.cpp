#include "actors/compliance/compliance_outbox.hpp"

#include <algorithm>

#include <sqlite3.h>
#include <spdlog/spdlog.h>

#include "actors/compliance/compliance_http.hpp"
#include "actors/compliance/compliance_notification.hpp"
#include "common/sqlite_statement.hpp"
#include "messages/time.hpp"

namespace cwts::compliance {

namespace {

// Failure classes kept apart in the stats; anything else is "other" (the
// map stays small whatever a receiver answers).
constexpr size_t max_failure_classes = 16;

using stmt = sqlite_statement; // common/sqlite_statement.hpp

} // namespace

std::chrono::milliseconds retry_delay(int64_t failures, std::chrono::milliseconds retry_min,
                                      std::chrono::milliseconds retry_max) {
  if (failures <= 0)
    return std::chrono::milliseconds{0};
  auto d = retry_min;
  // Doubling stops at the cap (and long before int64 overflows).
  for (int64_t i = 1; i < failures && d < retry_max; ++i)
    d *= 2;
  return std::min(d, retry_max);
}

outbox::outbox(outbox_config cfg) : cfg_(std::move(cfg)) {}

std::shared_ptr<outbox> outbox::open(const outbox_config& cfg, std::string& error) {
  std::shared_ptr<outbox> box(new outbox(cfg));
  if (!box->init(error))
    return nullptr;
  box->worker_ = std::thread([raw = box.get()] { raw->run(); });
  return box;
}

bool outbox::init(std::string& error) {
  if (sqlite3_open(cfg_.path.c_str(), &db_) != SQLITE_OK) {
    error = "cannot open '" + cfg_.path + "': " + (db_ ? sqlite3_errmsg(db_) : "out of memory");
    return false;
  }
  // WAL + synchronous=FULL: a committed enqueue survives a power loss, not
  // only a process crash.
  const char* schema = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                       "CREATE TABLE IF NOT EXISTS outbox ("
                       " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                       " key TEXT NOT NULL UNIQUE, body TEXT NOT NULL, signature TEXT NOT NULL,"
                       " key_id TEXT NOT NULL, enqueued_ns INTEGER NOT NULL,"
                       " delivered_ns INTEGER, attempts INTEGER NOT NULL DEFAULT 0,"
                       " last_error TEXT);"
                       "CREATE INDEX IF NOT EXISTS outbox_pending ON outbox(delivered_ns, seq);";
  char* msg = nullptr;
  if (sqlite3_exec(db_, schema, nullptr, nullptr, &msg) != SQLITE_OK) {
    error = "'" + cfg_.path + "': " + (msg ? msg : "schema not created");
    sqlite3_free(msg);
    return false;
  }
  stmt q(db_, "SELECT COUNT(*), MIN(enqueued_ns) FROM outbox WHERE delivered_ns IS NULL");
  if (!q || sqlite3_step(q.s) != SQLITE_ROW) {
    error = "'" + cfg_.path + "': " + sqlite3_errmsg(db_);
    return false;
  }
  stats_.pending = sqlite3_column_int64(q.s, 0);
  oldest_pending_ns_ = sqlite3_column_int64(q.s, 1);
  if (stats_.pending > 0)
    spdlog::warn("event=compliance_outbox_pending path={} pending={} action=resend",
                 cfg_.path, stats_.pending);
  return true;
}

outbox::~outbox() {
  {
    std::lock_guard<std::mutex> g(mtx_);
    stop_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable())
    worker_.join();
  sqlite3_close(db_);
}

enqueue_result outbox::enqueue(const std::string& key, const std::string& body,
                               const std::string& signature, const std::string& key_id) {
  enqueue_result r;
  // Both go out as header values: a CR or LF would inject a header.
  if (has_control_chars(key) || has_control_chars(key_id) || has_control_chars(signature)) {
    r.error = "compliance entry refused: a control character in its key, key id or signature";
    std::lock_guard<std::mutex> g(mtx_);
    ++stats_.store_errors;
    return r;
  }
  std::lock_guard<std::mutex> g(mtx_);
  {
    stmt seen(db_, "SELECT seq FROM outbox WHERE key = ?1");
    sqlite_bind_text(seen.s, 1, key);
    if (seen && sqlite3_step(seen.s) == SQLITE_ROW) {
      ++stats_.duplicates;
      r.ok = true;
      r.duplicate = true;
      r.seq = sqlite3_column_int64(seen.s, 0);
      return r;
    }
  }
  if (stats_.pending >= cfg_.max_pending) {
    ++stats_.refused_full;
    r.error = "compliance outbox full (" + std::to_string(stats_.pending)
              + " pending, max-pending " + std::to_string(cfg_.max_pending) + ")";
    return r;
  }
  auto now = wall_clock_now().ns;
  stmt ins(db_, "INSERT INTO outbox (key, body, signature, key_id, enqueued_ns)"
                " VALUES (?1, ?2, ?3, ?4, ?5)");
  if (ins) {
    sqlite_bind_text(ins.s, 1, key);
    sqlite_bind_text(ins.s, 2, body);
    sqlite_bind_text(ins.s, 3, signature);
    sqlite_bind_text(ins.s, 4, key_id);
    sqlite3_bind_int64(ins.s, 5, now);
  }
  if (!ins || sqlite3_step(ins.s) != SQLITE_DONE) {
    ++stats_.store_errors;
    r.error = std::string("compliance outbox not written: ") + sqlite3_errmsg(db_);
    return r;
  }
  r.ok = true;
  r.seq = sqlite3_last_insert_rowid(db_);
  ++stats_.enqueued;
  if (stats_.pending++ == 0)
    oldest_pending_ns_ = now;
  wake_.notify_all();
  return r;
}

outbox_stats outbox::stats() const {
  std::lock_guard<std::mutex> g(mtx_);
  auto s = stats_;
  s.oldest_pending_age_ns = s.pending > 0 && oldest_pending_ns_ > 0
                              ? std::max<int64_t>(0, wall_clock_now().ns - oldest_pending_ns_)
                              : 0;
  return s;
}

// Under mtx_.
std::optional<outbox_entry> outbox::oldest_pending() {
  stmt q(db_, "SELECT seq, key, body, signature, key_id, enqueued_ns FROM outbox"
              " WHERE delivered_ns IS NULL ORDER BY seq LIMIT 1");
  if (!q || sqlite3_step(q.s) != SQLITE_ROW)
    return std::nullopt;
  return outbox_entry{sqlite3_column_int64(q.s, 0), sqlite_column_text(q.s, 1),
                      sqlite_column_text(q.s, 2),       sqlite_column_text(q.s, 3),
                      sqlite_column_text(q.s, 4),       sqlite3_column_int64(q.s, 5)};
}

// Under mtx_. A row that cannot be marked stays pending and is sent again
// after the retry delay: the receiver dedupes by its idempotency key (at
// least once, never lost). False when the row could not be marked.
bool outbox::mark_delivered(int64_t seq, int64_t ack_ns) {
  stmt up(db_, "UPDATE outbox SET delivered_ns = ?1, attempts = attempts + 1 WHERE seq = ?2");
  if (up) {
    sqlite3_bind_int64(up.s, 1, ack_ns);
    sqlite3_bind_int64(up.s, 2, seq);
  }
  if (!up || sqlite3_step(up.s) != SQLITE_DONE) {
    ++stats_.store_errors;
    spdlog::error("event=compliance_outbox_store_failed seq={} error=\"{}\"", seq,
                  sqlite3_errmsg(db_));
    return false;
  }
  --stats_.pending;
  ++stats_.delivered;
  auto next = oldest_pending();
  oldest_pending_ns_ = next ? next->enqueued_ns : 0;
  return true;
}

// Under mtx_.
void outbox::count_failure(const attempt_result& r) {
  auto cls = r.reason;
  if (!stats_.failures.count(cls) && stats_.failures.size() >= max_failure_classes)
    cls = "other";
  ++stats_.failures[cls];
}

void outbox::run() {
  http_poster poster(cfg_);
  std::unique_lock<std::mutex> g(mtx_);
  while (!stop_) {
    auto entry = oldest_pending();
    if (!entry && stats_.pending > 0) {
      // Rows are pending but cannot be read (the file failed): try again
      // later rather than spin.
      ++stats_.store_errors;
      spdlog::error("event=compliance_outbox_store_failed error=\"{}\"", sqlite3_errmsg(db_));
      wake_.wait_for(g, cfg_.retry_max, [&] { return stop_; });
      continue;
    }
    if (!entry) {
      wake_.wait(g, [&] { return stop_ || stats_.pending > 0; });
      continue;
    }
    ++stats_.attempts;
    // The POST runs unlocked: enqueue (the kill's path) never waits for it.
    g.unlock();
    auto result = poster.post(*entry);
    auto ack_ns = wall_clock_now().ns;
    g.lock();
    stats_.stale_connections = poster.stale_connections();
    if (result.acknowledged && !mark_delivered(entry->seq, ack_ns)) {
      // Acknowledged but not marked (e.g. a full disk): the row is POSTed
      // again, after the same backoff as any failure, never in a hot loop.
      result.acknowledged = false;
      result.reason = "store_failed";
      result.detail = "acknowledged but not marked delivered";
    }
    if (result.acknowledged) {
      failures_in_row_ = 0;
      if (result.oversized)
        ++stats_.oversized_acks;
      stats_.last_ack_latency_ns = ack_ns - entry->enqueued_ns;
      stats_.max_ack_latency_ns = std::max(stats_.max_ack_latency_ns, stats_.last_ack_latency_ns);
      spdlog::info("event=compliance_delivered seq={} key={} ack_ms={:.3f}", entry->seq,
                   entry->key, stats_.last_ack_latency_ns / 1e6);
      continue;
    }
    count_failure(result);
    ++failures_in_row_;
    stmt up(db_, "UPDATE outbox SET attempts = attempts + 1, last_error = ?1 WHERE seq = ?2");
    if (up) {
      sqlite_bind_text(up.s, 1, result.reason + ": " + result.detail);
      sqlite3_bind_int64(up.s, 2, entry->seq);
      sqlite3_step(up.s);
    }
    auto delay = retry_delay(failures_in_row_, cfg_.retry_min, cfg_.retry_max);
    spdlog::warn("event=compliance_delivery_failed seq={} key={} reason={} detail=\"{}\" "
                 "retry_in_ms={}",
                 entry->seq, entry->key, result.reason, result.detail, delay.count());
    wake_.wait_for(g, delay, [&] { return stop_; });
  }
}

} // namespace cwts::compliance
