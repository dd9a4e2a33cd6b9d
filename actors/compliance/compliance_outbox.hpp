#pragma once
// The compliance outbox (docs/kill-switch.md "Compliance channel"): a
// durable local queue of signed notifications delivered, in order, to one
// HTTP(S) endpoint by one worker thread, each retried until the receiver
// acknowledges it with a 2xx.
//
//   enqueue ──INSERT, commit (WAL, synchronous=FULL)──> pending   (returns after the commit)
//   worker:  oldest pending ──POST──> receiver
//              2xx                    -> delivered (ack time stored, never sent again)
//              anything else          -> failure counted by reason; wait
//                                        retry_delay(attempt) and POST it again
//   open():  every row not delivered is pending again (a restart resends it)
//
// Bounded: at most max_pending undelivered rows (enqueue refuses past it,
// counted, never blocks). A 2xx whose body is above max_answer_bytes is
// still an acknowledgement (the receiver stored it), counted as oversized_acks.
// CAF-free; the kill coordinator owns one through a shared_ptr.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "actors/connector/http_endpoint.hpp"

struct sqlite3;

namespace cwts::compliance {

using endpoint = connector::http_endpoint;
inline std::optional<endpoint> parse_endpoint(const std::string& url, std::string& error) {
  return connector::parse_http_endpoint(url, error);
}

struct outbox_config {
  std::string path; // the SQLite file
  endpoint to;
  std::string ca_file; // https: the CA that signed the receiver's certificate
  std::chrono::milliseconds request_timeout{2'000}; // connect + write + read
  std::chrono::milliseconds retry_min{200};
  std::chrono::milliseconds retry_max{30'000};
  int64_t max_pending = 10'000;
  size_t max_answer_bytes = 4'096;
};

// The wait before attempt `failures` + 1 after `failures` failed attempts
// in a row: retry_min doubled per failure, capped at retry_max.
std::chrono::milliseconds retry_delay(int64_t failures, std::chrono::milliseconds retry_min,
                                      std::chrono::milliseconds retry_max);

struct enqueue_result {
  bool ok = false;
  bool duplicate = false; // the key was enqueued before: kept once
  int64_t seq = 0;
  std::string error;
};

struct outbox_stats {
  int64_t enqueued = 0;     // since open
  int64_t duplicates = 0;   // enqueues of a key already there
  int64_t refused_full = 0; // enqueues refused at max_pending
  int64_t store_errors = 0; // SQLite failures (enqueue or marking delivered)
  int64_t delivered = 0;    // since open
  int64_t attempts = 0;     // POSTs since open
  std::map<std::string, int64_t> failures; // by reason
  int64_t pending = 0;
  int64_t oldest_pending_age_ns = 0; // 0 when none
  int64_t last_ack_latency_ns = 0;   // enqueue -> acknowledged, the last delivery
  int64_t max_ack_latency_ns = 0;
  int64_t oversized_acks = 0;    // 2xx with a body above max_answer_bytes (still acks)
  int64_t stale_connections = 0; // kept-alive connections dropped: an extra answer was waiting
};

// One delivery's verdict (the worker's POST, or a test's stand-in).
struct attempt_result {
  bool acknowledged = false;
  bool oversized = false; // acknowledged with a body above max_answer_bytes
  std::string reason; // failure class when not acknowledged
  std::string detail;
};

struct outbox_entry {
  int64_t seq = 0;
  std::string key;
  std::string body;
  std::string signature;
  std::string key_id;
  int64_t enqueued_ns = 0;
};

class outbox {
public:
  // Opens (creating) the file, counts what is pending and starts the worker.
  static std::shared_ptr<outbox> open(const outbox_config& cfg, std::string& error);
  ~outbox();
  outbox(const outbox&) = delete;
  outbox& operator=(const outbox&) = delete;

  // Durable (committed with synchronous=FULL) when it returns ok.
  enqueue_result enqueue(const std::string& key, const std::string& body,
                         const std::string& signature, const std::string& key_id);
  outbox_stats stats() const;
  const outbox_config& config() const { return cfg_; }

private:
  explicit outbox(outbox_config cfg);
  bool init(std::string& error);
  void run();
  std::optional<outbox_entry> oldest_pending();
  bool mark_delivered(int64_t seq, int64_t ack_ns);
  void count_failure(const attempt_result& r);

  outbox_config cfg_;
  mutable std::mutex mtx_;
  std::condition_variable wake_;
  sqlite3* db_ = nullptr;
  bool stop_ = false;
  outbox_stats stats_;
  int64_t oldest_pending_ns_ = 0; // enqueue time of the head; 0 when none
  int64_t failures_in_row_ = 0;
  std::thread worker_;
};

} // namespace cwts::compliance
